// Contract tests per API group: a few generated operations against @effect-docspace/testing's MockTransport, each
// asserting the method, path, query and body sent and the decoded result; and that 404/403/500 answers are the
// typed errors, never a success.
import * as Api from "@effect-docspace/resources/generated/index"
import * as MockTransport from "@effect-docspace/testing/MockTransport"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Support from "./generated-support.js"

const date = "2026-11-27T04:00:00.0000000+00:00"
const dateMillis = Date.UTC(2026, 10, 27, 4, 0, 0)

/** Runs `effect` against `routes`; gives its result and the requests sent. */
const run = <A, E>(routes: MockTransport.Routes, effect: Effect.Effect<A, E, any>) =>
  Effect.gen(function*() {
    const result = yield* effect
    const requests = yield* MockTransport.requests
    return { result, requests }
  }).pipe(Effect.provide(Support.layer(routes)))

/** Runs `effect` against one route answering `status`; gives the failure's tag. */
const failureTag = <A, E extends { readonly _tag: string }>(
  route: string,
  status: number,
  effect: Effect.Effect<A, E, any>
) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(effect)
    return error._tag
  }).pipe(Effect.provide(Support.layer({ [route]: MockTransport.error(status, `HTTP ${status} from the test`) })))

const sent = (requests: ReadonlyArray<MockTransport.RecordedRequest>) => {
  expect(requests).toHaveLength(1)
  const request = requests[0]!
  const url = new URL(request.url)
  return { method: request.method, path: url.pathname, query: url.searchParams, json: request.json(), request }
}

const folder = { id: 5, title: "Reports", created: date, rootFolderType: 5, fileEntryType: 1 }
const file = { id: 9, title: "a.docx", created: date, fileEntryType: 2, fileType: 7 }

describe("Ai", () => {
  it.effect("getAgentInfo: GET the agent by id, dates decoded", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "GET /api/2.0/ai/agents/{id}": MockTransport.json(folder) },
        Api.Ai.getAgentInfo({ id: 5 })
      )
      expect(sent(requests)).toMatchObject({ method: "GET", path: "/api/2.0/ai/agents/5" })
      expect(result.id).toBe(5)
      expect(result.created?.getTime()).toBe(dateMillis)
    }))
  it.effect("getAgents: query parameters, a folder content with folders and files", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "GET /api/2.0/ai/agents": MockTransport.json({ folders: [folder], files: [], total: 1, count: 1 }) },
        Api.Ai.getAgents({ filterValue: "bot", count: 10, startIndex: 0 })
      )
      const { query } = sent(requests)
      expect([query.get("filterValue"), query.get("count"), query.get("startIndex")]).toEqual(["bot", "10", "0"])
      expect(result.folders?.[0]?.title).toBe("Reports")
    }))
  it.effect("404 is NotFound", () =>
    Effect.map(
      failureTag("GET /api/2.0/ai/agents/{id}", 404, Api.Ai.getAgentInfo({ id: 1 })),
      (tag) => expect(tag).toBe("NotFound")
    ))
})

describe("ApiKeys", () => {
  it.effect("getApiKeys / deleteApiKey", () =>
    Effect.gen(function*() {
      const list = yield* run(
        { "GET /api/2.0/keys": MockTransport.json([{ id: "k1", isActive: true, name: "ci", expiresAt: date }]) },
        Api.ApiKeys.getApiKeys()
      )
      expect(sent(list.requests)).toMatchObject({ method: "GET", path: "/api/2.0/keys" })
      expect(list.result[0]).toMatchObject({ id: "k1", isActive: true, name: "ci" })
      expect(list.result[0]!.expiresAt).toBeInstanceOf(Date)
      const deleted = yield* run(
        { "DELETE /api/2.0/keys/{keyId}": MockTransport.json(true) },
        Api.ApiKeys.deleteApiKey({ keyId: "k1" })
      )
      expect(sent(deleted.requests)).toMatchObject({ method: "DELETE", path: "/api/2.0/keys/k1" })
      expect(deleted.result).toBe(true)
    }))
  it.effect("403 is Forbidden", () =>
    Effect.map(failureTag("GET /api/2.0/keys", 403, Api.ApiKeys.getApiKeys()), (tag) => expect(tag).toBe("Forbidden")))
})

describe("Authentication", () => {
  it.effect("authenticateMe: POSTs the credentials as JSON, decodes the token and its expiry", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "POST /api/2.0/authentication": MockTransport.json({ token: "t0k", expires: date }) },
        Api.Authentication.authenticateMe({ body: { userName: "ada@example.com", password: "pw" } })
      )
      const { method, json, request } = sent(requests)
      expect(method).toBe("POST")
      expect(json).toEqual({ userName: "ada@example.com", password: "pw" })
      expect(request.headers["content-type"]).toContain("application/json")
      expect(result.token).toBe("t0k")
      expect(result.expires?.getTime()).toBe(dateMillis)
    }))
  it.effect("500 is ServerError", () =>
    Effect.map(
      failureTag("GET /api/2.0/authentication", 500, Api.Authentication.getIsAuthentificated()),
      (tag) => expect(tag).toBe("ServerError")
    ))
})

describe("Backup", () => {
  it.effect("getBackupSchedule sends Dump as given; cancelBackup POSTs", () =>
    Effect.gen(function*() {
      const schedule = yield* run(
        {
          "GET /api/2.0/backup/getbackupschedule": MockTransport.json({
            storageType: 4,
            cronParams: { period: 0, hour: 3, day: 1 },
            lastBackupTime: date,
            dump: true
          })
        },
        Api.Backup.getBackupSchedule({ Dump: true })
      )
      expect(sent(schedule.requests).query.get("Dump")).toBe("true")
      expect(schedule.result.lastBackupTime.getTime()).toBe(dateMillis)
      const cancelled = yield* run(
        { "POST /api/2.0/backup/cancelbackup": MockTransport.json(true) },
        Api.Backup.cancelBackup()
      )
      expect(sent(cancelled.requests).method).toBe("POST")
    }))
})

describe("FileOperations", () => {
  it.effect("copyBatchItems: PUT the batch, decode FileOperationDto.Operation (capital O)", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        {
          "PUT /api/2.0/files/fileops/copy": MockTransport.json([
            { id: "op1", Operation: 1, progress: 100, finished: true, error: null }
          ])
        },
        Api.FileOperations.copyBatchItems({ body: { fileIds: [1, "x2"], destFolderId: 2, deleteAfter: false } })
      )
      const { method, path, json } = sent(requests)
      expect([method, path]).toEqual(["PUT", "/api/2.0/files/fileops/copy"])
      expect(json).toEqual({ fileIds: [1, "x2"], destFolderId: 2, deleteAfter: false })
      expect(result[0]).toMatchObject({ id: "op1", Operation: Api.Schemas.FileOperationType.Copy, finished: true })
      expect(result[0]).not.toHaveProperty("error")
    }))
  it.effect("checkConversionStatus: path and query", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(
        { "GET /api/2.0/files/file/{fileId}/checkconversion": MockTransport.json([]) },
        Api.FileOperations.checkConversionStatus({ fileId: 3, start: true })
      )
      const { path, query } = sent(requests)
      expect([path, query.get("start")]).toEqual(["/api/2.0/files/file/3/checkconversion", "true"])
    }))
})

describe("Files", () => {
  it.effect("getFileInfo decodes the file; unknown enum numbers are kept; extra fields ignored", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "GET /api/2.0/files/file/{fileId}": MockTransport.json({ ...file, fileType: 99, brandNewField: { x: 1 } }) },
        Api.Files.getFileInfo({ fileId: 9 })
      )
      expect(sent(requests).path).toBe("/api/2.0/files/file/9")
      expect(result).toMatchObject({ id: 9, title: "a.docx", fileType: 99 })
      expect(result).not.toHaveProperty("brandNewField")
    }))
  it.effect("a wrong field type is a DecodeError naming the field path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Api.Files.getFileInfo({ fileId: 9 }).pipe(
          Effect.provide(
            Support.layer({ "GET /api/2.0/files/file/{fileId}": MockTransport.json({ ...file, title: 42 }) })
          )
        )
      )
      expect(error._tag).toBe("DecodeError")
      expect(error._tag === "DecodeError" ? error.path : "").toBe("response.title")
    }))
})

describe("FilesSettings", () => {
  it.effect("getDocServiceUrl", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        {
          "GET /api/2.0/files/docservice": MockTransport.json({
            docServiceUrl: "https://ds.example.com/",
            docServiceSslVerification: true,
            isDefault: false
          })
        },
        Api.FilesSettings.getDocServiceUrl({ version: true })
      )
      expect(sent(requests).query.get("version")).toBe("true")
      expect(result.docServiceUrl).toBe("https://ds.example.com/")
    }))
})

describe("Folders", () => {
  it.effect("createFolder: POST with the title, 404 is NotFound", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "POST /api/2.0/files/folder/{folderId}": MockTransport.json(folder) },
        Api.Folders.createFolder({ folderId: 1, body: { title: "Reports" } })
      )
      expect(sent(requests)).toMatchObject({
        method: "POST",
        path: "/api/2.0/files/folder/1",
        json: { title: "Reports" }
      })
      expect(result.title).toBe("Reports")
      expect(yield* failureTag("GET /api/2.0/files/folder/{folderId}", 404, Api.Folders.getFolderInfo({ folderId: 1 })))
        .toBe("NotFound")
    }))
  it.effect("getFolderByFolderIdStream pages folders then files until the response's total", () =>
    Effect.gen(function*() {
      const all = [folder, { ...folder, id: 6 }, file, { ...file, id: 10 }, { ...file, id: 11 }]
      const { result, requests } = yield* run(
        {
          "GET /api/2.0/files/{folderId}": (request) => {
            const start = Number(request.query.get("startIndex"))
            const count = Number(request.query.get("count"))
            const page = all.slice(start, start + count)
            return MockTransport.json({
              folders: page.filter((e) => e.fileEntryType === 1),
              files: page.filter((e) => e.fileEntryType === 2),
              total: all.length,
              count: page.length
            })
          }
        },
        Stream.runCollect(Api.Folders.getFolderByFolderIdStream({ folderId: 1, filterValue: "r" }, { pageSize: 2 }))
      )
      expect(Chunk.toReadonlyArray(result).map((e) => e.id)).toEqual([5, 6, 9, 10, 11])
      expect(requests.map((r) => new URL(r.url).searchParams.get("startIndex"))).toEqual(["0", "2", "4"])
      expect(requests.every((r) => new URL(r.url).searchParams.get("filterValue") === "r")).toBe(true)
    }))
  it.effect("uploadFile: multipart; a byte Stream is sent as it is read", () =>
    Effect.gen(function*() {
      const content = Stream.make(new TextEncoder().encode("hello "), new TextEncoder().encode("world"))
      const { result, requests } = yield* run(
        { "POST /api/2.0/files/{folderId}/upload": MockTransport.json([file]) },
        Api.Folders.uploadFile({
          folderId: 1,
          body: { File: { content, fileName: "a.txt", contentType: "text/plain" } }
        })
      )
      const { method, path, request } = sent(requests)
      expect([method, path]).toEqual(["POST", "/api/2.0/files/1/upload"])
      expect(request.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
      expect(request.body).toContain("name=\"File\"; filename=\"a.txt\"")
      expect(request.body).toContain("hello world")
      expect(result[0]?.id).toBe(9)
    }))
})

describe("Groups", () => {
  it.effect("getGroup with includeMembers; deleteGroup", () =>
    Effect.gen(function*() {
      const got = yield* run(
        {
          "GET /api/2.0/group/{id}": MockTransport.json({ id: "g1", name: "Ops", category: "c", isLDAP: false })
        },
        Api.Groups.getGroup({ id: "g1", includeMembers: true })
      )
      expect(sent(got.requests)).toMatchObject({ path: "/api/2.0/group/g1" })
      expect(sent(got.requests).query.get("includeMembers")).toBe("true")
      expect(got.result.name).toBe("Ops")
      const deleted = yield* run(
        { "DELETE /api/2.0/group/{id}": MockTransport.json({ statusCode: 204 }) },
        Api.Groups.deleteGroup({ id: "g1" })
      )
      expect(sent(deleted.requests).method).toBe("DELETE")
    }))
})

describe("Migration", () => {
  it.effect("listMigrations; cancelMigration (no content)", () =>
    Effect.gen(function*() {
      const list = yield* run(
        { "GET /api/2.0/migration/list": MockTransport.json(["GoogleWorkspace", "Nextcloud"]) },
        Api.Migration.listMigrations()
      )
      expect(list.result).toEqual(["GoogleWorkspace", "Nextcloud"])
      const cancel = yield* run(
        { "POST /api/2.0/migration/cancel": MockTransport.json(null) },
        Api.Migration.cancelMigration()
      )
      expect(sent(cancel.requests).method).toBe("POST")
    }))
})

describe("byte-stream answers", () => {
  it.effect("getMigrationLogs streams the log file; continueChat streams the SSE events", () =>
    Effect.gen(function*() {
      const logs = yield* run(
        { "GET /api/2.0/migration/logs": MockTransport.text(200, "line 1\nline 2\n") },
        Stream.runCollect(Stream.decodeText(Api.Migration.getMigrationLogs()))
      )
      expect(Chunk.join(logs.result, "")).toBe("line 1\nline 2\n")
      const chat = yield* run(
        {
          "POST /api/2.0/ai/chats/{chatId}/messages": MockTransport.raw({
            status: 200,
            headers: { "content-type": "text/event-stream" },
            body: "event: message\ndata: {\"text\":\"hi\"}\n\n"
          })
        },
        Stream.runCollect(Stream.decodeText(Api.Ai.continueChat({ chatId: "c1", body: { message: "hello" } })))
      )
      expect(Chunk.join(chat.result, "")).toContain("data: {\"text\":\"hi\"}")
      expect(sent(chat.requests)).toMatchObject({ method: "POST", json: { message: "hello" } })
    }))
  it.effect("a 403 before the stream starts is Forbidden", () =>
    Effect.map(
      failureTag("GET /api/2.0/migration/logs", 403, Stream.runDrain(Api.Migration.getMigrationLogs())),
      (tag) => expect(tag).toBe("Forbidden")
    ))
})

describe("OAuth2", () => {
  it.effect("getClient reads bare JSON (no envelope) and sends the x-signature cookie; exchangeToken posts a form", () =>
    Effect.gen(function*() {
      const client = yield* run(
        {
          "GET /api/2.0/clients/{clientId}": MockTransport.raw({
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ client_id: "c1", name: "App", enabled: true })
          })
        },
        Api.OAuth2.getClient({ clientId: "c1", xSignature: Redacted.make("sig.jwt") })
      )
      // the recorded request redacts the cookie (generated-causes.test.ts checks the value sent)
      expect(sent(client.requests).request.headers["cookie"]).toBe("<redacted>")
      expect(client.result).toMatchObject({ client_id: "c1", name: "App", enabled: true })
      const token = yield* run(
        {
          "POST /oauth2/token": MockTransport.raw({
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ access_token: "at", token_type: "Bearer", expires_in: 3600 })
          })
        },
        Api.OAuth2.exchangeToken({ body: { grant_type: "authorization_code", code: "abc", client_id: "c1" } })
      )
      const { request } = sent(token.requests)
      expect(request.headers["content-type"]).toContain("application/x-www-form-urlencoded")
      expect(new URLSearchParams(request.body).get("code")).toBe("abc")
      expect(token.result.access_token).toBe("at")
    }))
})

describe("People", () => {
  it.effect("getSelfProfile; getProfileByEmail sends the email", () =>
    Effect.gen(function*() {
      const me = yield* run(
        { "GET /api/2.0/people/@self": MockTransport.json({ id: "u1", displayName: "Ada", status: 1 }) },
        Api.People.getSelfProfile()
      )
      expect(sent(me.requests).path).toBe("/api/2.0/people/@self")
      expect(me.result.displayName).toBe("Ada")
      const byEmail = yield* run(
        { "GET /api/2.0/people/email": MockTransport.json({ id: "u2", email: "bob@example.com" }) },
        Api.People.getProfileByEmail({ email: "bob@example.com" })
      )
      expect(sent(byEmail.requests).query.get("email")).toBe("bob@example.com")
    }))
  it.effect("getAllProfilesStream stops at the envelope's total", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        {
          "GET /api/2.0/people": (request) => {
            const start = Number(request.query.get("startIndex"))
            return MockTransport.json(start === 0 ? [{ id: "u1" }, { id: "u2" }] : [{ id: "u3" }, { id: "u4" }], {
              total: 3
            })
          }
        },
        Stream.runCollect(Api.People.getAllProfilesStream({}, { pageSize: 2 }))
      )
      expect(Chunk.toReadonlyArray(result).map((p) => p.id)).toEqual(["u1", "u2", "u3", "u4"])
      expect(requests).toHaveLength(2)
    }))
})

describe("Portal", () => {
  it.effect("getPortalPrices; 403 is Forbidden", () =>
    Effect.gen(function*() {
      const prices = yield* run(
        { "GET /api/2.0/portal/payment/prices": MockTransport.json({ USD: 10, EUR: 9 }) },
        Api.Portal.getPortalPrices()
      )
      expect(prices.result).toEqual({ USD: 10, EUR: 9 })
      expect(yield* failureTag("PUT /api/2.0/portal/payment/update", 403, Api.Portal.updatePayment({ body: {} })))
        .toBe("Forbidden")
    }))
})

describe("Rooms", () => {
  it.effect("getRoomsFolder repeats array query parameters", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "GET /api/2.0/files/rooms": MockTransport.json({ folders: [folder], files: [], total: 1 }) },
        Api.Rooms.getRoomsFolder({ type: [Api.Schemas.RoomType.CustomRoom, Api.Schemas.RoomType.PublicRoom], count: 5 })
      )
      const { query } = sent(requests)
      expect(query.getAll("type")).toEqual([
        String(Api.Schemas.RoomType.CustomRoom),
        String(Api.Schemas.RoomType.PublicRoom)
      ])
      expect(result.total).toBe(1)
    }))
  it.effect("500 is ServerError", () =>
    Effect.map(
      failureTag("GET /api/2.0/files/roomtemplate/{id}/public", 500, Api.Rooms.getPublicSettings({ id: 1 })),
      (tag) => expect(tag).toBe("ServerError")
    ))
})

describe("Security", () => {
  it.effect("logOutActiveConnection: PUT with the id", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "PUT /api/2.0/security/activeconnections/logout/{loginEventId}": MockTransport.json(true) },
        Api.Security.logOutActiveConnection({ loginEventId: 77 })
      )
      expect(sent(requests)).toMatchObject({ method: "PUT", path: "/api/2.0/security/activeconnections/logout/77" })
      expect(result).toBe(true)
    }))
})

describe("Settings", () => {
  it.effect("getTenantBannerSettings; 404 is NotFound", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        { "GET /api/2.0/settings/banner": MockTransport.json({ hidden: true, lastModified: date }) },
        Api.Settings.getTenantBannerSettings()
      )
      expect(result.hidden).toBe(true)
      expect(result.lastModified?.getTime()).toBe(dateMillis)
      expect(yield* failureTag("GET /api/2.0/settings", 404, Api.Settings.getPortalSettings())).toBe("NotFound")
    }))
})

describe("Sharing", () => {
  it.effect("getFileSecurityInfo: paging parameters pass through", () =>
    Effect.gen(function*() {
      const { requests } = yield* run(
        { "GET /api/2.0/files/file/{id}/share": MockTransport.json([]) },
        Api.Sharing.getFileSecurityInfo({ id: 9, count: 25, startIndex: 50 })
      )
      const { path, query } = sent(requests)
      expect([path, query.get("count"), query.get("startIndex")]).toEqual(["/api/2.0/files/file/9/share", "25", "50"])
    }))
})

describe("ThirdParty", () => {
  it.effect("deleteThirdParty: DELETE by provider id", () =>
    Effect.gen(function*() {
      const { result, requests } = yield* run(
        { "DELETE /api/2.0/files/thirdparty/{providerId}": MockTransport.json("ok") },
        Api.ThirdParty.deleteThirdParty({ providerId: 3 })
      )
      expect(sent(requests)).toMatchObject({ method: "DELETE", path: "/api/2.0/files/thirdparty/3" })
      expect(result).toBe("ok")
    }))
})

describe("Webhooks", () => {
  it.effect("removeWebhook; getWebhooksLogs sends dates as ISO strings", () =>
    Effect.gen(function*() {
      const removed = yield* run(
        { "DELETE /api/2.0/settings/webhook/{id}": MockTransport.json({ id: 4, name: "hook", enabled: false }) },
        Api.Webhooks.removeWebhook({ id: 4 })
      )
      expect(removed.result).toMatchObject({ id: 4, name: "hook" })
      const logs = yield* run(
        { "GET /api/2.0/settings/webhooks/log": MockTransport.json([]) },
        Api.Webhooks.getWebhooksLogs({ deliveryFrom: new Date(dateMillis) })
      )
      expect(sent(logs.requests).query.get("deliveryFrom")).toBe("2026-11-27T04:00:00.000Z")
    }))
})

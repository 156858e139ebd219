import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import type { Handler } from "../src/internal/handler.js"

// ---------------------------------------------------------------------------------------------------------------
// a tiny local client: FakeRequest in, status + headers + body out
// ---------------------------------------------------------------------------------------------------------------

interface Sent {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly bytes: Uint8Array
  readonly text: string
  readonly json: any
}

interface CallOptions {
  readonly json?: unknown
  readonly body?: Uint8Array | string
  readonly headers?: Record<string, string>
  /** An `Authorization` header value, or `false` for none. Default: the ready API key. */
  readonly auth?: string | false
}

const concat = (chunks: ReadonlyArray<Uint8Array>) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const multipart = (fileName: string, data: Uint8Array | string) => {
  const boundary = "----fake-boundary-1234"
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data
  const enc = new TextEncoder()
  const body = concat([
    enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        `Content-Type: application/octet-stream\r\n\r\n`
    ),
    bytes,
    enc.encode(`\r\n--${boundary}--\r\n`)
  ])
  return { body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }
}

const make = (options?: FakeDocSpace.Options) =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.makeHandler(options)
    const key = Redacted.value(fake.state.apiKey)
    const call = (method: string, path: string, o: CallOptions = {}) =>
      send(fake.handler, method, path, { ...o, auth: o.auth === undefined ? `Bearer ${key}` : o.auth })
    return { ...fake, call }
  })

const send = (handler: Handler, method: string, path: string, o: CallOptions) =>
  Effect.gen(function*() {
    const headers: Record<string, string> = { ...o.headers }
    if (o.auth !== false && o.auth !== undefined) headers["authorization"] = o.auth
    let body: Uint8Array = new Uint8Array(0)
    if (o.json !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(o.json))
      headers["content-type"] = "application/json"
    } else if (o.body !== undefined) {
      body = typeof o.body === "string" ? new TextEncoder().encode(o.body) : o.body
    }
    const url = new URL(path, "http://fake.test")
    const response = yield* Effect.orDie(handler({ method, url, headers, body }))
    const chunks = yield* Effect.orDie(Stream.runCollect(response.body))
    const bytes = concat(Chunk.toReadonlyArray(chunks))
    const text = new TextDecoder().decode(bytes)
    let json: any = undefined
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, bytes, text, json } satisfies Sent
  })

type Call = (method: string, path: string, o?: CallOptions) => Effect.Effect<Sent>

const upload = (call: Call) =>
(
  folder: number | string,
  name: string,
  content: string | Uint8Array
) =>
  Effect.map(call("POST", `/api/2.0/files/${folder}/upload`, multipart(name, content)), (r) => {
    expect(r.status).toBe(200)
    return r.json.response[0] as { id: number; title: string; version: number }
  })

// ---------------------------------------------------------------------------------------------------------------

describe("FakeDocSpace authentication", () => {
  it.effect("password login gives a token that works as Bearer, raw header and cookie", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const login = yield* call("POST", "/api/2.0/authentication", {
        auth: false,
        json: { userName: state.admin.email, password: Redacted.value(state.admin.password) }
      })
      expect(login.status).toBe(200)
      expect(login.json.status).toBe(0)
      expect(login.json.statusCode).toBe(200)
      expect(login.json.links).toEqual([])
      const token = login.json.response.token as string
      expect(login.json.response.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/)
      for (const auth of [`Bearer ${token}`, token]) {
        const me = yield* call("GET", "/api/2.0/people/@self", { auth })
        expect(me.status).toBe(200)
        expect(me.json.response.email).toBe("admin@example.com")
      }
      const byCookie = yield* call("GET", "/api/2.0/people/@self", {
        auth: false,
        headers: { cookie: `other=1; asc_auth_key=${token}` }
      })
      expect(byCookie.status).toBe(200)
    }))

  it.effect("wrong password, missing auth, unknown API key and bad Basic get 401 envelopes", () =>
    Effect.gen(function*() {
      const { call } = yield* make()
      const wrong = yield* call("POST", "/api/2.0/authentication", {
        auth: false,
        json: { userName: "admin@example.com", password: "nope" }
      })
      expect(wrong.status).toBe(401)
      expect(wrong.json).toMatchObject({ status: 1, statusCode: 401, error: { message: "User authentication failed" } })
      for (
        const auth of [
          false,
          `Bearer sk-${"0".repeat(64)}`,
          `Basic ${btoa("admin@example.com:bad")}`,
          "Bearer x"
        ] as const
      ) {
        const r = yield* call("GET", "/api/2.0/people/@self", { auth })
        expect(r.status).toBe(401)
        expect(r.json.error.message).toBe("Unauthorized")
      }
      const basic = yield* call("GET", "/api/2.0/people/@self", {
        auth: `Basic ${btoa("admin@example.com:admin-password")}`
      })
      expect(basic.status).toBe(200)
    }))

  it.effect("the default API key is sk- + 64 hex and seeded", () =>
    Effect.gen(function*() {
      const a = yield* FakeDocSpace.makeHandler({ seed: 7 })
      const b = yield* FakeDocSpace.makeHandler({ seed: 7 })
      expect(Redacted.value(a.state.apiKey)).toMatch(/^sk-[0-9a-f]{64}$/)
      expect(Redacted.value(a.state.apiKey)).toBe(Redacted.value(b.state.apiKey))
      expect(String(a.state.apiKey)).not.toContain("sk-")
    }))

  it.effect("2FA: login answers tfa: true; the code route reads the code from the body, not the path", () =>
    Effect.gen(function*() {
      const { call } = yield* make({ users: [{ email: "two@example.com", password: "pw", tfaCode: "123456" }] })
      const creds = { userName: "two@example.com", password: "pw" }
      const first = yield* call("POST", "/api/2.0/authentication", { auth: false, json: creds })
      expect(first.status).toBe(200)
      expect(first.json.response.tfa).toBe(true)
      expect(first.json.response.token).toBeUndefined()
      const bad = yield* call("POST", "/api/2.0/authentication/000000", {
        auth: false,
        json: { ...creds, code: "000000" }
      })
      expect(bad.status).toBe(401)
      // AuthWithCodeRequestsDto: the path segment is ignored, the body's code decides
      const pathOnly = yield* call("POST", "/api/2.0/authentication/123456", { auth: false, json: creds })
      expect(pathOnly.status).toBe(401)
      const good = yield* call("POST", "/api/2.0/authentication/x", { auth: false, json: { ...creds, code: "123456" } })
      expect(good.status).toBe(200)
      expect(good.json.response.token).toMatch(/^[0-9a-f]{64}$/)
    }))

  it.effect("tokens expire on the Clock and logout revokes them", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ tokenLifetimeMillis: 60_000 })
      const token = Redacted.value(yield* state.login())
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${token}` })).status).toBe(200)
      yield* TestClock.adjust("61 seconds")
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${token}` })).status).toBe(401)
      const other = Redacted.value(yield* state.login())
      // a Bearer header alone revokes nothing: the server reads only the asc_auth_key cookie
      const bearerOnly = yield* call("POST", "/api/2.0/authentication/logout", { auth: `Bearer ${other}` })
      expect(bearerOnly.status).toBe(200)
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${other}` })).status).toBe(200)
      const out = yield* call("POST", "/api/2.0/authentication/logout", {
        auth: false,
        headers: { cookie: `asc_auth_key=${other}` }
      })
      expect(out.status).toBe(200)
      // the server's null answer: no `response` at all
      expect(out.json).toMatchObject({ count: 0, status: 0, statusCode: 200 })
      expect("response" in out.json).toBe(false)
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${other}` })).status).toBe(401)
      const anon = yield* call("GET", "/api/2.0/authentication", { auth: false })
      expect(anon.json.response).toBe(false)
    }))
})

describe("FakeDocSpace people and groups", () => {
  it.effect("lists with count/startIndex/filterValue, gets by id, invites", () =>
    Effect.gen(function*() {
      const { call } = yield* make({
        users: [
          { email: "admin@example.com", password: "a", isAdmin: true },
          { email: "bob.smith@example.com", password: "b" },
          { email: "carol@example.com", password: "c" }
        ]
      })
      const page = yield* call("GET", "/api/2.0/people?count=2&startIndex=1")
      expect(page.json.total).toBe(3)
      expect(page.json.count).toBe(2)
      expect(page.json.response.map((u: any) => u.email)).toEqual(["bob.smith@example.com", "carol@example.com"])
      const filtered = yield* call("GET", "/api/2.0/people?filterValue=smith")
      expect(filtered.json.response).toHaveLength(1)
      expect(filtered.json.response[0].displayName).toBe("Bob Smith")
      const one = yield* call("GET", `/api/2.0/people/${filtered.json.response[0].id}`)
      expect(one.json.response.email).toBe("bob.smith@example.com")
      const missing = yield* call("GET", "/api/2.0/people/00000000-0000-0000-0000-00000000dead")
      expect(missing.status).toBe(404)
      const invited = yield* call("POST", "/api/2.0/people/invite", {
        json: { invitations: [{ email: "new@example.com", type: "User" }] }
      })
      expect(invited.status).toBe(200)
      expect(invited.json.response[0].displayName).toBe("New")
      const after = yield* call("GET", "/api/2.0/people?filterValue=new@")
      expect(after.json.response[0].activationStatus).toBe(2)
      const bad = yield* call("POST", "/api/2.0/people/invite", { json: { invitations: [{ email: "nope" }] } })
      expect(bad.status).toBe(400)
    }))

  it.effect("groups: create, list, get, missing", () =>
    Effect.gen(function*() {
      const { call } = yield* make()
      const me = (yield* call("GET", "/api/2.0/people/@self")).json.response
      const created = yield* call("POST", "/api/2.0/group", { json: { groupName: "Team", groupManager: me.id } })
      expect(created.json.response).toMatchObject({ name: "Team", membersCount: 1, isLDAP: false })
      const list = yield* call("GET", "/api/2.0/group")
      expect(list.json.response.map((g: any) => g.name)).toEqual(["Team"])
      const got = yield* call("GET", `/api/2.0/group/${created.json.response.id}`)
      expect(got.json.response.members[0].email).toBe("admin@example.com")
      expect((yield* call("GET", "/api/2.0/group/nope")).status).toBe(404)
      expect((yield* call("POST", "/api/2.0/group", { json: { groupName: "Team" } })).status).toBe(400)
    }))
})

describe("FakeDocSpace rooms, folders and files", () => {
  it.effect("rooms: create, list, get, archive and unarchive return FileOperationDto", () =>
    Effect.gen(function*() {
      const { call } = yield* make()
      const room = yield* call("POST", "/api/2.0/files/rooms", { json: { title: "Projects", roomType: 2 } })
      expect(room.json.response).toMatchObject({ title: "Projects", roomType: 2, type: 16, rootFolderType: 14 })
      const named = yield* call("POST", "/api/2.0/files/rooms", { json: { title: "Custom", roomType: "CustomRoom" } })
      expect(named.json.response.roomType).toBe(5)
      expect((yield* call("POST", "/api/2.0/files/rooms", { json: { title: "X", roomType: 3 } })).status).toBe(400)
      const id = room.json.response.id
      const list = yield* call("GET", "/api/2.0/files/rooms")
      expect(list.json.response.total).toBe(2)
      const archived = yield* call("PUT", `/api/2.0/files/rooms/${id}/archive`, { json: {} })
      expect(archived.json.response).toMatchObject({ Operation: 0, finished: true, progress: 100 })
      expect((yield* call("GET", `/api/2.0/files/rooms/${id}`)).json.response.rootFolderType).toBe(20)
      expect((yield* call("GET", "/api/2.0/files/rooms?searchArea=Archive")).json.response.total).toBe(1)
      yield* call("PUT", `/api/2.0/files/rooms/${id}/unarchive`, { json: {} })
      expect((yield* call("GET", "/api/2.0/files/rooms")).json.response.total).toBe(2)
      expect((yield* call("GET", "/api/2.0/files/rooms/999999")).status).toBe(404)
    }))

  it.effect("rooms: searchArea is Active 0, Archive 1, Any 2 (numbers or names); repeated type filters by all", () =>
    Effect.gen(function*() {
      const { call } = yield* make()
      yield* call("POST", "/api/2.0/files/rooms", { json: { title: "custom", roomType: "CustomRoom" } })
      yield* call("POST", "/api/2.0/files/rooms", { json: { title: "editing", roomType: "EditingRoom" } })
      const pub = (yield* call("POST", "/api/2.0/files/rooms", { json: { title: "public", roomType: "PublicRoom" } }))
        .json.response.id
      yield* call("PUT", `/api/2.0/files/rooms/${pub}/archive`, { json: {} })
      const titles = (query: string) =>
        call("GET", `/api/2.0/files/rooms${query}`).pipe(
          Effect.map((r) => r.json.response.folders.map((f: any) => f.title).sort())
        )
      expect(yield* titles("")).toEqual(["custom", "editing"])
      expect(yield* titles("?searchArea=0")).toEqual(["custom", "editing"])
      expect(yield* titles("?searchArea=Active")).toEqual(["custom", "editing"])
      expect(yield* titles("?searchArea=1")).toEqual(["public"])
      expect(yield* titles("?searchArea=archive")).toEqual(["public"])
      expect(yield* titles("?searchArea=2")).toEqual(["custom", "editing", "public"])
      expect(yield* titles("?searchArea=Any")).toEqual(["custom", "editing", "public"])
      expect(yield* titles("?searchArea=2&type=PublicRoom&type=CustomRoom")).toEqual(["custom", "public"])
      expect(yield* titles("?searchArea=2&type=6&type=2")).toEqual(["editing", "public"])
      expect(yield* titles("?type=EditingRoom")).toEqual(["editing"])
      expect((yield* call("GET", "/api/2.0/files/rooms?searchArea=Everywhere")).status).toBe(400)
      expect((yield* call("GET", "/api/2.0/files/rooms?type=NoSuchRoom")).status).toBe(400)
    }))

  it.effect("folder content: sortOrder 0/1 and the names Ascending/Descending", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const myId = yield* state.myFolderId()
      for (const t of ["b.txt", "a.txt", "c.txt"]) yield* state.seedFile({ folderId: myId, title: t, content: "x" })
      const titles = (order: string) =>
        call("GET", `/api/2.0/files/${myId}?sortBy=AZ&sortOrder=${order}`).pipe(
          Effect.map((r) => r.json.response.files.map((f: any) => f.title))
        )
      for (const asc of ["0", "Ascending", "ascending"]) expect(yield* titles(asc)).toEqual(["a.txt", "b.txt", "c.txt"])
      for (const desc of ["1", "Descending", "descending"]) {
        expect(yield* titles(desc)).toEqual(["c.txt", "b.txt", "a.txt"])
      }
      expect((yield* call("GET", `/api/2.0/files/${myId}?sortOrder=sideways`)).status).toBe(400)
    }))

  it.effect("folders: @my, create, list with filters/sort/paging, rename, delete into trash", () =>
    Effect.gen(function*() {
      const { call } = yield* make({ fileOperationMillis: 1000 })
      const my = yield* call("GET", "/api/2.0/files/@my")
      const myId = my.json.response.current.id
      expect(my.json.response).toMatchObject({ total: 0, startIndex: 0, files: [], folders: [] })
      const sub = yield* call("POST", `/api/2.0/files/folder/${myId}`, { json: { title: "Sub" } })
      expect(sub.json.response).toMatchObject({ title: "Sub", parentId: myId, fileEntryType: 1 })
      const put = upload(call)
      yield* put(myId, "b.docx", "bb")
      yield* TestClock.adjust("1 second")
      yield* put(myId, "a.xlsx", "a")
      yield* put(myId, "c.png", "ccc")
      const all = yield* call("GET", `/api/2.0/files/${myId}`)
      expect(all.json.response.total).toBe(4)
      expect(all.json.response.folders.map((f: any) => f.title)).toEqual(["Sub"])
      const az = yield* call("GET", `/api/2.0/files/${myId}?filterType=FilesOnly&sortBy=AZ&sortOrder=ascending`)
      expect(az.json.response.files.map((f: any) => f.title)).toEqual(["a.xlsx", "b.docx", "c.png"])
      const docs = yield* call("GET", `/api/2.0/files/${myId}?filterType=3`)
      expect(docs.json.response.files.map((f: any) => f.title)).toEqual(["b.docx"])
      const search = yield* call("GET", `/api/2.0/files/${myId}?filterValue=png`)
      expect(search.json.response.total).toBe(1)
      const paged = yield* call("GET", `/api/2.0/files/${myId}?sortBy=AZ&sortOrder=ascending&count=2&startIndex=1`)
      expect(paged.json.response).toMatchObject({ startIndex: 1, count: 2, total: 4 })
      expect(paged.json.response.pathParts[0]).toMatchObject({ id: myId, title: "My documents" })
      const renamed = yield* call("PUT", `/api/2.0/files/folder/${sub.json.response.id}`, {
        json: { title: "Renamed" }
      })
      expect(renamed.json.response.title).toBe("Renamed")
      const info = yield* call("GET", `/api/2.0/files/folder/${sub.json.response.id}`)
      expect(info.json.response.title).toBe("Renamed")
      const del = yield* call("DELETE", `/api/2.0/files/folder/${sub.json.response.id}`, { json: {} })
      expect(del.json.response[0]).toMatchObject({ Operation: 2, finished: false })
      yield* TestClock.adjust("1 second")
      const trash = yield* call("GET", "/api/2.0/files/@trash")
      expect(trash.json.response.folders.map((f: any) => f.title)).toEqual(["Renamed"])
      expect((yield* call("GET", "/api/2.0/files/123456")).status).toBe(404)
      expect((yield* call("GET", "/api/2.0/files/folder/abc")).status).toBe(404)
      expect((yield* call("POST", `/api/2.0/files/folder/${myId}`, { json: {} })).status).toBe(400)
    }))

  it.effect("files: info, rename keeps the extension, versions, delete, empty trash", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 0 })
      const myId = yield* state.myFolderId()
      const put = upload(call)
      const f = yield* put(myId, "report.docx", "v1")
      const again = yield* put(myId, "report.docx", "version 2")
      expect(again.id).toBe(f.id)
      expect(again.version).toBe(2)
      const info = yield* call("GET", `/api/2.0/files/file/${f.id}`)
      expect(info.json.response).toMatchObject({ title: "report.docx", version: 2, pureContentLength: 9, fileType: 7 })
      expect(info.json.response.created).toMatch(/\.\d{7}\+00:00$/)
      const history = yield* call("GET", `/api/2.0/files/file/${f.id}/history`)
      expect(history.json.response.map((v: any) => v.version)).toEqual([2, 1])
      const v1 = yield* call("GET", `/api/2.0/files/file/${f.id}?version=1`)
      expect(v1.json.response.pureContentLength).toBe(2)
      const renamed = yield* call("PUT", `/api/2.0/files/file/${f.id}`, { json: { title: "final" } })
      expect(renamed.json.response.title).toBe("final.docx")
      const sameName = yield* put(myId, "FINAL.docx", "v3") // titles match case-insensitively: a new version
      expect(sameName).toMatchObject({ id: f.id, version: 3 })
      expect((yield* put(myId, "report.docx", "new")).id).not.toBe(f.id)
      expect((yield* call("GET", "/api/2.0/files/file/999")).json.error.message).toBe("The required file was not found")
      yield* call("DELETE", `/api/2.0/files/file/${f.id}`, { json: {} })
      const trash = yield* call("GET", "/api/2.0/files/@trash")
      expect(trash.json.response.files.map((x: any) => x.id)).toEqual([f.id])
      expect(yield* state.storedBytes).toBe(16)
      const empty = yield* call("PUT", "/api/2.0/files/fileops/emptytrash")
      expect(empty.json.response[0].Operation).toBe(2)
      expect((yield* call("GET", "/api/2.0/files/@trash")).json.response.total).toBe(0)
      expect(yield* state.storedBytes).toBe(3)
    }))

  it.effect("favorites and recent", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const myId = yield* state.myFolderId()
      const f = yield* upload(call)(myId, "fav.txt", "x")
      expect((yield* call("POST", "/api/2.0/files/favorites", { json: { fileIds: [f.id] } })).json.response).toBe(true)
      const favs = yield* call("GET", "/api/2.0/files/@favorites")
      expect(favs.json.response.files[0]).toMatchObject({ id: f.id, isFavorite: true })
      yield* call("DELETE", "/api/2.0/files/favorites", { json: { fileIds: [f.id] } })
      expect((yield* call("GET", "/api/2.0/files/@favorites")).json.response.total).toBe(0)
      const recent = yield* call("GET", "/api/2.0/files/recent")
      expect(recent.json.response.files.map((x: any) => x.id)).toEqual([f.id])
    }))
})

describe("FakeDocSpace uploads", () => {
  const chunkSize = 4
  const postChunk = (call: any, location: string, data: string, extra = "") => {
    const url = new URL(location)
    return call("POST", `${url.pathname}${url.search}${extra}`, multipart("blob", data)) as Effect.Effect<Sent>
  }

  it.effect("create_session + location: ordered chunks, the last answers 201 with the file", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ chunkUploadSize: chunkSize })
      const settings = yield* call("GET", "/api/2.0/files/settings")
      expect(settings.json.response.chunkUploadSize).toBe(chunkSize)
      const myId = yield* state.myFolderId()
      const created = yield* call("POST", `/api/2.0/files/${myId}/upload/create_session`, {
        json: { fileName: "big.bin", fileSize: 10 }
      })
      expect(created.json.response.success).toBe(true)
      const data = created.json.response.data
      expect(data).toMatchObject({ bytes_uploaded: 0, bytes_total: 10, path: [myId] })
      expect(data.location).toMatch(/^http:\/\/fake\.test\/ChunkedUploader\.ashx\?uid=[0-9a-f]{32}$/)
      const c1 = yield* postChunk(call, data.location, "0123")
      expect(c1.status).toBe(200)
      expect(c1.json).toMatchObject({ success: true, data: { bytes_uploaded: 4 } })
      yield* postChunk(call, data.location, "4567")
      const last = yield* postChunk(call, data.location, "89")
      expect(last.status).toBe(201)
      expect(last.json).toMatchObject({
        success: true,
        data: { title: "big.bin", uploaded: true, file: { title: "big.bin" } }
      })
      const content = yield* state.fileContent(last.json.data.id)
      expect(new TextDecoder().decode(Option.getOrThrow(content))).toBe("0123456789")
    }))

  it.effect("location chunks are counted as the server counts them: errors are HTTP 200 with success: false", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ chunkUploadSize: chunkSize })
      const myId = yield* state.myFolderId()
      const open = (size: number) =>
        Effect.map(
          call("POST", `/api/2.0/files/${myId}/upload/create_session`, { json: { fileName: "x.bin", fileSize: size } }),
          (r) => r.json.response.data.location as string
        )
      // chunks smaller than the server's: it expects ceil(10 / 4) = 3 chunks and never finishes
      const small = yield* open(10)
      for (const part of ["01", "23", "45", "67", "89"]) {
        const reply = yield* postChunk(call, small, part)
        expect(reply.status).toBe(200)
        expect(reply.json).toMatchObject({ success: true, data: { bytes_total: 10 } })
      }
      // a file smaller than the server's chunk is stored from its first chunk: a shorter chunk truncates it
      const truncated = yield* postChunk(call, yield* open(3), "01")
      expect(truncated.status).toBe(201)
      expect(truncated.json.data.file.pureContentLength).toBe(2)
      // a chunkNumber without upload=true is not read: the chunk is the next one
      const loc2 = yield* open(6)
      expect((yield* postChunk(call, loc2, "0123", "&chunkNumber=2")).status).toBe(200)
      expect((yield* postChunk(call, loc2, "45")).status).toBe(201)
      const tooBig = yield* postChunk(call, yield* open(10), "012345")
      expect(tooBig.json.success).toBe(false)
      const unknown = yield* call("POST", "/ChunkedUploader.ashx?uid=nope", multipart("b", "0"))
      expect(unknown.json.success).toBe(false)
      // both are x.bin: the second is a new version of the first
      expect((yield* state.files).map((f) => f.size)).toEqual([6])
    }))

  it.effect("the session routes have no @my alias: 404, as on the server", () =>
    Effect.gen(function*() {
      const { call } = yield* make({ chunkUploadSize: chunkSize })
      for (const path of ["/api/2.0/files/@my/upload/create_session", "/api/2.0/files/@my/session"]) {
        const reply = yield* call("POST", path, { json: { fileName: "x.bin", fileSize: 3 } })
        expect(reply.status).toBe(404)
        expect(reply.json.error.message).toBe("The required folder was not found")
      }
    }))

  it.effect("3.7 REST sessions: numbered chunks in any order, finalize, missing chunk, abort", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ chunkUploadSize: chunkSize })
      const myId = yield* state.myFolderId()
      const open = yield* call("POST", `/api/2.0/files/${myId}/session`, { json: { fileName: "n.bin", fileSize: 8 } })
      const id = open.json.response.id
      expect(open.json.response.bytes_total).toBe(8)
      const base = `/api/2.0/files/${myId}/session/${id}`
      expect((yield* call("POST", `${base}/upload?chunkNumber=2`, multipart("b", "4567"))).status).toBe(200)
      const early = yield* call("PUT", `${base}/finalize`)
      expect(early.status).toBe(400)
      expect(early.json.error.message).toBe("uploadSize != bytesTotal")
      yield* call("POST", `${base}/upload?chunkNumber=1`, multipart("b", "0123"))
      const done = yield* call("PUT", `${base}/finalize`)
      expect(done.status).toBe(201)
      expect(done.json.response).toMatchObject({ title: "n.bin", uploaded: true })
      const bytes = yield* state.fileContent(done.json.response.id)
      expect(new TextDecoder().decode(Option.getOrThrow(bytes))).toBe("01234567")
      // sequential session: completes by itself
      const seq = yield* call("POST", `/api/2.0/files/${myId}/session`, { json: { fileName: "s.bin", fileSize: 3 } })
      const one = yield* call("POST", `/api/2.0/files/${myId}/session/${seq.json.response.id}`, multipart("b", "abc"))
      expect(one.status).toBe(201)
      expect(one.json.response.file.pureContentLength).toBe(3)
      // abort, then a second abort fails
      const ab = yield* call("POST", `/api/2.0/files/${myId}/session`, { json: { fileName: "a.bin", fileSize: 3 } })
      const abortPath = `/api/2.0/files/${myId}/session/${ab.json.response.id}`
      expect((yield* call("DELETE", abortPath)).status).toBe(200)
      expect((yield* call("DELETE", abortPath)).status).toBe(400)
    }))

  it.effect("upload sessions expire on the Clock and belong to the user who opened them", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({
        chunkUploadSize: chunkSize,
        uploadSessionLifetimeMillis: 60_000,
        users: [{ email: "a@example.com", password: "a" }, { email: "b@example.com", password: "b" }]
      })
      const myId = yield* state.myFolderId()
      const created = yield* call("POST", `/api/2.0/files/${myId}/upload/create_session`, {
        json: { fileName: "e.bin", fileSize: 8 }
      })
      const location = created.json.response.data.location as string
      const other = `Bearer ${Redacted.value(yield* state.login("b@example.com"))}`
      const url = new URL(location)
      const stolen = yield* call("POST", `${url.pathname}${url.search}`, { ...multipart("b", "0123"), auth: other })
      expect(stolen.json.success).toBe(false)
      expect((yield* postChunk(call, location, "0123")).json.success).toBe(true)
      yield* TestClock.adjust("59 seconds") // each chunk slides the expiry
      expect((yield* postChunk(call, location, "4567")).status).toBe(201)
      const late = yield* call("POST", `/api/2.0/files/${myId}/upload/create_session`, {
        json: { fileName: "l.bin", fileSize: 8 }
      })
      yield* TestClock.adjust("61 seconds")
      const expired = yield* postChunk(call, late.json.response.data.location, "0123")
      expect(expired.json).toEqual({
        success: false,
        message: "Not authorized or session with specified upload id already expired"
      })
    }))

  it.effect("simple multipart upload and its errors", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const myId = yield* state.myFolderId()
      const r = yield* call("POST", "/api/2.0/files/@my/upload", multipart("one.txt", "hello"))
      expect(r.json.response[0]).toMatchObject({ title: "one.txt", folderId: myId, pureContentLength: 5 })
      const none = yield* call("POST", `/api/2.0/files/${myId}/upload`, { body: "not multipart" })
      expect(none.status).toBe(400)
      const rooms = yield* call("GET", "/api/2.0/files/rooms")
      const root = rooms.json.response.current.id
      expect((yield* call("POST", `/api/2.0/files/${root}/upload`, multipart("x.txt", "x"))).status).toBe(403)
    }))

  it.effect("simple multipart upload accepts an empty file; a chunked session refuses an empty chunk", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const myId = yield* state.myFolderId()
      const r = yield* call("POST", `/api/2.0/files/${myId}/upload`, multipart("empty.txt", ""))
      expect(r.status).toBe(200)
      expect(r.json.response[0]).toMatchObject({ title: "empty.txt", folderId: myId, pureContentLength: 0 })
      const stored = (yield* state.files).find((f) => f.title === "empty.txt")
      expect(stored).toMatchObject({ size: 0, versions: 1 })
      expect(Option.getOrThrow(yield* state.fileContent(stored!.id))).toEqual(new Uint8Array(0))
      const s = yield* call("POST", `/api/2.0/files/${myId}/session`, { json: { fileName: "e.bin", fileSize: 0 } })
      const chunk = yield* call("POST", `/api/2.0/files/${myId}/session/${s.json.response.id}`, multipart("b", ""))
      expect(chunk.status).toBe(400)
      expect(chunk.json.error.message).toBe("Empty file")
    }))

  it.effect("quota: uploads and sessions over quotaBytes get 402 / success: false", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ quotaBytes: 10, chunkUploadSize: 4 })
      const myId = yield* state.myFolderId()
      yield* upload(call)(myId, "a.bin", "12345678")
      const over = yield* call("POST", `/api/2.0/files/${myId}/upload`, multipart("b.bin", "123"))
      expect(over.status).toBe(402)
      expect(over.json.error).toEqual({
        message: "The used storage size should not exceed 10",
        type: "ASC.Core.Tenants.TenantQuotaException"
      })
      const session = yield* call("POST", `/api/2.0/files/${myId}/upload/create_session`, {
        json: { fileName: "c.bin", fileSize: 3 }
      })
      expect(session.status).toBe(402)
      expect(yield* state.storedBytes).toBe(8)
      const seeded = yield* Effect.flip(state.seedFile({ folderId: myId, title: "d.bin", content: "123" }))
      expect(seeded._tag).toBe("FakeStateError")
      expect(seeded.message).toBe("The used storage size should not exceed 10")
      // chunks held by open sessions count too: memory stays bounded
      const open = yield* call("POST", `/api/2.0/files/${myId}/session`, { json: { fileName: "e.bin", fileSize: 2 } })
      const sessionPath = `/api/2.0/files/${myId}/session/${open.json.response.id}`
      expect((yield* call("POST", `${sessionPath}/upload?chunkNumber=1`, multipart("b", "12"))).status).toBe(200)
      const loc = yield* call("POST", `/api/2.0/files/${myId}/upload/create_session`, {
        json: { fileName: "f.bin", fileSize: 1 }
      })
      expect(loc.status).toBe(402)
      const chunkOver = yield* call("POST", `${sessionPath}/upload?chunkNumber=1`, multipart("b", "123"))
      expect(chunkOver.status).toBe(402)
      const nobody = yield* Effect.flip(state.myFolderId("nobody@example.com"))
      expect(nobody.message).toBe("FakeDocSpace: no user nobody@example.com")
    }))
})

describe("FakeDocSpace downloads", () => {
  it.effect("filehandler.ashx as the portal's handler: Range 206 (leading space), whole range 200, suffix 400, auth", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const f = yield* state.seedFile({ folderId: yield* state.myFolderId(), title: "d.txt", content: "0123456789" })
      const path = `/filehandler.ashx?action=download&fileid=${f.id}`
      const full = yield* call("GET", path)
      expect(full.status).toBe(200)
      expect(full.text).toBe("0123456789")
      const part = yield* call("GET", path, { headers: { range: "bytes=2-5" } })
      expect(part.status).toBe(206)
      expect(part.text).toBe("2345")
      expect(part.headers["content-range"]).toBe(" bytes 2-5/10")
      const open = yield* call("GET", path, { headers: { range: "bytes=7-" } })
      expect(open.text).toBe("789")
      const clamped = yield* call("GET", path, { headers: { range: "bytes=8-99" } })
      expect([clamped.status, clamped.text, clamped.headers["content-range"]]).toEqual([206, "89", " bytes 8-9/10"])
      expect((yield* call("GET", path, { headers: { range: "bytes=0-" } })).status).toBe(200)
      expect((yield* call("GET", path, { headers: { range: "bytes=-3" } })).status).toBe(400)
      expect((yield* call("GET", path, { headers: { range: "bytes=20-30" } })).status).toBe(400)
      expect((yield* call("GET", path, { auth: false })).status).toBe(401)
      expect((yield* call("GET", "/filehandler.ashx?action=download&fileid=424242")).status).toBe(404)
    }))

  it.effect("presigned URIs work without auth until they expire", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ presignedLifetimeMillis: 60_000 })
      const f = yield* state.seedFile({ folderId: yield* state.myFolderId(), title: "p.txt", content: "secret" })
      const uri = (yield* call("GET", `/api/2.0/files/file/${f.id}/presigneduri`)).json.response as string
      const url = new URL(uri)
      const got = yield* call("GET", url.pathname, { auth: false })
      expect(got.text).toBe("secret")
      yield* TestClock.adjust("2 minutes")
      expect((yield* call("GET", url.pathname, { auth: false })).status).toBe(403)
    }))
})

describe("FakeDocSpace file operations", () => {
  it.effect("copy progresses with the Clock, is polled through /fileops and lands when finished", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 2000 })
      const myId = yield* state.myFolderId()
      const f = yield* state.seedFile({ folderId: myId, title: "c.txt", content: "copy me" })
      const dest = (yield* call("POST", `/api/2.0/files/folder/${myId}`, { json: { title: "Dest" } })).json.response.id
      const started = yield* call("PUT", "/api/2.0/files/fileops/copy", {
        json: { fileIds: [f.id], destFolderId: dest }
      })
      const op = started.json.response[0]
      expect(op).toMatchObject({ Operation: 1, progress: 0, finished: false, error: "" })
      yield* TestClock.adjust("1 second")
      const half = (yield* call("GET", "/api/2.0/files/fileops")).json.response[0]
      expect(half).toMatchObject({ id: op.id, progress: 50, finished: false })
      expect((yield* call("GET", `/api/2.0/files/${dest}`)).json.response.total).toBe(0)
      yield* TestClock.adjust("1 second")
      const done = (yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`)).json.response[0]
      expect(done).toMatchObject({ progress: 100, finished: true, processed: "1" })
      expect(done.files[0].title).toBe("c.txt")
      expect((yield* call("GET", `/api/2.0/files/${dest}`)).json.response.files[0].title).toBe("c.txt")
      expect(yield* state.storedBytes).toBe(14)
    }))

  it.effect("terminate cancels before the result is applied", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 2000 })
      const myId = yield* state.myFolderId()
      const f = yield* state.seedFile({ folderId: myId, title: "m.txt", content: "m" })
      const op = (yield* call("PUT", "/api/2.0/files/fileops/delete", { json: { fileIds: [f.id] } })).json.response[0]
      yield* TestClock.adjust("500 millis")
      const stopped = yield* call("PUT", `/api/2.0/files/fileops/terminate/${op.id}`)
      // as the real CancelOperations: the cancelled operation is dequeued, the answer lists the user's others
      expect(stopped.json.response).toEqual([])
      expect(yield* state.operations).toMatchObject([{ id: op.id, finished: true, progress: 25, error: /canceled/ }])
      yield* TestClock.adjust("5 seconds")
      expect((yield* state.files).map((x) => x.folderId)).toEqual([myId])
    }))

  it.effect("move, duplicate and bulk download (a stored zip)", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 100 })
      const myId = yield* state.myFolderId()
      const f = yield* state.seedFile({ folderId: myId, title: "x.txt", content: "xyz" })
      const dest = (yield* call("POST", `/api/2.0/files/folder/${myId}`, { json: { title: "D" } })).json.response.id
      yield* call("PUT", "/api/2.0/files/fileops/duplicate", { json: { fileIds: [f.id] } })
      yield* TestClock.adjust("100 millis")
      const titles = (yield* call("GET", `/api/2.0/files/${myId}?sortBy=AZ&sortOrder=ascending`)).json.response.files
        .map((x: any) => x.title)
      expect(titles).toEqual(["x (1).txt", "x.txt"])
      yield* call("PUT", "/api/2.0/files/fileops/move", { json: { fileIds: [f.id], destFolderId: dest } })
      yield* TestClock.adjust("100 millis")
      expect((yield* call("GET", `/api/2.0/files/${dest}`)).json.response.files[0].id).toBe(f.id)
      const bulk = yield* call("PUT", "/api/2.0/files/fileops/bulkdownload", {
        json: { folderIds: [dest], returnSingleOperation: true }
      })
      expect(bulk.json.response.map((o: any) => o.Operation)).toEqual([3])
      yield* TestClock.adjust("100 millis")
      const done = (yield* call("GET", "/api/2.0/files/fileops")).json.response.find((o: any) => o.Operation === 3)
      expect(done.url).toMatch(/filehandler\.ashx\?action=bulk/)
      const zip = yield* call("GET", new URL(done.url).pathname + new URL(done.url).search)
      expect(zip.status).toBe(200)
      expect([...zip.bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04])
      expect(zip.text).toContain("D/x.txt")
      expect(zip.text).toContain("xyz")
      const missing = yield* call("PUT", "/api/2.0/files/fileops/copy", {
        json: { fileIds: [999], destFolderId: dest }
      })
      expect(missing.status).toBe(404)
    }))
  it.effect("a start returns every active operation of the user unless returnSingleOperation is true", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 2000 })
      const myId = yield* state.myFolderId()
      const a = yield* state.seedFile({ folderId: myId, title: "a.txt", content: "a" })
      const b = yield* state.seedFile({ folderId: myId, title: "b.txt", content: "b" })
      const dest = (yield* call("POST", `/api/2.0/files/folder/${myId}`, { json: { title: "D" } })).json.response.id
      const first = (yield* call("PUT", "/api/2.0/files/fileops/copy", {
        json: { fileIds: [a.id], destFolderId: dest }
      })).json.response
      expect(first).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      const second = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", { json: { fileIds: [b.id] } }))
        .json.response
      expect(second.map((o: any) => o.Operation)).toEqual([1, 7])
      expect(second[0]).toMatchObject({ id: first[0].id, progress: 50, finished: false })
      const single = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", {
        json: { fileIds: [b.id], returnSingleOperation: true }
      })).json.response
      expect(single).toHaveLength(1)
      expect(single[0]).toMatchObject({ Operation: 7, progress: 0 })
      // the file DELETE endpoint takes the flag as a query parameter; the folder one has no such flag
      const del = (yield* call("DELETE", `/api/2.0/files/file/${a.id}?ReturnSingleOperation=true`, { json: {} }))
        .json.response
      expect(del.map((o: any) => o.Operation)).toEqual([2])
      const delAll = (yield* call("DELETE", `/api/2.0/files/folder/${dest}`, {
        json: { returnSingleOperation: true }
      })).json.response
      expect(delAll.map((o: any) => o.Operation)).toEqual([1, 7, 7, 2, 2])
    }))

  it.effect("a finished operation is reported exactly once, by GET /fileops or by a start response", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make({ fileOperationMillis: 1000 })
      const myId = yield* state.myFolderId()
      const a = yield* state.seedFile({ folderId: myId, title: "a.txt", content: "a" })
      const op = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", { json: { fileIds: [a.id] } })).json
        .response[0]
      yield* TestClock.adjust("500 millis")
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toMatchObject([{ id: op.id, progress: 50 }])
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toHaveLength(1)
      yield* TestClock.adjust("500 millis")
      const done = (yield* call("GET", "/api/2.0/files/fileops")).json.response
      expect(done).toMatchObject([{ id: op.id, finished: true, progress: 100 }])
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toEqual([])
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`)).json.response).toEqual([])
      // finished but unreported: the next start reports it (once); polling one id leaves the others listed
      const two = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", { json: { fileIds: [a.id] } })).json
        .response[0]
      const three = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", {
        json: { fileIds: [a.id], returnSingleOperation: true }
      })).json.response[0]
      yield* TestClock.adjust("1 second")
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${two.id}`)).json.response).toMatchObject([{
        id: two.id,
        finished: true
      }])
      const started = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", { json: { fileIds: [a.id] } })).json
        .response
      expect(started.map((o: any) => [o.id === three.id, o.finished])).toEqual([[true, true], [false, false]])
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response.map((o: any) => o.id)).toEqual([
        started[1].id
      ])
      expect((yield* state.operations).length).toBe(4)
    }))
})

describe("FakeDocSpace sharing links and webhooks", () => {
  it.effect("file links: primary link created on read, extra links, revoke", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const f = yield* state.seedFile({ folderId: yield* state.myFolderId(), title: "l.txt", content: "l" })
      const primary = yield* call("GET", `/api/2.0/files/file/${f.id}/link`)
      expect(primary.json.response).toMatchObject({
        access: 2,
        subjectType: 4,
        sharedLink: { primary: true, linkType: 1 }
      })
      const extra = yield* call("PUT", `/api/2.0/files/file/${f.id}/links`, { json: { access: 1, title: "Edit" } })
      expect(extra.json.response).toMatchObject({ access: 1, subjectType: 1, sharedLink: { title: "Edit" } })
      expect((yield* call("GET", `/api/2.0/files/file/${f.id}/links`)).json.response).toHaveLength(2)
      yield* call("PUT", `/api/2.0/files/file/${f.id}/links`, {
        json: { linkId: extra.json.response.sharedLink.id, access: 0 }
      })
      expect((yield* call("GET", `/api/2.0/files/file/${f.id}/links`)).json.response).toHaveLength(1)
      expect((yield* call("GET", `/api/2.0/files/file/${f.id}`)).json.response.shared).toBe(true)
    }))

  it.effect("webhooks: register, deliveries signed with HMAC-SHA256 (uppercase hex), list, remove", () =>
    Effect.gen(function*() {
      const delivered: Array<FakeDocSpace.WebhookDelivery> = []
      const { call, state } = yield* make({ deliver: (d) => Effect.sync(() => delivered.push(d)) })
      const hook = yield* call("POST", "/api/2.0/settings/webhook", {
        json: { name: "ci", uri: "https://hooks.example.com/in", secretKey: "s3cret-key", enabled: true }
      })
      expect(hook.json.response).toMatchObject({ id: 1, name: "ci", enabled: true })
      expect(JSON.stringify(hook.json)).not.toContain("s3cret")
      yield* upload(call)(yield* state.myFolderId(), "w.txt", "w")
      const deliveries = yield* state.webhookDeliveries
      expect(deliveries.map((d) => d.trigger)).toEqual(["file.uploaded"])
      const d = deliveries[0]
      const expected = createHmac("sha256", "s3cret-key").update(d.body).digest("hex").toUpperCase()
      expect(d.headers["x-docspace-signature-256"]).toBe(`sha256=${expected}`)
      expect(JSON.parse(d.body).payload.title).toBe("w.txt")
      expect(delivered).toHaveLength(1)
      const list = yield* call("GET", "/api/2.0/settings/webhook")
      expect(list.json.response[0].configs.uri).toBe("https://hooks.example.com/in")
      expect((yield* call("POST", "/api/2.0/settings/webhook", { json: { name: "x", uri: "ftp:x" } })).status).toBe(400)
      yield* call("DELETE", "/api/2.0/settings/webhook/1")
      yield* upload(call)(yield* state.myFolderId(), "w2.txt", "w")
      expect(yield* state.webhookDeliveries).toHaveLength(1)
    }))
})

describe("FakeDocSpace webhook delivery through an HttpClient", () => {
  it.effect("deliverWith POSTs the raw body with the signature header", () =>
    Effect.gen(function*() {
      const seen: Array<{ url: string; signature: string | undefined; body: string }> = []
      const client = HttpClient.make((request) =>
        Effect.sync(() => {
          const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
          seen.push({ url: request.url, signature: request.headers["x-docspace-signature-256"], body })
          return HttpClientResponse.fromWeb(request, new Response("ok"))
        })
      )
      const { call, state } = yield* make({ deliver: FakeDocSpace.deliverWith(client) })
      yield* call("POST", "/api/2.0/settings/webhook", {
        json: { name: "n", uri: "https://hooks.example.com/x", secretKey: "key-12345", triggers: 32768, enabled: true }
      })
      yield* call("POST", `/api/2.0/files/folder/${yield* state.myFolderId()}`, { json: { title: "Hooked" } })
      yield* upload(call)(yield* state.myFolderId(), "not-subscribed.txt", "x")
      expect(seen).toHaveLength(1)
      expect(seen[0].url).toBe("https://hooks.example.com/x")
      expect(JSON.parse(seen[0].body).event.trigger).toBe("folder.created")
      const expected = createHmac("sha256", "key-12345").update(seen[0].body).digest("hex").toUpperCase()
      expect(seen[0].signature).toBe(`sha256=${expected}`)
    }))
})

describe("FakeDocSpace robustness and counting", () => {
  it.effect("unknown routes get a 404 envelope naming method and path; malformed JSON gets 400", () =>
    Effect.gen(function*() {
      const { call, state } = yield* make()
      const unknown = yield* call("PATCH", "/api/2.0/nothing/here")
      expect(unknown.status).toBe(404)
      expect(unknown.json.error.message).toBe("No route for PATCH /api/2.0/nothing/here")
      const bad = yield* call("POST", `/api/2.0/files/folder/${yield* state.myFolderId()}`, {
        body: "{not json",
        headers: { "content-type": "application/json" }
      })
      expect(bad.status).toBe(400)
      // model binding: a validation problem in the envelope, no `error` key
      expect(bad.json).toMatchObject({
        status: 1,
        statusCode: 400,
        response: { title: "One or more validation errors occurred.", errors: { $: [expect.any(String)] } }
      })
      expect("error" in bad.json).toBe(false)
      const tooMany = yield* call("GET", "/api/2.0/people?count=101")
      expect(tooMany.status).toBe(400)
      expect(tooMany.json.response.errors).toEqual({ Count: ["The field Count must be between 1 and 100."] })
      const badUrl = yield* call("GET", "/api/2.0/people/%E0%A4%A")
      expect(badUrl.status).toBe(400)
      const head = yield* call("HEAD", "/api/2.0/people/@self")
      expect(head.status).toBe(200)
      expect(head.bytes.length).toBe(0)
    }))

  it.effect("counts requests by route, writes, and concurrency until the body is consumed", () =>
    Effect.gen(function*() {
      const { call, handler, state } = yield* make()
      yield* call("GET", "/api/2.0/people/@self")
      yield* call("GET", "/api/2.0/files/@my")
      yield* call("GET", "/api/2.0/files/@my")
      yield* call("POST", "/api/2.0/group", { json: { groupName: "G" } })
      const key = `Bearer ${Redacted.value(state.apiKey)}`
      const req = { method: "GET", url: new URL("http://fake.test/api/2.0/files/@my"), headers: { authorization: key } }
      const r1 = yield* Effect.orDie(handler({ ...req, body: new Uint8Array(0) }))
      const r2 = yield* Effect.orDie(handler({ ...req, body: new Uint8Array(0) }))
      expect((yield* state.counts).inFlight).toBe(2)
      yield* Effect.orDie(Stream.runDrain(r1.body))
      yield* Effect.orDie(Stream.runDrain(r2.body))
      const counts = yield* state.counts
      expect(counts).toMatchObject({ total: 6, writes: 1, inFlight: 0, peakInFlight: 2 })
      expect(counts.byRoute["GET /api/2.0/files/@my"]).toBe(4)
      expect(counts.byRoute["POST /api/2.0/group"]).toBe(1)
      yield* state.resetCounts
      expect((yield* state.counts).total).toBe(0)
    }))
})

// `UserController.UpdateUserStatus` (products/ASC.People/Server/Api/UserController.cs)
describe("FakeDocSpace: disabling and enabling people (PUT /api/2.0/people/status/{status})", () => {
  const ADMIN_KEY = `sk-${"a".repeat(64)}`
  const USER_KEY = `sk-${"b".repeat(64)}`
  const twoUsers = make({
    users: [
      { email: "owner@example.com", password: "owner-password", isAdmin: true },
      { email: "ann@example.com", password: "ann-password" }
    ],
    apiKeys: [{ key: ADMIN_KEY }, { key: USER_KEY, email: "ann@example.com" }]
  })

  it.effect("a disabled user's credentials are refused until enabled again; the answer is their profile", () =>
    Effect.gen(function*() {
      const { call } = yield* twoUsers
      const ann = (yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${USER_KEY}` })).json.response
      const disabled = yield* call("PUT", "/api/2.0/people/status/Terminated", { json: { userIds: [ann.id] } })
      expect(disabled.status).toBe(200)
      expect(disabled.json.response).toMatchObject([{ id: ann.id, status: 2 }])
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${USER_KEY}` })).status).toBe(401)
      const enabled = yield* call("PUT", "/api/2.0/people/status/1", { json: { userIds: [ann.id] } })
      expect(enabled.json.response).toMatchObject([{ id: ann.id, status: 1 }])
      expect((yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${USER_KEY}` })).status).toBe(200)
    }))

  it.effect("only Active or Terminated (400); never the caller or the owner, and not by a non-admin (403)", () =>
    Effect.gen(function*() {
      const { call } = yield* twoUsers
      const owner = (yield* call("GET", "/api/2.0/people/@self")).json.response
      const ann = (yield* call("GET", "/api/2.0/people/@self", { auth: `Bearer ${USER_KEY}` })).json.response
      expect((yield* call("PUT", "/api/2.0/people/status/LeaveOfAbsence", { json: { userIds: [ann.id] } })).status)
        .toBe(400)
      expect((yield* call("PUT", "/api/2.0/people/status/Terminated", { json: { userIds: [owner.id] } })).status)
        .toBe(403)
      const byAnn = yield* call("PUT", "/api/2.0/people/status/Terminated", {
        json: { userIds: [owner.id] },
        auth: `Bearer ${USER_KEY}`
      })
      expect(byAnn.status).toBe(403)
      // nobody was changed by the refused calls
      expect((yield* call("GET", `/api/2.0/people/${ann.id}`)).json.response.status).toBe(1)
    }))
})

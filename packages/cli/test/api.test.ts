import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import { rewriteHelp } from "../src/commands/api.js"
import { runCli, serveFake, tempDir } from "./harness.js"

describe("api", () => {
  it.live("calls a generated operation with path parameters and a JSON body from a file", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const dir = yield* tempDir()
      const bodyFile = path.join(dir, "key.json")
      fs.writeFileSync(bodyFile, JSON.stringify({ name: "ci key", permissions: [] }))
      const created = yield* runCli(["api", "createApiKey", "--body", `@${bodyFile}`], { env })
      expect(created.stderr).toBe("")
      expect(created.code).toBe(0)
      const key = JSON.parse(created.stdout)
      expect(key).toMatchObject({ name: "ci key" })
      const listed = yield* runCli(["api", "getApiKeys", "--jsonl"], { env })
      expect(listed.code).toBe(0)
      expect(listed.stdout.trim().split("\n")).toHaveLength(1)
      const keys = JSON.parse(listed.stdout) as ReadonlyArray<{ id: string; name?: string }>
      expect(keys.map((k) => k.name)).toContain("ci key")
      const deleted = yield* runCli(["api", "deleteApiKey", "--param", `keyId=${key.id}`], { env })
      expect(deleted.code).toBe(0)
      expect(JSON.parse(deleted.stdout)).toBe(true)
      const room = yield* runCli(
        ["api", "createRoom", "--body", JSON.stringify({ title: "From api", roomType: 6 })],
        { env }
      )
      expect(room.code).toBe(0)
      const roomId = JSON.parse(room.stdout).id
      const info = yield* runCli(["api", "getRoomInfo", "-p", `id=${roomId}`], { env })
      expect(JSON.parse(info.stdout)).toMatchObject({ id: roomId, title: "From api" })
      const missing = yield* runCli(["api", "getRoomInfo", "-p", "id=999999"], { env })
      expect(missing.code).toBe(4)
      expect(missing.stderr.trim().split("\n")).toHaveLength(1)
    })))

  it.live("--all streams every item of a paged operation through its generated Stream variant", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env, fake } = yield* serveFake()
      for (const title of ["A", "B", "C"]) {
        expect((yield* runCli(["rooms", "create", title], { env })).code).toBe(0)
      }
      yield* fake.state.resetCounts
      const all = yield* runCli(["api", "getRoomsFolder", "--all", "--jsonl"], { env })
      expect(all.stderr).toBe("")
      expect(all.stdout.trim().split("\n").map((l) => JSON.parse(l).title).sort()).toEqual(["A", "B", "C"])
      expect((yield* fake.state.counts).byRoute["GET /api/2.0/files/rooms"]).toBe(1)
      const json = yield* runCli(["api", "getRoomsFolder", "--all", "--json", "-p", "filterValue=B"], { env })
      expect(JSON.parse(json.stdout).map((r: { title: string }) => r.title)).toEqual(["B"])
      const human = yield* runCli(["api", "getRoomsFolder", "--all"], { env })
      expect(human.code).toBe(2)
      expect(human.stderr).toContain("--all prints JSON")
      const notPaged = yield* runCli(["api", "getApiKeys", "--all", "--json"], { env })
      expect(notPaged.code).toBe(2)
      expect(notPaged.stderr).toBe("docspace: getApiKeys is not paged: --all does not apply\n")
      const counted = yield* runCli(["api", "getRoomsFolder", "--all", "--json", "-p", "count=5"], { env })
      expect(counted.code).toBe(2)
    })))

  it.live("--raw prints the portal's JSON as it is when the generated decoder refuses it", () =>
    Effect.scoped(Effect.gen(function*() {
      const running = yield* Effect.orDie(FakeDocSpace.make({ storageRedirect: false }))
      // an answer off the spec: a key's id as a number
      const handler: FakeServer.Handler = (request) =>
        request.method === "GET" && request.url.pathname === "/api/2.0/keys"
          ? Effect.succeed({
            status: 200,
            headers: { "content-type": "application/json" },
            body: Stream.make(
              new TextEncoder().encode(
                JSON.stringify({ response: [{ id: 5, extra: "kept" }], status: 0, statusCode: 200 })
              )
            )
          })
          : running.handler(request)
      const served = yield* Effect.orDie(FakeServer.serve(handler))
      const configDir = yield* tempDir("docspace-config-")
      const env = {
        DOCSPACE_URL: served.url,
        DOCSPACE_API_KEY: Redacted.value(running.apiKey),
        DOCSPACE_CONFIG_DIR: configDir,
        DOCSPACE_RATE_LIMIT: "none"
      }
      const typed = yield* runCli(["api", "getApiKeys"], { env })
      expect(typed.code).toBe(1)
      expect(typed.stderr).toMatch(/^docspace: .*\(hint: the portal answered something the client does not understand/)
      const raw = yield* runCli(["api", "getApiKeys", "--raw"], { env })
      expect(raw.code).toBe(0)
      expect(JSON.parse(raw.stdout)).toEqual([{ id: 5, extra: "kept" }])
      const room = yield* runCli(
        ["api", "createRoom", "--raw", "--body", JSON.stringify({ title: "R", roomType: 5 })],
        {
          env
        }
      )
      expect(JSON.parse(room.stdout)).toMatchObject({ title: "R", roomType: 5 })
      const both = yield* runCli(["api", "getRoomsFolder", "--raw", "--all", "--json"], { env })
      expect(both.code).toBe(2)
    })))

  it.live("--list filters the table, --describe and <id> --help show the parameters, without a portal", () =>
    Effect.gen(function*() {
      const list = yield* runCli(["api", "--list", "api keys", "--json"])
      expect(list.code).toBe(0)
      const ops = JSON.parse(list.stdout) as ReadonlyArray<{ operationId: string; method: string; path: string }>
      expect(ops.find((o) => o.operationId === "deleteApiKey")).toEqual({
        operationId: "deleteApiKey",
        method: "DELETE",
        path: "/api/2.0/keys/{keyId}",
        group: "ApiKeys",
        tag: "Api keys",
        body: "none",
        response: "json",
        paginated: false,
        rateLimitClass: "write"
      })
      const human = yield* runCli(["api", "--list", "keys"])
      expect(human.stdout.split("\n")[0]).toMatch(/^OPERATION\s+METHOD\s+PATH\s+GROUP$/)
      const described = yield* runCli(["api", "getFolderByFolderId", "--describe"])
      expect(described.code).toBe(0)
      expect(described.stdout).toContain("getFolderByFolderId: GET /api/2.0/files/{folderId}")
      expect(described.stdout).toMatch(/folderId\s+path, required/)
      const json = yield* runCli(["api", "deleteApiKey", "--describe", "--json"])
      expect(JSON.parse(json.stdout).parameters).toEqual([
        { name: "keyId", in: "path", wire: "keyId", required: true }
      ])
      expect(rewriteHelp(["api", "getApiKeys", "--help"])).toEqual(["api", "getApiKeys", "--describe"])
      expect(rewriteHelp(["--json", "api", "-h", "getApiKeys"])).toEqual(["--json", "api", "--describe", "getApiKeys"])
      expect(rewriteHelp(["api", "--help"])).toEqual(["api", "--help"])
      expect(rewriteHelp(["api", "nope", "--help"])).toEqual(["api", "nope", "--help"])
    }))

  it.live("bad input is exit 2 with one line: unknown operation, bad --param, unreadable or bad --body", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const dir = yield* tempDir()
      const oneLine = (r: { stderr: string }) => expect(r.stderr.trim().split("\n")).toHaveLength(1)

      const unknown = yield* runCli(["api", "getApiKey5"], { env })
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("unknown operation \"getApiKey5\" (did you mean getApiKey, getApiKeys?)")
      oneLine(unknown)

      const badParam = yield* runCli(["api", "getRoomInfo", "--param", "id"], { env })
      expect(badParam.code).toBe(2)
      expect(badParam.stderr).toContain("bad --param \"id\": expected name=value")
      oneLine(badParam)

      const unknownParam = yield* runCli(["api", "getRoomInfo", "--param", "id=1", "--param", "colour=red"], { env })
      expect(unknownParam.code).toBe(2)
      expect(unknownParam.stderr).toContain("getRoomInfo has no parameter \"colour\" (known: id)")

      const missingParam = yield* runCli(["api", "getRoomInfo"], { env })
      expect(missingParam.code).toBe(2)
      expect(missingParam.stderr).toContain("missing --param id=...")

      const noFile = yield* runCli(["api", "createApiKey", "--body", `@${path.join(dir, "nope.json")}`], { env })
      expect(noFile.code).toBe(1)
      expect(noFile.stderr).toContain("cannot read the body file")
      expect(noFile.stderr).toContain("no such file")
      oneLine(noFile)

      const badJson = path.join(dir, "bad.json")
      fs.writeFileSync(badJson, "{\"name\": ")
      const notJson = yield* runCli(["api", "createApiKey", "--body", `@${badJson}`], { env })
      expect(notJson.code).toBe(2)
      expect(notJson.stderr).toContain(`--body @${badJson} is not JSON`)
      oneLine(notJson)

      const wrongKey = "sk-" + "e".repeat(64)
      const refused = yield* runCli(["api", "getApiKeys", "--verbose"], { env: { ...env, DOCSPACE_API_KEY: wrongKey } })
      expect(refused.code).toBe(3)
      expect(refused.stderr).toMatch(/^docspace: .*\(hint: /m)
      expect(refused.stderr).not.toContain("e".repeat(64))

      const noBody = yield* runCli(["api", "getApiKeys", "--body", "{}"], { env })
      expect(noBody.code).toBe(2)
      expect(noBody.stderr).toContain("getApiKeys (GET /api/2.0/keys) takes no body")
    })))
})

import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Api from "../src/internal/api.js"

const described = (operationId: string) =>
  Effect.gen(function*() {
    const info = Api.find(operationId)
    expect(info).toBeDefined()
    const fn = yield* Api.load(info!)
    return Api.describe(info!, fn)
  })

describe("api operation table", () => {
  it.effect("reads path, query, body, object and cookie parameters from the generated functions", () =>
    Effect.gen(function*() {
      const folder = yield* described("getFolderByFolderId")
      expect(folder.params.find((p) => p.name === "folderId")).toEqual({
        name: "folderId",
        location: "path",
        wire: "folderId",
        required: true,
        secret: false
      })
      expect(folder.params.filter((p) => p.location === "query").map((p) => p.name)).toContain("filterType")
      expect(folder.params.some((p) => p.location === "body")).toBe(false)

      const share = yield* described("setRoomSecurity")
      expect(share.params.map((p) => [p.name, p.location])).toEqual([["id", "path"], ["body", "body"]])

      const check = yield* described("checkMoveOrCopyBatchItems")
      expect(check.params.map((p) => [p.name, p.location])).toEqual([["inDto", "object"]])

      const client = yield* described("getClient")
      expect(client.params.find((p) => p.name === "xSignature")).toEqual({
        name: "xSignature",
        location: "cookie",
        wire: "x-signature",
        required: false,
        secret: true
      })

      const keys = yield* described("getApiKeys")
      expect(keys.params).toEqual([])
    }))

  it.effect("every operation of the table has a generated function whose path parameters match its path", () =>
    Effect.gen(function*() {
      const mismatched: Array<string> = []
      for (const info of Api.operations) {
        const d = Api.describe(info, yield* Api.load(info))
        const placeholders = [...info.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort()
        const paths = d.params.filter((p) => p.location === "path").map((p) => p.wire).sort()
        if (placeholders.join() !== paths.join()) mismatched.push(info.operationId)
      }
      expect(Api.operations.length).toBeGreaterThan(500)
      expect(mismatched).toEqual([])
    }))

  it("finds ids ignoring case, suggests near ones, and filters the list by words", () => {
    expect(Api.find("GETAPIKEYS")?.operationId).toBe("getApiKeys")
    expect(Api.find("nope")).toBeUndefined()
    expect(Api.suggest("getApiKey")).toContain("getApiKeys")
    expect(Api.suggest("getFolderByFolder")).toContain("getFolderByFolderId")
    const keys = Api.list("keys")
    expect(keys.map((o) => o.operationId)).toEqual(
      expect.arrayContaining(["getApiKeys", "createApiKey", "deleteApiKey"])
    )
    expect(Api.list("delete keys").every((o) => o.method === "DELETE" || /delete/i.test(o.operationId))).toBe(true)
    expect(Api.list().length).toBe(Api.operations.length)
  })

  it.effect("parses --param pairs: repeats make arrays, objects are JSON, secrets stay Redacted", () =>
    Effect.gen(function*() {
      const folder = yield* described("getFolderByFolderId")
      expect(Api.parseParams(folder, ["folderId=12", "count=5", "filterValue=a=b"])).toEqual(
        Either.right({ folderId: "12", count: "5", filterValue: "a=b" })
      )
      const rooms = yield* described("getRoomsFolder")
      const typed = Api.parseParams(rooms, ["type=1", "type=2"])
      expect(typed).toEqual(Either.right({ type: ["1", "2"] }))
      const check = yield* described("checkMoveOrCopyBatchItems")
      expect(Api.parseParams(check, ["inDto={\"folderIds\":[1]}"])).toEqual(
        Either.right({ inDto: { folderIds: [1] } })
      )
      const client = yield* described("getClient")
      const parsed = Api.parseParams(client, ["clientId=c1", "xSignature=s3cret"])
      expect(Either.isRight(parsed)).toBe(true)
      const secret = Either.getOrThrow(parsed).xSignature
      expect(Redacted.isRedacted(secret)).toBe(true)
      expect(Redacted.value(secret as Redacted.Redacted<string>)).toBe("s3cret")
    }))

  it.effect("bad --param input is one clear line", () =>
    Effect.gen(function*() {
      const folder = yield* described("getFolderByFolderId")
      expect(Api.parseParams(folder, ["folderId"])).toEqual(
        Either.left("bad --param \"folderId\": expected name=value")
      )
      expect(Api.parseParams(folder, ["=3"])).toEqual(Either.left("bad --param \"=3\": expected name=value"))
      const unknown = Api.parseParams(folder, ["folderId=1", "colour=red"])
      expect(Either.isLeft(unknown) && unknown.left).toMatch(
        /^bad --param "colour=red": getFolderByFolderId has no parameter "colour" \(known: folderId, userIdOrGroupId, /
      )
      expect(Api.parseParams(folder, [])).toEqual(
        Either.left(
          "missing --param folderId=...: the path parameter of getFolderByFolderId (GET /api/2.0/files/{folderId})"
        )
      )
      expect(Api.parseParams(folder, ["folderId=1", "folderId=2"])).toEqual(
        Either.left("--param folderId is given 2 times; it takes one value")
      )
      const check = yield* described("checkMoveOrCopyBatchItems")
      expect(Api.parseParams(check, ["inDto=[1]"])).toEqual(
        Either.left("bad --param inDto: expected a JSON object, e.g. inDto='{\"key\":\"value\"}'")
      )
      const keys = yield* described("getApiKeys")
      expect(Api.parseParams(keys, ["x=1"])).toEqual(
        Either.left("bad --param \"x=1\": getApiKeys has no parameter \"x\" (getApiKeys takes no parameters)")
      )
    }))

  it("checks bodies against the operation and reports JSON errors in one line", () => {
    expect(Api.checkBody(Api.find("getApiKeys")!, { a: 1 })).toBe("getApiKeys (GET /api/2.0/keys) takes no body")
    expect(Api.checkBody(Api.find("uploadFile")!, {})).toMatch(/multipart body .* use `docspace upload`$/)
    expect(Api.checkBody(Api.find("createApiKey")!, { name: "k" })).toBeUndefined()
    expect(Api.checkBody(Api.find("createApiKey")!, undefined)).toBeUndefined()
    const bad = Api.parseBody("{\"a\":", "@body.json")
    expect(Either.isLeft(bad) && bad.left).toMatch(/^--body @body\.json is not JSON: /)
    expect(Either.isLeft(bad) && bad.left.includes("\n")).toBe(false)
  })

  it.effect("help lists the parameters and an example", () =>
    Effect.gen(function*() {
      const text = Api.help(yield* described("updateApiKey"))
      expect(text).toContain("updateApiKey: PUT /api/2.0/keys/{keyId}")
      expect(text).toContain("keyId  path, required")
      expect(text).toContain("example: docspace api updateApiKey --param keyId=... --body @body.json")
    }))
})

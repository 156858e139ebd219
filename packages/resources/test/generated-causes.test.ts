// The known causes of spec-valid exchanges the generated API got wrong (issue 9), one test each: nullable
// components, both ApiDateTime forms, the x-signature cookie scheme, a redirect as success, several files in one
// multipart field, getScopes' list-or-object answer, getRoomGroups' phantom path parameter, and envelopes without
// `response` (the server omits a null result).
import * as Api from "@effect-docspace/resources/generated/index"
import * as Schemas from "@effect-docspace/resources/generated/Schemas"
import * as MockTransport from "@effect-docspace/testing/MockTransport"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Support from "./generated-support.js"

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })

/** Runs `effect` against `routes`, keeping every request a route saw (headers unredacted). */
const run = <A, E>(
  routes: (seen: Array<MockTransport.MockRequest>) => MockTransport.Routes,
  effect: Effect.Effect<A, E, any>
) => {
  const seen: Array<MockTransport.MockRequest> = []
  return Effect.map(
    Effect.provide(effect, Support.layer(routes(seen))),
    (result) => ({ result, seen })
  )
}

const bare = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  MockTransport.raw({
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body)
  })

describe("nullable components", () => {
  it("a property referencing a nullable component decodes null (FilesSettingsDto.internalFormats)", () => {
    const result = decode(Schemas.FilesSettingsDto)({ internalFormats: null })
    expect(Either.isRight(result)).toBe(true)
  })

  it("FileDtoInteger: shareSettings, security, availableShareRights, viewAccessibility may be null", () => {
    const file = decode(Schemas.FileDtoInteger)({
      id: 1,
      shareSettings: null,
      security: null,
      availableShareRights: null,
      viewAccessibility: null
    })
    expect(Either.isRight(file)).toBe(true)
    const folder = decode(Schemas.FolderDtoInteger)({ id: 1, shareSettings: null, security: null })
    expect(Either.isRight(folder)).toBe(true)
  })

  it("a present value still decodes", () => {
    const file = Either.getOrThrow(decode(Schemas.FileDtoInteger)({ id: 1, viewAccessibility: { WebView: true } }))
    expect(file.viewAccessibility?.WebView).toBe(true)
  })
})

describe("ApiDateTime", () => {
  it("decodes the server's ISO string and the spec's {utcTime, timeZoneOffset} to the same instant", () => {
    const fromString = Either.getOrThrow(decode(Schemas.ApiDateTime)("2018-01-01T03:00:00.0000000+03:00"))
    const fromObject = Either.getOrThrow(
      decode(Schemas.ApiDateTime)({ utcTime: "2018-01-01T00:00:00Z", timeZoneOffset: "03:00:00" })
    )
    expect(fromObject.getTime()).toBe(fromString.getTime())
    expect(fromObject.toISOString()).toBe("2018-01-01T00:00:00.000Z")
  })

  it("a DTO with the spec's date objects decodes", () => {
    const file = Either.getOrThrow(
      decode(Schemas.FileDtoInteger)({
        id: 1,
        created: { utcTime: "2018-01-01T00:00:00Z", timeZoneOffset: "00:00:00" }
      })
    )
    expect(file.created?.getTime()).toBe(Date.UTC(2018, 0, 1))
  })

  it("sends strings", () => {
    expect(Schema.encodeSync(Schemas.ApiDateTime)(new Date(Date.UTC(2018, 0, 1)))).toBe("2018-01-01T00:00:00.000Z")
  })
})

describe("the x-signature cookie scheme", () => {
  it.effect("an operation requiring x-signature sends it as a cookie, besides the client's Authorization", () =>
    Effect.gen(function*() {
      const { seen } = yield* run((seen) => ({
        "GET /api/2.0/clients/{clientId}": (request) => {
          seen.push(request)
          return bare(200, { client_id: "c1" })
        }
      }), Api.OAuth2.getClient({ clientId: "c1", xSignature: Redacted.make("a.b.c") }))
      expect(seen[0]!.headers["cookie"]).toBe("x-signature=a.b.c")
      expect(seen[0]!.headers["authorization"]).toMatch(/^Bearer sk-/)
    }))

  it("the metadata names the 16 operations that need it", () => {
    const needing = Api.Operations.operations.filter((o) => o.security.includes("x-signature"))
    expect(needing.length).toBe(16)
    expect(needing.map((o) => o.operationId)).toEqual(
      expect.arrayContaining(["getClient", "getClients", "createClient", "getScopes", "submitConsent"])
    )
    expect(Api.Operations.operations.filter((o) => o.security.length > 0).length).toBe(16)
  })
})

describe("a redirect as success", () => {
  it.effect("submitConsent's 302 is its answer, not an error", () =>
    Effect.gen(function*() {
      const { result } = yield* run(() => ({
        "POST /oauth2/authorize": MockTransport.raw({
          status: 302,
          headers: { location: "https://app.example.com/cb?code=xyz" },
          body: ""
        })
      }), Api.OAuth2.submitConsent({ xSignature: Redacted.make("s"), body: { client_id: "c1" } }))
      expect(result.status).toBe(302)
      expect(result.location).toBe("https://app.example.com/cb?code=xyz")
      expect(Api.Operations.operations.find((o) => o.operationId === "submitConsent")?.response).toBe("redirect")
    }))

  it.effect("an undeclared status is still an error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(
          Api.OAuth2.submitConsent({ xSignature: Redacted.make("s") }),
          Support.layer({ "POST /oauth2/authorize": MockTransport.error(400, "bad") })
        )
      )
      expect(error._tag).toBe("BadRequest")
    }))
})

describe("several files in one multipart field", () => {
  it.effect("uploadLicense sends each file as a file part of the same field", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        (seen) => ({
          "POST /api/2.0/settings/license": (request) => {
            seen.push(request)
            return MockTransport.json("ok")
          }
        }),
        Api.Settings.uploadLicense({
          body: {
            Files: [
              { content: new TextEncoder().encode("one"), fileName: "a.lic" },
              { content: new TextEncoder().encode("two"), fileName: "b.lic" }
            ]
          }
        })
      )
      const text = seen[0]!.text
      expect(seen[0]!.headers["content-type"]).toContain("multipart/form-data")
      expect(text).toContain(`name="Files"; filename="a.lic"`)
      expect(text).toContain(`name="Files"; filename="b.lic"`)
    }))
})

describe("getScopes", () => {
  it.effect("decodes the server's list, and the spec's single object as a one-item list", () =>
    Effect.gen(function*() {
      const scope = { name: "files:read", type: "read", group: "files" }
      const list = yield* run(
        () => ({ "GET /api/2.0/scopes": bare(200, [scope, { ...scope, name: "files:write" }]) }),
        Api.OAuth2.getScopes({ xSignature: Redacted.make("s") })
      )
      expect(list.result.map((s) => s.name)).toEqual(["files:read", "files:write"])
      const one = yield* run(
        () => ({ "GET /api/2.0/scopes": bare(200, scope) }),
        Api.OAuth2.getScopes({ xSignature: Redacted.make("s") })
      )
      expect(one.result).toEqual([scope])
    }))
})

describe("getRoomGroups", () => {
  it.effect("has no path parameter id (the spec declares one its path lacks)", () =>
    Effect.gen(function*() {
      const { result, seen } = yield* run((seen) => ({
        "GET /api/2.0/files/group": (request) => {
          seen.push(request)
          return MockTransport.json([{ id: 3, name: "G" }])
        }
      }), Api.Rooms.getRoomGroups({ includeMembers: true }))
      expect(seen[0]!.path).toBe("/api/2.0/files/group")
      expect(seen[0]!.query.get("includeMembers")).toBe("true")
      expect(result[0]?.id).toBe(3)
    }))
})

describe("envelopes without response (a null result)", () => {
  const noResponse = bare(200, { count: 0, links: [], status: 0, statusCode: 200 })

  it.effect("an operation without a result succeeds", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        () => ({ "DELETE /api/2.0/files/group/{id}": noResponse }),
        Api.Rooms.deleteRoomGroup({ id: 3 })
      )
      expect(result).toBeUndefined()
    }))

  it.effect("an operation whose result is nullable decodes a missing response as null", () =>
    Effect.gen(function*() {
      const missing = yield* run(
        () => ({ "GET /api/2.0/settings/encryption/progress": noResponse }),
        Api.Settings.getStorageEncryptionProgress()
      )
      expect(missing.result).toBeNull()
      const given = yield* run(
        () => ({ "GET /api/2.0/settings/encryption/progress": MockTransport.json(42.5) }),
        Api.Settings.getStorageEncryptionProgress()
      )
      expect(given.result).toBe(42.5)
    }))
})

describe("what a mock of the spec sends", () => {
  it("objects the spec illustrates as a JSON string decode from either form", () => {
    const fromString = decode(Schemas.FileDtoInteger)({
      id: 1,
      shareSettings: "{\"ExternalLink\":1,\"InvitationLink\":2}"
    })
    expect(Either.getOrThrow(fromString).shareSettings).toEqual({ ExternalLink: 1, InvitationLink: 2 })
    const fromObject = decode(Schemas.FileDtoInteger)({ id: 1, shareSettings: { ExternalLink: 1 } })
    expect(Either.getOrThrow(fromObject).shareSettings).toEqual({ ExternalLink: 1 })
    expect(Either.isLeft(decode(Schemas.FileDtoInteger)({ id: 1, shareSettings: "{not json" }))).toBe(true)
  })

  it.effect("an answer declared as another type than JSON is asked for as that type (Accept)", () =>
    Effect.gen(function*() {
      const { seen } = yield* run((seen) => ({
        "OPTIONS /.well-known/oauth-authorization-server": (request) => {
          seen.push(request)
          return bare(200, {})
        }
      }), Api.OAuth2.handleOptions())
      expect(seen[0]!.headers["accept"]).toBe("*/*")
    }))
})

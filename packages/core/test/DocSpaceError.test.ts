import { DocSpaceError } from "@effect-docspace/core"
import * as HttpApiError from "@effect/platform/HttpApiError"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const request = { operation: "getFileInfo", method: "GET", url: "https://portal.test/api/2.0/files/file/{fileId}" }

const samples: ReadonlyArray<DocSpaceError.DocSpaceError> = [
  new DocSpaceError.BadRequest({
    ...request,
    status: 400,
    message: "One or more validation errors occurred.",
    title: "One or more validation errors occurred.",
    fields: { Count: ["The field Count must be between 1 and 100."] }
  }),
  new DocSpaceError.Unauthorized({ ...request, status: 401, message: "Unauthorized" }),
  new DocSpaceError.Forbidden({ ...request, status: 403, message: "Access denied", serverType: "SecurityException" }),
  new DocSpaceError.NotFound({
    ...request,
    status: 404,
    message: "The required file was not found",
    hresult: -2146233088
  }),
  new DocSpaceError.PaymentRequired({ ...request, status: 402, message: "Storage quota exceeded" }),
  new DocSpaceError.RateLimited({
    method: "POST",
    url: "https://portal.test/api/2.0/files/{folderId}/file",
    retryAfter: Duration.seconds(30),
    reason: "retry-budget-exhausted",
    status: 429
  }),
  new DocSpaceError.ServerError({ ...request, status: 502, message: "Bad Gateway", excerpt: "<html>" }),
  new DocSpaceError.TransportError({ ...request, message: "connection refused" }),
  new DocSpaceError.DecodeError({
    ...request,
    status: 200,
    message: "Expected number",
    path: "response.id",
    excerpt: "{}"
  }),
  new DocSpaceError.Timeout({ ...request, timeoutMillis: 30000 }),
  new DocSpaceError.PaginationError({ message: "the same page twice", startIndex: 100 })
]

describe("DocSpaceError", () => {
  it("every error class carries the TypeId and keeps its plain _tag", () => {
    for (const error of samples) {
      expect(DocSpaceError.isDocSpaceError(error), error._tag).toBe(true)
      expect(DocSpaceError.tags).toContain(error._tag)
      // RateLimited (from rate-limit, below core) carries the same global symbol
      expect((error as unknown as Record<symbol, unknown>)[DocSpaceError.TypeId]).toBe(DocSpaceError.TypeId)
    }
  })

  it("a foreign error with the same _tag is not a DocSpaceError", () => {
    class MyNotFound extends Schema.TaggedError<MyNotFound>()("NotFound", { message: Schema.String }) {}
    expect(DocSpaceError.isDocSpaceError(new HttpApiError.NotFound())).toBe(false)
    expect(DocSpaceError.isDocSpaceError(new MyNotFound({ message: "mine" }))).toBe(false)
    expect(DocSpaceError.isDocSpaceError({ _tag: "Timeout" })).toBe(false)
    class MyRateLimited extends Schema.TaggedError<MyRateLimited>()("RateLimited", { message: Schema.String }) {}
    expect(DocSpaceError.isDocSpaceError(new MyRateLimited({ message: "mine" }))).toBe(false)
    expect(DocSpaceError.isDocSpaceError(undefined)).toBe(false)
  })

  it("schemas have namespaced identifiers", () => {
    const ast = DocSpaceError.NotFound.ast
    expect(JSON.stringify(String(ast))).toContain("@effect-docspace/core/NotFound")
  })

  it.effect("catchTag still matches the plain tag", () =>
    Effect.gen(function*() {
      const tag = yield* Effect.fail(samples[3]!).pipe(
        Effect.catchTag("NotFound", (e) => Effect.succeed(e._tag))
      )
      expect(tag).toBe("NotFound")
    }))

  it("encode -> JSON -> decode keeps the class, the fields and the TypeId", () => {
    const encode = Schema.encodeSync(DocSpaceError.DocSpaceErrorSchema)
    const decode = Schema.decodeUnknownSync(DocSpaceError.DocSpaceErrorSchema)
    for (const error of samples) {
      const back = decode(JSON.parse(JSON.stringify(encode(error))))
      expect(back.constructor, error._tag).toBe(error.constructor)
      expect(DocSpaceError.isDocSpaceError(back)).toBe(true)
      expect(back._tag).toBe(error._tag)
      expect(back.message).toBe(error.message)
      if (back._tag === "RateLimited" && error._tag === "RateLimited") {
        expect(Duration.toMillis(back.retryAfter)).toBe(30000)
      } else {
        expect({ ...back }).toEqual({ ...error })
      }
    }
  })
})

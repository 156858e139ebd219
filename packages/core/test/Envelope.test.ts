import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import {
  BASE,
  clientLayer,
  envelope,
  errorEnvelope,
  json,
  mockTransport,
  PassThroughLimiter,
  type Seen
} from "./utils.js"

const failure = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

const run = <A, E>(
  program: Effect.Effect<A, E, DocSpaceClient.DocSpaceClient>,
  reply: (seen: Seen) => Response,
  options: Parameters<typeof clientLayer>[1] = {}
) =>
  Effect.gen(function*() {
    const { client, seen } = yield* mockTransport(reply)
    const result = yield* Effect.either(Effect.provide(program, clientLayer(client, options)))
    return { result, seen: yield* Ref.get(seen) }
  })

const call = <A, I>(schema: Schema.Schema<A, I>) =>
  DocSpaceClient.request({ operation: "getSomething", method: "GET", path: "/api/2.0/something" }, schema)

// what the server sends for a null result (server CommonApiResponse: `Response` is left null and not written)
const nullResult = () =>
  json({ count: 0, links: [{ href: `${BASE}/api/2.0/something`, action: "GET" }], status: 0, statusCode: 200 })

describe("envelope (issue 8)", () => {
  it.effect("a model-validation 400 keeps its title and every field message (no `error` key)", () =>
    Effect.gen(function*() {
      const { result } = yield* run(call(Schema.Unknown), () =>
        json({
          response: {
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            title: "One or more validation errors occurred.",
            status: 400,
            errors: {
              Count: ["The field Count must be between 1 and 100."],
              "inDto.Title": ["The Title field is required.", "Too short."]
            }
          },
          status: 1,
          statusCode: 400
        }, 400))
      const error = failure(result)
      expect(error).toMatchObject({
        _tag: "BadRequest",
        status: 400,
        title: "One or more validation errors occurred.",
        fields: {
          Count: ["The field Count must be between 1 and 100."],
          "inDto.Title": ["The Title field is required.", "Too short."]
        }
      })
      expect(error.message).toContain("One or more validation errors occurred.")
      expect(error.message).toContain("Count: The field Count must be between 1 and 100.")
      expect(error.message).toContain("inDto.Title: The Title field is required. Too short.")
    }))

  it.effect("a null result (the envelope without `response`) is no value for Void, NullOr and Option schemas", () =>
    Effect.gen(function*() {
      const cases = [
        [Schema.Void, undefined],
        [Schema.NullOr(Schema.String), null],
        [Schema.UndefinedOr(Schema.String), undefined],
        [Schema.OptionFromNullOr(Schema.String), Option.none()],
        [Schema.OptionFromUndefinedOr(Schema.String), Option.none()],
        [Schema.OptionFromNullishOr(Schema.String, null), Option.none()]
      ] as const
      for (const [schema, expected] of cases) {
        const { result } = yield* run(call(schema as Schema.Schema<unknown, unknown>), nullResult)
        expect(result).toEqual(Either.right(expected))
      }
    }))

  it.effect("a null result for an operation that promises a value is a DecodeError that says so", () =>
    Effect.gen(function*() {
      const { result } = yield* run(call(Schema.Struct({ id: Schema.Number })), nullResult)
      const error = failure(result)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("no value")
    }))

  it.effect("an envelope with `response: null` still decodes as null", () =>
    Effect.gen(function*() {
      const { result } = yield* run(call(Schema.NullOr(Schema.String)), () => envelope(null))
      expect(result).toEqual(Either.right(null))
      const unknown = yield* run(call(Schema.Unknown), () => envelope(null))
      expect(unknown.result).toEqual(Either.right(null))
    }))

  it.effect("count and total of an envelope without `response` are kept (requestEnvelope)", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        DocSpaceClient.requestEnvelope(
          { operation: "getSomething", method: "GET", path: "/api/2.0/something" },
          Schema.NullOr(Schema.Number)
        ),
        () => json({ count: 0, total: 0, links: [], status: 0, statusCode: 200 })
      )
      expect(result).toEqual(Either.right({ response: null, count: 0, total: 0, status: 200 }))
    }))

  it.effect("requestEnvelope keeps the answer's 2xx status (a chunk answer outside the envelope: 201 = stored)", () =>
    Effect.gen(function*() {
      const options = {
        operation: "uploadChunk",
        method: "POST",
        path: "/ChunkedUploader.ashx",
        envelope: false
      } as const
      const stored = yield* run(
        DocSpaceClient.requestEnvelope(options, Schema.Unknown),
        () => json({ success: true, data: { id: 7, uploaded: true } }, 201)
      )
      expect(stored.result).toEqual(
        Either.right({ response: { success: true, data: { id: 7, uploaded: true } }, status: 201 })
      )
      const next = yield* run(DocSpaceClient.requestEnvelope(options, Schema.Unknown), () => json({ success: true }))
      expect(Either.map(next.result, (answer) => answer.status)).toEqual(Either.right(200))
    }))
})

describe("decoding with schemas that read services or the clock, or wait", () => {
  // decoded as an Effect, in the caller's fiber, with its services and its clock
  class Prefix extends Context.Tag("test/Prefix")<Prefix, string>() {}
  const withService = Schema.transformOrFail(Schema.String, Schema.String, {
    strict: true,
    decode: (value) => Effect.map(Prefix, (prefix) => `${prefix}${value}`),
    encode: ParseResult.succeed
  })
  const waiting = Schema.transformOrFail(Schema.String, Schema.String, {
    strict: true,
    decode: (value) => Effect.as(Effect.async<void>((resume) => queueMicrotask(() => resume(Effect.void))), value),
    encode: ParseResult.succeed
  })
  const get = <A, I, R>(schema: Schema.Schema<A, I, R>) =>
    DocSpaceClient.request({ operation: "getSomething", method: "GET", path: "/api/2.0/something" }, schema)

  it.effect("a transformation that reads a service gets it from the caller", () =>
    Effect.gen(function*() {
      const { result } = yield* run(Effect.provideService(get(withService), Prefix, "id-"), () => envelope("7"))
      expect(result).toEqual(Either.right("id-7"))
    }))

  it.effect("a transformation that reads an optional service, or the clock, sees the caller's", () =>
    Effect.gen(function*() {
      // a decoder run apart from the caller's fiber (a synchronous pass) would see no service and the real clock
      let runs = 0
      const stamped = Schema.transformOrFail(Schema.String, Schema.String, {
        strict: true,
        decode: (value) =>
          Effect.zipWith(
            Effect.serviceOption(Prefix),
            Clock.currentTimeMillis,
            (prefix, now) => {
              runs++
              return `${Option.getOrElse(prefix, () => "none-")}${value}@${now}`
            }
          ),
        encode: ParseResult.succeed
      })
      yield* TestClock.setTime(42)
      const { result } = yield* run(Effect.provideService(get(stamped), Prefix, "id-"), () => envelope("7"))
      expect(result).toEqual(Either.right("id-7@42"))
      expect(runs).toBe(1)
    }))

  it.effect("an asynchronous transformation is awaited", () =>
    Effect.gen(function*() {
      const { result } = yield* run(get(waiting), () => envelope("late"))
      expect(result).toEqual(Either.right("late"))
    }))

  it.effect("a value they refuse is still a DecodeError with its path", () =>
    Effect.gen(function*() {
      const { result } = yield* run(get(Schema.Struct({ id: waiting })), () => envelope({ id: 7 }))
      const error = failure(result)
      expect(error._tag).toBe("DecodeError")
      expect(error).toMatchObject({ path: "response.id" })
    }))
})

const bigJson = (bytes: number) => `{"response":"${"x".repeat(bytes)}","status":0,"statusCode":200}`

describe("JSON body size (issue 10 item 7)", () => {
  it.effect("a body larger than maxBodyBytes is a DecodeError naming the limit, declared or not", () =>
    Effect.gen(function*() {
      const layer = (client: HttpClient.HttpClient) =>
        DocSpaceClient.layer().pipe(
          Layer.provide(
            DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.token(Redacted.make("t0k3n")), maxBodyBytes: 1000 })
          ),
          Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
          Layer.provide(PassThroughLimiter),
          Layer.orDie
        )
      // chunked (no length) and declared length
      for (const declare of [false, true]) {
        const text = bigJson(5000)
        const { client } = yield* mockTransport(() =>
          new Response(text, {
            status: 200,
            headers: {
              "content-type": "application/json",
              ...(declare ? { "content-length": String(text.length) } : {})
            }
          })
        )
        const result = yield* Effect.either(Effect.provide(call(Schema.String), layer(client)))
        const error = failure(result)
        expect(error._tag).toBe("DecodeError")
        expect(error.message).toContain("maxBodyBytes (1000 bytes)")
      }
      // within the limit it reads as usual
      const { client } = yield* mockTransport(() => new Response(bigJson(500), { status: 200 }))
      expect(yield* Effect.provide(call(Schema.String), layer(client))).toHaveLength(500)
    }))

  it.effect("an endless body stops being read at the limit (it is never held whole)", () =>
    Effect.gen(function*() {
      let pulled = 0
      const chunk = new TextEncoder().encode("x".repeat(64 * 1024))
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++
          controller.enqueue(chunk)
        }
      })
      const { client } = yield* mockTransport(() =>
        new Response(endless, { status: 200, headers: { "content-encoding": "gzip", "content-length": "100" } })
      )
      const layer = DocSpaceClient.layer().pipe(
        Layer.provide(
          DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.token(Redacted.make("t0k3n")), maxBodyBytes: 1024 * 1024 })
        ),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(PassThroughLimiter),
        Layer.orDie
      )
      const error = failure(yield* Effect.either(Effect.provide(call(Schema.String), layer)))
      expect(error._tag).toBe("DecodeError")
      expect(pulled).toBeLessThan(40)
    }))

  it.effect("an invalid maxBodyBytes is a ConfigError", () =>
    Effect.gen(function*() {
      for (const maxBodyBytes of [0, -1, 1.5, NaN, Infinity]) {
        const result = yield* Effect.either(
          DocSpaceConfig.make({ baseUrl: BASE, auth: Auth.token(Redacted.make("t0k3n")), maxBodyBytes })
        )
        expect(Either.isLeft(result) && String(result.left)).toContain("maxBodyBytes")
      }
    }))
})

describe("secrets in server messages and transport errors (issue 10 item 6)", () => {
  const TOKEN = "opaque-session-token-6f1d2a"
  const PASSWORD = "pa55-word-canary"

  it.effect("a server message that echoes the token or the API key is scrubbed from Unauthorized", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        call(Schema.Unknown),
        () => errorEnvelope(401, `token ${TOKEN} is not valid`),
        { auth: Auth.token(Redacted.make(TOKEN)) }
      )
      const error = failure(result)
      expect(error._tag).toBe("Unauthorized")
      for (const form of [error.message, String(error), JSON.stringify(error), Inspectable.format(error)]) {
        expect(form).not.toContain(TOKEN)
      }
      expect(error.message).toContain("<redacted>")
    }))

  it.effect("a token obtained by a password login is scrubbed too, and so is the password", () =>
    Effect.gen(function*() {
      const { result } = yield* run(
        call(Schema.Unknown),
        (s) =>
          s.url.pathname === "/api/2.0/authentication"
            ? envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
            : errorEnvelope(403, `denied for ${TOKEN} (${PASSWORD})`),
        { auth: Auth.password({ userName: "me@example.com", password: Redacted.make(PASSWORD) }) }
      )
      const error = failure(result)
      expect(error._tag).toBe("Forbidden")
      expect(error.message).not.toContain(TOKEN)
      expect(error.message).not.toContain(PASSWORD)
    }))

  it.effect("a TransportError's message keeps no query string", () =>
    Effect.gen(function*() {
      const failing = HttpClient.make((request) =>
        Effect.fail(
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            description: "connect ECONNRESET https://uploads.example.com/ChunkedUploader.ashx?uid=1&token=s3cr3t#x"
          })
        )
      )
      const result = yield* Effect.either(Effect.provide(call(Schema.Unknown), clientLayer(failing)))
      const error = failure(result)
      expect(error._tag).toBe("TransportError")
      expect(error.message).not.toContain("s3cr3t")
      expect(error.message).not.toContain("uid=")
      expect(error.message).toContain("ECONNRESET")
      expect(error.message).toContain("https://uploads.example.com/ChunkedUploader.ashx")
    }))

  it.effect("a lone surrogate in a query value is a BadRequest, not a silently changed value", () =>
    Effect.gen(function*() {
      const { result, seen } = yield* run(
        DocSpaceClient.request({
          operation: "search",
          method: "GET",
          path: "/api/2.0/files/@my",
          urlParams: { filterValue: "a\ud800b" }
        }, Schema.Unknown),
        () => envelope({})
      )
      expect(failure(result)._tag).toBe("BadRequest")
      expect(seen).toHaveLength(0)
      const nan = yield* run(
        DocSpaceClient.request({
          operation: "search",
          method: "GET",
          path: "/api/2.0/files/@my",
          urlParams: { count: NaN }
        }, Schema.Unknown),
        () => envelope({})
      )
      expect(failure(nan.result)._tag).toBe("BadRequest")
      expect(nan.seen).toHaveLength(0)
    }))

  it.effect("a TransportError names the system code of its cause (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED)", () =>
    Effect.gen(function*() {
      for (const code of ["ECONNREFUSED", "ENOTFOUND", "CERT_HAS_EXPIRED"]) {
        const failing = HttpClient.make((request) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              // fetch wraps the system error: TypeError("fetch failed", { cause })
              cause: new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code }) }),
              description: "fetch failed"
            })
          )
        )
        const result = yield* Effect.either(Effect.provide(call(Schema.Unknown), clientLayer(failing)))
        const error = failure(result)
        expect(error._tag).toBe("TransportError")
        expect(error.message).toBe(`Transport: fetch failed (${code})`)
      }
    }))
})

import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { API_KEY, BASE, envelope, json, mockTransport, type Reply, type Seen } from "./utils.js"

// The real limiter, built by DocSpaceClient from the config's policy (no RateLimiter in context).
const live = (client: HttpClient.HttpClient, rateLimit?: RateLimitPolicy.RateLimitPolicy) =>
  DocSpaceClient.layer().pipe(
    Layer.provide(DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.apiKey(Redacted.make(API_KEY)), rateLimit })),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.orDie
  )

const copy = DocSpaceClient.request({
  operation: "copyBatchItems",
  method: "PUT",
  path: "/api/2.0/files/fileops/copy",
  body: DocSpaceClient.jsonBody({ fileIds: [1], destFolderId: 2 })
}, Schema.Unknown)

const refusedThenOk = (status: number, headers: Record<string, string>) => (_: Seen, index: number): Reply =>
  index === 0 ? json({ error: { message: "Too many requests" } }, status, headers) : envelope([{ id: "op" }])

describe("DocSpaceClient with the default rate limiter", () => {
  it.effect("a retry is logged at Debug (and the refusal as a warning) with the operation, and nothing secret", () =>
    Effect.gen(function*() {
      const lines: Array<{ level: string; message: string; annotations: Record<string, unknown> }> = []
      const logger = Logger.make(({ annotations, logLevel, message }) => {
        lines.push({
          level: logLevel.label,
          message: String(message),
          annotations: Object.fromEntries(HashMap.toEntries(annotations))
        })
      })
      const { client } = yield* mockTransport(refusedThenOk(429, { "retry-after": "30" }))
      const fiber = yield* Effect.fork(
        Effect.provide(copy, live(client)).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      yield* TestClock.adjust("31 seconds")
      yield* Fiber.join(fiber)
      const retry = lines.find((line) => line.message === "retrying the request")
      expect(retry?.level).toBe("DEBUG")
      expect(retry?.annotations).toMatchObject({
        "docspace.operation": "copyBatchItems",
        "url.template": "/api/2.0/files/fileops/copy",
        "docspace.retry.attempt": 1,
        "docspace.retry.reason": expect.stringMatching(/^429 \(/),
        "http.request.method": "PUT"
      })
      const warning = lines.find((line) => line.level === "WARN" && line.message.includes("rate-limit policy allowed"))
      // the client describes its requests to the limiter (issue 13): the route template, not the real URL
      expect(warning?.annotations).toMatchObject({ "http.route": "/api/2.0/files/fileops/copy" })
      expect(lines.some((line) => line.message.startsWith("rate-limit gate closed"))).toBe(true)
      expect(JSON.stringify(lines)).not.toContain(API_KEY)
    }))

  for (const [status, headers] of [[429, { "retry-after": "30" }], [503, { "retry-after": "30" }]] as const) {
    it.effect(`a PUT refused with ${status} + Retry-After waits for the gate and is retried once`, () =>
      Effect.gen(function*() {
        const { client, seen } = yield* mockTransport(refusedThenOk(status, headers))
        const fiber = yield* Effect.fork(Effect.provide(copy, live(client)))
        yield* TestClock.adjust("29 seconds")
        expect((yield* Ref.get(seen)).length).toBe(1) // still waiting: nobody walks into the wall
        yield* TestClock.adjust("2 seconds")
        const result = yield* Fiber.join(fiber)
        expect(result).toEqual([{ id: "op" }])
        expect((yield* Ref.get(seen)).map((s) => s.method)).toEqual(["PUT", "PUT"])
      }))
  }

  it.effect("a PUT that meets a 502 is not retried (PUT is not idempotent on DocSpace)", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(() => new Response("<html>502</html>", { status: 502 }))
      const result = yield* Effect.either(Effect.provide(copy, live(client)))
      expect(Either.isLeft(result) && result.left._tag).toBe("ServerError")
      expect(yield* Ref.get(seen)).toHaveLength(1)
    }))

  it.effect("when the retry budget is spent the caller gets RateLimited with retryAfter", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() =>
        json({ error: { message: "slow down" } }, 429, { "retry-after": "5" })
      )
      const policy: RateLimitPolicy.RateLimitPolicy = {
        ...RateLimitPolicy.docSpaceCloud,
        retry: { ...RateLimitPolicy.docSpaceCloud.retry, attempts: 2 }
      }
      const fiber = yield* Effect.fork(Effect.either(Effect.provide(copy, live(client, policy))))
      yield* TestClock.adjust("1 minute")
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left._tag).toBe("RateLimited")
      if (Either.isLeft(result) && result.left._tag === "RateLimited") {
        expect(Duration.toMillis(result.left.retryAfter)).toBeGreaterThan(0)
        expect(String(result.left)).not.toContain(API_KEY)
      }
    }))

  it.scoped("a RateLimiter in context is used instead of one from the config (one limiter for many clients)", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() => envelope(null))
      const shared = yield* RateLimiter.make(RateLimitPolicy.docSpaceCloud)
      const layer = DocSpaceClient.layer().pipe(
        Layer.provide(DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.apiKey(Redacted.make(API_KEY)) })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(Layer.succeed(RateLimiter.RateLimiter, shared)),
        Layer.orDie
      )
      yield* Effect.provide(Effect.replicateEffect(copy, 3), layer)
      const stats = yield* shared.stats
      expect(stats.write.sent).toBe(3)
    }))
})

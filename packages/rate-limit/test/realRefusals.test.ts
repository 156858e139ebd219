/**
 * The limiter against refusals as a DocSpace server sends them (RedisRateLimiting's OnRejected): 429, empty body,
 * only X-RateLimit-Limit and X-RateLimit-Remaining (<= 0) for window and concurrency refusals, the concurrency
 * refusal's Limit being the cap; no rate header on successes.
 */
import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { makeTransport, runWithClock, settle } from "./utils.js"

const policy = (overrides: Partial<RateLimitPolicy.RateLimitPolicy> = {}): RateLimitPolicy.RateLimitPolicy => ({
  ...RateLimitPolicy.unlimited,
  name: "test",
  retry: { ...RateLimitPolicy.defaultRetry, jitter: 0 },
  ...overrides
})

const URL = "http://api.test/api/2.0/files/1"

/** A server like DocSpace's chained limiter: sliding window first (refused requests not counted), then concurrency. */
const realServer = (limits: { window: number; windowMs: number; get: number; other: number }) => {
  const accepted: Array<number> = []
  const inFlight = { get: 0, other: 0 }
  const refused = { window: 0, concurrency: 0 }
  const t = makeTransport((request, n) => {
    const now = t.calls[n].at
    while (accepted.length > 0 && accepted[0] <= now - limits.windowMs) accepted.shift()
    if (accepted.length >= limits.window) {
      refused.window++
      return {
        status: 429,
        body: "",
        headers: { "x-ratelimit-limit": String(limits.window), "x-ratelimit-remaining": "0" }
      }
    }
    // the window counted it, even if concurrency refuses it next
    accepted.push(now)
    const cls = request.method === "GET" ? "get" : "other"
    if (inFlight[cls] >= limits[cls]) {
      refused.concurrency++
      return {
        status: 429,
        body: "",
        headers: {
          "x-ratelimit-limit": String(limits[cls]),
          "x-ratelimit-remaining": String(limits[cls] - inFlight[cls])
        }
      }
    }
    inFlight[cls]++
    return { latency: 50, onDone: () => inFlight[cls]-- }
  })
  return { ...t, refused }
}

describe("refusals with the real server's headers", () => {
  it.effect("caps 2x too high: the caps are learned from concurrency 429s, the window is left alone", () =>
    Effect.gen(function*() {
      const server = realServer({ window: 1000, windowMs: 60_000, get: 4, other: 2 })
      const limiter = yield* RateLimiter.make(policy({
        windows: [RateLimitPolicy.window(1000, "1 minute")],
        concurrency: { read: 8, write: 4 }
      }))
      const client = limiter.apply(server.client)
      const results = yield* runWithClock(
        Effect.forEach(
          Array.from({ length: 60 }, (_, i) => i),
          (i) => Effect.either(Effect.flatMap(i % 3 === 0 ? client.post(URL) : client.get(URL), (r) => r.text)),
          { concurrency: "unbounded" }
        )
      )
      assert.strictEqual(results.filter(Either.isRight).length, 60, "every request finished")
      const stats = yield* limiter.stats
      assert.deepStrictEqual(stats.limits, { read: 4, write: 2, windows: [1000] })
      assert.strictEqual(server.refused.window, 0)
      assert.isAtMost(server.refused.concurrency, 8, "refused only before the caps were learned")
      assert.strictEqual(stats.gateClosedMillis, 0, "a concurrency refusal closes no gate")
    }).pipe(Effect.scoped))

  it.effect("a window refusal without a hint waits for the sliding window, not a backoff the window outlasts", () =>
    Effect.gen(function*() {
      // someone else used the account's window: the server refuses for the first 50 s, whatever we send
      const t = makeTransport((_, n) =>
        t.calls[n].at < 50_000
          ? { status: 429, body: "", headers: { "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0" } }
          : {}
      )
      // a shared view (not adaptive): nothing is learned, the wait alone must get it through
      const limiter = yield* RateLimiter.make(policy({
        windows: [RateLimitPolicy.window(1500, "1 minute")],
        adaptive: false
      }))
      const text = yield* runWithClock(Effect.flatMap(limiter.apply(t.client).get(URL), (r) => r.text), "1 second")
      assert.strictEqual(text, "ok")
      assert.strictEqual(t.calls.length, 2, "one wait long enough for the window, one retry")
      assert.isAtLeast(t.calls[1].at, 60_000)
      assert.deepStrictEqual((yield* limiter.stats).limits.windows, [1500])
    }).pipe(Effect.scoped))

  it.effect("a window refusal with the window's figure lowers a window 2x too high, once", () =>
    Effect.gen(function*() {
      const server = realServer({ window: 10, windowMs: 1000, get: 100, other: 100 })
      const limiter = yield* RateLimiter.make(policy({ windows: [RateLimitPolicy.window(20, "1 second")] }))
      const client = limiter.apply(server.client)
      const results = yield* runWithClock(
        Effect.forEach(
          Array.from({ length: 40 }),
          () => Effect.either(Effect.flatMap(client.get(URL), (r) => r.text)),
          {
            concurrency: "unbounded"
          }
        )
      )
      assert.strictEqual(results.filter(Either.isRight).length, 40)
      assert.deepStrictEqual((yield* limiter.stats).limits.windows, [10])
      assert.isAtMost(server.refused.window, 10, "only the first burst beyond the real window")
    }).pipe(Effect.scoped))

  it.effect("HEAD counts as a write for concurrency, as on the server", () =>
    Effect.gen(function*() {
      const t = makeTransport(() => ({ status: 200, body: "" }))
      const limiter = yield* RateLimiter.make(policy({ concurrency: { read: 1, write: 1 } }))
      yield* runWithClock(limiter.apply(t.client).head(URL))
      const stats = yield* limiter.stats
      assert.strictEqual(stats.write.sent, 1)
      assert.strictEqual(stats.read.sent, 0)
    }).pipe(Effect.scoped))

  it.effect("a HEAD is still retried after a transport error (it is idempotent)", () =>
    Effect.gen(function*() {
      const t = makeTransport((_, n) => (n === 0 ? "transport-error" : { status: 200, body: "" }))
      const limiter = yield* RateLimiter.make(policy({ retry: { ...RateLimitPolicy.defaultRetry, jitter: 0 } }))
      const res = yield* runWithClock(limiter.apply(t.client).head(URL))
      assert.strictEqual(res.status, 200)
      assert.strictEqual(t.calls.length, 2)
      assert.isAtLeast(t.calls[1].at, Duration.toMillis(RateLimitPolicy.defaultRetry.baseDelay))
    }).pipe(Effect.scoped))
})

describe("refusals that are not the global window", () => {
  it.effect("a concurrency refusal under a policy without caps leaves the global window alone", () =>
    Effect.gen(function*() {
      const server = realServer({ window: 1500, windowMs: 60_000, get: 50, other: 15 })
      const limiter = yield* RateLimiter.make(policy({ windows: [RateLimitPolicy.window(1500, "1 minute")] }))
      const client = limiter.apply(server.client)
      const results = yield* runWithClock(
        Effect.forEach(
          Array.from({ length: 40 }),
          () => Effect.either(Effect.flatMap(client.post(URL), (r) => r.text)),
          { concurrency: "unbounded" }
        )
      )
      assert.strictEqual(results.filter(Either.isRight).length, 40)
      assert.isAbove(server.refused.concurrency, 0, "the server's cap was met")
      const stats = yield* limiter.stats
      assert.deepStrictEqual(stats.limits.windows, [1500], "not lowered to the concurrency cap")
      assert.strictEqual(stats.limits.write, 15, "the cap was learned instead")
    }).pipe(Effect.scoped))

  it.effect("a route limit no rule describes pauses that path, not the global window", () =>
    Effect.gen(function*() {
      // a legacy policy against a current server: POST /api/2.0/keys meets sensitive_api (5 per 15 minutes)
      const keys = "http://api.test/api/2.0/keys"
      let keyCalls = 0
      const t = makeTransport((request) => {
        if (request.url !== keys) return {}
        keyCalls++
        return keyCalls <= 5 ? {} : { status: 429, headers: { "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0" } }
      })
      const limiter = yield* RateLimiter.make(policy({
        windows: [RateLimitPolicy.window(500, "10 seconds")],
        concurrency: { read: 50, write: 15 }
      }))
      const client = limiter.apply(t.client)
      for (let i = 0; i < 20; i++) yield* runWithClock(Effect.flatMap(client.get(URL), (r) => r.text))
      for (let i = 0; i < 5; i++) yield* runWithClock(Effect.flatMap(client.post(keys), (r) => r.text))
      const refused = yield* runWithClock(Effect.flip(client.post(keys)))
      assert.strictEqual(refused._tag, "RateLimited")
      const stats = yield* limiter.stats
      assert.deepStrictEqual(stats.limits.windows, [500], "the global window is not 5 per 10 s")
      assert.strictEqual(stats.gateClosedMillis, 0, "the shared gate stayed open")
      assert.strictEqual(yield* runWithClock(Effect.flatMap(client.get(URL), (r) => r.text)), "ok")
    }).pipe(Effect.scoped))

  it.effect("the email invitations' daily cap pauses that path only, not every write", () =>
    Effect.gen(function*() {
      // DocSpace's email_invitation_api: a fixed window of one day per portal, Limit 100
      const share = "http://api.test/api/2.0/files/rooms/1/share"
      const t = makeTransport((request, n) =>
        request.url === share ?
          {
            status: 429,
            headers: {
              "x-ratelimit-limit": "100",
              "x-ratelimit-remaining": "0",
              "x-ratelimit-reset": String(Math.floor((t.calls[n].at + 8 * 3600_000) / 1000)),
              "retry-after": String(8 * 3600)
            }
          } :
          {}
      )
      const limiter = yield* RateLimiter.make(policy({ writesPerDay: 10_000, maxWait: Duration.minutes(1) }))
      const client = limiter.apply(t.client)
      const refused = yield* runWithClock(Effect.flip(client.put(share)))
      assert.strictEqual(refused._tag, "RateLimited")
      assert.strictEqual(yield* runWithClock(Effect.flatMap(client.post(URL), (r) => r.text)), "ok", "writes go on")
      const again = yield* runWithClock(Effect.flip(client.put(share)))
      assert.strictEqual(again._tag, "RateLimited")
      assert.deepStrictEqual(t.calls.map((c) => c.method), ["PUT", "POST"], "the second PUT was never sent")
    }).pipe(Effect.scoped))

  it.effect("a refused answer's stalled body is dropped after 2 s even in an uninterruptible caller", () =>
    Effect.gen(function*() {
      let calls = 0
      const transport = HttpClient.make((request) =>
        Effect.sync(() => {
          calls++
          return HttpClientResponse.fromWeb(
            request,
            calls === 1 ?
              new Response(new ReadableStream({ start() {} }), { status: 429, headers: { "retry-after": "1" } }) :
              new Response("ok")
          )
        })
      )
      const limiter = yield* RateLimiter.make(policy())
      const client = limiter.apply(transport)
      const fiber = yield* Effect.fork(Effect.uninterruptible(Effect.flatMap(client.get(URL), (r) => r.text)))
      for (let i = 0; i < 4; i++) {
        yield* settle
        yield* TestClock.adjust("1 second")
      }
      yield* settle
      const done = yield* Fiber.poll(fiber)
      assert.isTrue(Option.isSome(done), "the drain's timeout fired")
      assert.strictEqual(yield* Fiber.join(fiber), "ok")
      assert.strictEqual(calls, 2)
    }).pipe(Effect.scoped))
})

/** Issue 10 item 7: a GET whose body is cut by a reset is retried like a transport error before the headers. */
import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runWithClock } from "./utils.js"

const URL = "http://api.test/api/2.0/files/1"

const policy: RateLimitPolicy.RateLimitPolicy = {
  ...RateLimitPolicy.unlimited,
  name: "test",
  concurrency: { read: 2, write: 2 },
  retry: { ...RateLimitPolicy.defaultRetry, jitter: 0 }
}

const reset = () => Object.assign(new Error("aborted"), { code: "ECONNRESET" })

/** Answers 200; the first `cut` bodies break after their first bytes (or are malformed JSON when `malformed`). */
const server = (cut: number, options: { readonly malformed?: boolean } = {}) => {
  const calls: Array<string> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      const n = calls.push(request.method) - 1
      const broken = n < cut
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (broken && options.malformed) {
            controller.enqueue(new TextEncoder().encode("{\"response\": "))
            controller.close()
            return
          }
          controller.enqueue(new TextEncoder().encode("{\"response\": \"ok"))
          if (broken) controller.error(reset())
          else {
            controller.enqueue(new TextEncoder().encode("\"}"))
            controller.close()
          }
        }
      })
      return HttpClientResponse.fromWeb(request, new Response(body, { status: 200 }))
    })
  )
  return { client, calls }
}

describe("a body cut by the connection", () => {
  it.effect("a GET is sent again and its body read from the new answer", () =>
    Effect.gen(function*() {
      const s = server(1)
      const limiter = yield* RateLimiter.make(policy)
      const json = yield* runWithClock(Effect.flatMap(limiter.apply(s.client).get(URL), (r) => r.json))
      assert.deepStrictEqual(json, { response: "ok" })
      assert.deepStrictEqual(s.calls, ["GET", "GET"])
      const stats = yield* limiter.stats
      assert.strictEqual(stats.retries, 1)
      assert.strictEqual(stats.read.inFlight, 0, "both permits came back")
    }).pipe(Effect.scoped))

  it.effect("within the retry budget: when every body is cut, the caller gets the ResponseError", () =>
    Effect.gen(function*() {
      const s = server(100)
      const limiter = yield* RateLimiter.make(policy)
      const error = yield* runWithClock(Effect.flip(Effect.flatMap(limiter.apply(s.client).get(URL), (r) => r.text)))
      assert.strictEqual(error._tag, "ResponseError")
      assert.strictEqual(s.calls.length, 1 + RateLimitPolicy.defaultRetry.attempts)
      assert.strictEqual((yield* limiter.stats).read.inFlight, 0)
    }).pipe(Effect.scoped))

  it.effect("a POST is not sent again (it may have been processed)", () =>
    Effect.gen(function*() {
      const s = server(1)
      const limiter = yield* RateLimiter.make(policy)
      const error = yield* runWithClock(Effect.flip(Effect.flatMap(limiter.apply(s.client).post(URL), (r) => r.json)))
      assert.strictEqual(error._tag, "ResponseError")
      assert.deepStrictEqual(s.calls, ["POST"])
    }).pipe(Effect.scoped))

  it.effect("a malformed body that arrived whole is not a transport error: not sent again", () =>
    Effect.gen(function*() {
      const s = server(1, { malformed: true })
      const limiter = yield* RateLimiter.make(policy)
      const error = yield* runWithClock(Effect.flip(Effect.flatMap(limiter.apply(s.client).get(URL), (r) => r.json)))
      assert.strictEqual(error._tag, "ResponseError")
      assert.deepStrictEqual(s.calls, ["GET"])
    }).pipe(Effect.scoped))
})

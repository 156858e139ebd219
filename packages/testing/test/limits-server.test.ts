import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Adapters from "../src/internal/adapters.js"
import type { FakeRequest, FakeResponse, Handler } from "../src/internal/handler.js"
import * as Limits from "../src/internal/limits.js"

const encoder = new TextEncoder()

const request = (method: string, path: string, auth = "Bearer sk-a"): FakeRequest => ({
  method,
  url: new URL(`http://fake.local${path}`),
  headers: { authorization: auth },
  body: new Uint8Array(0)
})

const ok: Handler = () =>
  Effect.succeed({
    status: 200,
    headers: { "content-type": "application/json" },
    body: Stream.succeed(encoder.encode("{}"))
  })

/** Sends one request and reads its body in full, as a client does. */
const send = (handler: Handler, method: string, path: string, auth?: string) =>
  Effect.flatMap(
    handler(request(method, path, auth)),
    (response) => Effect.as(Stream.runDrain(response.body), response)
  )

const statuses = (responses: ReadonlyArray<FakeResponse>) => responses.map((r) => r.status)

describe("limits: legacy regime", () => {
  it.effect("500 requests per 10 s, then 503 with Retry-After until the window ends", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "legacy" })
      const handler = limits.middleware(ok)
      yield* TestClock.adjust("3 seconds")
      for (let i = 0; i < 500; i++) assert.strictEqual((yield* send(handler, "GET", `/api/2.0/files/${i}`)).status, 200)
      const refused = yield* send(handler, "GET", "/api/2.0/files/1")
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers["retry-after"], "7")
      assert.strictEqual(refused.headers["x-ratelimit-limit"], undefined)
      // another account has its own window
      assert.strictEqual((yield* send(handler, "GET", "/api/2.0/files/1", "Bearer sk-b")).status, 200)
      yield* TestClock.adjust("7 seconds")
      assert.strictEqual((yield* send(handler, "GET", "/api/2.0/files/1")).status, 200)
      const stats = yield* limits.stats
      assert.strictEqual(stats.received, 503)
      assert.strictEqual(stats.accepted, 502)
      assert.strictEqual(stats.rejected.window, 1)
      assert.strictEqual(stats.byRoute["GET /api/2.0/files/{id}"], 503)
    }))

  it.effect("the window is fixed: it restarts at its boundary, not one window after the first request", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "legacy", requests: { limit: 2, window: "10 seconds" } })
      const handler = limits.middleware(ok)
      yield* TestClock.adjust("9 seconds")
      assert.deepStrictEqual(statuses([yield* send(handler, "GET", "/a"), yield* send(handler, "GET", "/a")]), [
        200,
        200
      ])
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 503)
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 200)
    }))

  it.effect("authentication has its own per-minute rule (1500/min by default)", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "legacy", requests: { limit: 100000, window: "10 seconds" } })
      const handler = limits.middleware(ok)
      for (let i = 0; i < 1500; i++) {
        assert.strictEqual((yield* send(handler, "POST", "/api/2.0/authentication")).status, 200)
      }
      const refused = yield* send(handler, "POST", "/api/2.0/authentication/123456")
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers["retry-after"], "60")
      assert.strictEqual((yield* send(handler, "GET", "/api/2.0/people/@self")).status, 200)
      assert.strictEqual((yield* limits.stats).rejected.route, 1)
    }))
})

const bodyText = (response: FakeResponse) =>
  Effect.map(Stream.runCollect(response.body), (chunks) =>
    new TextDecoder().decode(
      Array.from(chunks).reduce((all, c) => {
        const out = new Uint8Array(all.length + c.length)
        out.set(all)
        out.set(c, all.length)
        return out
      }, new Uint8Array(0))
    ))

const rateHeaders = (response: FakeResponse) =>
  Object.fromEntries(
    Object.entries(response.headers).filter(([k]) => k.startsWith("x-ratelimit-") || k === "retry-after")
  )

describe("limits: cloud regime (the refusals of DocSpace-server 3.7 and RedisRateLimiting)", () => {
  it.effect("a sliding window per minute: 429, empty body, only Limit and Remaining 0; no rate header on successes", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud", requests: { limit: 3, window: "1 minute" } })
      const handler = limits.middleware(ok)
      const first = yield* send(handler, "GET", "/a")
      assert.deepStrictEqual(rateHeaders(first), {}, "successes carry no rate header")
      yield* TestClock.adjust("20 seconds")
      yield* send(handler, "GET", "/a")
      yield* TestClock.adjust("20 seconds")
      yield* send(handler, "GET", "/a")
      yield* TestClock.adjust("10 seconds")
      const refused = yield* handler(request("GET", "/a"))
      assert.strictEqual(refused.status, 429)
      assert.deepStrictEqual(rateHeaders(refused), { "x-ratelimit-limit": "3", "x-ratelimit-remaining": "0" })
      assert.strictEqual(yield* bodyText(refused), "", "an empty body")
      assert.strictEqual(refused.headers["content-length"], "0")
      // sliding: at 60 s only the first request has left the window, so exactly one more fits (refusals not counted)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 200)
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 429)
    }))

  it.effect("timeScale 0.01 makes the minute 600 ms", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({
        regime: "cloud",
        timeScale: 0.01,
        requests: { limit: 2, window: "1 minute" }
      })
      const handler = limits.middleware(ok)
      yield* send(handler, "GET", "/a")
      yield* send(handler, "GET", "/a")
      const refused = yield* send(handler, "GET", "/a")
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.headers["retry-after"], undefined)
      yield* TestClock.adjust("599 millis")
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 429)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 200)
    }))

  it.effect("a concurrency refusal: Limit is the cap, Remaining cap - inFlight; HEAD counts with the writes", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const held: Handler = () =>
        Effect.succeed({
          status: 200,
          headers: {},
          body: Stream.fromEffect(Effect.as(Deferred.await(gate), new Uint8Array(1)))
        })
      const limits = yield* Limits.make({ regime: "cloud", concurrency: { get: 1, other: 2 } })
      const handler = limits.middleware(held)
      assert.strictEqual((yield* handler(request("GET", "/a"))).status, 200)
      const get = yield* handler(request("GET", "/a"))
      assert.strictEqual(get.status, 429)
      assert.deepStrictEqual(rateHeaders(get), { "x-ratelimit-limit": "1", "x-ratelimit-remaining": "0" })
      assert.strictEqual(yield* bodyText(get), "")
      assert.strictEqual((yield* handler(request("HEAD", "/a"))).status, 200)
      assert.strictEqual((yield* handler(request("POST", "/a"))).status, 200)
      const head = yield* handler(request("HEAD", "/a"))
      assert.strictEqual(head.status, 429, "HEAD is not a GET for the server")
      assert.deepStrictEqual(rateHeaders(head), { "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0" })
      assert.deepStrictEqual((yield* limits.stats).inFlight, { get: 1, other: 2 })
      yield* Deferred.succeed(gate, void 0)
    }))

  it.effect("a request refused for concurrency still counts in the window (the chain's order)", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const held: Handler = () =>
        Effect.succeed({
          status: 200,
          headers: {},
          body: Stream.fromEffect(Effect.as(Deferred.await(gate), new Uint8Array(1)))
        })
      const limits = yield* Limits.make({
        regime: "cloud",
        requests: { limit: 3, window: "1 minute" },
        concurrency: { get: 1, other: 1 }
      })
      const handler = limits.middleware(held)
      assert.strictEqual((yield* handler(request("GET", "/a"))).status, 200)
      assert.strictEqual((yield* handler(request("GET", "/a"))).status, 429)
      assert.strictEqual((yield* handler(request("GET", "/a"))).status, 429)
      yield* Deferred.succeed(gate, void 0)
      const refused = yield* handler(request("GET", "/a"))
      assert.deepStrictEqual(rateHeaders(refused), { "x-ratelimit-limit": "3", "x-ratelimit-remaining": "0" })
      const stats = yield* limits.stats
      assert.strictEqual(stats.rejected.concurrency, 2)
      assert.strictEqual(stats.rejected.window, 1)
    }))

  it.effect("the daily POST/PUT cap: a fixed window from the first write; Retry-After and X-RateLimit-Reset", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud", dailyWrites: 3 })
      const handler = limits.middleware(ok)
      yield* TestClock.adjust("1 hour")
      for (const method of ["POST", "PUT", "POST"]) assert.strictEqual((yield* send(handler, method, "/w")).status, 200)
      yield* TestClock.adjust("1 hour")
      const refused = yield* send(handler, "PUT", "/w")
      assert.strictEqual(refused.status, 429)
      // the window began with the first write, at 1 h: it ends at 25 h
      assert.deepStrictEqual(rateHeaders(refused), {
        "x-ratelimit-limit": "3",
        "x-ratelimit-remaining": "0",
        "retry-after": String(23 * 3600),
        "x-ratelimit-reset": String(25 * 3600)
      })
      assert.strictEqual(yield* bodyText(refused), "")
      assert.strictEqual((yield* send(handler, "GET", "/w")).status, 200)
      assert.strictEqual((yield* send(handler, "DELETE", "/w")).status, 200)
      yield* TestClock.adjust("23 hours")
      assert.strictEqual((yield* send(handler, "POST", "/w")).status, 200)
      const stats = yield* limits.stats
      assert.strictEqual(stats.rejected.daily, 1)
      assert.strictEqual(stats.writes, 5)
    }))

  it.effect("wholeSecondRetryAfter rounds a scaled daily wait up to whole seconds", () =>
    Effect.gen(function*() {
      for (const [whole, expected] of [[false, "86.4"], [true, "87"]] as const) {
        const limits = yield* Limits.make({
          regime: "cloud",
          timeScale: 0.001,
          wholeSecondRetryAfter: whole,
          dailyWrites: 1
        })
        const handler = limits.middleware(ok)
        yield* send(handler, "POST", "/w")
        assert.strictEqual((yield* send(handler, "POST", "/w")).headers["retry-after"], expected)
      }
    }))

  it.effect("sensitive routes: 5 per 15 minutes per exact path, refused with Limit 5 and Remaining 0", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud" })
      const handler = limits.middleware(ok)
      for (let i = 0; i < 5; i++) assert.strictEqual((yield* send(handler, "POST", "/api/2.0/keys")).status, 200)
      const refused = yield* send(handler, "POST", "/api/2.0/keys")
      assert.strictEqual(refused.status, 429)
      assert.deepStrictEqual(rateHeaders(refused), { "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0" })
      // each path has its own window: another user id is another path
      for (let i = 0; i < 5; i++) {
        assert.strictEqual((yield* send(handler, "PUT", "/api/2.0/people/u1/password")).status, 200)
      }
      assert.strictEqual((yield* send(handler, "PUT", "/api/2.0/people/u1/password")).status, 429)
      assert.strictEqual((yield* send(handler, "PUT", "/api/2.0/people/u2/password")).status, 200)
      assert.strictEqual((yield* send(handler, "GET", "/api/2.0/keys")).status, 200)
      yield* TestClock.adjust("15 minutes")
      assert.strictEqual((yield* send(handler, "POST", "/api/2.0/keys")).status, 200)
      assert.strictEqual((yield* limits.stats).rejected.sensitive, 2)
    }))

  it.effect("payment routes: 10 per minute per exact path", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud" })
      const handler = limits.middleware(ok)
      for (let i = 0; i < 10; i++) {
        assert.strictEqual((yield* send(handler, "POST", "/api/2.0/portal/payment/deposit")).status, 200)
      }
      const refused = yield* send(handler, "POST", "/api/2.0/portal/payment/deposit")
      assert.strictEqual(refused.status, 429)
      assert.deepStrictEqual(rateHeaders(refused), { "x-ratelimit-limit": "10", "x-ratelimit-remaining": "0" })
      assert.strictEqual((yield* send(handler, "PUT", "/api/2.0/portal/payment/update")).status, 200)
    }))
})

describe("limits: legacy password routes", () => {
  it.effect("5 per minute across the password reminder and the password change (DocSpace 2.0's sensitive_api)", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "legacy" })
      const handler = limits.middleware(ok)
      for (let i = 0; i < 5; i++) {
        const path = i % 2 === 0 ? "/api/2.0/people/password" : `/api/2.0/people/u${i}/password`
        assert.strictEqual((yield* send(handler, i % 2 === 0 ? "POST" : "PUT", path)).status, 200)
      }
      const refused = yield* send(handler, "PUT", "/api/2.0/people/u9/password")
      assert.strictEqual(refused.status, 503)
      assert.strictEqual(refused.headers["retry-after"], "60")
      assert.strictEqual((yield* send(handler, "PUT", "/api/2.0/people/u9/email")).status, 200)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual((yield* send(handler, "POST", "/api/2.0/people/password")).status, 200)
    }))
})

describe("limits: concurrency", () => {
  const concurrencyTest = (regime: "legacy" | "cloud", status: number) =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const held: Handler = () =>
        Effect.succeed({
          status: 200,
          headers: {},
          body: Stream.concat(
            Stream.succeed(encoder.encode("[")),
            Stream.fromEffect(Effect.as(Deferred.await(gate), encoder.encode("]")))
          )
        })
      const limits = yield* Limits.make({ regime, concurrency: { get: 2, other: 1 } })
      const handler = limits.middleware(held)
      const g1 = yield* handler(request("GET", "/a"))
      const g2 = yield* handler(request("GET", "/a"))
      const g3 = yield* handler(request("GET", "/a"))
      assert.deepStrictEqual(statuses([g1, g2, g3]), [200, 200, status])
      assert.strictEqual(g3.headers["retry-after"], undefined)
      const p1 = yield* handler(request("POST", "/a"))
      const p2 = yield* handler(request("PUT", "/a"))
      assert.deepStrictEqual(statuses([p1, p2]), [200, status])
      // the slot is held until the body completes, not until the head is sent
      const before = yield* limits.stats
      assert.deepStrictEqual(before.inFlight, { get: 2, other: 1 })
      yield* Deferred.succeed(gate, void 0)
      yield* Stream.runDrain(g1.body)
      assert.strictEqual((yield* handler(request("GET", "/a"))).status, 200)
      yield* Stream.runDrain(p1.body)
      assert.strictEqual((yield* send(handler, "POST", "/a")).status, 200)
      const stats = yield* limits.stats
      assert.deepStrictEqual(stats.peakConcurrency, { get: 2, other: 1 })
      assert.strictEqual(stats.rejected.concurrency, 2)
    })

  it.effect("cloud rejects past the cap at once with 429", () => concurrencyTest("cloud", 429))
  it.effect("legacy rejects past the cap at once with 503", () => concurrencyTest("legacy", 503))

  it.effect("a handler failure and an interrupted body both release the slot", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud", concurrency: { get: 1, other: 1 } })
      const failing = limits.middleware(() => Effect.die("boom"))
      yield* Effect.exit(failing(request("GET", "/a")))
      const never = limits.middleware(() => Effect.succeed({ status: 200, headers: {}, body: Stream.never }))
      const response = yield* never(request("GET", "/a"))
      assert.strictEqual((yield* limits.stats).inFlight.get, 1)
      const reader = yield* Effect.fork(Stream.runDrain(response.body))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(reader)
      assert.strictEqual((yield* limits.stats).inFlight.get, 0)
    }))
})

describe("limits: through the in-process HttpClient", () => {
  it.effect("the slot is held until the client has read the body, and released when it stops reading", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud", concurrency: { get: 1, other: 1 } })
      const client = Adapters.toHttpClient(limits.middleware(() =>
        Effect.succeed({
          status: 200,
          headers: {},
          body: Stream.make(encoder.encode("a"), encoder.encode("b"), encoder.encode("c"))
        })
      ))
      const first = yield* client.get("http://fake.local/a")
      assert.strictEqual((yield* client.get("http://fake.local/a")).status, 429)
      assert.strictEqual(yield* first.text, "abc")
      const second = yield* client.get("http://fake.local/a")
      assert.strictEqual(second.status, 200)
      // read one chunk, then stop: cancelling the body releases the slot
      yield* Stream.runDrain(Stream.take(second.stream, 1))
      assert.strictEqual((yield* limits.stats).inFlight.get, 0)
      assert.strictEqual((yield* client.get("http://fake.local/a")).status, 200)
    }))
})

describe("limits: options and counters", () => {
  it.effect("invalid options are a typed error", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(Limits.make({ regime: "cloud", timeScale: 0 }))
      assert.strictEqual(e1._tag, "InvalidOptions")
      const e2 = yield* Effect.flip(Limits.make({ regime: "legacy", requests: { limit: -1, window: "1 second" } }))
      assert.include(e2.message, "requests.limit")
      const e3 = yield* Effect.flip(Limits.make({ regime: "legacy", requests: { limit: 1, window: "0 millis" } }))
      assert.include(e3.message, "window")
    }))

  it.effect("reset forgets windows and counters", () =>
    Effect.gen(function*() {
      const limits = yield* Limits.make({ regime: "cloud", requests: { limit: 1, window: "1 minute" } })
      const handler = limits.middleware(ok)
      yield* send(handler, "GET", "/a")
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 429)
      yield* limits.reset
      assert.strictEqual((yield* limits.stats).received, 0)
      assert.strictEqual((yield* send(handler, "GET", "/a")).status, 200)
    }))
})

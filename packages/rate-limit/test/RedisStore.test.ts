import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
import * as RedisStore from "@effect-docspace/rate-limit/RedisStore"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { inject } from "vitest"
import { makeTransport } from "./utils.js"

const url = inject("redisUrl")
if (!url) console.warn(`[rate-limit] Redis tests skipped: ${inject("redisSkipReason")}`)

const URL = "http://api.test/api/2.0/files/1"

const policy = (overrides: Partial<RateLimitPolicy.RateLimitPolicy>): RateLimitPolicy.RateLimitPolicy => ({
  ...RateLimitPolicy.unlimited,
  name: "redis-test",
  retry: { ...RateLimitPolicy.defaultRetry, jitter: 0 },
  ...overrides
})

/** A limiter with its own Redis connection (as a separate process would have) under `prefix`. */
const limiterOn = (
  prefix: string,
  p: RateLimitPolicy.RateLimitPolicy,
  pollInterval: Duration.DurationInput = "5 millis"
) =>
  Layer.build(RateLimiter.layer(p).pipe(Layer.provide(RedisStore.layer({ url, prefix, pollInterval }))))
    .pipe(Effect.map(Context.get(RateLimiter.RateLimiter)))

describe.skipIf(!url)("RedisStore (real redis-server)", () => {
  it.live("a crashed holder's lease expires after its TTL", () =>
    Effect.gen(function*() {
      const prefix = `test:${crypto.randomUUID()}`
      const holder = yield* Effect.scoped(
        Effect.gen(function*() {
          const store = yield* RedisStore.make({ url, prefix })
          const r = yield* store.acquire({
            key: "lease:write",
            limit: 1,
            leaseId: "crashed",
            ttlMillis: 400,
            now: Date.now()
          })
          return r._tag
        })
      ) // the connection is gone and the lease was never released
      assert.strictEqual(holder, "Acquired")
      const store = yield* RedisStore.make({ url, prefix })
      const start = Date.now()
      const first = yield* store.acquire({ key: "lease:write", limit: 1, leaseId: "next", ttlMillis: 400, now: start })
      assert.strictEqual(first._tag, "Busy")
      let acquiredAt = 0
      while (acquiredAt === 0 && Date.now() - start < 3000) {
        const r = yield* store.acquire({
          key: "lease:write",
          limit: 1,
          leaseId: "next",
          ttlMillis: 400,
          now: Date.now()
        })
        if (r._tag === "Acquired") acquiredAt = Date.now()
        else yield* Effect.sleep("20 millis")
      }
      assert.isAbove(acquiredAt, 0)
      assert.isAtMost(acquiredAt - start, 1000)
    }).pipe(Effect.scoped), 10_000)

  it.live("a live holder renews its lease: a long body keeps its slot across processes", () =>
    Effect.gen(function*() {
      const prefix = `test:${crypto.randomUUID()}`
      // long enough that a renewal (every third of the lease) is not missed on a loaded 2-core machine
      const p = policy({ concurrency: { write: 1 }, leaseTtl: Duration.millis(600) })
      const a = yield* limiterOn(prefix, p)
      const b = yield* limiterOn(prefix, p)
      const t = makeTransport(() => ({}))
      const held = yield* a.apply(t.client).post(URL) // body not read yet
      const other = yield* Effect.fork(Effect.flatMap(b.apply(t.client).post(URL), (r) => r.text))
      yield* Effect.sleep("1800 millis") // three lease lifetimes
      assert.strictEqual(t.calls.length, 1, "the other process waits while the lease is renewed")
      yield* held.text
      yield* Fiber.join(other)
      assert.strictEqual(t.calls.length, 2)
    }).pipe(Effect.scoped), 10_000)

  it.live(
    "two limiters sharing one prefix stay within one window and one concurrency cap together",
    () =>
      Effect.gen(function*() {
        const prefix = `test:${crypto.randomUUID()}`
        const p = policy({ windows: [RateLimitPolicy.window(4, "600 millis")], concurrency: { read: 2 } })
        const a = yield* limiterOn(prefix, p)
        const b = yield* limiterOn(prefix, p)
        const t = makeTransport(() => ({ latency: 20 }))
        const ca = a.apply(t.client)
        const cb = b.apply(t.client)
        yield* Effect.forEach(
          Array.from({ length: 12 }, (_, i) => i),
          (i) => Effect.flatMap((i % 2 === 0 ? ca : cb).get(URL), (r) => r.text),
          { concurrency: "unbounded" }
        )
        const times = t.calls.map((c) => c.at).sort((x, y) => x - y)
        assert.strictEqual(times.length, 12)
        for (let i = 0; i + 4 < times.length; i++) {
          // the 5th send after any send is at least one interval later (a few ms of slack between take and transport)
          assert.isAtLeast(times[i + 4] - times[i], 590, `sends ${i} and ${i + 4}: ${times.join(",")}`)
        }
        assert.isAtMost(t.peak.read, 2)
        const sa = yield* a.stats
        const sb = yield* b.stats
        assert.isAbove(sa.read.sent, 0)
        assert.isAbove(sb.read.sent, 0)
      }).pipe(Effect.scoped),
    10_000
  )

  it.live("a 429 seen by one process closes the gate for the other", () =>
    Effect.gen(function*() {
      const prefix = `test:${crypto.randomUUID()}`
      const a = yield* limiterOn(prefix, policy({}))
      const b = yield* limiterOn(prefix, policy({}))
      const t = makeTransport((_, n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : {}))
      const first = yield* Effect.fork(Effect.flatMap(a.apply(t.client).get(URL), (r) => r.text))
      yield* Effect.sleep("100 millis")
      const start = Date.now()
      yield* Effect.flatMap(b.apply(t.client).del(URL), (r) => r.text)
      assert.isAtLeast(Date.now() - start, 700)
      yield* Fiber.join(first)
      assert.strictEqual(t.calls.length, 3)
    }).pipe(Effect.scoped), 10_000)

  it.live(
    "a process waiting for a window permit does not hold a concurrency slot meanwhile",
    () =>
      Effect.gen(function*() {
        const prefix = `test:${crypto.randomUUID()}`
        // one write slot; POSTs alone have a window of 1 per 3 s, DELETEs none
        const p = policy({
          concurrency: { write: 1 },
          windows: [RateLimitPolicy.window(1, "3 seconds", { methods: ["POST"] })]
        })
        const a = yield* limiterOn(prefix, p)
        const b = yield* limiterOn(prefix, p)
        const t = makeTransport(() => ({}))
        yield* Effect.flatMap(a.apply(t.client).post(URL), (r) => r.text)
        // the second POST waits about 3 s for the window
        const second = yield* Effect.fork(Effect.flatMap(a.apply(t.client).post(URL), (r) => r.text))
        yield* Effect.sleep("200 millis")
        const start = Date.now()
        yield* Effect.flatMap(b.apply(t.client).del(URL), (r) => r.text)
        assert.isAtMost(Date.now() - start, 1500, "the DELETE of the other process found the write slot free")
        yield* Fiber.join(second)
        assert.deepStrictEqual(t.calls.map((c) => c.method), ["POST", "DELETE", "POST"])
      }).pipe(Effect.scoped),
    15_000
  )

  it.live("a waiting process wakes when the slot is released, not at its next poll", () =>
    Effect.gen(function*() {
      const prefix = `test:${crypto.randomUUID()}`
      const p = policy({ concurrency: { write: 1 } })
      // a poll far longer than the test's bound: only the release notification can wake the waiter in time
      const a = yield* limiterOn(prefix, p, "20 seconds")
      const b = yield* limiterOn(prefix, p, "20 seconds")
      const t = makeTransport(() => ({}))
      const held = yield* a.apply(t.client).post(URL) // holds the only write slot until its body is read
      const other = yield* Effect.fork(Effect.flatMap(b.apply(t.client).post(URL), (r) => r.text))
      yield* Effect.sleep("300 millis")
      assert.strictEqual(t.calls.length, 1, "the other process waits for the slot")
      const releasedAt = Date.now()
      yield* held.text
      yield* Fiber.join(other)
      assert.strictEqual(t.calls.length, 2)
      assert.isAtMost(t.calls[1].at - releasedAt, 1000, "woken by the release")
    }).pipe(Effect.scoped), 30_000)

  it.live(
    "a waiting process wakes when a crashed holder's lease expires, not at its next poll",
    () =>
      Effect.gen(function*() {
        const prefix = `test:${crypto.randomUUID()}`
        // a lease taken by a process that died without releasing it: it expires 600 ms from now
        yield* Effect.scoped(
          Effect.flatMap(RedisStore.make({ url, prefix }), (store) =>
            store.acquire({ key: "lease:write", limit: 1, leaseId: "crashed", ttlMillis: 600, now: Date.now() }))
        )
        const b = yield* limiterOn(prefix, policy({ concurrency: { write: 1 } }), "20 seconds")
        const t = makeTransport(() => ({}))
        const start = Date.now()
        yield* Effect.flatMap(b.apply(t.client).post(URL), (r) =>
          r.text)
        const waited = Date.now() - start
        assert.isAtLeast(waited, 500, "it waited for the lease to expire")
        assert.isAtMost(waited, 2500, "and not for its 20 s poll")
      }).pipe(Effect.scoped),
    30_000
  )
})

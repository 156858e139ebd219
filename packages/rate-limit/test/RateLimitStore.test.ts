import { RateLimiter, RateLimitPolicy, RateLimitStore } from "@effect-docspace/rate-limit"
import * as RedisStore from "@effect-docspace/rate-limit/RedisStore"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import type { Redis } from "ioredis"
import { inject } from "vitest"
import { makeTransport } from "./utils.js"

const url = inject("redisUrl")

const contract = (name: string, make: Effect.Effect<RateLimitStore.RateLimitStore, unknown, Scope.Scope>) =>
  describe(name, () => {
    const w = (limit: number, intervalMillis: number, kind: "sliding" | "fixed" = "sliding") => ({
      key: `w:${crypto.randomUUID()}`,
      limit,
      intervalMillis,
      kind
    })
    const T = 1_700_000_000_000

    it.scoped("sliding: pending until settled, then free exactly one interval after the settle instant", () =>
      Effect.gen(function*() {
        const store = yield* make
        const windows = [w(1, 1000)]
        const take = (now: number, permitId: string = crypto.randomUUID()) =>
          store.take({ windows, gateKey: `g:${crypto.randomUUID()}`, now, dryRun: false, permitId })
        assert.deepStrictEqual(yield* take(T, "a"), { _tag: "Taken" })
        // still in flight long after: it counts as taken now
        assert.deepStrictEqual(yield* take(T + 5000), { _tag: "Blocked", retryAt: T + 6000 })
        yield* store.settle({ windows, permitId: "a", at: T + 100 })
        assert.deepStrictEqual(yield* take(T + 1099), { _tag: "Blocked", retryAt: T + 1100 })
        assert.deepStrictEqual(yield* take(T + 1100), { _tag: "Taken" })
      }))

    it.scoped(
      "sliding: a long log (thousands of permits, most of them expired) still frees at the exact instant",
      () =>
        Effect.gen(function*() {
          const store = yield* make
          const windows = [w(3000, 1000)]
          const gateKey = `g:${crypto.randomUUID()}`
          const takeAndSettle = (now: number) => {
            const permitId = crypto.randomUUID()
            return Effect.zipRight(
              store.take({ windows, gateKey, now, dryRun: false, permitId }),
              store.settle({ windows, permitId, at: now })
            )
          }
          // 3000 permits, ten a millisecond from T: the window is full at T + 299
          for (let i = 0; i < 3000; i++) yield* takeAndSettle(T + Math.floor(i / 10))
          const take = (now: number) => store.take({ windows, gateKey, now, dryRun: true, permitId: "probe" })
          assert.deepStrictEqual(yield* take(T + 299), { _tag: "Blocked", retryAt: T + 1000 })
          // at T + 1150 the 1510 permits settled up to T + 150 have expired: 1490 live, room for 1510 more
          assert.deepStrictEqual(yield* take(T + 1150), { _tag: "Taken" })
          for (let i = 0; i < 1510; i++) yield* takeAndSettle(T + 1150)
          // full again: the oldest live permit (settled at T + 151) frees at T + 1151
          assert.deepStrictEqual(yield* take(T + 1150), { _tag: "Blocked", retryAt: T + 1151 })
        }),
      60_000
    )

    it.scoped("fixed: aligned windows, exact at the boundary; limit 0 never frees", () =>
      Effect.gen(function*() {
        const store = yield* make
        const windows = [w(2, 1000, "fixed")]
        const gateKey = `g:${crypto.randomUUID()}`
        const take = (now: number) =>
          store.take({ windows, gateKey, now, dryRun: false, permitId: crypto.randomUUID() })
        assert.strictEqual((yield* take(T + 10))._tag, "Taken")
        assert.strictEqual((yield* take(T + 20))._tag, "Taken")
        assert.deepStrictEqual(yield* take(T + 999), { _tag: "Blocked", retryAt: T + 1000 })
        assert.strictEqual((yield* take(T + 1000))._tag, "Taken")
        const never = yield* store.take({ windows: [w(0, 1000)], gateKey, now: T, dryRun: true, permitId: "x" })
        assert.deepStrictEqual(never, { _tag: "Blocked", retryAt: Infinity })
      }))

    it.scoped("the gate blocks every take until it reopens, and never reopens earlier", () =>
      Effect.gen(function*() {
        const store = yield* make
        const gateKey = `g:${crypto.randomUUID()}`
        yield* store.closeGate(gateKey, T + 5000, T)
        yield* store.closeGate(gateKey, T + 2000, T)
        assert.strictEqual(yield* store.gateUntil(gateKey), T + 5000)
        const r = yield* store.take({ windows: [], gateKey, now: T + 1, dryRun: true, permitId: "x" })
        assert.deepStrictEqual(r, { _tag: "Blocked", retryAt: T + 5000 })
        const open = yield* store.take({ windows: [], gateKey, now: T + 5000, dryRun: true, permitId: "x" })
        assert.strictEqual(open._tag, "Taken")
      }))

    it.scoped("leases: at most limit, released ones come back", () =>
      Effect.gen(function*() {
        const store = yield* make
        const key = `lease:${crypto.randomUUID()}`
        const acquire = (leaseId: string) =>
          store.acquire({ key, limit: 2, leaseId, ttlMillis: 60_000, now: Date.now() })
        assert.strictEqual((yield* acquire("a"))._tag, "Acquired")
        assert.strictEqual((yield* acquire("b"))._tag, "Acquired")
        assert.strictEqual((yield* acquire("c"))._tag, "Busy")
        yield* store.release(key, "a")
        assert.strictEqual((yield* acquire("c"))._tag, "Acquired")
      }))

    it.scoped("acquireAndTake: the lease and the window permits together, or neither", () =>
      Effect.gen(function*() {
        const store = yield* make
        assert.isDefined(store.acquireAndTake)
        const acquireAndTake = store.acquireAndTake!
        const key = `lease:${crypto.randomUUID()}`
        const gateKey = `g:${crypto.randomUUID()}`
        const windows = [w(2, 1000)]
        const now = Date.now()
        const lease = (leaseId: string) => ({ key, limit: 1, leaseId, ttlMillis: 60_000 })
        const run = (leaseId: string | undefined, at: number) =>
          acquireAndTake({
            lease: leaseId === undefined ? undefined : lease(leaseId),
            windows,
            gateKey,
            now: at,
            permitId: crypto.randomUUID()
          })
        assert.strictEqual((yield* run("a", now))._tag, "Taken")
        // the lease is held: Busy, and no window permit recorded
        assert.strictEqual((yield* run("b", now))._tag, "Busy")
        // no lease asked for: one window permit left, then the window is full
        assert.strictEqual((yield* run(undefined, now))._tag, "Taken")
        yield* store.release(key, "a")
        // the window is full: Blocked, and the lease is not taken
        const blocked = yield* run("c", now)
        assert.strictEqual(blocked._tag, "Blocked")
        const free = yield* store.acquire({ key, limit: 1, leaseId: "d", ttlMillis: 60_000, now })
        assert.strictEqual(free._tag, "Acquired", "the blocked call left the lease free")
      }))
  })

contract("memory store", RateLimitStore.makeMemory)
if (url) contract("Redis store", RedisStore.make({ url, prefix: `contract:${crypto.randomUUID()}` }))

describe("stores in a limiter", () => {
  it.effect("two limiters sharing one memory store (layerMemory) share its windows", () =>
    Effect.gen(function*() {
      const t = makeTransport(() => ({}))
      const policy: RateLimitPolicy.RateLimitPolicy = {
        ...RateLimitPolicy.unlimited,
        windows: [RateLimitPolicy.window(3, "1 minute")]
      }
      const [a, b] = yield* Effect.all([RateLimiter.make(policy), RateLimiter.make(policy)]).pipe(
        Effect.provide(RateLimitStore.layerMemory)
      )
      for (const limiter of [a, b, a]) {
        yield* Effect.flatMap(limiter.apply(t.client).get("http://x.test/a"), (r) => r.text)
      }
      const fourth = yield* Effect.fork(Effect.flatMap(b.apply(t.client).get("http://x.test/a"), (r) => r.text))
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(t.calls.length, 3)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fourth)
      assert.strictEqual(t.calls.length, 4)
    }).pipe(Effect.scoped))

  // A request waiting for a window permit holds no concurrency lease meanwhile, with a store that takes both in one
  // step and with one that has no such step (the limiter then gives the lease back while the window is full).
  for (const combined of [true, false]) {
    it.effect(`a request waiting for a window holds no lease (${combined ? "acquireAndTake" : "acquire, then take"})`, () =>
      Effect.gen(function*() {
        const memory = RateLimitStore.makeMemoryUnsafe()
        const { acquireAndTake: _, ...rest } = memory
        // a copy is not the memory store itself: the limiter goes through the store's effects
        const store: RateLimitStore.RateLimitStore = combined ? { ...memory } : rest
        const t = makeTransport(() => ({}))
        const policy: RateLimitPolicy.RateLimitPolicy = {
          ...RateLimitPolicy.unlimited,
          concurrency: { write: 1 },
          windows: [RateLimitPolicy.window(1, "1 minute", { methods: ["POST"] })]
        }
        const [a, b] = yield* Effect.all([RateLimiter.make(policy), RateLimiter.make(policy)]).pipe(
          Effect.provideService(RateLimitStore.RateLimitStore, store)
        )
        yield* Effect.flatMap(a.apply(t.client).post("http://x.test/a"), (r) => r.text)
        const second = yield* Effect.fork(Effect.flatMap(a.apply(t.client).post("http://x.test/a"), (r) => r.text))
        yield* TestClock.adjust("1 second")
        // the other limiter's DELETE finds the write slot free while the POST waits for its window
        yield* Effect.flatMap(b.apply(t.client).del("http://x.test/a"), (r) => r.text)
        assert.deepStrictEqual(t.calls.map((c) => c.method), ["POST", "DELETE"])
        yield* TestClock.adjust("1 minute")
        yield* Fiber.join(second)
        assert.deepStrictEqual(t.calls.map((c) => c.method), ["POST", "DELETE", "POST"])
      }).pipe(Effect.scoped))
  }

  it.effect("an unreachable store fails requests with RateLimited (store-unavailable), nothing goes out", () =>
    Effect.gen(function*() {
      const down = () => Promise.reject(new Error("connection refused"))
      const client = {
        defineCommand(this: Record<string, unknown>, name: string) {
          this[name] = down
        },
        zrem: down,
        get: down
      } as unknown as Redis
      const t = makeTransport(() => ({}))
      const limiter = yield* RateLimiter.make(RateLimitPolicy.docSpaceCloud).pipe(
        Effect.provide(RedisStore.layer({ client, prefix: "down" }))
      )
      const error = yield* Effect.flip(limiter.apply(t.client).get("http://x.test/a"))
      assert.strictEqual(error._tag === "RateLimited" && error.reason, "store-unavailable")
      assert.strictEqual(t.calls.length, 0)
    }).pipe(Effect.scoped))
})

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

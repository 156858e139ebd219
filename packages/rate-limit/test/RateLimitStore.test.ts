import { RateLimitStore, RedisStore } from "@effect-docspace/rate-limit"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { inject } from "vitest"

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

/**
 * Permits: what a request must hold before it is sent (a concurrency lease of its class, a permit in each of its
 * windows, open gates) and gives back when its body is consumed. The fast path takes them synchronously from a memory
 * store; the waiting path queues first-in-first-out per class and takes the lease and the window permits together,
 * so that a request waiting for a window holds no lease meanwhile. The gates live here too: the shared one (mirrored
 * in the store) and the scoped ones (a route, the writes) this limiter keeps.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as LogLevel from "effect/LogLevel"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { RateLimited, StoreError } from "../RateLimitError.js"
import type { RateLimitStore, WindowSpec } from "../RateLimitStore.js"
import type { Class, SendRecord } from "./adaptive.js"
import { FifoLock } from "./fifo.js"
import { unsafeMemoryOps } from "./memoryStore.js"
import type { RequestContext } from "./request.js"
import type { Stats } from "./stats.js"

/** @internal */
export interface Permit {
  readonly id: string
  /** the request goes to the transport now: counts it in flight and returns its send record */
  readonly markSent: Effect.Effect<SendRecord>
  /** `markSent` run by the caller's fiber itself, in one step with the rest of the fast path */
  readonly unsafeMarkSent: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => SendRecord
  /** gives the lease back (idempotent, uninterruptible, bounded) */
  readonly release: Effect.Effect<void>
  /**
   * `release` run by the caller's fiber itself (uninterruptible already): done at once with a memory store
   * (undefined), else the effect that finishes it
   */
  readonly unsafeRelease: (fiber: Fiber.RuntimeFiber<unknown, unknown>) => Effect.Effect<void> | undefined
}

/** A request's waiting state: whether it was counted as throttled yet. @internal */
interface WaitState {
  throttled: boolean
}

type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

const GATE_KEY = "gate"

/** @internal */
export const makePermits = (options: {
  readonly policyName: string
  readonly store: RateLimitStore
  /** the caps in force, lowered in place by adaptive limits */
  readonly caps: Record<Class, number | undefined>
  readonly leaseTtl: Duration.Duration
  readonly maxWait: Duration.Duration
  readonly stats: Stats
  /** every send, for the refusal classification */
  readonly onSend: (record: SendRecord) => void
  /** owns the lease renewal fiber of a shared store */
  readonly scope: Scope.Scope
}) => {
  const { caps, stats, store } = options
  const ttl = Duration.toMillis(options.leaseTtl)
  const maxWait = Duration.toMillis(options.maxWait)
  const leaseKeys: Record<Class, string> = { read: "lease:read", write: "lease:write" }
  const locks: Record<Class, FifoLock> = { read: new FifoLock(), write: new FifoLock() }
  // a memory store is called directly: no effect, no timeout (it cannot hang)
  const unsafe = unsafeMemoryOps.get(store)
  // permit and lease ids: unique per limiter (a prefix) and cheap (a counter), not a UUID per request
  const idPrefix = crypto.randomUUID()
  let idCounter = 0
  const nextId = () => `${idPrefix}:${(idCounter++).toString(36)}`
  const held = new Map<string, string>() // leaseId -> key
  // the shared gate as this limiter last closed it (the store has the one every process sees)
  let gateUntil = 0
  // Gates scoped to a route rule, or to writes (the daily cap): a refusal there must not pause everything else.
  // They live in this limiter (the shared store has the one global gate).
  const scopedGateUntil = new Map<string, number>()

  // leases in a shared store expire unless renewed: renew every third of the TTL while we hold them
  const renewal = Effect.suspend(() => {
    const byKey = new Map<string, Array<string>>()
    for (const [id, key] of held) byKey.set(key, [...(byKey.get(key) ?? []), id])
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.forEach(
        byKey,
        ([key, leaseIds]) => Effect.ignore(store.renew({ key, leaseIds, ttlMillis: ttl, now })),
        { discard: true }
      ))
  }).pipe(Effect.repeat(Schedule.spaced(Duration.millis(Math.max(1, Math.floor(ttl / 3))))), Effect.interruptible)
  const start = store.leasesExpire ? Effect.asVoid(Effect.forkIn(renewal, options.scope)) : Effect.void

  // a store operation nobody waits for: run as a daemon, bounded by the lease TTL, its failure ignored
  const background = (effect: Effect.Effect<void, StoreError>): Effect.Effect<void> =>
    // (interruptible: forked from an uninterruptible region, or the timeout could not stop a hung call)
    Effect.asVoid(Effect.forkDaemon(Effect.interruptible(Effect.ignore(Effect.timeout(effect, ttl)))))

  const storeCall = <A>(ctx: RequestContext, effect: Effect.Effect<A, StoreError>) =>
    Effect.catchAll(effect, () => stats.rateLimited(ctx, "store-unavailable", 1000))

  // Logs never name the URL: the limiter sees the filled-in path, which can hold an id or a shared link's key; the
  // client annotates its logs with the operation and the URL template instead.
  const markThrottled = (ctx: RequestContext, state: WaitState, waitMillis?: number) =>
    state.throttled ? Effect.void : Effect.suspend(() => {
      state.throttled = true
      return stats.throttled.pipe(
        Effect.zipRight(
          // its annotations are built only when Debug is enabled (every waiting request passes here)
          Effect.whenLogLevel(
            Effect.logDebug("waiting for a rate-limit permit").pipe(
              Effect.annotateLogs({
                "docspace.rate_limit.policy": options.policyName,
                "docspace.rate_limit.class": ctx.cls,
                "http.request.method": ctx.method,
                ...(waitMillis === undefined ? {} : { "docspace.rate_limit.wait_ms": waitMillis })
              })
            ),
            LogLevel.Debug
          )
        )
      )
    })

  const waitScopedGates = (ctx: RequestContext, state: WaitState): Effect.Effect<void, RateLimited> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const until = Math.max(0, ...ctx.scopedGates.map((key) => scopedGateUntil.get(key) ?? 0))
        if (until <= now) return
        if (until - now > maxWait) return yield* stats.rateLimited(ctx, "wait-exceeds-limit", until - now)
        yield* markThrottled(ctx, state, until - now)
        yield* Effect.sleep(Duration.millis(until - now))
      }
    })

  // waits until `windows` have room, without taking anything (a dry run)
  const waitWindows = (
    ctx: RequestContext,
    windows: ReadonlyArray<WindowSpec>,
    state: WaitState,
    permitId: string
  ): Effect.Effect<void, RateLimited> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const result = yield* storeCall(ctx, store.take({ windows, gateKey: GATE_KEY, now, dryRun: true, permitId }))
        if (result._tag === "Taken") return
        const wait = result.retryAt - now
        if (wait > maxWait) return yield* stats.rateLimited(ctx, "wait-exceeds-limit", wait)
        yield* markThrottled(ctx, state, wait)
        yield* Effect.sleep(Duration.millis(wait))
      }
    })

  const makePermit = (ctx: RequestContext, id: string, leaseId: string | undefined): Permit => {
    let sent = false
    let released = false
    const unsafeMarkSent = (fiber: Fiber.RuntimeFiber<unknown, unknown>): SendRecord => {
      const at = Context.get(fiber.currentDefaultServices, Clock.Clock).unsafeCurrentTimeMillis()
      sent = true
      const record: SendRecord = { at, inFlightBefore: stats.unsafeSent(ctx.cls), windowRefused: false }
      options.onSend(record)
      stats.unsafeInFlightGauge(ctx.cls, fiber.getFiberRef(FiberRef.currentMetricLabels))
      return record
    }
    const unsafeRelease = (fiber: Fiber.RuntimeFiber<unknown, unknown>): Effect.Effect<void> | undefined => {
      if (released) return undefined
      released = true
      if (sent) stats.unsafeSettled(ctx.cls, fiber.getFiberRef(FiberRef.currentMetricLabels))
      if (leaseId === undefined) return undefined
      held.delete(leaseId)
      if (unsafe !== undefined) {
        unsafe.release(leaseKeys[ctx.cls], leaseId)
        return undefined
      }
      // In the background: the caller does not wait for a shared store's round trip (the lease is free when the
      // store runs the release, whoever waits for its answer), and a store that does not answer cannot hang it.
      // Bounded all the same (the lease expires by itself anyway).
      return background(store.release(leaseKeys[ctx.cls], leaseId))
    }
    return {
      id,
      markSent: Effect.withFiberRuntime<SendRecord>((fiber) => Effect.succeed(unsafeMarkSent(fiber))),
      unsafeMarkSent,
      release: Effect.withFiberRuntime<void>((fiber) => unsafeRelease(fiber) ?? Effect.void).pipe(
        Effect.uninterruptible
      ),
      unsafeRelease
    }
  }

  // The fast path: a memory store, nobody queued in the class, every gate open and every window with room. All of it
  // synchronous; anything else (or any of it failing) takes the path that waits.
  const fastPermit = (ctx: RequestContext, now: number): Permit | undefined => {
    if (unsafe === undefined || locks[ctx.cls].busy) return undefined
    if (scopedGateUntil.size > 0) {
      for (const key of ctx.scopedGates) if ((scopedGateUntil.get(key) ?? 0) > now) return undefined
    }
    if (
      ctx.specific.length > 0 &&
      unsafe.take({ windows: ctx.specific, gateKey: GATE_KEY, now, dryRun: true, permitId: "" })._tag !== "Taken"
    ) return undefined
    const cap = caps[ctx.cls]
    let leaseId: string | undefined
    if (cap !== undefined) {
      leaseId = nextId()
      if (!unsafe.tryAcquire(leaseKeys[ctx.cls], leaseId, cap)) return undefined
      held.set(leaseId, leaseKeys[ctx.cls])
    }
    const permitId = nextId()
    if (unsafe.take({ windows: ctx.all(), gateKey: GATE_KEY, now, dryRun: false, permitId })._tag !== "Taken") {
      if (leaseId !== undefined) {
        held.delete(leaseId)
        unsafe.release(leaseKeys[ctx.cls], leaseId)
      }
      return undefined
    }
    return makePermit(ctx, permitId, leaseId)
  }

  const waitForPermit = (ctx: RequestContext, restore: Restore): Effect.Effect<Permit, RateLimited> => {
    const state: WaitState = { throttled: false }
    const permitId = nextId()
    const lock = locks[ctx.cls]
    const leaseKey = leaseKeys[ctx.cls]
    const acquireLease = (leaseId: string, limit: number) =>
      Effect.gen(function*() {
        while (true) {
          const now = yield* Clock.currentTimeMillis
          const result = yield* restore(
            storeCall(ctx, store.acquire({ key: leaseKey, limit, leaseId, ttlMillis: ttl, now }))
          )
          if (result._tag === "Acquired") return
          yield* markThrottled(ctx, state)
          yield* restore(result.wait)
        }
      })
    const waitUntil = (retryAt: number, now: number) => {
      const wait = retryAt - now
      if (wait > maxWait) return stats.rateLimited(ctx, "wait-exceeds-limit", wait)
      return Effect.zipRight(markThrottled(ctx, state, wait), restore(Effect.sleep(Duration.millis(wait))))
    }
    // The lease and the window permits are taken together, or neither: a request waiting for a window (or the gate)
    // holds no concurrency slot meanwhile, so that other requests (other processes' too) can use it.
    const underLock = Effect.gen(function*() {
      const leaseId = caps[ctx.cls] === undefined ? undefined : nextId()
      while (true) {
        const now = yield* Clock.currentTimeMillis
        // the limits in force now: a refusal may have lowered them while this request waited
        const limit = caps[ctx.cls]
        if (store.acquireAndTake !== undefined) {
          const lease = leaseId === undefined || limit === undefined ?
            undefined :
            { key: leaseKey, limit, leaseId, ttlMillis: ttl }
          // interruptible: a lease taken by an answer that never came back expires by itself (it is never renewed)
          const result = yield* restore(
            storeCall(ctx, store.acquireAndTake({ lease, windows: ctx.all(), gateKey: GATE_KEY, now, permitId }))
          )
          if (result._tag === "Taken") break
          if (result._tag === "Blocked") yield* waitUntil(result.retryAt, now)
          else {
            yield* markThrottled(ctx, state)
            yield* restore(result.wait)
          }
          continue
        }
        // a store without the combined step: the lease, then the windows; the lease goes back while a window is full
        if (leaseId !== undefined) yield* acquireLease(leaseId, limit ?? Infinity)
        const taken = yield* restore(
          storeCall(ctx, store.take({ windows: ctx.all(), gateKey: GATE_KEY, now, dryRun: false, permitId }))
        ).pipe(
          Effect.onError(() => leaseId === undefined ? Effect.void : Effect.ignore(store.release(leaseKey, leaseId)))
        )
        if (taken._tag === "Taken") break
        if (leaseId !== undefined) yield* Effect.ignore(store.release(leaseKey, leaseId))
        yield* waitUntil(taken.retryAt, now)
      }
      if (leaseId !== undefined) held.set(leaseId, leaseKey)
      return makePermit(ctx, permitId, leaseId)
    })
    return Effect.gen(function*() {
      yield* restore(waitScopedGates(ctx, state))
      // per-route and daily windows first, without taking anything, so that a request held back by its own route
      // does not block its whole class queue
      if (ctx.specific.length > 0) yield* restore(waitWindows(ctx, ctx.specific, state, permitId))
      if (lock.busy) yield* markThrottled(ctx, state)
      yield* restore(lock.acquire)
      return yield* Effect.ensuring(underLock, lock.release)
    }).pipe(
      Effect.ensuring(stats.setWaiting(ctx.cls, -1)),
      (self) => Effect.zipRight(stats.setWaiting(ctx.cls, 1), self)
    )
  }

  /**
   * Takes the request's permits, waiting as long as needed. Runs in an uninterruptible region: only the waits are
   * interruptible (through `restore`).
   */
  const acquirePermit = (ctx: RequestContext, restore: Restore): Effect.Effect<Permit, RateLimited> =>
    Effect.clockWith((clock) => {
      const permit = fastPermit(ctx, clock.unsafeCurrentTimeMillis())
      return permit !== undefined ? Effect.succeed(permit) : waitForPermit(ctx, restore)
    })

  /**
   * Settles a sent request's sliding-window permits at `at`, when its answer arrived (bounded, never failing): done
   * at once (undefined) in a memory store, else the effect to run.
   */
  const settle = (ctx: RequestContext, permit: Permit, at: number): Effect.Effect<void> | undefined => {
    if (!ctx.hasSliding) return undefined
    if (unsafe !== undefined) {
      unsafe.settle({ windows: ctx.all(), permitId: permit.id, at })
      return undefined
    }
    // in the background: the answer goes to the caller without waiting for a shared store's round trip (a permit
    // not settled yet counts as taken now, which is only more cautious)
    return background(store.settle({ windows: ctx.all(), permitId: permit.id, at }))
  }

  /** Closes this limiter's mirror of the shared gate until `until`; returns how much longer it is closed now. */
  const unsafeCloseGate = (until: number, now: number): number => {
    if (until <= gateUntil) return 0
    const added = until - Math.max(now, gateUntil)
    gateUntil = until
    return added
  }
  /** Closes the shared gate in the store, for every limiter (and process) sharing it. */
  const closeStoreGate = (ctx: RequestContext, until: number, now: number): Effect.Effect<void, RateLimited> =>
    storeCall(ctx, store.closeGate(GATE_KEY, until, now))

  /** Pauses the scoped gates `keys` until `until`. */
  const closeScopedGates = (keys: ReadonlyArray<string>, until: number, now: number): void => {
    for (const [key, at] of scopedGateUntil) if (at <= now) scopedGateUntil.delete(key)
    for (const key of keys) scopedGateUntil.set(key, Math.max(scopedGateUntil.get(key) ?? 0, until))
  }

  return {
    start,
    acquirePermit,
    fastPermit,
    settle,
    unsafeCloseGate,
    closeStoreGate,
    closeScopedGates,
    gateClosedUntil: (now: number): Date | undefined => (gateUntil > now ? new Date(gateUntil) : undefined)
  }
}

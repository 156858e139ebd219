/**
 * Where the limiter keeps its state: window logs, concurrency leases and the shared gate. The memory store (the
 * default) serves one process; `RedisStore` lets many processes share one account's limits.
 *
 * Every instant is epoch milliseconds taken from the caller's `Clock`, so the processes sharing a store need
 * synchronised clocks (NTP).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import { unsafeMemoryOps } from "./internal/memoryStore.js"
import type { StoreError } from "./RateLimitError.js"

/**
 * One window to check: `limit` sends per `intervalMillis`, identified by `key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WindowSpec {
  readonly key: string
  readonly limit: number
  readonly intervalMillis: number
  readonly kind: "sliding" | "fixed"
}

/**
 * `Taken`: every window had room (and the permits were recorded unless it was a dry run) and the gate was open.
 * `Blocked`: the earliest instant (epoch ms, possibly `Infinity`) at which the same call could succeed.
 *
 * @since 0.1.0
 * @category models
 */
export type TakeResult = { readonly _tag: "Taken" } | { readonly _tag: "Blocked"; readonly retryAt: number }

/**
 * `Busy.wait` completes when it is worth trying again (a lease was released, or a poll interval passed).
 *
 * @since 0.1.0
 * @category models
 */
export type AcquireResult =
  | { readonly _tag: "Acquired" }
  | { readonly _tag: "Busy"; readonly wait: Effect.Effect<void> }

/**
 * The answer of `acquireAndTake`: `Taken` (the lease, if one was asked for, and every window permit are recorded),
 * `Blocked` (a window or the gate: nothing recorded, retry at `retryAt`, epoch ms, possibly `Infinity`) or `Busy` (the
 * windows had room but every lease is held: nothing recorded, retry when `wait` completes).
 *
 * @since 0.2.0
 * @category models
 */
export type AcquireTakeResult =
  | { readonly _tag: "Taken" }
  | { readonly _tag: "Blocked"; readonly retryAt: number }
  | { readonly _tag: "Busy"; readonly wait: Effect.Effect<void> }

/**
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStore {
  /** Whether leases expire unless renewed (a shared store); the limiter then renews the leases it holds. */
  readonly leasesExpire: boolean
  /**
   * Atomically: if the gate `gateKey` is open and every window has room at `now`, records one permit in each (unless
   * `dryRun`) and returns `Taken`; otherwise records nothing and returns the earliest instant it could succeed.
   * Sliding-window permits are recorded as pending (they count as taken at the current instant, so they cannot free
   * up) until `settle` fixes their instant.
   */
  readonly take: (options: {
    readonly windows: ReadonlyArray<WindowSpec>
    readonly gateKey: string
    readonly now: number
    readonly dryRun: boolean
    /** Identifies the permits recorded by this call, for `settle`. */
    readonly permitId: string
  }) => Effect.Effect<TakeResult, StoreError>
  /**
   * Settles the pending sliding-window permits of `permitId` at `at` (when the response arrived): the server counted
   * the request when it received it, somewhere between the send and the response, so the permit must not free up
   * before `at + interval`.
   */
  readonly settle: (options: {
    readonly windows: ReadonlyArray<WindowSpec>
    readonly permitId: string
    readonly at: number
  }) => Effect.Effect<void, StoreError>
  /** Takes one of `limit` concurrency leases under `key`, valid until `now + ttlMillis` unless renewed. */
  readonly acquire: (options: {
    readonly key: string
    readonly limit: number
    readonly leaseId: string
    readonly ttlMillis: number
    readonly now: number
  }) => Effect.Effect<AcquireResult, StoreError>
  /**
   * Optional: `acquire` and `take` as one atomic step, so that a request waiting for a window permit holds no
   * concurrency lease meanwhile (and a shared store answers in one round trip). Without it the limiter takes the
   * lease, then the window permits, and gives the lease back when a window is full.
   *
   * @since 0.2.0
   */
  readonly acquireAndTake?: (options: {
    /** the lease to take with the window permits; none when the class has no cap */
    readonly lease:
      | { readonly key: string; readonly limit: number; readonly leaseId: string; readonly ttlMillis: number }
      | undefined
    readonly windows: ReadonlyArray<WindowSpec>
    readonly gateKey: string
    readonly now: number
    readonly permitId: string
  }) => Effect.Effect<AcquireTakeResult, StoreError>
  /** Extends the given leases to `now + ttlMillis`. */
  readonly renew: (options: {
    readonly key: string
    readonly leaseIds: ReadonlyArray<string>
    readonly ttlMillis: number
    readonly now: number
  }) => Effect.Effect<void, StoreError>
  /** Gives a lease back (idempotent). */
  readonly release: (key: string, leaseId: string) => Effect.Effect<void, StoreError>
  /** Closes the gate until `until` (epoch ms); never reopens it earlier than an existing closure. */
  readonly closeGate: (key: string, until: number, now: number) => Effect.Effect<void, StoreError>
  /** The instant the gate reopens (0 or a past instant when it is open). */
  readonly gateUntil: (key: string) => Effect.Effect<number, StoreError>
}

/**
 * The store the limiter uses. Optional: without one in context, each limiter gets its own memory store.
 *
 * @since 0.1.0
 * @category tags
 */
export const RateLimitStore: Context.Tag<RateLimitStore, RateLimitStore> = Context.GenericTag<RateLimitStore>(
  "@effect-docspace/rate-limit/RateLimitStore"
)

interface SlidingLog {
  // settled permits: the instants the server could have counted them, ascending, from `head` on (a deque: dropping
  // expired permits from the front of an array moved every later one, per request, and a window of thousands a minute
  // made that the limiter's largest cost)
  settled: Array<number>
  head: number
  // permits whose request is still in flight, by permit id: they count as taken "now" until settled
  readonly pending: Map<string, number>
}

interface FixedState {
  index: number
  count: number
}

/**
 * An in-memory store: exact sliding logs, fixed windows, leases that never expire (the process owns them all) and
 * release notification without polling. Share one between limiters of the same process with `layerMemory`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<RateLimitStore> = Effect.sync(() => makeMemoryUnsafe())

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeMemoryUnsafe = (): RateLimitStore => {
  const sliding = new Map<string, SlidingLog>()
  const fixed = new Map<string, FixedState>()
  const leases = new Map<string, Set<string>>()
  const signals = new Map<string, Deferred.Deferred<void>>()
  const gates = new Map<string, number>()

  const signal = (key: string): Deferred.Deferred<void> => {
    let d = signals.get(key)
    if (d === undefined) {
      d = Deferred.unsafeMake<void>(FiberId.none)
      signals.set(key, d)
    }
    return d
  }

  const logOf = (key: string): SlidingLog => {
    let log = sliding.get(key)
    if (log === undefined) {
      log = { settled: [], head: 0, pending: new Map() }
      sliding.set(key, log)
    }
    return log
  }

  const taken: TakeResult = { _tag: "Taken" }
  const acquired: AcquireResult = { _tag: "Acquired" }

  // settle times arrive almost in order: an append, or an insertion a few places from the end
  const insert = (log: SlidingLog, t: number) => {
    const settled = log.settled
    let i = settled.length
    while (i > log.head && settled[i - 1] > t) i--
    if (i === settled.length) settled.push(t)
    else settled.splice(i, 0, t)
  }

  const blockedAt = (w: WindowSpec, now: number): number | undefined => {
    if (w.limit <= 0) return Infinity
    if (w.kind === "sliding") {
      const log = sliding.get(w.key)
      if (log === undefined) return undefined
      // a permit settled at t is free again at exactly t + interval
      const settled = log.settled
      let head = log.head
      while (head < settled.length && settled[head] + w.intervalMillis <= now) head++
      // the dropped front is cut off once it is most of the array: amortised O(1) per permit
      if (head > 1024 && head * 2 > settled.length) {
        log.settled = settled.slice(head)
        head = 0
      }
      log.head = head
      const live = log.settled.length - head
      const count = live + log.pending.size
      if (count < w.limit) return undefined
      const index = count - w.limit
      // a pending permit is settled at the earliest now, so it frees at the earliest now + interval
      return (index < live ? log.settled[head + index] : now) + w.intervalMillis
    }
    const index = Math.floor(now / w.intervalMillis)
    const state = fixed.get(w.key)
    if (state === undefined || state.index !== index || state.count < w.limit) return undefined
    return (index + 1) * w.intervalMillis
  }

  const record = (w: WindowSpec, now: number, id: string) => {
    if (w.kind === "sliding") {
      logOf(w.key).pending.set(id, now)
      return
    }
    const index = Math.floor(now / w.intervalMillis)
    const state = fixed.get(w.key)
    if (state === undefined || state.index !== index) fixed.set(w.key, { index, count: 1 })
    else state.count++
  }

  const take = ({ dryRun, gateKey, now, permitId, windows }: Parameters<RateLimitStore["take"]>[0]): TakeResult => {
    let retryAt = 0
    const gate = gates.get(gateKey) ?? 0
    if (gate > now) retryAt = gate
    for (const w of windows) {
      const at = blockedAt(w, now)
      if (at !== undefined && at > retryAt) retryAt = at
    }
    if (retryAt > now) return { _tag: "Blocked", retryAt }
    if (!dryRun) { for (const w of windows) record(w, now, permitId) }
    return taken
  }
  const settle = ({ at, permitId, windows }: Parameters<RateLimitStore["settle"]>[0]): void => {
    for (const w of windows) {
      const log = w.kind === "sliding" ? sliding.get(w.key) : undefined
      const at0 = log?.pending.get(permitId)
      if (log === undefined || at0 === undefined) continue
      log.pending.delete(permitId)
      insert(log, Math.max(at0, at))
    }
  }
  const tryAcquire = (key: string, leaseId: string, limit: number): boolean => {
    let set = leases.get(key)
    if (set === undefined) {
      set = new Set()
      leases.set(key, set)
    }
    if (set.size >= limit) return false
    set.add(leaseId)
    return true
  }
  const release = (key: string, leaseId: string): void => {
    const set = leases.get(key)
    if (set === undefined || !set.delete(leaseId)) return
    const d = signals.get(key)
    if (d === undefined) return
    signals.delete(key)
    Deferred.unsafeDone(d, Exit.void)
  }

  const store: RateLimitStore = {
    leasesExpire: false,
    take: (options) => Effect.sync(() => take(options)),
    acquireAndTake: ({ gateKey, lease, now, permitId, windows }) =>
      Effect.sync((): AcquireTakeResult => {
        const check = take({ windows, gateKey, now, dryRun: true, permitId })
        if (check._tag === "Blocked") return check
        if (lease !== undefined && !tryAcquire(lease.key, lease.leaseId, lease.limit)) {
          return { _tag: "Busy", wait: Deferred.await(signal(lease.key)) }
        }
        take({ windows, gateKey, now, dryRun: false, permitId })
        return taken
      }),
    settle: (options) => Effect.sync(() => settle(options)),
    acquire: ({ key, leaseId, limit }) =>
      Effect.sync((): AcquireResult =>
        tryAcquire(key, leaseId, limit) ? acquired : { _tag: "Busy", wait: Deferred.await(signal(key)) }
      ),
    renew: () => Effect.void,
    release: (key, leaseId) => Effect.sync(() => release(key, leaseId)),
    closeGate: (key, until) =>
      Effect.sync(() => {
        if ((gates.get(key) ?? 0) < until) gates.set(key, until)
      }),
    gateUntil: (key) => Effect.sync(() => gates.get(key) ?? 0)
  }
  // the limiter calls a memory store directly (no effect, no timeout) on its fast path
  unsafeMemoryOps.set(store, { take, settle, tryAcquire, release })
  return store
}

/**
 * One memory store shared by every limiter built with it in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<RateLimitStore> = Layer.effect(RateLimitStore, makeMemory)

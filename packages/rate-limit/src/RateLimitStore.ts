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
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
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
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStore {
  /** Whether leases expire unless renewed (a shared store); the limiter then renews the leases it holds. */
  readonly leasesExpire: boolean
  /**
   * Atomically: if the gate `gateKey` is open and every window has room at `now`, records one permit in each (unless
   * `dryRun`) and returns `Taken`; otherwise records nothing and returns the earliest instant it could succeed.
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
   * Moves the sliding-window permits recorded under `permitId` to the later instant `at` (when the response arrived):
   * the server counted the request when it received it, later than the send, so the permit must not free up before
   * `at + interval`.
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

interface Entry {
  t: number
  readonly id: string
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
  const sliding = new Map<string, Array<Entry>>()
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

  const blockedAt = (w: WindowSpec, now: number): number | undefined => {
    if (w.limit <= 0) return Infinity
    if (w.kind === "sliding") {
      const log = sliding.get(w.key)
      if (log === undefined) return undefined
      // a permit taken at t is free again at exactly t + interval
      let drop = 0
      while (drop < log.length && log[drop].t + w.intervalMillis <= now) drop++
      if (drop > 0) log.splice(0, drop)
      if (log.length < w.limit) return undefined
      return log[log.length - w.limit].t + w.intervalMillis
    }
    const index = Math.floor(now / w.intervalMillis)
    const state = fixed.get(w.key)
    if (state === undefined || state.index !== index || state.count < w.limit) return undefined
    return (index + 1) * w.intervalMillis
  }

  const insert = (log: Array<Entry>, entry: Entry) => {
    let i = log.length
    while (i > 0 && log[i - 1].t > entry.t) i--
    log.splice(i, 0, entry)
  }

  const record = (w: WindowSpec, now: number, id: string) => {
    if (w.kind === "sliding") {
      let log = sliding.get(w.key)
      if (log === undefined) {
        log = []
        sliding.set(w.key, log)
      }
      insert(log, { t: now, id })
      return
    }
    const index = Math.floor(now / w.intervalMillis)
    const state = fixed.get(w.key)
    if (state === undefined || state.index !== index) fixed.set(w.key, { index, count: 1 })
    else state.count++
  }

  return {
    leasesExpire: false,
    take: ({ dryRun, gateKey, now, permitId, windows }) =>
      Effect.sync((): TakeResult => {
        let retryAt = 0
        const gate = gates.get(gateKey) ?? 0
        if (gate > now) retryAt = gate
        for (const w of windows) {
          const at = blockedAt(w, now)
          if (at !== undefined && at > retryAt) retryAt = at
        }
        if (retryAt > now) return { _tag: "Blocked", retryAt }
        if (!dryRun) { for (const w of windows) record(w, now, permitId) }
        return { _tag: "Taken" }
      }),
    settle: ({ at, permitId, windows }) =>
      Effect.sync(() => {
        for (const w of windows) {
          const log = w.kind === "sliding" ? sliding.get(w.key) : undefined
          if (log === undefined) continue
          for (let i = log.length - 1; i >= 0; i--) {
            if (log[i].id !== permitId) continue
            if (log[i].t < at) {
              const [entry] = log.splice(i, 1)
              entry.t = at
              insert(log, entry)
            }
            break
          }
        }
      }),
    acquire: ({ key, leaseId, limit }) =>
      Effect.sync((): AcquireResult => {
        let set = leases.get(key)
        if (set === undefined) {
          set = new Set()
          leases.set(key, set)
        }
        if (set.size < limit) {
          set.add(leaseId)
          return { _tag: "Acquired" }
        }
        return { _tag: "Busy", wait: Deferred.await(signal(key)) }
      }),
    renew: () => Effect.void,
    release: (key, leaseId) =>
      Effect.suspend(() => {
        const set = leases.get(key)
        if (set === undefined || !set.delete(leaseId)) return Effect.void
        const d = signals.get(key)
        if (d === undefined) return Effect.void
        signals.delete(key)
        return Deferred.succeed(d, undefined)
      }),
    closeGate: (key, until) =>
      Effect.sync(() => {
        if ((gates.get(key) ?? 0) < until) gates.set(key, until)
      }),
    gateUntil: (key) => Effect.sync(() => gates.get(key) ?? 0)
  }
}

/**
 * One memory store shared by every limiter built with it in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<RateLimitStore> = Layer.effect(RateLimitStore, makeMemory)

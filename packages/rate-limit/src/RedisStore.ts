/**
 * A `RateLimitStore` in Redis, so that many processes sharing one account stay inside that account's limits together:
 * windows, concurrency and the gate. Every operation is one Lua script (atomic). Concurrency leases expire unless
 * renewed, so a killed worker cannot hold permits for longer than the policy's `leaseTtl`.
 *
 * Import it from its own entry, `@effect-docspace/rate-limit/RedisStore` (the package's main entry does not re-export
 * it): `ioredis` is an optional peer dependency, needed only here, and loaded only when a Redis store is built. All
 * keys live under `prefix`: use one prefix per account.
 *
 * Within one process requests of a class are served first-in-first-out; between processes, a free concurrency slot
 * goes to whichever process asks first. A request takes its concurrency lease and its window permits in one atomic
 * step, so a process waiting for a window holds no slot meanwhile; it sleeps until the window's oldest permit frees,
 * and a process waiting for a slot is woken by the release (pub/sub) or the earliest lease's expiry. Needs a single
 * Redis instance, not Redis Cluster (the fixed-window script derives its keys).
 *
 * @since 0.1.0
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { Redis, RedisOptions } from "ioredis"
import { StoreError } from "./RateLimitError.js"
import type { AcquireResult, AcquireTakeResult, TakeResult } from "./RateLimitStore.js"
import { RateLimitStore } from "./RateLimitStore.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A Redis URL (`redis://user:password@host:6379/0`); ignored when `client` is given. */
  readonly url?: string | Redacted.Redacted<string> | undefined
  /** Extra ioredis options for the connection made from `url`. */
  readonly redisOptions?: RedisOptions | undefined
  /** An existing ioredis client; it is not closed with the store. */
  readonly client?: Redis | undefined
  /** Key prefix, one per account. Default `"rate-limit"`. */
  readonly prefix?: string | undefined
  /**
   * A process waiting for a concurrency slot is woken when one is released (Redis pub/sub, a channel per lease key)
   * or when the earliest lease expires; this is only the safety net against a lost notification: it asks again at
   * least this often. Default 1 second.
   */
  readonly pollInterval?: Duration.DurationInput | undefined
  /**
   * A window permit stays "in flight" (counted as taken now) until its response settles it; a permit never settled
   * (its worker was killed) is dropped this long after it was taken, plus the window's interval. Default 1 minute.
   */
  readonly maxPending?: Duration.DurationInput | undefined
}

// The window check shared by TAKE and ACQUIRE_TAKE: the gate at KEYS[g], the windows at KEYS[w0 + i] whose
// (limit, interval, kind) are ARGV[a0 + 3i + 1..3]. Sets `retryAt`: 0 when everything has room, -1 when a window can
// never admit (a limit of 0), else the earliest instant the same call could succeed.
const checkWindows = (g: number, w0: number, a0: number) => `
local P = 10000000000000
local retryAt = 0
local gate = tonumber(redis.call("GET", KEYS[${g}]) or "0")
if gate > now then retryAt = gate end
local n = #KEYS - ${w0}
for i = 1, n do
  local key = KEYS[i + ${w0}]
  local base = ${a0} + (i - 1) * 3
  local limit = tonumber(ARGV[base + 1])
  local interval = tonumber(ARGV[base + 2])
  local kind = ARGV[base + 3]
  if limit <= 0 then
    retryAt = -1
  elseif kind == "s" then
    redis.call("ZREMRANGEBYSCORE", key, "-inf", now - interval)
    redis.call("ZREMRANGEBYSCORE", key, P, P + now - stale - interval)
    local count = redis.call("ZCARD", key)
    if count >= limit then
      local e = redis.call("ZRANGE", key, count - limit, count - limit, "WITHSCORES")
      local score = tonumber(e[2])
      if score >= P then score = now end
      local at = score + interval
      if retryAt >= 0 and at > retryAt then retryAt = at end
    end
  else
    local idx = math.floor(now / interval)
    local c = tonumber(redis.call("GET", key .. ":" .. idx) or "0")
    if c >= limit then
      local at = (idx + 1) * interval
      if retryAt >= 0 and at > retryAt then retryAt = at end
    end
  end
end
`

// Records one permit (pending, for sliding windows) in each window checked by `checkWindows`.
const recordWindows = (w0: number, a0: number) => `
for i = 1, n do
  local key = KEYS[i + ${w0}]
  local base = ${a0} + (i - 1) * 3
  local interval = tonumber(ARGV[base + 2])
  if ARGV[base + 3] == "s" then
    redis.call("ZADD", key, P + now, member)
    redis.call("PEXPIRE", key, interval + stale + 60000)
  else
    local k = key .. ":" .. math.floor(now / interval)
    redis.call("INCR", k)
    redis.call("PEXPIRE", k, interval + 60000)
  end
end
`

// KEYS: gate, windows...; ARGV: now, dry, member, stale, (limit, interval, kind)...
const TAKE = `
local now = tonumber(ARGV[1])
local dry = ARGV[2] == "1"
local member = ARGV[3]
local stale = tonumber(ARGV[4])
${checkWindows(1, 1, 4)}
if retryAt < 0 or retryAt > now then return tostring(retryAt) end
if not dry then
${recordWindows(1, 4)}
end
return "0"
`

// KEYS: lease, gate, windows...; ARGV: now, member, stale, lease limit (-1: no lease), lease id, ttl,
// (limit, interval, kind)... Returns "0" (taken), "b<retryAt>" (a window or the gate; -1: never), or "l<expiry>"
// (every lease held; the earliest instant one expires).
const ACQUIRE_TAKE = `
local now = tonumber(ARGV[1])
local member = ARGV[2]
local stale = tonumber(ARGV[3])
local leaseLimit = tonumber(ARGV[4])
${checkWindows(2, 2, 6)}
if retryAt < 0 or retryAt > now then return "b" .. tostring(retryAt) end
if leaseLimit >= 0 then
  local ttl = tonumber(ARGV[6])
  redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
  if not redis.call("ZSCORE", KEYS[1], ARGV[5]) and redis.call("ZCARD", KEYS[1]) >= leaseLimit then
    local first = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
    return "l" .. tostring(first[2] or (now + ttl))
  end
  redis.call("ZADD", KEYS[1], now + ttl, ARGV[5])
  redis.call("PEXPIRE", KEYS[1], ttl * 2 + 60000)
end
${recordWindows(2, 6)}
return "0"
`

// KEYS: lease; ARGV: now, limit, lease id, ttl. Returns "1" (acquired) or the earliest instant a lease expires.
const ACQUIRE = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ttl = tonumber(ARGV[4])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if redis.call("ZSCORE", KEYS[1], ARGV[3]) or redis.call("ZCARD", KEYS[1]) < limit then
  redis.call("ZADD", KEYS[1], now + ttl, ARGV[3])
  redis.call("PEXPIRE", KEYS[1], ttl * 2 + 60000)
  return "1"
end
local first = redis.call("ZRANGE", KEYS[1], 0, 0, "WITHSCORES")
return "l" .. tostring(first[2] or (now + ttl))
`

// KEYS: lease, its release channel; ARGV: lease id. Wakes the processes waiting for a lease of that key.
const RELEASE = `
if redis.call("ZREM", KEYS[1], ARGV[1]) == 1 then redis.call("PUBLISH", KEYS[2], "1") end
return 1
`

const RENEW = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
for i = 3, #ARGV do redis.call("ZADD", KEYS[1], "XX", now + ttl, ARGV[i]) end
redis.call("PEXPIRE", KEYS[1], ttl * 2 + 60000)
return 1
`

const SETTLE = `
local at = tonumber(ARGV[1])
local P = 10000000000000
for i = 1, #KEYS do
  local score = redis.call("ZSCORE", KEYS[i], ARGV[2])
  if score and tonumber(score) >= P then
    redis.call("ZADD", KEYS[i], "XX", math.max(tonumber(score) - P, at), ARGV[2])
  end
end
return 1
`

const CLOSE_GATE = `
local untilAt = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
if untilAt > current and untilAt > now then
  redis.call("SET", KEYS[1], tostring(untilAt), "PX", math.ceil(untilAt - now) + 60000)
end
return 1
`

type Script = (...args: Array<string | number>) => Promise<unknown>

/**
 * Builds a Redis store. With `url`, the connection is opened now and closed with the scope. A second connection, for
 * the release notifications, is opened the first time a process has to wait for a concurrency slot, and closed with
 * the scope too.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateLimitStore, StoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const prefix = options.prefix ?? "rate-limit"
    const poll = Duration.toMillis(Duration.decode(options.pollInterval ?? "1 second"))
    const maxPending = Duration.toMillis(Duration.decode(options.maxPending ?? "1 minute"))
    const redis: Redis = options.client ?? (yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const { Redis } = await import("ioredis")
          const url = options.url === undefined
            ? "redis://127.0.0.1:6379"
            : Redacted.isRedacted(options.url)
            ? Redacted.value(options.url)
            : options.url
          const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, ...options.redisOptions })
          await client.connect()
          return client
        },
        catch: (cause) => new StoreError({ message: "could not connect to Redis", cause })
      }),
      (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
    ))
    const scripts = redis as unknown as Record<string, Script>
    const define = (name: string, numberOfKeys: number | undefined, lua: string) => {
      if (typeof scripts[name] !== "function") {
        redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { lua, numberOfKeys })
      }
      return (...args: Array<string | number>) =>
        Effect.tryPromise({
          try: () => scripts[name](...args),
          catch: (cause) => new StoreError({ message: `Redis ${name} failed`, cause })
        })
    }
    // numberOfKeys omitted: the first argument is the key count
    const take = define("effectDocspaceRateLimitTake", undefined, TAKE)
    const acquireTake = define("effectDocspaceRateLimitAcquireTake", undefined, ACQUIRE_TAKE)
    const acquire = define("effectDocspaceRateLimitAcquireLease", 1, ACQUIRE)
    const renew = define("effectDocspaceRateLimitRenew", 1, RENEW)
    const closeGate = define("effectDocspaceRateLimitCloseGate", 1, CLOSE_GATE)
    const settle = define("effectDocspaceRateLimitSettle", undefined, SETTLE)
    const release = define("effectDocspaceRateLimitRelease", 2, RELEASE)
    const k = (key: string) => `${prefix}:${key}`
    const channelOf = (key: string) => `${prefix}:${key}:released`

    // Release notifications: one subscriber connection, one channel per lease key, one signal per channel that the
    // next message (or a release in this process) completes. A waiter takes the signal BEFORE asking the store, so a
    // release between the answer and the wait still wakes it. Lost messages (a reconnection) and leases that expire
    // (a killed holder) are covered by a wake-up at the earliest lease expiry and by the slow `pollInterval`.
    const signals = new Map<string, Deferred.Deferred<void>>()
    const subscribed = new Set<string>()
    const subscribing = new Map<string, Promise<void>>()
    let subscriber: Redis | undefined
    let closed = false
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        closed = true
        const sub = subscriber
        subscriber = undefined
        if (sub !== undefined) await sub.quit().catch(() => sub.disconnect())
      })
    )
    const wake = (channel: string) => {
      const d = signals.get(channel)
      if (d === undefined) return
      signals.delete(channel)
      Deferred.unsafeDone(d, Exit.void)
    }
    const subscribe = (channel: string): Promise<void> => {
      let pending = subscribing.get(channel)
      if (pending === undefined) {
        pending = (async () => {
          if (closed) return
          if (subscriber === undefined) {
            const sub = redis.duplicate({ lazyConnect: true })
            sub.on("message", (ch: string) => wake(ch))
            // errors are retried by ioredis; the slow poll covers the meantime
            sub.on("error", () => {})
            subscriber = sub
            await sub.connect()
          }
          await subscriber.subscribe(channel)
          subscribed.add(channel)
        })().catch(() => {
          subscribing.delete(channel) // tried again at the next wait; the poll covers this one
        })
        subscribing.set(channel, pending)
      }
      return pending
    }
    // the signal a waiter will wait on, taken before the store is asked; undefined until the channel is subscribed
    const signalBefore = (key: string): Deferred.Deferred<void> | undefined => {
      const channel = channelOf(key)
      if (!subscribed.has(channel)) return undefined
      let d = signals.get(channel)
      if (d === undefined) {
        d = Deferred.unsafeMake<void>(FiberId.none)
        signals.set(channel, d)
      }
      return d
    }
    const busyWait = (
      key: string,
      signal: Deferred.Deferred<void> | undefined,
      expiresAt: number,
      now: number
    ): Effect.Effect<void> => {
      // no later than the earliest lease's expiry (a killed holder never releases), nor than the safety poll
      const sleep = Effect.sleep(Duration.millis(Math.max(1, Math.min(poll, expiresAt - now + 1))))
      if (signal !== undefined) return Effect.asVoid(Effect.raceFirst(Deferred.await(signal), sleep))
      // first wait on this key: subscribe, then ask again at once (a release before the subscription is not seen)
      return Effect.flatMap(
        Effect.promise(() => subscribe(channelOf(key))),
        () => subscribed.has(channelOf(key)) ? Effect.void : sleep
      )
    }
    const expiryOf = (r: unknown, now: number) => {
      const at = Number(String(r).slice(1))
      return Number.isFinite(at) ? at : now
    }

    const store: RateLimitStore = {
      leasesExpire: true,
      take: ({ dryRun, gateKey, now, permitId, windows }) => {
        const args: Array<string | number> = [windows.length + 1, k(gateKey), ...windows.map((w) => k(w.key))]
        args.push(now, dryRun ? "1" : "0", permitId, maxPending)
        for (const w of windows) args.push(w.limit, w.intervalMillis, w.kind === "sliding" ? "s" : "f")
        return Effect.map(take(...args), (r): TakeResult => {
          const retryAt = Number(r)
          if (retryAt === 0) return { _tag: "Taken" }
          return { _tag: "Blocked", retryAt: retryAt < 0 ? Infinity : retryAt }
        })
      },
      acquireAndTake: ({ gateKey, lease, now, permitId, windows }) =>
        Effect.suspend(() => {
          const leaseKey = lease === undefined ? "lease:none" : lease.key
          const signal = lease === undefined ? undefined : signalBefore(leaseKey)
          const args: Array<string | number> = [windows.length + 2, k(leaseKey), k(gateKey)]
          for (const w of windows) args.push(k(w.key))
          args.push(now, permitId, maxPending, lease?.limit ?? -1, lease?.leaseId ?? "", lease?.ttlMillis ?? 0)
          for (const w of windows) args.push(w.limit, w.intervalMillis, w.kind === "sliding" ? "s" : "f")
          return Effect.map(acquireTake(...args), (r): AcquireTakeResult => {
            const answer = String(r)
            if (answer === "0") return { _tag: "Taken" }
            if (answer.startsWith("b")) {
              const retryAt = Number(answer.slice(1))
              return { _tag: "Blocked", retryAt: retryAt < 0 ? Infinity : retryAt }
            }
            return { _tag: "Busy", wait: busyWait(leaseKey, signal, expiryOf(answer, now), now) }
          })
        }),
      settle: ({ at, permitId, windows }) => {
        const keys = windows.filter((w) => w.kind === "sliding").map((w) => k(w.key))
        return keys.length === 0 ? Effect.void : Effect.asVoid(settle(keys.length, ...keys, at, permitId))
      },
      acquire: ({ key, leaseId, limit, now, ttlMillis }) =>
        Effect.suspend(() => {
          const signal = signalBefore(key)
          return Effect.map(
            acquire(k(key), now, limit, leaseId, ttlMillis),
            (r): AcquireResult =>
              String(r) === "1"
                ? { _tag: "Acquired" }
                : { _tag: "Busy", wait: busyWait(key, signal, expiryOf(r, now), now) }
          )
        }),
      renew: ({ key, leaseIds, now, ttlMillis }) =>
        leaseIds.length === 0 ? Effect.void : Effect.asVoid(renew(k(key), now, ttlMillis, ...leaseIds)),
      release: (key, leaseId) =>
        Effect.zipRight(
          release(k(key), channelOf(key), leaseId),
          // this process's own waiters need not wait for the message to come back
          Effect.sync(() => wake(channelOf(key)))
        ),
      closeGate: (key, until, now) => Effect.asVoid(closeGate(k(key), until, now)),
      gateUntil: (key) =>
        Effect.tryPromise({
          try: () => redis.get(k(key)),
          catch: (cause) => new StoreError({ message: "Redis GET failed", cause })
        }).pipe(Effect.map((v) => (v === null ? 0 : Number(v))))
    }
    return store
  })

/**
 * A layer providing a Redis `RateLimitStore`; build limiters with it in context to share limits between processes.
 *
 * @since 0.1.0
 * @category layers
 * @example
 * ```ts
 * import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
 * import * as RedisStore from "@effect-docspace/rate-limit/RedisStore"
 * import { Layer, Redacted } from "effect"
 *
 * const Limiter = RateLimiter.layer(RateLimitPolicy.docSpaceCloud).pipe(
 *   Layer.provide(RedisStore.layer({ url: Redacted.make("redis://127.0.0.1:6379"), prefix: "docspace:acme" }))
 * )
 * ```
 */
export const layer = (options: Options): Layer.Layer<RateLimitStore, StoreError> =>
  Layer.scoped(RateLimitStore, make(options))

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
 * goes to whichever process polls first (every `pollInterval`). Needs a single Redis instance, not Redis Cluster (the
 * fixed-window script derives its keys).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { Redis, RedisOptions } from "ioredis"
import { StoreError } from "./RateLimitError.js"
import type { AcquireResult, TakeResult } from "./RateLimitStore.js"
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
  /** How often a process waiting for a concurrency slot asks again. Default 20 ms. */
  readonly pollInterval?: Duration.DurationInput | undefined
  /**
   * A window permit stays "in flight" (counted as taken now) until its response settles it; a permit never settled
   * (its worker was killed) is dropped this long after it was taken, plus the window's interval. Default 1 minute.
   */
  readonly maxPending?: Duration.DurationInput | undefined
}

const TAKE = `
local now = tonumber(ARGV[1])
local dry = ARGV[2] == "1"
local member = ARGV[3]
local stale = tonumber(ARGV[4])
local P = 10000000000000
local retryAt = 0
local gate = tonumber(redis.call("GET", KEYS[1]) or "0")
if gate > now then retryAt = gate end
local n = #KEYS - 1
for i = 1, n do
  local key = KEYS[i + 1]
  local base = 4 + (i - 1) * 3
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
if retryAt < 0 or retryAt > now then return tostring(retryAt) end
if not dry then
  for i = 1, n do
    local key = KEYS[i + 1]
    local base = 4 + (i - 1) * 3
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
end
return "0"
`

const ACQUIRE = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ttl = tonumber(ARGV[4])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
if redis.call("ZSCORE", KEYS[1], ARGV[3]) or redis.call("ZCARD", KEYS[1]) < limit then
  redis.call("ZADD", KEYS[1], now + ttl, ARGV[3])
  redis.call("PEXPIRE", KEYS[1], ttl * 2 + 60000)
  return 1
end
return 0
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
 * Builds a Redis store. With `url`, the connection is opened now and closed with the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateLimitStore, StoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const prefix = options.prefix ?? "rate-limit"
    const poll = Duration.decode(options.pollInterval ?? "20 millis")
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
    const acquire = define("effectDocspaceRateLimitAcquire", 1, ACQUIRE)
    const renew = define("effectDocspaceRateLimitRenew", 1, RENEW)
    const closeGate = define("effectDocspaceRateLimitCloseGate", 1, CLOSE_GATE)
    const settle = define("effectDocspaceRateLimitSettle", undefined, SETTLE)
    const k = (key: string) => `${prefix}:${key}`
    const wait = Effect.sleep(poll)

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
      settle: ({ at, permitId, windows }) => {
        const keys = windows.filter((w) => w.kind === "sliding").map((w) => k(w.key))
        return keys.length === 0 ? Effect.void : Effect.asVoid(settle(keys.length, ...keys, at, permitId))
      },
      acquire: ({ key, leaseId, limit, now, ttlMillis }) =>
        Effect.map(
          acquire(k(key), now, limit, leaseId, ttlMillis),
          (r): AcquireResult => Number(r) === 1 ? { _tag: "Acquired" } : { _tag: "Busy", wait }
        ),
      renew: ({ key, leaseIds, now, ttlMillis }) =>
        leaseIds.length === 0 ? Effect.void : Effect.asVoid(renew(k(key), now, ttlMillis, ...leaseIds)),
      release: (key, leaseId) =>
        Effect.tryPromise({
          try: () => redis.zrem(k(key), leaseId),
          catch: (cause) => new StoreError({ message: "Redis ZREM failed", cause })
        }).pipe(Effect.asVoid),
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

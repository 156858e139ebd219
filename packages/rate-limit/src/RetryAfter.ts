/**
 * Reads when a server asked to be left alone: `Retry-After` (delta-seconds or an HTTP-date) and
 * `X-RateLimit-Reset` (Unix seconds, the DocSpace form; Unix milliseconds and small delta values are understood too).
 * The limiter and the DocSpace client both read refusals with it.
 *
 * @example
 * ```ts
 * import { RetryAfter } from "@effect-docspace/rate-limit"
 *
 * const now = Date.now()
 * const until = RetryAfter.until({ "retry-after": "30" }, now) // now + 30_000
 * ```
 *
 * @since 0.1.0
 */

const parseRetryAfter = (value: string, now: number): number | undefined => {
  const v = value.trim()
  if (/^\d+(\.\d+)?$/.test(v)) return now + Math.ceil(Number(v) * 1000)
  const date = Date.parse(v)
  return Number.isNaN(date) ? undefined : Math.max(now, date)
}

const parseReset = (value: string, now: number): number | undefined => {
  const v = value.trim()
  if (!/^\d+(\.\d+)?$/.test(v)) return undefined
  const n = Number(v)
  // a Unix timestamp in seconds (the DocSpace form); small values are taken as delta-seconds
  if (n >= 1e12) return Math.max(now, Math.ceil(n)) // milliseconds
  if (n >= 1e9) return Math.max(now, Math.ceil(n * 1000))
  return now + Math.ceil(n * 1000)
}

/**
 * The instant (epoch milliseconds) the server asked to wait until, from `Retry-After` and `X-RateLimit-Reset`
 * (the later of the two when both are present), or `undefined` when neither is there or readable. Header names in
 * lower case, as `@effect/platform` keeps them.
 *
 * @since 0.1.0
 * @category parsing
 */
export const until = (headers: Readonly<Record<string, string | undefined>>, now: number): number | undefined => {
  const retryAfter = headers["retry-after"]
  const reset = headers["x-ratelimit-reset"]
  const a = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, now)
  const b = reset === undefined ? undefined : parseReset(reset, now)
  if (a !== undefined && b !== undefined) return Math.max(a, b)
  return a ?? b
}

import * as Headers from "@effect/platform/Headers"
import * as Option from "effect/Option"

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
 * The instant (epoch ms) the server asked us to wait until, from `Retry-After` (delta-seconds or HTTP-date) and
 * `X-RateLimit-Reset` (Unix seconds); the later of the two when both are present.
 *
 * @internal
 */
export const retryHint = (headers: Headers.Headers, now: number): number | undefined => {
  const a = Option.flatMapNullable(Headers.get(headers, "retry-after"), (v) => parseRetryAfter(v, now))
  const b = Option.flatMapNullable(Headers.get(headers, "x-ratelimit-reset"), (v) => parseReset(v, now))
  if (Option.isSome(a) && Option.isSome(b)) return Math.max(a.value, b.value)
  return Option.isSome(a) ? a.value : Option.getOrUndefined(b)
}

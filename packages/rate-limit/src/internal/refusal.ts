import type { Observation, Refusal } from "../RateLimitRefusal.js"
import { until } from "../RetryAfter.js"

/** A whole, positive `X-RateLimit-Limit` (a leading `100/30m` form keeps its number), else `undefined`. */
export const parseLimit = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const m = /^\s*(\d{1,15})(\s*\/.*)?\s*$/.exec(value)
  if (m === null) return undefined
  const n = Number(m[1])
  return n >= 1 ? n : undefined
}

/** A whole `X-RateLimit-Remaining`, negative ones included, else `undefined`. */
export const parseRemaining = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const m = /^\s*(-?\d{1,15})\s*$/.exec(value)
  return m === null ? undefined : Number(m[1])
}

type Headers = Readonly<Record<string, string | undefined>>

const hasRateHeader = (headers: Headers): boolean =>
  headers["x-ratelimit-limit"] !== undefined || headers["x-ratelimit-remaining"] !== undefined

/** @internal */
export const isRefusal = (status: number, headers: Headers, now: number): boolean =>
  status === 429 || (status === 503 && (until(headers, now) !== undefined || hasRateHeader(headers)))

const HOUR = 60 * 60 * 1000

// how far a figure is from a reference, whatever the direction (1 = the same)
const distance = (a: number, b: number): number => Math.abs(Math.log(a / b))

/** @internal */
export const classify = (o: Observation): Refusal | undefined => {
  const headers = o.headers
  if (!isRefusal(o.status, headers, o.now)) return undefined
  const retryAt = until(headers, o.now)
  const limit = parseLimit(headers["x-ratelimit-limit"])
  const remaining = parseRemaining(headers["x-ratelimit-remaining"])
  const method = o.method.toUpperCase()
  const result = (kind: Refusal["kind"], learned: number | undefined, evidence: Refusal["evidence"]): Refusal => ({
    kind,
    limit: learned,
    retryAt,
    evidence
  })

  // Only the daily POST/PUT cap (a fixed window) sends Retry-After and X-RateLimit-Reset.
  if (o.status === 429 && (method === "POST" || method === "PUT") && retryAt !== undefined) {
    const both = headers["retry-after"] !== undefined && headers["x-ratelimit-reset"] !== undefined
    if (both || retryAt - o.now > HOUR) {
      // Only a Limit that is the daily cap (or none) makes it the daily cap: another figure is a per-route fixed
      // window (the email invitations' `email_invitation_api`, one day per portal), which only that route waits on.
      if (limit === undefined) return result("daily", undefined, "inferred")
      if (limit === o.writesPerDay) return result("daily", limit, "announced")
      return result("route", limit, "announced")
    }
    if (limit !== undefined && limit === o.writesPerDay) return result("daily", limit, "announced")
  }
  // A concurrency refusal reports `cap - inFlight`, which is negative when more than the cap are in flight; windows
  // never go below 0. A positive remainder says the window had room: concurrency again, with an unknown cap (in that
  // convention the limit is the window's).
  if (remaining !== undefined && remaining < 0) return result("concurrency", limit, "announced")
  if (remaining !== undefined && remaining > 0) return result("concurrency", undefined, "inferred")

  const routeMatched = o.routeLimits.length > 0
  if (routeMatched && (limit === undefined || o.routeLimits.includes(limit))) {
    return result("route", limit, limit === undefined ? "inferred" : "announced")
  }

  if (limit !== undefined) {
    // Could our own traffic have met that limit? The server counts a request in its window even when concurrency
    // refused it, and refuses concurrency once `limit` requests are in flight.
    const concurrency = o.inFlight >= limit
    const window = o.sentInWindow >= limit
    // A Limit far below the global window (less than half of it) is no figure for that window: a route's own
    // limit, matched by a rule or not (the sensitive routes' 5 per 15 minutes), which only that route waits on.
    const smallForWindow = o.windowLimit !== undefined && limit < Math.ceil(o.windowLimit / 2)
    if (concurrency && !window) return result("concurrency", limit, "announced")
    if (window && !concurrency) {
      return smallForWindow ? result("route", limit, "inferred") : result("window", limit, "announced")
    }
    // Both or neither: the limit nearest to the one we have for each kind. Neither is weaker evidence (someone else's
    // traffic shares the budget), and so is a window chosen when our in-flight count also reached the limit: both
    // are applied only within bounds.
    // A request that matched a route rule, refused at a figure none of our counts reach, met that route's limit.
    if (!concurrency && !window && routeMatched) return result("route", undefined, "inferred")
    // A Limit our in-flight count reached is concurrency evidence: without a cap of our own, the Limit is the cap
    // unless it is plausible as the global window too (then the window, within bounds).
    const cap = o.concurrencyCap ?? (concurrency && (smallForWindow || o.windowLimit === undefined) ? limit : undefined)
    const win = o.windowLimit ?? (window ? o.sentInWindow : undefined)
    if (cap !== undefined && (win === undefined || distance(limit, cap) <= distance(limit, win))) {
      return result("concurrency", limit, concurrency ? "announced" : "inferred")
    }
    if (win !== undefined && !smallForWindow) return result("window", limit, "inferred")
    return result(routeMatched || smallForWindow ? "route" : "unknown-proxy", undefined, "inferred")
  }

  // No limit to go by (absent, zero, negative or malformed, or a legacy 503 without rate headers): what our own
  // figures make plausible. A concurrency refusal needs requests in flight; a window refusal needs the window at
  // least half used (a refusal far below it is someone else's traffic, or a route's). A policy without a cap for the
  // class makes concurrency the lesser guess.
  const window = o.windowLimit !== undefined && o.sentInWindow >= Math.ceil(o.windowLimit / 2)
  const concurrency = o.concurrencyCap === undefined
    ? o.inFlight > 0 && !window
    : o.inFlight > 0 && o.inFlight >= Math.ceil(o.concurrencyCap / 2)
  if (concurrency && window) {
    const c = o.inFlight / o.concurrencyCap!
    const w = o.sentInWindow / o.windowLimit!
    return result(c >= w ? "concurrency" : "window", undefined, "inferred")
  }
  if (concurrency) return result("concurrency", undefined, "inferred")
  if (window) return result("window", undefined, "inferred")
  return result("unknown-proxy", undefined, "inferred")
}

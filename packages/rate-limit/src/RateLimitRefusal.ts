/**
 * What kind of limit a refused request met, read from what the server actually sends (a pure function, no effect).
 *
 * A DocSpace server (ONLYOFFICE/DocSpace-server `common/ASC.Api.Core/Core/BaseStartup.cs`, with the
 * RedisRateLimiting 1.2.1 limiters and its `RateLimitMetadata.OnRejected`) refuses with **429 and an empty body**:
 *
 * - window (1500 per minute, sliding): `X-RateLimit-Limit: 1500`, `X-RateLimit-Remaining: 0`;
 * - concurrency (50 GET, 15 other methods, HEAD included): `X-RateLimit-Limit` is the **cap** and
 *   `X-RateLimit-Remaining` is `cap - inFlight` (0 or negative);
 * - the daily POST/PUT cap (a fixed window): the same two headers plus `Retry-After` and `X-RateLimit-Reset`; so
 *   does the email invitations' one-day window (`email_invitation_api`), told apart by its `Limit`;
 * - per-route policies (sensitive 5 per 15 minutes, payments 10 per minute): `Limit` is the route's figure.
 *
 * Successful answers carry no rate header. Older portals and proxies answer 503 with `Retry-After` and possibly no
 * rate header at all. Without a `Limit`, the limiter's own figures (requests in flight, sends in the window) decide.
 *
 * @since 0.2.0
 */
import * as internal from "./internal/refusal.js"

/**
 * - `concurrency`: too many requests of the class in flight; a slot frees when one of them ends.
 * - `window`: the sliding request window is used up; a permit frees when the oldest request leaves it.
 * - `daily`: the daily POST/PUT cap (only writes wait, until `retryAt`).
 * - `route`: a per-route limit: of a route rule the request matched, or a `Limit` below half the global window (or
 *   a fixed-window refusal whose `Limit` is not the daily cap) on a request matching none (only that route waits).
 * - `unknown-proxy`: a refusal that neither the headers nor the limiter's figures attribute (a proxy, an older
 *   portal, someone else's traffic on the same account).
 *
 * @since 0.2.0
 * @category models
 */
export type Kind = "concurrency" | "window" | "daily" | "route" | "unknown-proxy"

/**
 * What the limiter knows when an answer arrives. Header names in lower case, as `@effect/platform` keeps them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Observation {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  /** The instant the answer arrived (epoch ms). */
  readonly now: number
  readonly method: string
  /** Requests of the same concurrency class (GET / every other method) in flight when this one was sent. */
  readonly inFlight: number
  /** This limiter's sends in the window before this one that the server counted (window refusals excluded). */
  readonly sentInWindow: number
  /** The global window limit in force, if the policy has one. */
  readonly windowLimit: number | undefined
  /** The concurrency cap in force for the request's class, if any. */
  readonly concurrencyCap: number | undefined
  /** The limits of the route rules the request matched (empty when none matched). */
  readonly routeLimits: ReadonlyArray<number>
  /** The policy's daily POST/PUT cap, if any. */
  readonly writesPerDay?: number | undefined
}

/**
 * A classified refusal.
 *
 * @since 0.2.0
 * @category models
 */
export interface Refusal {
  readonly kind: Kind
  /**
   * The limit of that kind the server announced in `X-RateLimit-Limit` (the cap for `concurrency`, the window's
   * limit for `window`), when the headers give one that fits the kind.
   */
  readonly limit: number | undefined
  /** The instant the server asked to wait until (`Retry-After`, `X-RateLimit-Reset`), if it said. */
  readonly retryAt: number | undefined
  /**
   * `announced`: the server's figure, confirmed by the limiter's own counts; safe to adopt as is. `inferred`: the
   * kind or the figure is a best guess; adopt it only within bounds.
   */
  readonly evidence: "announced" | "inferred"
}

/**
 * Whether an answer is a rate-limit refusal: a 429, or a 503 carrying `Retry-After`, `X-RateLimit-Reset` or an
 * `X-RateLimit-*` header. A 503 without any of them is a proxy's error page, like a 502.
 *
 * @since 0.2.0
 * @category classification
 */
export const isRefusal: (
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  now: number
) => boolean = internal.isRefusal

/**
 * Classifies a refusal, or returns `undefined` when the answer is not one (see {@link isRefusal}). Absent, zero,
 * negative and malformed `X-RateLimit-Limit` values count as absent; a malformed `X-RateLimit-Remaining` too.
 *
 * @since 0.2.0
 * @category classification
 * @example
 * ```ts
 * import { RateLimitRefusal } from "@effect-docspace/rate-limit"
 *
 * // 60 writes in flight, 200 sends in the last minute: a concurrency refusal with a cap of 15
 * const refusal = RateLimitRefusal.classify({
 *   status: 429,
 *   headers: { "x-ratelimit-limit": "15", "x-ratelimit-remaining": "0" },
 *   now: Date.now(),
 *   method: "POST",
 *   inFlight: 60,
 *   sentInWindow: 200,
 *   windowLimit: 1500,
 *   concurrencyCap: 30,
 *   routeLimits: []
 * })
 * // refusal?.kind === "concurrency", refusal?.limit === 15
 * ```
 */
export const classify: (observation: Observation) => Refusal | undefined = internal.classify

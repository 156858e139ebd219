/**
 * The rate limiter: HttpClient middleware that waits for permits (concurrency caps, windows, per-route rules, a daily
 * write cap), closes one shared gate when the server answers 429/503, and retries what is safe to retry.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as internalBodyRead from "./internal/bodyRead.js"
import * as internal from "./internal/limiter.js"
import * as internalMetrics from "./internal/metrics.js"
import type { InvalidPolicy, RateLimited } from "./RateLimitError.js"
import type * as RateLimitPolicy from "./RateLimitPolicy.js"

/**
 * Counters for one method class (`read` = GET/HEAD, `write` = every other method).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClassStats {
  /** Requests waiting for a permit right now. */
  readonly waiting: number
  /** Requests sent whose response body is not consumed yet (they hold a concurrency permit). */
  readonly inFlight: number
  /** The highest `inFlight` seen. */
  readonly peakInFlight: number
  /** Requests sent (retries included). */
  readonly sent: number
}

/**
 * A snapshot of a limiter's activity, cheap to take and safe to print (no URL, no secret).
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitStats {
  readonly policy: string
  readonly read: ClassStats
  readonly write: ClassStats
  /** Requests that had to wait for a permit (a window, a concurrency slot or the gate). */
  readonly throttled: number
  /** 429 answers seen. */
  readonly refused429: number
  /** 503 answers seen. */
  readonly refused503: number
  /** Retries sent (after 429/503, or 502/504/transport errors for GET/HEAD). */
  readonly retries: number
  /** Requests failed with `RateLimited`. */
  readonly rateLimited: number
  /** Total time this limiter closed the shared gate for, in milliseconds. */
  readonly gateClosedMillis: number
  /** When the shared gate reopens, if it is closed now. */
  readonly gateClosedUntil: Date | undefined
  /**
   * The concurrency caps and global window limits in force: the policy's, or lower ones learned from the server's
   * refusals (see the policy's `adaptive`).
   */
  readonly limits: {
    readonly read: number | undefined
    readonly write: number | undefined
    readonly windows: ReadonlyArray<number>
  }
}

/**
 * The Effect Metrics every limiter updates, tagged with `policy` (the policy's name); the gauges also with `class`
 * (`read` or `write`), `refused` also with `status` (`429` or `503`).
 *
 * @since 0.1.0
 * @category metrics
 */
export const metrics = {
  /** gauge: requests waiting for a permit */
  waiting: internalMetrics.waiting,
  /** gauge: requests holding a concurrency permit (sent, body not consumed yet) */
  inFlight: internalMetrics.inFlight,
  /** counter: requests that had to wait for a permit */
  throttled: internalMetrics.throttled,
  /** counter: 429/503 answers seen */
  refused: internalMetrics.refused,
  /** counter: retries sent */
  retries: internalMetrics.retries,
  /** counter: milliseconds the shared gate was closed */
  gateClosedMillis: internalMetrics.gateClosedMillis,
  /** counter: requests failed with `RateLimited` */
  rateLimited: internalMetrics.failedFast
} as const

/**
 * Marks a response whose body was already read whole below the limiter (`response[RateLimiter.BodyRead] === true`):
 * the limiter gives its concurrency permit back as soon as it hands such a response on, instead of holding it until
 * the body is consumed or the caller's scope closes (a child scope, a finalizer and a wrapper per request).
 * `@effect-docspace/core` marks its JSON answers, whose bodies it reads right above the transport, under the request's
 * timer; a transport of your own can do the same.
 *
 * @since 0.2.0
 * @category symbols
 */
export const BodyRead: typeof internalBodyRead.BodyRead = internalBodyRead.BodyRead

/**
 * How a request is named in the limiter's `RateLimited` errors (`method`, `url`) and warning logs (`route`).
 *
 * @since 0.2.0
 * @category models
 */
export interface RequestDescription {
  readonly method: string
  /** the URL to show: never a secret (no query string, and no id the caller would rather not log) */
  readonly url: string
  /** a template for the logs (`/api/2.0/files/{fileId}`), when the caller has one */
  readonly route: string | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ApplyOptions {
  /**
   * Names a request in the limiter's errors and logs; called only when one is made (never on the fast path), in the
   * request's fiber, so it may read a `FiberRef` (an Effect result is run). A hook that throws falls back to the
   * default: the method and the URL without its query string.
   */
  readonly describeRequest?:
    | ((request: HttpClientRequest.HttpClientRequest) => RequestDescription | Effect.Effect<RequestDescription>)
    | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RateLimiter {
  readonly policy: RateLimitPolicy.RateLimitPolicy
  /**
   * Wraps any HttpClient: waits for permits, holds concurrency permits until the response body is consumed or its
   * scope closes, closes the shared gate on 429/503, retries safely. `options.describeRequest` names requests in the
   * errors and logs (by default, the method and the URL without its query string).
   */
  readonly apply: <E, R>(
    client: HttpClient.HttpClient.With<E, R>,
    options?: ApplyOptions
  ) => HttpClient.HttpClient.With<E | RateLimited, R>
  /** A snapshot of the limiter's counters. */
  readonly stats: Effect.Effect<RateLimitStats>
}

/**
 * @since 0.1.0
 * @category tags
 */
export const RateLimiter: Context.Tag<RateLimiter, RateLimiter> = Context.GenericTag<RateLimiter>(
  "@effect-docspace/rate-limit/RateLimiter"
)

/**
 * Validates the policy and builds a limiter. It uses the `RateLimitStore` in context when there is one (to share
 * limits between limiters or processes), else a fresh memory store. The scope owns the lease renewal fiber.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * ```ts
 * import { FetchHttpClient, HttpClient } from "@effect/platform"
 * import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const limiter = yield* RateLimiter.make(RateLimitPolicy.docSpaceCloud)
 *   const client = limiter.apply(yield* HttpClient.HttpClient)
 *   const response = yield* client.get("https://example.onlyoffice.com/api/2.0/people/@self")
 *   return yield* response.json
 * }).pipe(Effect.scoped, Effect.provide(FetchHttpClient.layer))
 * ```
 */
export const make: (
  policy: RateLimitPolicy.RateLimitPolicy
) => Effect.Effect<RateLimiter, InvalidPolicy, Scope.Scope> = internal.make

/**
 * A layer building the limiter for `policy`; fails with `InvalidPolicy` when the policy is invalid.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (policy: RateLimitPolicy.RateLimitPolicy): Layer.Layer<RateLimiter, InvalidPolicy> =>
  Layer.scoped(RateLimiter, make(policy))

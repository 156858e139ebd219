/**
 * Rate limit policies: plain data, validated with Schema, plus the DocSpace presets.
 *
 * Windows are enforced as **sliding logs** by default: a permit taken at instant `t` is free again at exactly
 * `t + interval`, so no span of `interval` ever holds more than `limit` sends. This is also safe against a server that
 * counts in fixed windows. `kind: "fixed"` windows are aligned on multiples of `interval` since the Unix epoch: a
 * window `[k * interval, (k + 1) * interval)` admits `limit` sends and the next one opens at exactly
 * `(k + 1) * interval`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { parseRoute } from "./internal/route.js"
import { InvalidPolicy } from "./RateLimitError.js"

const PositiveDuration = Schema.DurationFromSelf.pipe(
  Schema.filter((d) =>
    (Duration.isFinite(d) && Duration.greaterThan(d, Duration.zero)) || "expected a positive, finite duration"
  )
)

const NonNegativeDuration = Schema.DurationFromSelf.pipe(
  Schema.filter((d) => Duration.greaterThanOrEqualTo(d, Duration.zero) || "expected a non-negative duration")
)

const Limit = Schema.Int.pipe(Schema.nonNegative())

/**
 * `limit` sends per `interval`. `methods`, when present, restricts the window to those methods (upper case).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Window = Schema.Struct({
  limit: Limit,
  interval: PositiveDuration,
  kind: Schema.Literal("sliding", "fixed"),
  methods: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Window extends Schema.Schema.Type<typeof Window> {}

/**
 * A route pattern: `"METHOD /path"` or `"/path"` (any method). `*` matches one path segment, `**` any number of
 * segments (also none); the method may be `*`. Matching is case-insensitive on the path.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RoutePattern = Schema.String.pipe(
  Schema.filter((s) => {
    const r = parseRoute(s)
    return typeof r === "string" ? r : true
  })
)

/**
 * A rule for the routes matching `route`: every request matching the rule counts in the rule's windows (so write one
 * rule per operation when each operation has its own limit, as the presets do). `route` may also list several
 * patterns (since 0.2.0) whose requests share the rule's windows, for a server limit counted across operations.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RouteRule = Schema.Struct({
  route: Schema.Union(RoutePattern, Schema.NonEmptyArray(RoutePattern)),
  windows: Schema.Array(Window)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface RouteRule extends Schema.Schema.Type<typeof RouteRule> {}

/**
 * Retry settings. `attempts` is the number of retries after the first try; `maxTotalWait` bounds the sum of the waits
 * spent on retries; without a server hint the backoff is `min(maxDelay, baseDelay * 2^n)` with `jitter` (0..1) of it
 * randomised.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Retry = Schema.Struct({
  attempts: Limit,
  maxTotalWait: NonNegativeDuration,
  baseDelay: PositiveDuration,
  maxDelay: PositiveDuration,
  jitter: Schema.Number.pipe(Schema.between(0, 1))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Retry extends Schema.Schema.Type<typeof Retry> {}

/**
 * Concurrency caps per method class: `read` for GET/HEAD, `write` for every other method. Absent = no cap.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Concurrency = Schema.Struct({
  read: Schema.optional(Schema.Int.pipe(Schema.positive())),
  write: Schema.optional(Schema.Int.pipe(Schema.positive()))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Concurrency extends Schema.Schema.Type<typeof Concurrency> {}

/**
 * A rate limit policy.
 *
 * - `windows`: global windows, every request counts (unless a window lists `methods`).
 * - `routes`: per-route windows, on top of the global ones.
 * - `writesPerDay`: a sliding 24 h cap on POST and PUT.
 * - `maxWait`: the longest single wait allowed; beyond it the request fails fast with `RateLimited`
 *   (`"wait-exceeds-limit"`).
 * - `leaseTtl`: how long a concurrency lease lives in a shared store without being renewed (a killed worker's permits
 *   come back after it); live holders renew every third of it.
 * - `adaptive` (default `true`): when the server refuses a request the policy allowed, lower the limits in force to
 *   what the server showed: a refusal with `X-RateLimit-Remaining` > 0 was a concurrency refusal, and the cap becomes
 *   the number of requests that were in flight; otherwise the global windows become the number of requests the server
 *   accepted in the interval before. A numeric `X-RateLimit-Limit` on a refusal also caps the global window when the
 *   policy has a single one, the request matched no route rule and the figure is at least half of it. A refusal lowers a limit to no less than half of
 *   its value (weaker evidence, such as a route limit or someone else's traffic, is left to the shared gate), and
 *   limits are never raised again. Only with a store of one process (memory): a shared store cannot see the other
 *   processes' traffic, so it keeps the configured limits.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateLimitPolicy = Schema.Struct({
  name: Schema.String,
  concurrency: Concurrency,
  windows: Schema.Array(Window),
  routes: Schema.Array(RouteRule),
  writesPerDay: Schema.optional(Limit),
  retry: Retry,
  maxWait: NonNegativeDuration,
  leaseTtl: PositiveDuration,
  adaptive: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface RateLimitPolicy extends Schema.Schema.Type<typeof RateLimitPolicy> {}

/**
 * Validates a policy: `InvalidPolicy` with a readable message when a limit is negative, an interval is zero, a route
 * pattern is malformed, ...
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (policy: unknown): Effect.Effect<RateLimitPolicy, InvalidPolicy> =>
  Schema.validate(RateLimitPolicy)(policy).pipe(
    Effect.mapError((e) =>
      new InvalidPolicy({ message: `invalid rate limit policy: ${ParseResult.TreeFormatter.formatErrorSync(e)}` })
    )
  )

/**
 * Builds a window from a `Duration.DurationInput`.
 *
 * @since 0.1.0
 * @category constructors
 * @example
 * ```ts
 * import { RateLimitPolicy } from "@effect-docspace/rate-limit"
 *
 * const perMinute = RateLimitPolicy.window(1500, "1 minute")
 * const writesPerHour = RateLimitPolicy.window(100, "1 hour", { kind: "fixed", methods: ["POST", "PUT"] })
 * ```
 */
export const window = (
  limit: number,
  interval: Duration.DurationInput,
  options?: { readonly kind?: "sliding" | "fixed" | undefined; readonly methods?: ReadonlyArray<string> | undefined }
): Window => {
  const base = { limit, interval: Duration.decode(interval), kind: options?.kind ?? "sliding" } as const
  return options?.methods === undefined ? base : { ...base, methods: options.methods.map((m) => m.toUpperCase()) }
}

/**
 * The default retry settings: 5 retries, at most 2 minutes of waiting in total, 500 ms base backoff up to 30 s,
 * 50 % jitter.
 *
 * @since 0.1.0
 * @category presets
 */
export const defaultRetry: Retry = {
  attempts: 5,
  maxTotalWait: Duration.minutes(2),
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(30),
  jitter: 0.5
}

/**
 * Routes the DocSpace 3.7 spec limits to 5 requests per 15 minutes per user/IP.
 *
 * Source: `docspace-api-sdk-java-3.7.0/openapi.yaml`, the `X-RateLimit-Limit` header of each operation's 200 response
 * ("Rate limit: 5 requests per 15 minutes per user/IP."). Path parameters are `*`.
 *
 * @since 0.1.0
 * @category presets
 */
export const docSpaceSensitiveRoutes: ReadonlyArray<string> = [
  "POST /api/2.0/files/file/*/sendeditornotify",
  "POST /api/2.0/files/rooms/*/resend",
  "POST /api/2.0/keys",
  "PUT /api/2.0/people/*/email",
  "POST /api/2.0/people/email",
  "PUT /api/2.0/people/*/password",
  "POST /api/2.0/people/password",
  "PUT /api/2.0/people/invite",
  "PUT /api/2.0/people/self/delete",
  "POST /api/2.0/portal/suspend",
  "POST /api/2.0/portal/delete",
  "GET /api/2.0/smtpsettings/smtp/test",
  "POST /api/2.0/settings/sendadmmail",
  "PUT /api/2.0/settings/webhook/*/retry",
  "PUT /api/2.0/settings/webhook/retry"
]

/**
 * Routes the DocSpace 3.7 spec limits to 10 requests per minute per user/IP (payment and AI configuration).
 *
 * Source: `docspace-api-sdk-java-3.7.0/openapi.yaml`, the `X-RateLimit-Limit` header of each operation's 200 response
 * ("Rate limit: 10 requests per 1 minutes per user/IP."). Path parameters are `*`.
 *
 * @since 0.1.0
 * @category presets
 */
export const docSpacePaymentRoutes: ReadonlyArray<string> = [
  "POST /api/2.0/ai/servers",
  "PUT /api/2.0/ai/servers/*",
  "POST /api/2.0/ai/providers",
  "PUT /api/2.0/ai/providers/*",
  "POST /api/2.0/ai/providers/models/preview",
  "PUT /api/2.0/ai/config/web-search",
  "PUT /api/2.0/ai/config/vectorization",
  "PUT /api/2.0/portal/payment/update",
  "PUT /api/2.0/portal/payment/updatewallet",
  "POST /api/2.0/portal/payment/deposit",
  "POST /api/2.0/portal/payment/creditaibalance"
]

/**
 * The current DocSpace server (3.7): 1500 requests per minute (sliding), 50 concurrent GET, 15 concurrent non-GET,
 * 10,000 POST/PUT per day, the spec's sensitive routes at 5 per 15 minutes and payment routes at 10 per minute.
 * Refusals are 429 with `Retry-After` and `X-RateLimit-Reset`.
 *
 * @since 0.1.0
 * @category presets
 */
export const docSpaceCloud: RateLimitPolicy = {
  name: "docspace-cloud",
  concurrency: { read: 50, write: 15 },
  windows: [window(1500, "1 minute")],
  routes: [
    ...docSpaceSensitiveRoutes.map((route) => ({ route, windows: [window(5, "15 minutes")] })),
    ...docSpacePaymentRoutes.map((route) => ({ route, windows: [window(10, "1 minute")] }))
  ],
  writesPerDay: 10_000,
  retry: defaultRetry,
  maxWait: Duration.minutes(2),
  leaseTtl: Duration.seconds(30)
}

/**
 * The password routes older DocSpace servers limit to 5 requests per minute per user, counted across both routes
 * ("up to 5 authentication requests per minute to collect passwords" in the published limits): the password
 * reminder `POST /api/2.0/people/password` and the password change `PUT /api/2.0/people/{userid}/password`.
 *
 * Source: ONLYOFFICE/DocSpace-server `v2.0.0-server`, `common/ASC.Api.Core/Core/BaseStartup.cs` (policy
 * `sensitive_api`: a sliding window of 5 per minute, partitioned by user only) and
 * `products/ASC.People/Server/Api/UserController.cs` (the two actions carrying `[EnableRateLimiting("sensitive_api")]`).
 * From 2.5 on the server counts them per exact path and per 15 minutes, among the sensitive routes of
 * {@link docSpaceCloud}.
 *
 * @since 0.2.0
 * @category presets
 */
export const docSpacePasswordRoutes: readonly [string, ...Array<string>] = [
  "POST /api/2.0/people/password",
  "PUT /api/2.0/people/*/password"
]

/**
 * The older published DocSpace limits: 500 requests per 10 seconds, 1500 authentication requests per minute, 50
 * concurrent GET, 15 concurrent non-GET, and 5 requests per minute to the password routes (shared by
 * {@link docSpacePasswordRoutes}). Refusals are 503 with `Retry-After`.
 *
 * @since 0.1.0
 * @category presets
 */
export const docSpaceLegacy: RateLimitPolicy = {
  name: "docspace-legacy",
  concurrency: { read: 50, write: 15 },
  windows: [window(500, "10 seconds")],
  routes: [
    { route: "* /api/2.0/authentication/**", windows: [window(1500, "1 minute")] },
    { route: docSpacePasswordRoutes, windows: [window(5, "1 minute")] }
  ],
  retry: defaultRetry,
  maxWait: Duration.minutes(2),
  leaseTtl: Duration.seconds(30)
}

/**
 * No proactive limit at all; the limiter still honours 429/503 + `Retry-After` (the shared gate) and retries.
 *
 * @since 0.1.0
 * @category presets
 */
export const unlimited: RateLimitPolicy = {
  name: "unlimited",
  concurrency: {},
  windows: [],
  routes: [],
  retry: defaultRetry,
  maxWait: Duration.minutes(2),
  leaseTtl: Duration.seconds(30)
}

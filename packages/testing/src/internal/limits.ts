/**
 * Server-side rate limits for the fake DocSpace, written from the server's source and deliberately independent of
 * the client's rate-limit package, so a misunderstanding shared by both cannot hide. A `HandlerMiddleware` that
 * refuses what the real server would refuse, with the headers it sends, and counts what it received. Time comes from
 * Effect's `Clock` (TestClock in tests) and every window is multiplied by `timeScale`.
 *
 * The cloud regime follows ONLYOFFICE/DocSpace-server `common/ASC.Api.Core/Core/BaseStartup.cs` (3.7) and the
 * RedisRateLimiting 1.2.1 limiters it uses (cristipufu/aspnetcore-redis-rate-limiting):
 * - one chained global limiter, in this order: a sliding window (1500 per minute per user; a request it refuses is
 *   not counted, a request it admits stays counted even when a later limiter refuses it), concurrency (50 GET, 15
 *   for every other method, HEAD included; refused at once, `QueueLimit = 0`), and a fixed window of 10,000 POST/PUT
 *   per day that starts with the first write (`RedisFixedWindowManager`: only admitted writes are counted);
 * - then the endpoint's own policy: `sensitive_api` (5 per 15 minutes) and `payments_api` (10 per minute), sliding,
 *   per user and **exact path** (`{userId}|{path}`);
 * - every refusal is `RateLimitMetadata.OnRejected`: status 429, an empty body, and the refusing lease's metadata:
 *   `X-RateLimit-Limit` (the window's limit, or the concurrency cap) and `X-RateLimit-Remaining` (`max(0, limit -
 *   count)` for windows, `cap - inFlight` for concurrency, so 0 or less); only the fixed (daily) window adds
 *   `Retry-After` (whole seconds) and `X-RateLimit-Reset` (its end, Unix seconds). Successes carry no rate header.
 *
 * The legacy regime follows the limits ONLYOFFICE published for older portals: 500 requests per 10 s (fixed) per
 * account, refused with 503 + `Retry-After` and no rate header; authentication 1500 per minute; and, as DocSpace
 * 2.0 did (`sensitive_api`: a 5-per-minute sliding window per user), the two password routes sharing 5 per minute.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { FakeRequest, FakeResponse, Handler, HandlerMiddleware } from "./handler.js"
import * as Pattern from "./pattern.js"

/** Options that cannot work (a negative limit, a zero time scale). @internal */
export class InvalidOptions extends Schema.TaggedError<InvalidOptions>("@effect-docspace/testing/InvalidOptions")(
  "InvalidOptions",
  { message: Schema.String }
) {}

/** @internal */
export type Regime = "legacy" | "cloud"

/** A per-route rule: `limit` requests per `window` on routes matching `route`. @internal */
export interface RouteRule {
  readonly route: string
  readonly limit: number
  readonly window: Duration.DurationInput
}

/** @internal */
export interface LimitsOptions {
  /**
   * `legacy`: a fixed window per key (default 500 per 10 s) refused with 503 + Retry-After.
   * `cloud`: a sliding window per key (default 1500 per minute), concurrency, the daily cap and the per-route
   * policies refused with 429 and the real server's headers (see the module's description); no rate header on
   * successes.
   */
  readonly regime: Regime
  /** Multiplies every window and Retry-After: 0.01 makes a minute last 600 ms. Default 1. */
  readonly timeScale?: number | undefined
  /** The general window. */
  readonly requests?: { readonly limit: number; readonly window: Duration.DurationInput } | undefined
  /**
   * Extra per-route windows. Default: legacy limits authentication to 1500/min; cloud limits the payment routes
   * to 10/min.
   */
  readonly routes?: ReadonlyArray<RouteRule> | undefined
  /** Requests in flight per key, rejected at once past the cap (not queued). Default 50 GET, 15 other. */
  readonly concurrency?: { readonly get: number; readonly other: number } | false | undefined
  /** POST/PUT per key per day, refused with 429 and a Retry-After up to the end of the day. Cloud default 10000. */
  readonly dailyWrites?: number | false | undefined
  /**
   * Sensitive routes: cloud default 5 per 15 minutes on the routes the 3.7 spec marks, counted per exact path;
   * legacy default 5 per minute on the two password routes, counted together (`shared: true`).
   */
  readonly sensitive?:
    | {
      readonly routes: ReadonlyArray<string>
      readonly limit: number
      readonly window: Duration.DurationInput
      /** One window for every route of the list (DocSpace 2.0) instead of one per exact path (2.5 and later). */
      readonly shared?: boolean | undefined
    }
    | false
    | undefined
  /**
   * `Retry-After` in whole seconds (rounded up) even when `timeScale` is not 1, for clients that accept only the
   * RFC form. Default: whole seconds at scale 1, milliseconds kept (`0.6`) when scaled.
   */
  readonly wholeSecondRetryAfter?: boolean | undefined
  /** The partition key ("per user/IP"). Default: the Authorization header, else the cookie, else "anonymous". */
  readonly key?: ((request: FakeRequest) => string) | undefined
}

/** The routes the 3.7 spec documents as "5 requests per 15 minutes per user/IP". @internal */
export const sensitiveRoutes: ReadonlyArray<string> = [
  "POST /api/2.0/files/file/{fileId}/sendeditornotify",
  "POST /api/2.0/files/rooms/{id}/resend",
  "POST /api/2.0/keys",
  "PUT /api/2.0/people/{userid}/email",
  "POST /api/2.0/people/email",
  "PUT /api/2.0/people/{userid}/password",
  "POST /api/2.0/people/password",
  "PUT /api/2.0/people/invite",
  "PUT /api/2.0/people/self/delete",
  "POST /api/2.0/portal/suspend",
  "POST /api/2.0/portal/delete",
  "GET /api/2.0/smtpsettings/smtp/test",
  "POST /api/2.0/settings/sendadmmail",
  "PUT /api/2.0/settings/webhook/{id}/retry",
  "PUT /api/2.0/settings/webhook/retry"
]

/** The password routes DocSpace 2.0 limited to 5 per minute per user, both routes together. @internal */
export const passwordRoutes: ReadonlyArray<string> = [
  "POST /api/2.0/people/password",
  "PUT /api/2.0/people/{userid}/password"
]

/** The payment routes the 3.7 spec documents as 10 per minute. @internal */
export const paymentRoutes: ReadonlyArray<string> = [
  "PUT /api/2.0/portal/payment/update",
  "PUT /api/2.0/portal/payment/updatewallet",
  "POST /api/2.0/portal/payment/deposit",
  "POST /api/2.0/portal/payment/creditaibalance"
]

/** Why a request was refused. @internal */
export type RejectReason = "window" | "route" | "concurrency" | "daily" | "sensitive"

/** What the limiter received. @internal */
export interface LimitsStats {
  readonly received: number
  readonly accepted: number
  /** Received requests by route (`GET /api/2.0/files/{id}`: numeric ids and GUIDs folded). */
  readonly byRoute: Readonly<Record<string, number>>
  /** Accepted POST/PUT/PATCH/DELETE. */
  readonly writes: number
  readonly rejected: { readonly total: number } & Readonly<Record<RejectReason, number>>
  readonly inFlight: { readonly get: number; readonly other: number }
  readonly peakConcurrency: { readonly get: number; readonly other: number }
}

/** @internal */
export interface Limits {
  readonly middleware: HandlerMiddleware
  readonly stats: Effect.Effect<LimitsStats>
  /** Forgets every window, count and peak (requests in flight stay counted until they finish). */
  readonly reset: Effect.Effect<void>
}

const encoder = new TextEncoder()

/** A window of accepted request times for one key: fixed (legacy) or sliding (cloud). */
class Window {
  private times: Array<number> = []
  private head = 0
  private fixedStart = 0
  private fixedCount = 0
  constructor(readonly limit: number, readonly windowMs: number, readonly sliding: boolean) {}

  /** Milliseconds until a permit is free, 0 when one is free now. */
  wait(now: number): number {
    if (this.sliding) {
      this.evict(now)
      if (this.times.length - this.head < this.limit) return 0
      return Math.max(1, this.times[this.head + (this.times.length - this.head - this.limit)] + this.windowMs - now)
    }
    const start = Math.floor(now / this.windowMs) * this.windowMs
    if (start !== this.fixedStart) return 0
    return this.fixedCount < this.limit ? 0 : Math.max(1, start + this.windowMs - now)
  }

  take(now: number): void {
    if (this.sliding) {
      this.times.push(now)
      return
    }
    const start = Math.floor(now / this.windowMs) * this.windowMs
    if (start !== this.fixedStart) {
      this.fixedStart = start
      this.fixedCount = 0
    }
    this.fixedCount++
  }

  remaining(now: number): number {
    if (this.sliding) {
      this.evict(now)
      return Math.max(0, this.limit - (this.times.length - this.head))
    }
    const start = Math.floor(now / this.windowMs) * this.windowMs
    return start !== this.fixedStart ? this.limit : Math.max(0, this.limit - this.fixedCount)
  }

  /** When the window has a full allowance again. */
  resetAt(now: number): number {
    if (this.sliding) {
      this.evict(now)
      return this.times.length > this.head ? this.times[this.times.length - 1] + this.windowMs : now
    }
    return Math.floor(now / this.windowMs) * this.windowMs + this.windowMs
  }

  private evict(now: number): void {
    while (this.head < this.times.length && this.times[this.head] + this.windowMs <= now) this.head++
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.head = 0
    }
  }
}

/**
 * Formats a wait as Retry-After seconds. At `timeScale` 1 it is a whole number, as real servers send; scaled,
 * it keeps milliseconds (`0.6`) so a client waiting what it is told waits the scaled time.
 *
 * @internal
 */
export const formatRetryAfter = (waitMs: number, timeScale: number): string =>
  timeScale === 1 ? String(Math.max(1, Math.ceil(waitMs / 1000))) : String(Math.max(1, Math.ceil(waitMs)) / 1000)

// the server's concurrency partitions: GET, and every other method (HEAD and OPTIONS included)
const isGetClass = (method: string): boolean => method === "GET"
const isWrite = (method: string): boolean =>
  method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE"

const defaultKey = (request: FakeRequest): string =>
  request.headers["authorization"] ?? request.headers["cookie"] ?? "anonymous"

const emptyRejected = (): { total: number } & Record<RejectReason, number> => ({
  total: 0,
  window: 0,
  route: 0,
  concurrency: 0,
  daily: 0,
  sensitive: 0
})

/** @internal */
export const make = (options: LimitsOptions): Effect.Effect<Limits, InvalidOptions> =>
  Effect.suspend(() => {
    const problem = validate(options)
    return problem === undefined
      ? Effect.sync(() => unsafeMake(options))
      : Effect.fail(new InvalidOptions({ message: `limits: ${problem}` }))
  })

const validate = (options: LimitsOptions): string | undefined => {
  if (options.regime !== "legacy" && options.regime !== "cloud") return `unknown regime ${String(options.regime)}`
  const scale = options.timeScale ?? 1
  if (!(scale > 0) || !Number.isFinite(scale)) return `timeScale must be a positive number, got ${scale}`
  const counts: Array<[string, unknown]> = [
    ["requests.limit", options.requests?.limit ?? 1],
    ["dailyWrites", options.dailyWrites === false ? 1 : options.dailyWrites ?? 1],
    ["concurrency.get", options.concurrency ? options.concurrency.get : 1],
    ["concurrency.other", options.concurrency ? options.concurrency.other : 1],
    ["sensitive.limit", options.sensitive ? options.sensitive.limit : 1],
    ...(options.routes ?? []).map((r): [string, unknown] => [`routes[${r.route}].limit`, r.limit])
  ]
  for (const [name, value] of counts) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      return `${name} must be a whole number >= 0, got ${String(value)}`
    }
  }
  const windows: Array<Duration.DurationInput | undefined> = [
    options.requests?.window,
    options.sensitive ? options.sensitive.window : undefined,
    ...(options.routes ?? []).map((r) => r.window)
  ]
  for (const w of windows) {
    if (w === undefined) continue
    const d = Duration.decodeUnknown(w)
    if (d._tag === "None" || !Duration.isFinite(d.value) || Duration.toMillis(d.value) <= 0) {
      return `a window must be a positive finite duration, got ${String(w)}`
    }
  }
  return undefined
}

/** A fixed window that starts with its first request, as the server's daily cap does (not aligned on days). */
class AnchoredWindow {
  private end = 0
  private count = 0
  constructor(readonly limit: number, readonly windowMs: number) {}

  /** Whether one more fits now; starts a new window when the last one has ended. */
  admits(now: number): boolean {
    if (now >= this.end) {
      this.end = now + this.windowMs
      this.count = 0
    }
    return this.count < this.limit
  }

  take(): void {
    this.count++
  }

  endsAt(): number {
    return this.end
  }
}

const unsafeMake = (options: LimitsOptions): Limits => {
  const cloud = options.regime === "cloud"
  const scale = options.timeScale ?? 1
  const scaled = (d: Duration.DurationInput) => Math.max(1, Duration.toMillis(Duration.decode(d)) * scale)
  const general = options.requests ?? (cloud
    ? { limit: 1500, window: Duration.minutes(1) }
    : { limit: 500, window: Duration.seconds(10) })
  const generalMs = scaled(general.window)
  const routeRules = (options.routes ?? (cloud
    ? paymentRoutes.map((route) => ({ route, limit: 10, window: Duration.minutes(1) }))
    : [{ route: "* /api/2.0/authentication/*", limit: 1500, window: Duration.minutes(1) }, {
      route: "* /api/2.0/authentication",
      limit: 1500,
      window: Duration.minutes(1)
    }])).map((rule, index) => ({
      index,
      pattern: Pattern.parse(rule.route),
      limit: rule.limit,
      windowMs: scaled(rule.window)
    }))
  const concurrency = options.concurrency === undefined ? { get: 50, other: 15 } : options.concurrency
  const daily = options.dailyWrites === undefined ? (cloud ? 10000 : false) : options.dailyWrites
  const dayMs = scaled(Duration.days(1))
  const sensitive = options.sensitive === undefined
    ? (cloud
      ? { routes: sensitiveRoutes, limit: 5, window: Duration.minutes(15), shared: false }
      : { routes: passwordRoutes, limit: 5, window: Duration.minutes(1), shared: true })
    : options.sensitive
  const sensitivePatterns = sensitive ? sensitive.routes.map(Pattern.parse) : []
  const sensitiveMs = sensitive ? scaled(sensitive.window) : 0
  const sensitiveShared = sensitive ? sensitive.shared === true : false
  const keyOf = options.key ?? defaultKey
  const rejectStatus = cloud ? 429 : 503
  const wholeSeconds = options.wholeSecondRetryAfter === true

  interface KeyState {
    general: Window
    /** per route rule, and in the cloud regime per exact path too */
    routes: Map<string, Window>
    /** per exact path (cloud), or one for all the routes (shared) */
    sensitive: Map<string, Window>
    daily: AnchoredWindow | undefined
    inFlight: { get: number; other: number }
  }
  let keys = new Map<string, KeyState>()
  let received = 0
  let accepted = 0
  let writes = 0
  let byRoute: Record<string, number> = {}
  let rejected = emptyRejected()
  const inFlight = { get: 0, other: 0 }
  let peak = { get: 0, other: 0 }

  const freshState = (inFlight: { get: number; other: number }): KeyState => ({
    general: new Window(general.limit, generalMs, cloud),
    routes: new Map(),
    sensitive: new Map(),
    daily: daily !== false ? new AnchoredWindow(daily, dayMs) : undefined,
    inFlight
  })
  const stateOf = (key: string): KeyState => {
    let state = keys.get(key)
    if (state === undefined) {
      state = freshState({ get: 0, other: 0 })
      keys.set(key, state)
    }
    return state
  }
  const windowOf = (
    map: Map<string, Window>,
    key: string,
    limit: number,
    windowMs: number,
    sliding: boolean
  ): Window => {
    let window = map.get(key)
    if (window === undefined) {
      window = new Window(limit, windowMs, sliding)
      map.set(key, window)
    }
    return window
  }

  const empty = Stream.empty

  // RateLimitMetadata.OnRejected: 429, no body, the refusing lease's metadata as headers
  const refuseCloud = (reason: RejectReason, headers: Record<string, string>): FakeResponse => {
    rejected.total++
    rejected[reason]++
    return { status: 429, headers: { ...headers, "content-length": "0" }, body: empty }
  }

  // the published legacy behaviour: 503 + Retry-After (no rate header), a JSON error body
  const refuseLegacy = (reason: RejectReason, waitMs: number | undefined, message: string): FakeResponse => {
    rejected.total++
    rejected[reason]++
    const body = encoder.encode(JSON.stringify({ error: { message }, status: 1, statusCode: 503 }))
    return {
      status: rejectStatus,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(body.length),
        ...(waitMs !== undefined ? { "retry-after": formatRetryAfter(waitMs, wholeSeconds ? 1 : scale) } : {})
      },
      body: Stream.succeed(body)
    }
  }

  const windowRefusal = (reason: RejectReason, window: Window, now: number, message: string): FakeResponse =>
    cloud
      ? refuseCloud(reason, {
        "x-ratelimit-limit": String(window.limit),
        "x-ratelimit-remaining": String(window.remaining(now))
      })
      : refuseLegacy(reason, window.wait(now), message)

  const middleware: HandlerMiddleware = (handler: Handler): Handler => (request) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const method = request.method.toUpperCase()
      const path = request.url.pathname
      received++
      const route = Pattern.routeKey(method, path)
      byRoute[route] = (byRoute[route] ?? 0) + 1
      const state = stateOf(keyOf(request))
      const klass: "get" | "other" = isGetClass(method) ? "get" : "other"

      // 1. the global sliding window (fixed for legacy); a request it refuses is not counted
      if (state.general.wait(now) > 0) {
        return Effect.succeed(
          windowRefusal(
            "window",
            state.general,
            now,
            cloud ? "Too many requests" : "Service unavailable: request limit exceeded"
          )
        )
      }
      // (cloud: admitted by the window, the request stays counted whatever refuses it next)
      if (cloud) state.general.take(now)
      // 2. concurrency, refused at once
      if (concurrency !== false && state.inFlight[klass] >= concurrency[klass]) {
        const cap = concurrency[klass]
        return Effect.succeed(
          cloud
            ? refuseCloud("concurrency", {
              "x-ratelimit-limit": String(cap),
              "x-ratelimit-remaining": String(cap - state.inFlight[klass])
            })
            : refuseLegacy(
              "concurrency",
              undefined,
              `Too many concurrent ${klass === "get" ? "GET" : "non-GET"} requests`
            )
        )
      }
      // 3. the daily POST/PUT cap: a fixed window from the first write; only admitted writes count
      const countsAsDailyWrite = method === "POST" || method === "PUT"
      if (countsAsDailyWrite && state.daily && !state.daily.admits(now)) {
        const end = state.daily.endsAt()
        rejected.total++
        rejected.daily++
        return Effect.succeed({
          status: 429,
          headers: {
            "x-ratelimit-limit": String(state.daily.limit),
            "x-ratelimit-remaining": "0",
            "retry-after": formatRetryAfter(end - now, wholeSeconds ? 1 : scale),
            "x-ratelimit-reset": String(Math.ceil(end / 1000)),
            "content-length": "0"
          },
          body: empty
        })
      }
      // (counted now: a refusal by the endpoint's policy below does not give it back)
      if (countsAsDailyWrite && state.daily) state.daily.take()
      // 4. the endpoint's own policy (per exact path in the cloud regime)
      const sensitiveIndex = sensitive === false
        ? -1
        : sensitivePatterns.findIndex((p) => Pattern.match(p, method, path) !== undefined)
      let sensitiveWindow: Window | undefined
      if (sensitive !== false && sensitiveIndex >= 0) {
        sensitiveWindow = windowOf(state.sensitive, sensitiveShared ? "*" : path, sensitive.limit, sensitiveMs, true)
        if (sensitiveWindow.wait(now) > 0) {
          return Effect.succeed(
            windowRefusal("sensitive", sensitiveWindow, now, "Too many requests to a sensitive endpoint")
          )
        }
      }
      const matched: Array<Window> = []
      for (const rule of routeRules) {
        if (Pattern.match(rule.pattern, method, path) === undefined) continue
        const key = cloud ? `${rule.index}|${path}` : `${rule.index}`
        const window = windowOf(state.routes, key, rule.limit, rule.windowMs, cloud)
        if (window.wait(now) > 0) {
          return Effect.succeed(windowRefusal("route", window, now, `Rate limit exceeded for ${route}`))
        }
        matched.push(window)
      }

      // Accepted: take the permits and hold a concurrency slot until the body is done.
      if (!cloud) state.general.take(now)
      sensitiveWindow?.take(now)
      for (const window of matched) window.take(now)
      accepted++
      if (isWrite(method)) writes++
      state.inFlight[klass]++
      inFlight[klass]++
      if (inFlight[klass] > peak[klass]) peak[klass] = inFlight[klass]
      let released = false
      const release = Effect.sync(() => {
        if (released) return
        released = true
        state.inFlight[klass]--
        inFlight[klass]--
      })
      return handler(request).pipe(
        Effect.onExit((exit) => (exit._tag === "Failure" ? release : Effect.void)),
        Effect.map((response): FakeResponse => ({
          status: response.status,
          headers: response.headers,
          body: Stream.ensuring(response.body, release)
        }))
      )
    })

  const stats = Effect.sync((): LimitsStats => ({
    received,
    accepted,
    byRoute: { ...byRoute },
    writes,
    rejected: { ...rejected },
    inFlight: { ...inFlight },
    peakConcurrency: { ...peak }
  }))

  const reset = Effect.sync(() => {
    const kept = new Map<string, KeyState>()
    for (const [key, state] of keys) {
      if (state.inFlight.get > 0 || state.inFlight.other > 0) {
        kept.set(key, freshState(state.inFlight))
      }
    }
    keys = kept
    received = 0
    accepted = 0
    writes = 0
    byRoute = {}
    rejected = emptyRejected()
    peak = { ...inFlight }
  })

  return { middleware, stats, reset }
}

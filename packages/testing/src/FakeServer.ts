/**
 * The server-side machinery under `FakeDocSpace`, public for tests that need it directly: server-side rate limits
 * (both published DocSpace regimes), fault injection, and the adapters that expose any `Handler` as an in-process
 * `HttpClient` or on a loopback port. `FakeDocSpace.layer` and `FakeDocSpace.serve` wire these together; use this
 * module to wrap your own handler (or `FakeDocSpace.makeHandler`'s) differently.
 *
 * @example
 * ```ts
 * import { FakeServer } from "@effect-docspace/testing"
 *
 * // 1500 requests per minute (sliding) at 1/100 speed: a minute lasts 600 ms
 * const limits: FakeServer.LimitsOptions = { regime: "cloud", timeScale: 0.01 }
 * // every third GET of a file answers an nginx 502 page; otherwise 5 % of requests get a random fault
 * const faults: FakeServer.FaultsOptions = {
 *   rules: [{ route: "GET /api/2.0/files/file/{id}", fault: FakeServer.proxyError(502), skip: 2, times: 1 }],
 *   random: { seed: 42, rate: 0.05 }
 * }
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as adapters from "./internal/adapters.js"
import * as faultsInternal from "./internal/faults.js"
import * as handler from "./internal/handler.js"
import * as limitsInternal from "./internal/limits.js"

/**
 * A request as the fake server sees it: the body is read in full.
 *
 * @since 0.1.0
 * @category models
 */
export type FakeRequest = handler.FakeRequest

/**
 * A response whose body stream may fail part-way with `ConnectionReset`.
 *
 * @since 0.1.0
 * @category models
 */
export type FakeResponse = handler.FakeResponse

/**
 * A fake server: a request in, a response (or a dropped connection) out.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = handler.Handler

/**
 * Wraps a handler: limits, faults, counting.
 *
 * @since 0.1.0
 * @category models
 */
export type HandlerMiddleware = handler.HandlerMiddleware

/**
 * The connection was reset: before the status line when a handler fails with it, mid-body when the body does.
 *
 * @since 0.1.0
 * @category errors
 */
export const ConnectionReset: typeof handler.ConnectionReset = handler.ConnectionReset

/**
 * The connection was reset.
 *
 * @since 0.1.0
 * @category errors
 */
export type ConnectionReset = handler.ConnectionReset

/**
 * Options that cannot work: a negative limit, a zero time scale, a probability above 1.
 *
 * @since 0.1.0
 * @category errors
 */
export const InvalidOptions: typeof limitsInternal.InvalidOptions = limitsInternal.InvalidOptions

/**
 * Options that cannot work.
 *
 * @since 0.1.0
 * @category errors
 */
export type InvalidOptions = limitsInternal.InvalidOptions

/**
 * The loopback server could not listen (the port is taken).
 *
 * @since 0.1.0
 * @category errors
 */
export const ServeError: typeof adapters.ServeError = adapters.ServeError

/**
 * The loopback server could not listen.
 *
 * @since 0.1.0
 * @category errors
 */
export type ServeError = adapters.ServeError

// ---------------------------------------------------------------------------------------------------------------
// adapters
// ---------------------------------------------------------------------------------------------------------------

/**
 * An in-process `HttpClient` answering from `handler`: no socket; delays in the handler follow the caller's `Clock`
 * (so `TestClock` drives them). A handler `ConnectionReset` is a `RequestError` (reason `Transport`); a mid-body
 * reset, or a body shorter than its `Content-Length`, makes reading the body fail with a `ResponseError`.
 * Request bodies of every kind (JSON, multipart `FormData`, streams) are read as a server would receive them.
 *
 * @since 0.1.0
 * @category adapters
 */
export const toHttpClient: (handler: Handler) => HttpClient.HttpClient = adapters.toHttpClient

/**
 * `toHttpClient` as a layer.
 *
 * @since 0.1.0
 * @category adapters
 */
export const layer = (handler: Handler): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, adapters.toHttpClient(handler))

/**
 * Options for `serve`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** Default 0: a free port chosen by the OS. */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
}

/**
 * Where a served handler listens.
 *
 * @since 0.1.0
 * @category models
 */
export interface Served {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string
  readonly host: string
  readonly port: number
}

/**
 * Serves `handler` with `node:http` for the life of the scope (closing the scope closes the server and its
 * connections). Bodies are streamed; a reset before the response destroys the socket before the status line, a
 * mid-body reset destroys it after the bytes sent so far; a body shorter than its `Content-Length` is flushed and
 * the connection closed, as a proxy cutting a response does.
 *
 * @since 0.1.0
 * @category adapters
 */
export const serve: (handler: Handler, options?: ServeOptions) => Effect.Effect<Served, ServeError, Scope.Scope> =
  adapters.serve

// ---------------------------------------------------------------------------------------------------------------
// limits
// ---------------------------------------------------------------------------------------------------------------

/**
 * `legacy`: 500 requests per 10 s (fixed window) refused with 503 + `Retry-After`, authentication 1500/min.
 * `cloud`: 1500 requests per minute (sliding window) refused with 429 + `Retry-After`, `X-RateLimit-Limit`,
 * `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds) on every response, 10,000 POST/PUT per day,
 * sensitive routes 5 per 15 minutes, payment routes 10 per minute.
 *
 * @since 0.1.0
 * @category limits
 */
export type Regime = limitsInternal.Regime

/**
 * A per-route window.
 *
 * @since 0.1.0
 * @category limits
 */
export type RouteRule = limitsInternal.RouteRule

/**
 * Server-side limit options. Every window (and every `Retry-After`) is multiplied by `timeScale`; at a scale
 * other than 1, `Retry-After` keeps milliseconds (`0.6`), so a client that waits what it is told waits the scaled
 * time. Concurrency caps reject at once (429 cloud, 503 legacy, no `Retry-After`) and hold a slot until the
 * response body stream ends.
 *
 * @since 0.1.0
 * @category limits
 */
export type LimitsOptions = limitsInternal.LimitsOptions

/**
 * Why a request was refused.
 *
 * @since 0.1.0
 * @category limits
 */
export type RejectReason = limitsInternal.RejectReason

/**
 * What the limiter received: requests by route, writes, rejections by reason, requests in flight and the peak
 * concurrency per class (GET vs the rest).
 *
 * @since 0.1.0
 * @category limits
 */
export type LimitsStats = limitsInternal.LimitsStats

/**
 * A limiter: its middleware, its counters, and a reset.
 *
 * @since 0.1.0
 * @category limits
 */
export type Limits = limitsInternal.Limits

/**
 * Builds a limiter from options (a typed `InvalidOptions` when they cannot work). Time comes from the `Clock`.
 *
 * @since 0.1.0
 * @category limits
 */
export const limits: (options: LimitsOptions) => Effect.Effect<Limits, InvalidOptions> = limitsInternal.make

/**
 * The routes the 3.7 spec marks "5 requests per 15 minutes per user/IP" (the cloud default for `sensitive`).
 *
 * @since 0.1.0
 * @category limits
 */
export const sensitiveRoutes: ReadonlyArray<string> = limitsInternal.sensitiveRoutes

/**
 * The payment routes the 3.7 spec limits to 10 per minute (the cloud default for `routes`).
 *
 * @since 0.1.0
 * @category limits
 */
export const paymentRoutes: ReadonlyArray<string> = limitsInternal.paymentRoutes

// ---------------------------------------------------------------------------------------------------------------
// faults
// ---------------------------------------------------------------------------------------------------------------

/**
 * A fault to inject. Build one with the constructors below.
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault = faultsInternal.Fault

/**
 * The kind of a fault.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultTag = faultsInternal.FaultTag

/**
 * Faults for requests matching `route` (`"GET /api/2.0/files/{id}"`, `"POST *"`, `"*"`), after `skip` matching
 * requests, at most `times`, with a `probability` drawn from the seeded PRNG.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultRule = faultsInternal.FaultRule

/**
 * Fault options: rules (the first that applies wins) and random faults from a seed for the other requests.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultsOptions = faultsInternal.FaultsOptions

/**
 * What the fault injector did: requests seen, faults by kind, the last 1000 faulted requests.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultsStats = faultsInternal.FaultsStats

/**
 * A fault injector: its middleware and its counters.
 *
 * @since 0.1.0
 * @category faults
 */
export type Faults = faultsInternal.Faults

/**
 * Builds a fault injector (a typed `InvalidOptions` when the options cannot work).
 *
 * @since 0.1.0
 * @category faults
 */
export const faults: (options: FaultsOptions) => Effect.Effect<Faults, InvalidOptions> = faultsInternal.make

/**
 * Waits (`Effect.sleep`, so `TestClock` drives it) before the request reaches the server.
 *
 * @since 0.1.0
 * @category faults
 */
export const latency: (duration: Duration.DurationInput) => Fault = faultsInternal.latency

/**
 * Drops the connection before the status line. `processed: true` lets the server handle the request first (the
 * dangerous case for a non-idempotent PUT).
 *
 * @since 0.1.0
 * @category faults
 */
export const resetBeforeResponse: (options?: { readonly processed?: boolean | undefined }) => Fault =
  faultsInternal.resetBeforeResponse

/**
 * Sends the head and `afterBytes` of the body (default half), then drops the connection.
 *
 * @since 0.1.0
 * @category faults
 */
export const resetMidBody: (options?: { readonly afterBytes?: number | undefined }) => Fault =
  faultsInternal.resetMidBody

/**
 * Sends half of the body. `content-length`: the head promises the whole body, then the connection closes (the
 * client fails reading). `json`: a consistent but cut JSON text (the client fails parsing).
 *
 * @since 0.1.0
 * @category faults
 */
export const truncatedBody: (mode?: "content-length" | "json") => Fault = faultsInternal.truncatedBody

/**
 * An nginx-style HTML error page (502, 503 or 504) "from the proxy": the server is not reached unless
 * `processed: true`.
 *
 * @since 0.1.0
 * @category faults
 */
export const proxyError: (status?: 502 | 503 | 504, options?: { readonly processed?: boolean | undefined }) => Fault =
  faultsInternal.proxyError

/**
 * The server's answer with its JSON made invalid (status kept).
 *
 * @since 0.1.0
 * @category faults
 */
export const malformedJson: Fault = faultsInternal.malformedJson

/**
 * A 2xx (default 200) whose body is a DocSpace error envelope.
 *
 * @since 0.1.0
 * @category faults
 */
export const errorEnvelope: (options?: {
  readonly status?: number | undefined
  readonly message?: string | undefined
  readonly processed?: boolean | undefined
}) => Fault = faultsInternal.errorEnvelope

/**
 * The body in `chunkSize`-byte pieces (default 16) with `interval` between them (default 100 ms).
 *
 * @since 0.1.0
 * @category faults
 */
export const slowDrip: (options?: {
  readonly chunkSize?: number | undefined
  readonly interval?: Duration.DurationInput | undefined
}) => Fault = faultsInternal.slowDrip

/**
 * One of each fault with its defaults: what random injection picks from unless told otherwise.
 *
 * @since 0.1.0
 * @category faults
 */
export const allFaults: ReadonlyArray<Fault> = faultsInternal.all

/**
 * The nginx error page that `proxyError` answers with.
 *
 * @since 0.1.0
 * @category faults
 */
export const proxyPage: (status: number) => string = faultsInternal.proxyPage

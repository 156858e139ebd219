/**
 * The `DocSpaceClient` service: every DocSpace operation goes through it. It prepends the base URL, sets JSON
 * headers, applies auth (with one re-login on a 401 for password and OAuth2 auth), rate-limits, bounds every
 * request with a timeout, unwraps the `{"response": ...}` envelope, decodes it with a Schema and maps every
 * failure to a typed {@link DocSpaceError.DocSpaceError}. One span per request, named `DocSpace.<operation>`.
 *
 * @example
 * ```ts
 * import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 * import * as Schema from "effect/Schema"
 *
 * const Me = Schema.Struct({ id: Schema.String, displayName: Schema.String })
 *
 * const program = DocSpaceClient.request(
 *   { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
 *   Me
 * )
 *
 * const Live = DocSpaceClient.layer().pipe(
 *   Layer.provide(DocSpaceConfig.layer({
 *     baseUrl: "https://example.onlyoffice.com",
 *     auth: Auth.apiKey(Redacted.make("sk-..."))
 *   })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * Effect.runPromise(program.pipe(Effect.provide(Live)))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { DocSpaceConfig } from "./DocSpaceConfig.js"
import type * as Config from "./DocSpaceConfig.js"
import type * as Errors from "./DocSpaceError.js"
import * as internal from "./internal/client.js"
import * as current from "./internal/current.js"
import type { PathParam } from "./internal/path.js"
import { boundedTimeout } from "./internal/timeout.js"
import * as Multipart from "./Multipart.js"

export type {
  /**
   * @since 0.1.0
   * @category models
   */
  PathParam
}

/**
 * The HTTP methods of the DocSpace API.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS"

/**
 * A query parameter's value. Arrays repeat the key (`fileIds=1&fileIds=2`), `undefined` omits it, dates are sent
 * as ISO strings.
 *
 * @since 0.1.0
 * @category models
 */
export type UrlParam = string | number | boolean | bigint | Date

/**
 * One request. `path` is a template as in the spec (`/api/2.0/files/folder/{folderId}`) filled from `pathParams`
 * (each encoded and validated: an id can never change the path), or an absolute URL on the portal's own origin
 * (for the upload `location` the portal hands out).
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /** The operation's name (the spec's `operationId`): names the span and appears in errors. */
  readonly operation: string
  readonly method: Method
  readonly path: string
  readonly pathParams?: Readonly<Record<string, PathParam | undefined>> | undefined
  readonly urlParams?: Readonly<Record<string, UrlParam | ReadonlyArray<UrlParam> | undefined>> | undefined
  readonly body?: HttpBody.HttpBody | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The answer is wrapped in `{"response": ...}` (true for the whole `/api/2.0` API). Default true. */
  readonly envelope?: boolean | undefined
  /** Overrides the configured timeout for this request. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * `"manual"`: `raw` / `rawStream` hand a 3xx answer that has a `Location` back instead of failing on it, for a
   * caller that follows it itself (downloads: the portal's 302 to its storage); a `FetchHttpClient` transport is
   * told not to follow it either (`RequestInit.redirect`). Default: a 3xx is an error.
   *
   * @since 0.2.0
   */
  readonly redirect?: "manual" | undefined
}

/**
 * A decoded success envelope: the response and the envelope's `count` and `total` (when the portal sent them).
 *
 * @since 0.1.0
 * @category models
 */
export interface Envelope<A> {
  readonly response: A
  readonly count?: number | undefined
  readonly total?: number | undefined
  /**
   * The answer's HTTP status (a 2xx), set by the client on every answer it decodes: some endpoints outside the
   * envelope tell their outcome by it (an upload part's 201 means the file is stored). Optional so that envelopes
   * built by hand (test doubles) need not set it.
   *
   * @since 0.2.0
   */
  readonly status?: number | undefined
}

/**
 * A successful response whose body is read as a byte stream; see {@link DocSpaceClient.rawStream}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamedResponse {
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Stream.Stream<Uint8Array, Errors.DocSpaceError>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DocSpaceClient {
  readonly config: DocSpaceConfig
  /**
   * A JSON request: the envelope's `response` decoded by `schema` (unknown extra fields are ignored).
   */
  readonly request: <A, I, R>(
    options: RequestOptions,
    schema: Schema.Schema<A, I, R>
  ) => Effect.Effect<A, Errors.DocSpaceError, R>
  /**
   * Like `request`, keeping the envelope's `count` and `total` (for pagination) and the answer's HTTP status.
   */
  readonly requestEnvelope: <A, I, R>(
    options: RequestOptions,
    schema: Schema.Schema<A, I, R>
  ) => Effect.Effect<Envelope<A>, Errors.DocSpaceError, R>
  /**
   * The raw response of a successful (2xx) request, for streaming bodies; a non-2xx answer is read and mapped to
   * its typed error. The connection (and its rate-limit permit) is held until the scope closes or the body is read.
   */
  readonly raw: (
    options: RequestOptions
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, Errors.DocSpaceError, Scope.Scope>
  /**
   * A successful response's status and headers, with its body as a byte `Stream` whose failures are typed
   * (`TransportError`, and `Timeout` when the body stalls longer than the timeout between two chunks). Scoped like
   * `raw`.
   */
  readonly rawStream: (options: RequestOptions) => Effect.Effect<StreamedResponse, Errors.DocSpaceError, Scope.Scope>
  /**
   * The body of a successful request as bytes, in constant memory; a body that stalls longer than the timeout
   * between two chunks fails with `Timeout`.
   */
  readonly stream: (options: RequestOptions) => Stream.Stream<Uint8Array, Errors.DocSpaceError>
  /**
   * Ends the session and forgets the cached token. A token from a password login (or `Auth.token`) is revoked with
   * `POST /api/2.0/authentication/logout` carrying it as the `asc_auth_key` cookie, the only credential the server
   * revokes from (a Bearer header alone is not revoked). An OAuth2 token is only forgotten (revoke it at its
   * authorization server); API keys and Basic credentials have no session, and nothing is sent. After a password
   * logout, the next request logs in again.
   *
   * @since 0.2.0
   */
  readonly logout: Effect.Effect<void, Errors.DocSpaceError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export const DocSpaceClient: Context.Tag<DocSpaceClient, DocSpaceClient> = internal.tag

/**
 * Options for {@link make} and {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeOptions {
  /**
   * Your own middleware over the HTTP client (logging, tracing, extra headers). It sees every API request with its
   * URL and auth already applied (the Authorization header is redacted wherever headers are printed). Logins do not
   * pass through it: their bodies hold the password.
   */
  readonly transformClient?:
    | ((
      client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>
    ) => HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>)
    | undefined
}

/**
 * Builds the client from its configuration and an `HttpClient`. The rate limiter is the `RateLimiter` in context
 * when there is one (to share one limiter between clients, or one Redis-backed limit between processes), else one
 * built from `config.rateLimit`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options?: MakeOptions
) => Effect.Effect<DocSpaceClient, never, Config.DocSpaceConfig | HttpClient.HttpClient | Scope.Scope> = internal.make

/**
 * Whether the `HttpClient` below the client aborts a request when the request's abort signal fires, as the
 * platform's own clients do (`NodeHttpClient`'s undici and node:http clients, `FetchHttpClient`). Read when the
 * client is built; default `false`.
 *
 * With `false`, each JSON request runs in a fiber of its own that its timeout interrupts: the timeout fires whatever
 * the transport does, inside uninterruptible regions too. With `true`, the timeout aborts the request's signal
 * instead, without that fiber (about a fifth of fetch's CPU per request at 16 requests in flight, see
 * docs/benchmarks.md); it still fires inside uninterruptible regions, but a transport that ignores the signal would
 * never time out. `NodeDocSpace.layer` and `NodeDocSpace.layerConfig` set it: they build their transport themselves.
 *
 * @example
 * ```ts
 * import { DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Layer from "effect/Layer"
 *
 * // fetch aborts a request when its signal fires
 * const ClientLive = DocSpaceClient.layer().pipe(
 *   Layer.provide(DocSpaceConfig.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer),
 *   Layer.provide(Layer.succeed(DocSpaceClient.TransportAborts, true))
 * )
 * ```
 *
 * @since 0.2.0
 * @category transport
 */
export const TransportAborts: typeof current.TransportAborts = current.TransportAborts

/**
 * @since 0.2.0
 * @category transport
 */
export type TransportAborts = current.TransportAborts

/**
 * The client as a layer; needs a `DocSpaceConfig` and an `HttpClient` (e.g. `NodeHttpClient.layerUndici`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: MakeOptions
): Layer.Layer<DocSpaceClient, never, Config.DocSpaceConfig | HttpClient.HttpClient> =>
  Layer.scoped(DocSpaceClient, make(options))

/**
 * A JSON request through the `DocSpaceClient` in context; see {@link DocSpaceClient.request}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const request = <A, I, R>(
  options: RequestOptions,
  schema: Schema.Schema<A, I, R>
): Effect.Effect<A, Errors.DocSpaceError, DocSpaceClient | R> =>
  Effect.flatMap(DocSpaceClient, (client) => client.request(options, schema))

/**
 * A JSON request keeping the envelope's `count` and `total`; see {@link DocSpaceClient.requestEnvelope}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requestEnvelope = <A, I, R>(
  options: RequestOptions,
  schema: Schema.Schema<A, I, R>
): Effect.Effect<Envelope<A>, Errors.DocSpaceError, DocSpaceClient | R> =>
  Effect.flatMap(DocSpaceClient, (client) => client.requestEnvelope(options, schema))

/**
 * The raw response of a successful request; see {@link DocSpaceClient.raw}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const raw = (
  options: RequestOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, Errors.DocSpaceError, DocSpaceClient | Scope.Scope> =>
  Effect.flatMap(DocSpaceClient, (client) => client.raw(options))

/**
 * A successful response with its body as a typed byte stream; see {@link DocSpaceClient.rawStream}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const rawStream = (
  options: RequestOptions
): Effect.Effect<StreamedResponse, Errors.DocSpaceError, DocSpaceClient | Scope.Scope> =>
  Effect.flatMap(DocSpaceClient, (client) => client.rawStream(options))

/**
 * The body of a successful request as a byte stream; see {@link DocSpaceClient.stream}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const stream = (options: RequestOptions): Stream.Stream<Uint8Array, Errors.DocSpaceError, DocSpaceClient> =>
  Stream.unwrap(Effect.map(DocSpaceClient, (client) => client.stream(options)))

/**
 * Ends the session of the `DocSpaceClient` in context and forgets its cached token; see
 * {@link DocSpaceClient.logout}.
 *
 * @since 0.2.0
 * @category accessors
 */
export const logout: Effect.Effect<void, Errors.DocSpaceError, DocSpaceClient> = Effect.flatMap(
  DocSpaceClient,
  (client) => client.logout
)

/**
 * `Effect.timeoutFail` that also fires where interruption is impossible: in a finalizer, an `acquireRelease`
 * release, or `Effect.uninterruptible`. There a plain `Effect.timeout` waits for the effect to finish, however long it
 * takes. Where the fiber is interruptible this is one `Effect.timeoutFail`; where it is not, the effect runs in its own
 * interruptible fiber, the caller waits for the result or the timer, and on a timeout that fiber is interrupted in the
 * background. The caller is never made interruptible, so a clean-up running after an interruption is not cut short.
 *
 * Every request of the client is already bounded this way by its own timeout; use this to bound a sequence of
 * requests (a terminate followed by polls) run as a clean-up.
 *
 * @example
 * ```ts
 * import { DocSpaceClient } from "@effect-docspace/core"
 * import * as Effect from "effect/Effect"
 *
 * const cleanUp = Effect.sleep("1 hour").pipe(
 *   DocSpaceClient.withTimeout("10 seconds", () => "clean-up timed out" as const),
 *   Effect.ignore
 * )
 * const program = Effect.acquireRelease(Effect.void, () => cleanUp)
 * ```
 *
 * @since 0.2.0
 * @category combinators
 */
export const withTimeout =
  <E2>(duration: Duration.DurationInput, onTimeout: () => E2) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> => boundedTimeout(effect, duration, onTimeout)

/**
 * A JSON body for a request.
 *
 * @since 0.1.0
 * @category bodies
 */
export const jsonBody = (value: unknown): HttpBody.HttpBody => HttpBody.unsafeJson(value)

/**
 * A multipart body for a request (uploads), written byte for byte so that every HTTP client can send it; see
 * {@link Multipart} for streamed parts.
 *
 * @since 0.1.0
 * @category bodies
 */
export const formDataBody = (value: FormData): HttpBody.HttpBody => Multipart.fromFormData(value)

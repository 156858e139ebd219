import type * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import type * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { BodyRead } from "./bodyRead.js"

const TRANSPORT_CODES = new Set([
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "UND_ERR_SOCKET",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH"
])

const looksLikeTransport = (cause: unknown, depth = 0): boolean => {
  if (depth > 3 || typeof cause !== "object" || cause === null) return false
  if (cause instanceof SyntaxError) return false
  const e = cause as { readonly code?: unknown; readonly name?: unknown; readonly message?: unknown; cause?: unknown }
  if (typeof e.code === "string" && TRANSPORT_CODES.has(e.code)) return true
  if (e.name === "SocketError") return true
  if (typeof e.message === "string" && /^(terminated|aborted|other side closed|premature close)$/i.test(e.message)) {
    return true
  }
  return looksLikeTransport(e.cause, depth + 1)
}

/**
 * A body read that failed because the connection broke (a reset, a premature close, a body shorter than its
 * `Content-Length`), not because the body was malformed.
 *
 * @internal
 */
export const isCutBody = (error: HttpClientError.ResponseError): boolean =>
  error.reason === "Decode" && looksLikeTransport(error.cause)

// Last resort against a leaked permit: a response dropped without its body being read gives its permit back when it
// is garbage collected.
const registry = new FinalizationRegistry<Effect.Effect<void>>((release) => {
  Effect.runFork(release)
})

/**
 * A response that holds a concurrency permit until its body is consumed (or fails, or is interrupted).
 *
 * @internal
 */
class LimitedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(
    readonly original: HttpClientResponse.HttpClientResponse,
    readonly releasePermit: Effect.Effect<void>,
    gcFallback: boolean,
    readonly refetch: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown> | undefined
  ) {
    super()
    // Only where no scope will release the permit. The held value must not reach this response (a registry holds
    // it strongly: a path back to the response would keep the response, its request and its body alive for good),
    // and it is unregistered as soon as the permit is released normally.
    if (gcFallback) registry.register(this, releasePermit, this)
  }

  // the closure keeps `this` reachable while a body effect or stream is alive, so the registry cannot fire early
  private get releaseHere(): Effect.Effect<void> {
    return Effect.suspend(() => {
      registry.unregister(this)
      return this.releasePermit
    })
  }

  get request(): HttpClientRequest.HttpClientRequest {
    return this.original.request
  }
  get status(): number {
    return this.original.status
  }
  get headers(): Headers.Headers {
    return this.original.headers
  }
  get cookies(): Cookies.Cookies {
    return this.original.cookies
  }
  get remoteAddress(): Option.Option<string> {
    return this.original.remoteAddress
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.ensuring(this.original.stream, this.releaseHere)
  }
  // A whole-body read of an idempotent request whose connection broke mid-body is sent again (through the limiter,
  // within the request's retry budget) and read from the new answer; when that fails too, the first error stands.
  private read<A>(
    get: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>
  ): Effect.Effect<A, HttpClientError.ResponseError> {
    const once = Effect.ensuring(get(this.original), this.releaseHere)
    const refetch = this.refetch
    if (refetch === undefined) return once
    return Effect.catchIf(once, isCutBody, (error) =>
      Effect.catchAll(
        Effect.flatMap(refetch, (response) => get(response)),
        () => Effect.fail(error)
      ))
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.read((r) => r.json)
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read((r) => r.text)
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read((r) => r.arrayBuffer)
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return this.read((r) => r.urlParamsBody)
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read((r) => r.formData)
  }
  toJSON(): unknown {
    return this.original.toJSON()
  }
}

/** @internal */
export const hasNoBody = (response: HttpClientResponse.HttpClientResponse): boolean =>
  // read whole below the limiter already (core's JSON answers): nothing left to hold the permit for
  (response as unknown as { readonly [BodyRead]?: unknown })[BodyRead] === true ||
  response.request.method === "HEAD" || response.status === 204 || response.status === 304 ||
  response.headers["content-length"] === "0"

/** @internal */
export const holdPermit = (
  response: HttpClientResponse.HttpClientResponse,
  release: Effect.Effect<void>,
  options: {
    readonly gcFallback: boolean
    /** sends the request again, for a whole-body read cut by the connection (idempotent requests only) */
    readonly refetch?: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown> | undefined
  }
): HttpClientResponse.HttpClientResponse => new LimitedResponse(response, release, options.gcFallback, options.refetch)

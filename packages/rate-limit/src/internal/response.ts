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
    gcFallback: boolean
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
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.ensuring(this.original.json, this.releaseHere)
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.ensuring(this.original.text, this.releaseHere)
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.ensuring(this.original.arrayBuffer, this.releaseHere)
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.ensuring(this.original.urlParamsBody, this.releaseHere)
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.ensuring(this.original.formData, this.releaseHere)
  }
  toJSON(): unknown {
    return this.original.toJSON()
  }
}

/** @internal */
export const hasNoBody = (response: HttpClientResponse.HttpClientResponse): boolean =>
  response.request.method === "HEAD" || response.status === 204 || response.status === 304 ||
  response.headers["content-length"] === "0"

/** @internal */
export const holdPermit = (
  response: HttpClientResponse.HttpClientResponse,
  release: Effect.Effect<void>,
  options: { readonly gcFallback: boolean }
): HttpClientResponse.HttpClientResponse => new LimitedResponse(response, release, options.gcFallback)

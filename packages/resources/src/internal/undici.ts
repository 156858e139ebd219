/**
 * The `HttpClient` under `NodeDocSpace.layer`: undici's `Agent` and its `request`, as `@effect/platform-node`'s
 * `NodeHttpClient.layerUndici` drives them, without loading the rest of undici.
 *
 * `NodeHttpClient` imports undici's index, which loads every part of undici (fetch, WebSocket, the cache, the mock
 * agent, ...) and, through its cookies module, Node's own bundled copy of undici as well: 19 MiB of RSS and 106 ms
 * in a bare process, against 10 MiB and 32 ms for the agent and `request` alone (a `require` of each, 12-03). Here
 * only the agent (with its pools, clients and parser) and `request` are loaded. The behaviour is the platform's (and
 * a `FormData` body works, which under the platform's undici client fails): the same request options, the request's
 * `AbortSignal`, no undici timeouts (the client has its own), and answers whose `source` is undici's `ResponseData`
 * (core reads its body natively).
 * (`NodeHttpClient.UndiciRequestOptions` is not read: to pass undici options, give `DocSpace.layer` a client of
 * your own.)
 */
import * as Multipart from "@effect-docspace/core/Multipart"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type { Dispatcher } from "undici"
import undiciRequest from "undici/lib/api/api-request.js"
import Agent from "undici/lib/dispatcher/agent.js"

type Body = Exclude<Dispatcher.DispatchOptions["body"], undefined>

const decodeError = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  cause: unknown
) => new HttpClientError.ResponseError({ request, response, reason: "Decode", cause })

const noop = () => {}

/** An undici answer as the platform's `HttpClientResponse`; `source` is undici's `ResponseData`. */
class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(readonly request: HttpClientRequest.HttpClientRequest, readonly source: Dispatcher.ResponseData) {
    super()
    // a body that fails after nobody reads it any more must not crash the process
    source.body.on("error", noop)
  }

  get status(): number {
    return this.source.statusCode
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers as Record<string, string | Array<string>>)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return NodeStream.fromReadable(() => this.source.body, (cause) => decodeError(this.request, this, cause))
  }

  // undici's body can be consumed once: each whole-body read is made at most once and kept, as the platform's are
  private readOnce<A>(read: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.runSync(Effect.cached(Effect.tryPromise({
      try: read,
      catch: (cause) => decodeError(this.request, this, cause)
    })))
  }

  private textBody: Effect.Effect<string, HttpClientError.ResponseError> | undefined
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.textBody ??= this.readOnce(() => this.source.body.text())
  }

  // the text, parsed; a parse that throws is a Decode error
  private parsed<A>(parse: (text: string) => A): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => parse(text),
        catch: (cause) => decodeError(this.request, this, cause)
      }))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.parsed((text) => (text === "" ? null : JSON.parse(text) as unknown))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return this.parsed((text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  private arrayBufferBody: Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> | undefined
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.arrayBufferBody ??= this.readOnce(() => this.source.body.arrayBuffer())
  }

  private formDataBody: Effect.Effect<FormData, HttpClientError.ResponseError> | undefined
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    // undici's body does not implement it (a NotSupportedError), as under the platform's client
    return this.formDataBody ??= this.readOnce(() => this.source.body.formData() as Promise<FormData>)
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

/** An `HttpClient` over an undici dispatcher (an `Agent`). */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) => {
    const send = (body: Body, headers: Record<string, string>) =>
      Effect.map(
        Effect.tryPromise({
          try: () =>
            undiciRequest.call(dispatcher, {
              signal,
              method: request.method as Dispatcher.HttpMethod,
              headers,
              origin: url.origin,
              path: url.pathname + url.search + url.hash,
              body,
              // the client times requests itself
              headersTimeout: 60 * 60 * 1000,
              bodyTimeout: 0
            }),
          catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
        }),
        (response): HttpClientResponse.HttpClientResponse => new UndiciResponse(request, response)
      )
    const sendBody = (
      body: HttpBody.HttpBody,
      headers: Record<string, string> = request.headers
    ): ReturnType<typeof send> => {
      switch (body._tag) {
        case "Empty":
          return send(null, headers)
        case "Uint8Array":
          return send(body.body, headers)
        case "Raw":
          return send(body.body as Body, headers)
        case "FormData": {
          // undici's own FormData encoder takes only undici's FormData class, not the runtime's global one (under the
          // platform's undici client such a body fails with "action is not a function"): the form goes as core's
          // multipart body instead
          const multipart = Multipart.fromFormData(body.formData)
          return sendBody(multipart, { ...headers, "content-type": multipart.contentType ?? "multipart/form-data" })
        }
        case "Stream":
          return Effect.flatMap(NodeStream.toReadable(body.stream), (readable) => send(readable, headers))
      }
    }
    return sendBody(request.body)
  })

/** The client over an `Agent` of its own, destroyed when the layer is released. */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy())),
    make
  )
)

import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import type * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import type * as Option from "effect/Option"
import * as Stream from "effect/Stream"

/** The cause of a body read refused for its size: not a transport failure (nobody retries it). */
export class TooLarge {
  readonly _tag = "TooLarge"
  constructor(readonly limit: number) {}
}

/** A ResponseError caused by a body larger than the limit. */
export const isTooLarge = (error: unknown): boolean =>
  error instanceof HttpClientError.ResponseError && error.cause instanceof TooLarge

const decoder = new TextDecoder()

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.length
  }
  return all
}

type Source =
  | { readonly _tag: "Web"; readonly body: ReadableStream<Uint8Array> | null }
  | { readonly _tag: "Node"; readonly body: AsyncIterable<Uint8Array> & { destroy?: (error?: Error) => void } }

/**
 * The native answer under a response: the platform's own transports keep it in `source` (a web `Response`, undici's
 * `ResponseData`, node:http's `IncomingMessage`), and wrappers keep the response they wrap in `original` (the
 * platform's `InterruptibleResponse` for a request not tied to a scope, core's bounded answer, the rate limiter's
 * permit holder).
 */
export const nativeAnswer = (response: HttpClientResponse.HttpClientResponse): unknown => {
  let current: unknown = response
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const source = (current as { readonly source?: unknown }).source
    if (source !== undefined) return source
    current = (current as { readonly original?: unknown }).original
  }
  return undefined
}

/** The native body a bounded read can take: a web `Response`'s stream, or undici's async-iterable body. */
export const sourceOf = (response: HttpClientResponse.HttpClientResponse): Source | undefined => {
  const source = nativeAnswer(response)
  if (typeof source !== "object" || source === null) return undefined
  const body = (source as { readonly body?: unknown }).body
  // a Node stream (undici's body) is asked about first: on Node, `Response` is a lazy global whose first use loads
  // Node's bundled copy of undici (8 MiB and about 20 ms), which a client over undici itself never needs
  if (
    typeof body === "object" && body !== null && Symbol.asyncIterator in body &&
    typeof (body as { readonly on?: unknown }).on === "function"
  ) {
    return { _tag: "Node", body: body as AsyncIterable<Uint8Array> }
  }
  if (typeof Response !== "undefined" && source instanceof Response) return { _tag: "Web", body: source.body }
  return undefined
}

/**
 * The platform's wrapper of a response not tied to a scope runs a body read through `applyInterrupt`: it aborts the
 * request if the read is interrupted, and takes the response off the registry that would otherwise abort it when it is
 * garbage-collected (a DOMException and an abort event per answer, long after it was read).
 */
interface Interruptible {
  readonly applyInterrupt: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

const interruptibleOf = (response: HttpClientResponse.HttpClientResponse): Interruptible | undefined =>
  typeof (response as unknown as Partial<Interruptible>).applyInterrupt === "function"
    ? response as unknown as Interruptible
    : undefined

/** Reads a native body up to `limit` bytes, natively (no Effect stream per chunk); cancels it beyond the limit. */
const readNative = async (source: Source, limit: number): Promise<Uint8Array | TooLarge> => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  if (source._tag === "Web") {
    if (source.body === null) return new Uint8Array(0)
    const reader = source.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > limit) {
        await reader.cancel().catch(() => undefined)
        return new TooLarge(limit)
      }
      chunks.push(value)
    }
    return concat(chunks, size)
  }
  for await (const chunk of source.body) {
    size += chunk.length
    if (size > limit) {
      source.body.destroy?.()
      return new TooLarge(limit)
    }
    chunks.push(chunk)
  }
  return concat(chunks, size)
}

/** A transport's answer that delegates everything to the original; subclasses replace how the body is read. */
abstract class DelegatingResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(readonly original: HttpClientResponse.HttpClientResponse) {
    super()
  }

  get request(): HttpClientRequest.HttpClientRequest {
    return this.original.request
  }
  get status(): number {
    return this.original.status
  }
  private cachedHeaders: Headers.Headers | undefined
  // read once: the platform's undici answer builds a new Headers record on every read, and the limiter, the bounded
  // read and the client each read them
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= this.original.headers
  }
  get cookies(): Cookies.Cookies {
    return this.original.cookies
  }
  get remoteAddress(): Option.Option<string> {
    return this.original.remoteAddress
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.original.stream
  }
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.original.json
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.original.text
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.original.arrayBuffer
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return this.original.urlParamsBody
  }
  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.original.formData
  }
  toJSON(): unknown {
    return this.original.toJSON()
  }

  /** A body's text as JSON (an empty body is `null`), as the platform's `json` reads it; a parse error is a Decode. */
  protected parseJson(text: string): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.try({
      try: () => (text === "" ? null : JSON.parse(text) as unknown),
      catch: (cause) =>
        new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
    })
  }
}

/**
 * A transport's answer whose `text` reads at most `limit` bytes: a declared length above it is refused unread, and a
 * body without one (chunked, or compressed: its decoded size is unknown) is abandoned, its connection closed, as soon
 * as it passes the limit. Placed right above the transport, below the rate limiter, so that the limiter's own body
 * handling (releasing its permit, sending a cut GET again) sees the bounded read. Everything else is delegated.
 */
class BoundedResponse extends DelegatingResponse {
  constructor(original: HttpClientResponse.HttpClientResponse, readonly limit: number) {
    super(original)
  }
  private nativeRead: Promise<Uint8Array | TooLarge> | undefined

  // parsed from the bounded `text`: the same read whichever of the two is asked for first (the platform's `json` would
  // read the body again, which a native read has consumed), and bounded too
  override get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => this.parseJson(text))
  }

  override get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    const headers = this.original.headers
    const declared = headers["content-length"] === undefined ? NaN : Number(headers["content-length"])
    const encoding = headers["content-encoding"]
    const plain = encoding === undefined || encoding === "" || encoding === "identity"
    const known = plain && Number.isFinite(declared)
    if (known && declared > this.limit) return Effect.fail(this.tooLarge())
    const source = sourceOf(this.original)
    // A Node body (undici's) is read natively even with a declared length: the platform's `text` waits for undici's
    // own consumer, which after a 10 MiB request body (an upload part) started 0.1-0.15 ms later than this read
    if (source === undefined || (known && source._tag === "Web")) return known ? this.original.text : this.boundedStream
    const wrapper = interruptibleOf(this.original)
    const read = Effect.tryPromise({
      // one read of the body, whoever asks for the text (twice, or at once): as the platform's own `text`, cached
      try: () => (this.nativeRead ??= readNative(source, this.limit)),
      catch: (cause) =>
        new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
    })
    return Effect.flatMap(
      // read natively, under the platform's wrapper: an interruption (the request's timer) aborts it, and a finished
      // read is not aborted again at garbage collection (a request tied to a scope is aborted when its scope closes)
      wrapper === undefined ? read : wrapper.applyInterrupt(read),
      (result) => (result instanceof TooLarge ? Effect.fail(this.tooLarge()) : Effect.succeed(decoder.decode(result)))
    )
  }

  private tooLarge() {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      description: `the body is larger than maxBodyBytes (${this.limit} bytes)`,
      cause: new TooLarge(this.limit)
    })
  }

  /** Any other transport: its byte stream, folded with the same bound. */
  private get boundedStream(): Effect.Effect<string, HttpClientError.ResponseError> {
    const limit = this.limit
    return Effect.suspend(() => {
      const chunks: Array<Uint8Array> = []
      let size = 0
      let over = false
      return Effect.flatMap(
        Stream.runForEachWhile(
          // a body-less answer (204) has no stream: it is an empty text
          Stream.catchAll(
            this.original.stream,
            (error) => (error.reason === "EmptyBody" ? Stream.empty : Stream.fail(error))
          ),
          (chunk) =>
            Effect.sync(() => {
              size += chunk.length
              if (size > limit) {
                over = true
                return false
              }
              chunks.push(chunk)
              return true
            })
        ),
        () => (over ? Effect.fail(this.tooLarge()) : Effect.succeed(decoder.decode(concat(chunks, size))))
      )
    })
  }
}

/** Bounds the whole-body reads of a transport's answer; see {@link BoundedResponse}. */
export const bounded = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): HttpClientResponse.HttpClientResponse => new BoundedResponse(response, limit)

const encoder = new TextEncoder()

/**
 * A transport's answer whose body was already read whole (within the request's timer): `text` and `json` answer at
 * once, `stream` and `arrayBuffer` replay the bytes. Status, headers and the rest are the original's.
 */
class BufferedResponse extends DelegatingResponse {
  /** the rate limiter gives its permit back at once: there is no body left to read */
  readonly [RateLimiter.BodyRead] = true

  constructor(original: HttpClientResponse.HttpClientResponse, readonly body: string) {
    super(original)
  }

  override get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.succeed(this.body)
  }
  override get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return this.parseJson(this.body)
  }
  override get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.body === "" ? Stream.empty : Stream.succeed(encoder.encode(this.body))
  }
  override get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.sync(() => encoder.encode(this.body).buffer as ArrayBuffer)
  }
}

/** The answer with its body already read; see {@link BufferedResponse}. */
export const buffered = (
  response: HttpClientResponse.HttpClientResponse,
  body: string
): HttpClientResponse.HttpClientResponse => new BufferedResponse(response, body)

/** The body of an answer read whole below the limiter ({@link buffered}), or undefined for any other answer. */
export const bufferedText = (response: HttpClientResponse.HttpClientResponse): string | undefined =>
  response instanceof BufferedResponse ? response.body : undefined

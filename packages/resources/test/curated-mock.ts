// A small programmable transport for the curated-module tests: a handler answers each request; every request is
// recorded (method, URL, headers, body bytes or form data).
import { Auth } from "@effect-docspace/core"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { DocSpace } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

export const baseUrl = "https://portal.example.com"
export const apiKey = `sk-${"ab".repeat(32)}`

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The JSON body, when there was one. */
  readonly json?: unknown
  /** The file part, when the body was multipart/form-data. */
  readonly file?: { readonly fileName: string | undefined; readonly bytes: Uint8Array }
}

export interface Reply {
  readonly status?: number
  readonly headers?: Record<string, string>
  readonly body?: BodyInit | null
  /** A JSON body (sets content-type). */
  readonly json?: unknown
}

export type Handler = (request: Recorded) => Reply | Effect.Effect<Reply>

const decoder = new TextDecoder()

// the single file part of a multipart body: checks the framing strictly (a malformed body fails the test)
const parseFilePart = (body: { readonly contentType: string; readonly body: Uint8Array }) => {
  const boundary = /boundary=(.+)$/.exec(body.contentType)![1]!
  const text = Buffer.from(body.body).toString("latin1")
  const start = `--${boundary}\r\n`
  const end = `\r\n--${boundary}--\r\n`
  if (!text.startsWith(start) || !text.endsWith(end)) throw new Error("malformed multipart body")
  const headerEnd = text.indexOf("\r\n\r\n")
  const headers = text.slice(start.length, headerEnd)
  if (!/^Content-Disposition: form-data; name="file"/m.test(headers)) throw new Error("no file field")
  // WHATWG form encoding: the name in UTF-8 between quotes, with `"`, CR and LF percent-encoded
  const quoted = /filename="([^"]*)"/.exec(Buffer.from(headers, "latin1").toString("utf8"))?.[1]
  return {
    fileName: quoted?.replace(/%22|%0D|%0A/g, (escape) => decodeURIComponent(escape)),
    bytes: body.body.slice(headerEnd + 4, body.body.length - end.length)
  }
}

const record = (request: HttpClientRequest.HttpClientRequest, url: URL): Recorded => {
  const body = request.body
  const base = { method: request.method, url, headers: request.headers as unknown as Record<string, string> }
  switch (body._tag) {
    case "Uint8Array":
      if (body.contentType.startsWith("multipart/form-data")) return { ...base, file: parseFilePart(body) }
      return { ...base, json: body.contentType.includes("json") ? JSON.parse(decoder.decode(body.body)) : undefined }
    default:
      return base
  }
}

/** Envelope helper: `{"response": value, ...extra}`. */
export const envelope = (response: unknown, extra?: Record<string, unknown>): Reply => ({
  json: { response, count: Array.isArray(response) ? response.length : 1, status: 0, statusCode: 200, ...extra }
})

export const make = (handler: Handler) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const recorded = record(request, url)
      requests.push(recorded)
      const result = handler(recorded)
      const reply = Effect.isEffect(result) ? yield* result : result
      const headers = new Headers(reply.headers)
      let body: BodyInit | null | undefined = reply.body
      if (reply.json !== undefined) {
        headers.set("content-type", "application/json")
        body = JSON.stringify(reply.json)
      }
      return HttpClientResponse.fromWeb(request, new Response(body ?? null, { status: reply.status ?? 200, headers }))
    })
  )
  const layer: Layer.Layer<DocSpaceClient.DocSpaceClient> = DocSpace.layer({
    baseUrl,
    auth: Auth.apiKey(Redacted.make(apiKey)),
    rateLimit: RateLimitPolicy.unlimited
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.orDie)
  return { requests, layer }
}

/** The bytes of a recorded multipart file part. */
export const partBytes = (request: Recorded): Effect.Effect<Uint8Array> =>
  request.file === undefined ? Effect.dieMessage("no file part") : Effect.succeed(request.file.bytes)

// --- FakeDocSpace ------------------------------------------------------------------------------------------------

export const fakeUrl = "https://fake.docspace.test"

/**
 * Runs a program against the in-process FakeDocSpace in context, with a client built from the fake's API key. File
 * operations progress with the clock, so the TestClock is moved (100 ms at a time) until the program is done.
 */
export const onFake = <A, E>(program: Effect.Effect<A, E, DocSpaceClient.DocSpaceClient>) =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.Server
    const http = yield* HttpClient.HttpClient
    const client = DocSpace.layer({
      baseUrl: fakeUrl,
      auth: Auth.apiKey(fake.apiKey),
      rateLimit: RateLimitPolicy.unlimited
    })
      .pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)), Layer.orDie)
    const fiber = yield* Effect.fork(Effect.exit(Effect.provide(program, client)))
    for (let i = 0; i < 10_000; i++) {
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust("100 millis")
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
    }
    return { exit: yield* Fiber.join(fiber), fake }
  })

/** Byte equality (vitest's `toEqual` is slow on large typed arrays). */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length &&
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0

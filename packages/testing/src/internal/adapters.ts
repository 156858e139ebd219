/**
 * Adapters that expose a `Handler` (internal/handler.ts) to a client: in-process as an `HttpClient` (no sockets,
 * deterministic under `TestClock`), or on a loopback port with `node:http`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as Net from "node:net"
import type { FakeRequest, FakeResponse, Handler } from "./handler.js"
import { ConnectionReset } from "./handler.js"

const encoder = new TextEncoder()

/** Statuses whose responses never carry a body (the web `Response` constructor rejects one). @internal */
export const isNullBodyStatus = (status: number): boolean =>
  status === 204 || status === 205 || status === 304 || (status >= 100 && status < 200)

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (chunks.length === 1) return chunks[0]
  let length = 0
  for (const c of chunks) length += c.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const encodeError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description: string) =>
  new HttpClientError.RequestError({ request, reason: "Encode", cause, description })

/** Reads any `HttpBody` in full, as a server would receive it. @internal */
export const readRequestBody = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<
  { readonly bytes: Uint8Array; readonly contentType: string | undefined },
  HttpClientError.RequestError
> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ bytes: new Uint8Array(0), contentType: undefined })
    case "Uint8Array":
      return Effect.succeed({ bytes: body.body, contentType: body.contentType })
    case "Raw": {
      const raw = body.body
      if (typeof raw === "string") return Effect.succeed({ bytes: encoder.encode(raw), contentType: body.contentType })
      if (raw instanceof Uint8Array) return Effect.succeed({ bytes: raw, contentType: body.contentType })
      if (raw instanceof ArrayBuffer) {
        return Effect.succeed({ bytes: new Uint8Array(raw), contentType: body.contentType })
      }
      return Effect.tryPromise({
        try: async () => {
          const response = new Response(raw as BodyInit)
          return {
            bytes: new Uint8Array(await response.arrayBuffer()),
            contentType: body.contentType ?? response.headers.get("content-type") ?? undefined
          }
        },
        catch: (cause) => encodeError(request, cause, "could not read the raw request body")
      })
    }
    case "FormData":
      return Effect.tryPromise({
        try: async () => {
          // The web Response serialises FormData as multipart/form-data with a boundary, as fetch would send it.
          const response = new Response(body.formData)
          return {
            bytes: new Uint8Array(await response.arrayBuffer()),
            contentType: response.headers.get("content-type") ?? undefined
          }
        },
        catch: (cause) => encodeError(request, cause, "could not serialise the multipart request body")
      })
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => ({ bytes: concat(Chunk.toReadonlyArray(chunks)), contentType: body.contentType })),
        Effect.mapError((cause) => encodeError(request, cause, "the request body stream failed"))
      )
  }
}

/** The request as the fake server sees it. @internal */
export const toFakeRequest = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL
): Effect.Effect<FakeRequest, HttpClientError.RequestError> =>
  Effect.map(readRequestBody(request), ({ bytes, contentType }) => {
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value
    if (request.body._tag === "FormData" && contentType !== undefined) headers["content-type"] = contentType
    else if (headers["content-type"] === undefined && contentType !== undefined) headers["content-type"] = contentType
    if (bytes.length > 0 || (request.method !== "GET" && request.method !== "HEAD")) {
      headers["content-length"] = String(bytes.length)
    }
    return { method: request.method, url: new URL(url.href), headers, body: bytes }
  })

const declaredLength = (response: FakeResponse): number | undefined => {
  const raw = response.headers["content-length"]
  if (raw === undefined) return undefined
  const n = Number(raw)
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/**
 * The response body as a client receives it: a body shorter than its `Content-Length` ends with an error, as a
 * real client reports a connection closed too early.
 *
 * @internal
 */
export const clientBody = (response: FakeResponse): Stream.Stream<Uint8Array, ConnectionReset> => {
  const expected = declaredLength(response)
  if (expected === undefined) return response.body
  return Stream.suspend(() => {
    let received = 0
    return response.body.pipe(
      Stream.tap((chunk) => Effect.sync(() => (received += chunk.length))),
      Stream.concat(
        Stream.suspend(() =>
          received < expected
            ? Stream.fail(
              new ConnectionReset({
                reason: `the connection closed after ${received} of ${expected} bytes (Content-Length)`
              })
            )
            : Stream.empty
        )
      )
    )
  })
}

/**
 * A web `ReadableStream` pulling from `stream` with the caller's runtime (so `TestClock` drives delays in it). Its
 * finalizers (`Stream.ensuring`) run when it ends, fails, is cancelled, or when `signal` aborts.
 *
 * @internal
 */
export const toReadableStream = <E>(
  stream: Stream.Stream<Uint8Array, E>,
  runtime: Runtime.Runtime<never>,
  signal: AbortSignal
): ReadableStream<Uint8Array> => {
  const scope = Effect.runSync(Scope.make())
  const close = () => Runtime.runFork(runtime)(Scope.close(scope, Exit.void))
  let pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<E>> | undefined
  let done = false
  const finish = () => {
    if (done) return
    done = true
    signal.removeEventListener("abort", finish)
    close()
  }
  if (signal.aborted) finish()
  else signal.addEventListener("abort", finish, { once: true })
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (done) {
        controller.close()
        return
      }
      pull ??= Runtime.runSync(runtime)(Scope.extend(Stream.toPull(stream), scope))
      return Runtime.runPromiseExit(runtime)(pull).then((exit) => {
        if (Exit.isSuccess(exit)) {
          for (const chunk of exit.value) if (chunk.length > 0) controller.enqueue(chunk)
          return
        }
        const failure = Cause.failureOption(exit.cause)
        finish()
        if (Option.isSome(failure) && Option.isNone(failure.value)) controller.close()
        else controller.error(Option.isSome(failure) ? Option.getOrUndefined(failure.value) : Cause.squash(exit.cause))
      })
    },
    cancel() {
      finish()
    }
  })
}

/**
 * An in-process `HttpClient` answering from `handler`: no socket, and every delay in the handler (`Effect.sleep`)
 * follows the caller's `Clock`, so `TestClock` drives it. A `ConnectionReset` from the handler is a
 * `RequestError` (reason `Transport`); one in the middle of the body makes reading the body fail (`ResponseError`).
 *
 * @internal
 */
export const toHttpClient = (handler: Handler): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const runtime = yield* Effect.runtime<never>()
      const fakeRequest = yield* toFakeRequest(request, url)
      const response = yield* Effect.catchAllDefect(
        Effect.mapError(handler(fakeRequest), (reset) =>
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause: reset,
            description: `connection reset: ${reset.reason}`
          })),
        (defect) =>
          Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: defect,
              description: "the fake server failed unexpectedly (the connection dropped)"
            })
          )
      )
      const noBody = isNullBodyStatus(response.status) || request.method === "HEAD"
      const body = noBody ? null : toReadableStream(clientBody(response), runtime, signal)
      return yield* Effect.try({
        try: () =>
          HttpClientResponse.fromWeb(
            request,
            new Response(body, { status: response.status, headers: new Headers({ ...response.headers }) })
          ),
        catch: (cause) =>
          new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause,
            description: `the fake server sent an invalid response (status ${response.status})`
          })
      })
    })
  )

/**
 * Starting the loopback server failed (the port is taken, or the host cannot be bound).
 *
 * @internal
 */
export class ServeError extends Schema.TaggedError<ServeError>("@effect-docspace/testing/ServeError")("ServeError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** @internal */
export interface ServeOptions {
  readonly port?: number | undefined
  readonly host?: string | undefined
}

/** @internal */
export interface Served {
  readonly url: string
  readonly host: string
  readonly port: number
}

/** Writes a chunk and waits until it is handed to the socket, so a reset after it cannot swallow it. */
const writeChunk = (res: Http.ServerResponse, chunk: Uint8Array): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (res.destroyed) return resume(Effect.void)
    let done = false
    const finish = () => {
      if (done) return
      done = true
      res.off("close", finish)
      resume(Effect.void)
    }
    res.on("close", finish)
    res.write(chunk, finish)
  })

const respond = (handler: Handler, request: FakeRequest, res: Http.ServerResponse): Effect.Effect<void> =>
  Effect.matchCauseEffect(handler(request), {
    // A reset before the status line: drop the connection without writing anything.
    onFailure: () => Effect.sync(() => res.socket?.destroy()),
    onSuccess: (response) =>
      Effect.suspend(() => {
        const headers: Record<string, string> = { ...response.headers }
        const noBody = isNullBodyStatus(response.status) || request.method === "HEAD"
        if (noBody) delete headers["content-length"]
        try {
          res.writeHead(response.status, headers)
          res.flushHeaders()
        } catch {
          res.socket?.destroy()
          return Effect.void
        }
        if (noBody) return Effect.sync(() => res.end())
        const expected = declaredLength(response)
        let sent = 0
        return Stream.runForEach(response.body, (chunk) => {
          sent += chunk.length
          return writeChunk(res, chunk)
        }).pipe(
          Effect.matchCauseEffect({
            // A reset in the middle of the body: the client has the head and part of the body, then the socket dies.
            onFailure: () => Effect.sync(() => res.socket?.destroy()),
            onSuccess: () =>
              Effect.sync(() => {
                if (expected !== undefined && sent < expected) {
                  // Content-Length promised more: flush what was sent and close, as a proxy cutting a body does.
                  const socket = res.socket
                  if (socket) {
                    socket.end()
                    socket.once("finish", () => socket.destroy())
                  }
                } else {
                  res.end()
                }
              })
          })
        )
      })
  })

/**
 * The URL of a request as received: the path is taken as it is (`//a` stays a path, never a host), the origin from
 * the Host header when it is valid. `undefined` when the request target cannot be a URL.
 *
 * @internal
 */
export const requestUrl = (target: string, hostHeader: string | undefined, fallbackHost: string): URL | undefined => {
  if (!target.startsWith("/")) return undefined
  let url: URL
  try {
    url = new URL(`http://${hostHeader ?? fallbackHost}`)
    if (url.pathname !== "/" || url.search !== "" || url.username !== "") throw new Error("not a host")
  } catch {
    url = new URL(`http://${fallbackHost}`)
  }
  const q = target.indexOf("?")
  try {
    url.pathname = q === -1 ? target : target.slice(0, q)
    url.search = q === -1 ? "" : target.slice(q)
  } catch {
    return undefined
  }
  return url
}

/**
 * Serves `handler` with `node:http` on `host` (default 127.0.0.1) and `port` (default 0: a free port) for the
 * life of the scope. The handler runs with the caller's services (its `Clock` included).
 *
 * @internal
 */
export const serve = (handler: Handler, options: ServeOptions = {}): Effect.Effect<Served, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const runFork = Runtime.runFork(runtime)
    const host = options.host ?? "127.0.0.1"
    const fibers = new Set<Fiber.RuntimeFiber<void>>()
    const server = Http.createServer((req, res) => {
      const chunks: Array<Uint8Array> = []
      req.on("data", (chunk: Uint8Array) => chunks.push(chunk))
      req.on("error", () => res.socket?.destroy())
      req.on("end", () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value
        }
        const url = requestUrl(req.url ?? "/", headers["host"], `${host}:${port}`)
        if (url === undefined) {
          res.writeHead(400, { "content-type": "text/plain", connection: "close" })
          res.end("Bad Request")
          return
        }
        const request: FakeRequest = { method: req.method ?? "GET", url, headers, body: concat(chunks) }
        const fiber = runFork(respond(handler, request, res))
        fibers.add(fiber)
        fiber.addObserver(() => fibers.delete(fiber))
        res.on("close", () => {
          if (fibers.has(fiber)) runFork(fiber.interruptAsFork(fiber.id()))
        })
      })
    })
    let port = options.port ?? 0
    yield* Effect.acquireRelease(
      Effect.async<void, ServeError>((resume) => {
        const onError = (cause: Error) => {
          resume(
            Effect.fail(new ServeError({ message: `could not listen on ${host}:${port}: ${cause.message}`, cause }))
          )
        }
        server.once("error", onError)
        server.listen(port, host, () => {
          server.off("error", onError)
          port = (server.address() as Net.AddressInfo).port
          resume(Effect.void)
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const fiber of fibers) runFork(fiber.interruptAsFork(fiber.id()))
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const urlHost = host.includes(":") ? `[${host}]` : host
    return { url: `http://${urlHost}:${port}`, host, port }
  })

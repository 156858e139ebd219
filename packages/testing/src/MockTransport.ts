/**
 * A programmable `HttpClient` for unit tests: routes (`"GET /api/2.0/files/{folderId}"`) answer with a response,
 * a function of the request, an `Effect`, or a scripted sequence; every request is recorded for assertions; an
 * unknown route gets a 404 DocSpace error envelope naming the method and path.
 *
 * @example
 * ```ts
 * import { MockTransport } from "@effect-docspace/testing"
 *
 * const Transport = MockTransport.layer({
 *   "GET /api/2.0/people/@self": MockTransport.json({ id: "u1", displayName: "Ada" }),
 *   "GET /api/2.0/files/{folderId}": (request) =>
 *     MockTransport.json({ current: { id: Number(request.params.folderId) }, files: [], folders: [] }),
 *   "PUT /api/2.0/files/fileops/copy": MockTransport.sequence([
 *     MockTransport.error(503, "Service Unavailable", { retryAfter: 1 }),
 *     MockTransport.json([{ id: "op1", finished: true }])
 *   ])
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
// which names hold secrets: the one rule the client uses too
import * as Redaction from "@effect-docspace/core/Redaction"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { NodeInspectSymbol } from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Adapters from "./internal/adapters.js"
import type { FakeRequest, FakeResponse } from "./internal/handler.js"
import { ConnectionReset } from "./internal/handler.js"
import * as Pattern from "./internal/pattern.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A response a route answers with. Build one with `json`, `error`, `raw`, `html`, `text` or `empty`.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockResponse {
  readonly _tag: "MockResponse"
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/**
 * The connection drops before any response: the client sees a transport error (`RequestError`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MockConnectionReset {
  readonly _tag: "MockConnectionReset"
  readonly reason: string
}

/**
 * What a route produces for one request.
 *
 * @since 0.1.0
 * @category models
 */
export type Reply = MockResponse | MockConnectionReset

/**
 * A route's answer computed from the request, possibly with effects (`Effect.sleep` follows `TestClock`).
 *
 * @since 0.1.0
 * @category models
 */
export type ReplyFunction = (request: MockRequest) => Reply | Effect.Effect<Reply>

/**
 * Answers given in order, one per call: see `sequence`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sequence {
  readonly _tag: "Sequence"
  readonly answers: ReadonlyArray<Reply | Effect.Effect<Reply> | ReplyFunction>
  readonly whenExhausted: "repeat-last" | "fail"
}

/**
 * What a route can be given.
 *
 * @since 0.1.0
 * @category models
 */
export type Answer = Reply | Effect.Effect<Reply> | ReplyFunction | Sequence

/**
 * Routes by `"METHOD /path/{param}"` (method `*` for any; a final `*` segment matches the rest). The most
 * specific pattern wins: `GET /api/2.0/files/@my` beats `GET /api/2.0/files/{folderId}`.
 *
 * @since 0.1.0
 * @category models
 */
export type Routes = Readonly<Record<string, Answer>>

/**
 * The request a route function receives. Headers are unredacted here: it is your own test code.
 *
 * @since 0.1.0
 * @category models
 */
export interface MockRequest {
  readonly method: string
  readonly url: URL
  readonly path: string
  /** Path parameters of the matched pattern (`{folderId}` -> `params.folderId`). */
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly text: string
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown
  /** How many times this route was called before this request (0 for the first). */
  readonly callIndex: number
}

/**
 * Options for `json`.
 *
 * @since 0.1.0
 * @category models
 */
export interface JsonOptions {
  /** Envelope `count` (default: the array length, or 1). */
  readonly count?: number | undefined
  /** Envelope `total` (omitted unless given, as the real server usually does). */
  readonly total?: number | undefined
  readonly links?: ReadonlyArray<unknown> | undefined
  readonly status?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

const lowerKeys = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers) { for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v }
  return out
}

/**
 * A response with raw status, headers and body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const raw = (options: {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | Uint8Array | undefined
}): MockResponse => ({
  _tag: "MockResponse",
  status: options.status,
  headers: lowerKeys(options.headers),
  body: typeof options.body === "string" ? encoder.encode(options.body) : options.body ?? new Uint8Array(0)
})

/**
 * A success in the DocSpace envelope: `{"response": value, "count": n, "total"?: n, "status": 0, "statusCode": 200}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (response: unknown, options: JsonOptions = {}): MockResponse => {
  const status = options.status ?? 200
  const envelope: Record<string, unknown> = {
    response,
    count: options.count ?? (Array.isArray(response) ? response.length : 1)
  }
  if (options.total !== undefined) envelope.total = options.total
  if (options.links !== undefined) envelope.links = options.links
  envelope.status = 0
  envelope.statusCode = status
  return raw({
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...lowerKeys(options.headers) },
    body: JSON.stringify(envelope)
  })
}

/**
 * A failure in the DocSpace envelope: `{"error": {"message", "type"?}, "status": 1, "statusCode": status}`.
 * `retryAfter` (seconds) adds a `Retry-After` header, as a refused 429 or 503 carries.
 *
 * @since 0.1.0
 * @category constructors
 */
export const error = (status: number, message: string, options: {
  readonly type?: string | undefined
  readonly retryAfter?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
} = {}): MockResponse =>
  raw({
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(options.retryAfter !== undefined ? { "retry-after": String(options.retryAfter) } : {}),
      ...lowerKeys(options.headers)
    },
    body: JSON.stringify({
      error: options.type !== undefined ? { message, type: options.type } : { message },
      status: 1,
      statusCode: status
    })
  })

/**
 * An HTML page, as a reverse proxy answers a 502 or 503.
 *
 * @since 0.1.0
 * @category constructors
 */
export const html = (status: number, body: string, headers?: Readonly<Record<string, string>>): MockResponse =>
  raw({ status, headers: { "content-type": "text/html", ...lowerKeys(headers) }, body })

/**
 * A plain-text response.
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (status: number, body: string, headers?: Readonly<Record<string, string>>): MockResponse =>
  raw({ status, headers: { "content-type": "text/plain; charset=utf-8", ...lowerKeys(headers) }, body })

/**
 * A response without a body (default 204).
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (status = 204, headers?: Readonly<Record<string, string>>): MockResponse =>
  raw({ status, headers: lowerKeys(headers) })

/**
 * The connection drops before the response: the client fails with a transport error.
 *
 * @since 0.1.0
 * @category constructors
 */
export const connectionReset = (reason = "connection reset by peer"): MockConnectionReset => ({
  _tag: "MockConnectionReset",
  reason
})

/**
 * Answers in order, one per call. When the answers run out, the last one repeats (default) or, with
 * `whenExhausted: "fail"`, every further call gets a 500 envelope saying the sequence is exhausted.
 *
 * @example
 * ```ts
 * import { MockTransport } from "@effect-docspace/testing"
 *
 * // first call refused with 503 + Retry-After, then 200
 * const answer = MockTransport.sequence([
 *   MockTransport.error(503, "Service Unavailable", { retryAfter: 2 }),
 *   MockTransport.json({ id: 1 })
 * ])
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const sequence = (
  answers: ReadonlyArray<Reply | Effect.Effect<Reply> | ReplyFunction>,
  options: { readonly whenExhausted?: "repeat-last" | "fail" | undefined } = {}
): Sequence => ({ _tag: "Sequence", answers, whenExhausted: options.whenExhausted ?? "repeat-last" })

const sensitiveHeaders = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"])

const REDACTED = Redaction.redacted

const redactJson = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redactJson)
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = Redaction.isSecretName(k) && v !== null && v !== undefined && v !== "" ? REDACTED : redactJson(v)
    }
    return out
  }
  return value
}

const redactParams = (params: URLSearchParams): string => {
  const out = new URLSearchParams()
  for (const [k, v] of params) out.append(k, Redaction.isSecretName(k) && v !== "" ? REDACTED : v)
  return out.toString()
}

const redactUrl = (href: string): string => {
  const url = new URL(href)
  if (url.search === "") return Redaction.redactPath(href)
  url.search = redactParams(url.searchParams)
  return Redaction.redactPath(url.href)
}

/** Multipart text with the value of every secret-named field (not a file part) replaced. */
const redactMultipart = (text: string): string =>
  text.replace(
    /(content-disposition:[^\r\n]*?\bname="([^"]*)"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)([\s\S]*?)(?=\r\n--)/gi,
    (all, head: string, name: string) =>
      Redaction.isSecretName(name) && !/\bfilename\*?=/i.test(head.split("\r\n")[0]) ? `${head}${REDACTED}` : all
  )

/** The body as printed: secret-looking JSON fields, form fields and multipart fields replaced by `<redacted>`. */
const redactBody = (text: string, contentType: string | undefined): string => {
  if (text.length === 0) return text
  const type = (contentType ?? "").toLowerCase()
  if (type.startsWith("multipart/")) return redactMultipart(text)
  if (type.startsWith("application/x-www-form-urlencoded")) return redactParams(new URLSearchParams(text))
  const parsed = parseJson(text)
  if (parsed !== undefined) return JSON.stringify(redactJson(parsed))
  return text
}

/**
 * A request the transport received. Every printed form (`JSON.stringify`, `util.inspect` / `console.log`,
 * `String`, vitest snapshots and diffs) is redacted, so printing a request never shows a secret:
 *
 * - `headers` has `Authorization`, `Cookie` and `X-Api-Key` values replaced by `<redacted>`; `header(name)` gives
 *   the real value.
 * - the body is printed as `redactedBody`: secret-looking JSON fields (`password`, `secretKey`, `token`, `key`,
 *   `apiKey`, `accessToken`, ... at any depth), form fields and query parameters read `<redacted>`.
 * - `body`, `bodyBytes` and `json()` are the explicit accessors of the raw body, secrets included, for assertions;
 *   they are getters, so they do not appear when the request itself is printed.
 *
 * @since 0.1.0
 * @category models
 */
export class RecordedRequest {
  readonly #secrets: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly #url: string
  readonly #bodyBytes: Uint8Array
  readonly #body: string
  readonly #path: string
  /** @since 0.1.0 */
  readonly method: string
  /** The pattern that answered, or `undefined` when no route matched. @since 0.1.0 */
  readonly route: string | undefined
  /** Header names in lower case, secrets redacted. @since 0.1.0 */
  readonly headers: Readonly<Record<string, string>>
  /**
   * The body as printed: secret-looking JSON, form and multipart fields replaced by `<redacted>`.
   *
   * @since 0.1.0
   */
  readonly redactedBody: string

  constructor(request: FakeRequest, route: string | undefined) {
    const headers: Record<string, string> = {}
    const secrets: Record<string, Redacted.Redacted<string>> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      if (sensitiveHeaders.has(name)) {
        headers[name] = "<redacted>"
        secrets[name] = Redacted.make(value)
      } else {
        headers[name] = value
      }
    }
    this.#secrets = secrets
    this.method = request.method
    this.#url = request.url.href
    this.#path = request.url.pathname
    this.route = route
    this.headers = headers
    this.#bodyBytes = request.body
    this.#body = decoder.decode(request.body)
    this.redactedBody = redactBody(this.#body, request.headers["content-type"])
  }

  /**
   * The path as sent, a two-factor code included (printed forms show `/api/2.0/authentication/<redacted>`).
   *
   * @since 0.1.0
   */
  get path(): string {
    return this.#path
  }

  /**
   * The full URL as sent, query included (printed forms redact secret-looking query parameters and a two-factor
   * code in the path).
   *
   * @since 0.1.0
   */
  get url(): string {
    return this.#url
  }

  /**
   * The raw body as text, secrets included: the explicit accessor for assertions. Printing the request shows
   * `redactedBody` instead.
   *
   * @since 0.1.0
   */
  get body(): string {
    return this.#body
  }

  /**
   * The raw body bytes, secrets included.
   *
   * @since 0.1.0
   */
  get bodyBytes(): Uint8Array {
    return this.#bodyBytes
  }

  /**
   * The real value of a header (case-insensitive), secrets included.
   *
   * @since 0.1.0
   */
  header(name: string): string | undefined {
    const key = name.toLowerCase()
    const secret = this.#secrets[key]
    return secret !== undefined ? Redacted.value(secret) : this.headers[key]
  }

  /**
   * The raw body parsed as JSON (secrets included), or `undefined` when it is not JSON.
   *
   * @since 0.1.0
   */
  json(): unknown {
    return parseJson(this.#body)
  }

  /**
   * The printed form: headers, URL query and body redacted.
   *
   * @since 0.1.0
   */
  toJSON(): unknown {
    return {
      method: this.method,
      url: redactUrl(this.#url),
      route: this.route,
      headers: this.headers,
      body: this.redactedBody
    }
  }

  /** @since 0.1.0 */
  toString(): string {
    return `${this.method} ${redactUrl(this.#url)}`
  }

  /** @since 0.1.0 */
  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * The recorder of a mock transport.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Every request received, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Forgets the recorded requests (sequences keep their position). */
  readonly clear: Effect.Effect<void>
}

/**
 * The recorder provided next to the `HttpClient` by `layer`.
 *
 * @since 0.1.0
 * @category tags
 */
export class MockTransport extends Context.Tag("@effect-docspace/testing/MockTransport")<MockTransport, Service>() {}

/**
 * Every request received so far, in order.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, MockTransport> = Effect.flatMap(
  MockTransport,
  (_) => _.requests
)

/**
 * The requests whose method and path match `pattern` (`"GET /api/2.0/files/{id}"`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const requestsTo = (pattern: string): Effect.Effect<ReadonlyArray<RecordedRequest>, never, MockTransport> => {
  const parsed = Pattern.parse(pattern)
  return Effect.map(requests, (all) => all.filter((r) => Pattern.match(parsed, r.method, r.path) !== undefined))
}

/**
 * Forgets the recorded requests.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clear: Effect.Effect<void, never, MockTransport> = Effect.flatMap(MockTransport, (_) => _.clear)

const toFake = (reply: Reply): Effect.Effect<FakeResponse, ConnectionReset> =>
  reply._tag === "MockConnectionReset"
    ? Effect.fail(new ConnectionReset({ reason: reply.reason }))
    : Effect.succeed({
      status: reply.status,
      headers: reply.headers,
      body: reply.body.length === 0 ? Stream.empty : Stream.succeed(reply.body)
    })

const isReply = (u: unknown): u is Reply =>
  Predicate.hasProperty(u, "_tag") && (u._tag === "MockResponse" || u._tag === "MockConnectionReset")

const run = (answer: Reply | Effect.Effect<Reply> | ReplyFunction, request: MockRequest): Effect.Effect<Reply> => {
  if (Effect.isEffect(answer)) return answer
  if (typeof answer !== "function") return Effect.succeed(answer)
  return Effect.suspend(() => {
    const out = answer(request)
    return isReply(out) ? Effect.succeed(out) : out
  })
}

/**
 * Builds the transport: an `HttpClient` answering from `routes`, and its recorder. Each call gets fresh state
 * (sequences start over).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  routes: Routes
): Effect.Effect<{ readonly client: HttpClient.HttpClient; readonly service: Service }> =>
  Effect.sync(() => {
    const table = Pattern.sortBySpecificity(
      Object.entries(routes).map(([source, answer]) => ({ pattern: Pattern.parse(source), answer, calls: 0 }))
    )
    let recorded: Array<RecordedRequest> = []
    const declared = Object.keys(routes)
    const client = Adapters.toHttpClient((request) =>
      Effect.suspend(() => {
        for (const route of table) {
          const params = Pattern.match(route.pattern, request.method, request.url.pathname)
          if (params === undefined) continue
          recorded.push(new RecordedRequest(request, route.pattern.source))
          const callIndex = route.calls++
          const text = decoder.decode(request.body)
          const mockRequest: MockRequest = {
            method: request.method,
            url: request.url,
            path: request.url.pathname,
            params,
            query: request.url.searchParams,
            headers: request.headers,
            body: request.body,
            text,
            get json() {
              return parseJson(text)
            },
            callIndex
          }
          const answer = route.answer
          if (!Effect.isEffect(answer) && Predicate.hasProperty(answer, "_tag") && answer._tag === "Sequence") {
            const seq = answer as Sequence
            if (seq.answers.length === 0 || (callIndex >= seq.answers.length && seq.whenExhausted === "fail")) {
              return toFake(
                error(
                  500,
                  `MockTransport: the sequence for ${route.pattern.source} is exhausted after ${seq.answers.length} answers (call ${
                    callIndex + 1
                  })`,
                  { type: "MockTransport.SequenceExhausted" }
                )
              )
            }
            return Effect.flatMap(run(seq.answers[Math.min(callIndex, seq.answers.length - 1)], mockRequest), toFake)
          }
          return Effect.flatMap(run(answer as Reply | Effect.Effect<Reply> | ReplyFunction, mockRequest), toFake)
        }
        recorded.push(new RecordedRequest(request, undefined))
        return toFake(
          error(
            404,
            `MockTransport: no route for ${request.method} ${Redaction.redactPath(request.url.pathname)}` +
              (declared.length > 0 ? ` (routes: ${declared.join(", ")})` : " (no routes declared)"),
            { type: "MockTransport.NoRoute" }
          )
        )
      })
    )
    const service: Service = {
      requests: Effect.sync(() => recorded.slice()),
      clear: Effect.sync(() => {
        recorded = []
      })
    }
    return { client, service }
  })

/**
 * An `HttpClient` layer answering from `routes`, with the `MockTransport` recorder.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (routes: Routes): Layer.Layer<HttpClient.HttpClient | MockTransport> =>
  Layer.effectContext(
    Effect.map(make(routes), ({ client, service }) =>
      Context.make(HttpClient.HttpClient, client).pipe(Context.add(MockTransport, service)))
  )

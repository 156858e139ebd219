import * as RateLimitRefusal from "@effect-docspace/rate-limit/RateLimitRefusal"
import * as RetryAfter from "@effect-docspace/rate-limit/RetryAfter"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Envelope } from "../DocSpaceClient.js"
import * as Errors from "../DocSpaceError.js"
import { safeUrl } from "../Redaction.js"
import { isTooLarge } from "./body.js"
import { excerpt } from "./redact.js"

/** What a request is, for errors and spans. */
export interface RequestInfo {
  readonly operation: string
  readonly method: string
  /** Without the query string. */
  readonly url: string
}

/**
 * A success envelope as read off the wire, before its `response` is decoded: the client's one `Envelope`, plus
 * `omitted` when the server left `response` out (its way of sending null).
 */
export interface Unwrapped extends Envelope<unknown> {
  readonly omitted?: boolean | undefined
}

/** The default bound on a JSON body: 64 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024

// any absolute URL in a text: its query and fragment can hold presigned tokens or session ids
const urlInText = /\bhttps?:\/\/[^\s"'<>]+/gi

/** A text with every URL in it cut to origin and path. */
export const withoutQueries = (text: string): string => text.replace(urlInText, (url) => safeUrl(url))

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const optionalNumber = (u: unknown): number | undefined => (typeof u === "number" ? u : undefined)
const optionalString = (u: unknown): string | undefined => (typeof u === "string" && u.length > 0 ? u : undefined)

/** Maps an HTTP client failure (connection, body read) to a `TransportError`; the cause is not kept (it can hold
 * the request with its headers), only its redacted description. */
export const transportError = (info: RequestInfo, error: unknown) => {
  const reason = isRecord(error) && typeof error.reason === "string" ? error.reason : undefined
  const description = isRecord(error) && typeof error.description === "string"
    ? error.description
    : error instanceof Error
    ? error.message
    : undefined
  const code = causeCode(error)
  const text = [reason, description === undefined ? undefined : excerpt(withoutQueries(description))]
    .filter(Boolean)
    .join(": ") ||
    "the connection failed"
  return new Errors.TransportError({
    ...info,
    message: code === undefined || text.includes(code) ? text : `${text} (${code})`
  })
}

/**
 * The system or TLS code of a failure (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`, `UND_ERR_SOCKET`, ...), found
 * on the error or the causes it wraps (fetch wraps it in `TypeError: fetch failed`): not secret, and the first thing
 * to know about a connection that failed.
 */
const causeCode = (error: unknown): string | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    const record = current as Record<string, unknown>
    if (typeof record.code === "string" && /^[A-Z][A-Z0-9_]{2,}$/.test(record.code)) return record.code
    current = record.cause
    if (current === undefined || current === null) return undefined
  }
  return undefined
}

/** How long the server asked to wait (`Retry-After`, `X-RateLimit-Reset`), read as the rate limiter reads it. */
export const retryAfterOf = (headers: Readonly<Record<string, string>>, now: number): Duration.Duration | undefined => {
  const until = RetryAfter.until(headers, now)
  return until === undefined ? undefined : Duration.millis(Math.max(0, until - now))
}

/** The typed error for a status and an (optional) envelope error. */
export const errorForStatus = (
  info: RequestInfo,
  status: number,
  headers: Readonly<Record<string, string>>,
  details: {
    readonly message: string
    readonly serverType?: string | undefined
    readonly hresult?: number | undefined
    readonly excerpt?: string | undefined
    readonly title?: string | undefined
    readonly fields?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
  },
  now: number
): Errors.DocSpaceError => {
  const fields = {
    ...info,
    status,
    message: details.message,
    ...(details.serverType !== undefined ? { serverType: details.serverType } : {}),
    ...(details.hresult !== undefined ? { hresult: details.hresult } : {})
  }
  const validation = {
    ...(details.title !== undefined ? { title: details.title } : {}),
    ...(details.fields !== undefined ? { fields: details.fields } : {})
  }
  // the limiter's one rule: a 429, or a 503 with a retry hint or rate headers, is a refusal for rate limits; a 503
  // without either is a proxy's page
  if (RateLimitRefusal.isRefusal(status, headers, now)) {
    return new Errors.RateLimited({
      method: info.method,
      url: info.url,
      retryAfter: retryAfterOf(headers, now) ?? Duration.seconds(1),
      reason: "retry-budget-exhausted",
      status
    })
  }
  switch (status) {
    case 400:
      return new Errors.BadRequest({ ...fields, ...validation })
    case 401:
      return new Errors.Unauthorized(fields)
    case 402:
      return new Errors.PaymentRequired(fields)
    case 403:
      return new Errors.Forbidden(fields)
    case 404:
      return new Errors.NotFound(fields)
  }
  if (status >= 400 && status < 500) return new Errors.BadRequest({ ...fields, ...validation })
  return new Errors.ServerError({ ...fields, ...(details.excerpt !== undefined ? { excerpt: details.excerpt } : {}) })
}

const headersRecord = (response: HttpClientResponse.HttpClientResponse): Readonly<Record<string, string>> =>
  response.headers as unknown as Readonly<Record<string, string>>

const isHtml = (contentType: string | undefined, text: string) =>
  (contentType ?? "").includes("html") || /^\s*<(!doctype|html|head|body)/i.test(text)

/** Parses a body's text as JSON, or says why not. */
const parseJson = (text: string): Either.Either<unknown, string> => {
  if (text.trim().length === 0) return Either.left("the body is empty")
  try {
    return Either.right(JSON.parse(text))
  } catch (e) {
    return Either.left(`the body is not valid JSON (truncated or malformed): ${(e as Error).message}`)
  }
}

/** The envelope's error, if the body carries one: `{"error": {"message", "type", "hresult"}, "statusCode": n}`. */
const envelopeError = (json: unknown) => {
  if (!isRecord(json) || !("error" in json) || json.error === null || json.error === undefined) return undefined
  const error = isRecord(json.error) ? json.error : { message: String(json.error) }
  return {
    message: optionalString(error.message) ?? "the server reported an error",
    serverType: optionalString(error.type),
    hresult: optionalNumber(error.hresult),
    statusCode: optionalNumber(json.statusCode)
  }
}

/**
 * A model-validation answer (ASP.NET's `ValidationProblemDetails` in the envelope, server `CommonApiResponse`):
 * `{"response": {"title", "errors": {"Field": ["..."]}}, "status": 1, "statusCode": 400}`, no `error` key.
 */
const validationProblem = (json: unknown) => {
  if (!isRecord(json) || "error" in json || !isRecord(json.response) || !isRecord(json.response.errors)) {
    return undefined
  }
  const fields: Record<string, ReadonlyArray<string>> = {}
  for (const [field, messages] of Object.entries(json.response.errors)) {
    fields[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)]
  }
  const title = optionalString(json.response.title)
  const details = Object.entries(fields).map(([field, messages]) => `${field}: ${messages.join(" ")}`)
  return {
    title,
    fields,
    message: [title ?? "the request is invalid", details.join("; ")].filter((part) => part !== "").join(": "),
    statusCode: optionalNumber(json.statusCode)
  }
}

/**
 * Reads a finished response's body (at most `maxBodyBytes`) and maps it: non-2xx and 2xx-with-`error` to the typed
 * errors, non-JSON to `DecodeError`/`ServerError`, and otherwise returns the parsed JSON.
 */
export const readJson = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse,
  now: number,
  maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES
): Effect.Effect<unknown, Errors.DocSpaceError> =>
  Effect.flatMap(
    // the client's transport bounds `text` (internal/body.ts); the limit is named here for the message
    Effect.mapError(response.text, (error) =>
      isTooLarge(error)
        ? tooLarge(info, response.status, maxBodyBytes, headersRecord(response), now)
        : transportError(info, error)),
    (text) => interpret(info, response.status, headersRecord(response), text, now)
  )

/** The typed error for a body larger than the limit: `DecodeError` for a 2xx, its status's error otherwise. */
export const tooLarge = (
  info: RequestInfo,
  status: number,
  limit: number,
  headers: Readonly<Record<string, string>>,
  now: number
): Errors.DocSpaceError => {
  const message = `the body is larger than maxBodyBytes (${limit} bytes) and was not read; ` +
    "raise DocSpaceConfig's maxBodyBytes if the portal really sends that much"
  return status >= 200 && status < 300
    ? new Errors.DecodeError({ ...info, status, message, excerpt: "" })
    : errorForStatus(info, status, headers, { message: `HTTP ${status}: ${message}` }, now)
}

/** The decision of {@link readJson} for a body already read. */
export const interpret = (
  info: RequestInfo,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  now: number
): Either.Either<unknown, Errors.DocSpaceError> => {
  const ok = status >= 200 && status < 300
  const contentType = headers["content-type"]
  const parsed = parseJson(text)
  if (!ok) {
    if (Either.isRight(parsed)) {
      const problem = validationProblem(parsed.right)
      if (problem !== undefined) {
        return Either.left(errorForStatus(info, status, headers, problem, now))
      }
      const error = envelopeError(parsed.right)
      return Either.left(errorForStatus(info, status, headers, {
        message: error?.message ?? `HTTP ${status}`,
        serverType: error?.serverType,
        hresult: error?.hresult,
        excerpt: error === undefined ? excerpt(text) : undefined
      }, now))
    }
    const html = isHtml(contentType, text)
    return Either.left(errorForStatus(info, status, headers, {
      message: html
        ? `HTTP ${status} with an HTML page (likely from a proxy in front of the portal)`
        : text.trim().length === 0
        ? `HTTP ${status} with an empty body`
        : `HTTP ${status} with a body that is not JSON`,
      excerpt: excerpt(text)
    }, now))
  }
  if (Either.isLeft(parsed)) {
    // an empty 2xx body is no value: operations that promise nothing accept it, the others fail to decode it
    if (text.trim().length === 0) return Either.right(undefined)
    const html = isHtml(contentType, text)
    return Either.left(
      new Errors.DecodeError({
        ...info,
        status,
        message: html ? `expected JSON, got an HTML page (HTTP ${status})` : parsed.left,
        excerpt: excerpt(text)
      })
    )
  }
  const problem = validationProblem(parsed.right)
  if (problem !== undefined && isRecord(parsed.right) && parsed.right.status === 1) {
    const code = problem.statusCode !== undefined && problem.statusCode >= 400 ? problem.statusCode : 400
    return Either.left(errorForStatus(info, code, headers, problem, now))
  }
  const error = envelopeError(parsed.right)
  if (error !== undefined) {
    const code = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    return Either.left(errorForStatus(info, code, headers, {
      message: error.message,
      serverType: error.serverType,
      hresult: error.hresult
    }, now))
  }
  return Either.right(parsed.right)
}

const formatPath = (path: ReadonlyArray<PropertyKey>, prefix: string) =>
  path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}${acc === "" ? "" : "."}${String(key)}`),
    prefix
  )

/**
 * Decodes the result the server sent as "no value" (an envelope without `response`, or an empty body): as `undefined`
 * when the schema takes it (`Schema.Void`, `Schema.Undefined`, `Schema.UndefinedOr`, `Schema.OptionFromUndefinedOr`,
 * `Schema.OptionFromNullishOr`, ...), else as `null` (`Schema.Null`, `Schema.NullOr`, `Schema.OptionFromNullOr`).
 * A schema that takes neither fails with a `DecodeError` saying that the server sent no value.
 */
export const decodeMissing = <A, I, R>(
  info: RequestInfo & { readonly status?: number | undefined },
  schema: Schema.Schema<A, I, R>,
  prefix: string,
  sent: null | undefined = undefined
): Effect.Effect<A, Errors.DecodeError, R> => {
  const other = sent === undefined ? null : undefined
  return Effect.catchAll(
    Schema.decodeUnknown(schema, { onExcessProperty: "ignore", errors: "first" })(sent),
    () => Effect.catchAll(decode(info, schema, other, prefix), () => decode(info, schema, undefined, prefix))
  )
}

const decodeOptions = { onExcessProperty: "ignore", errors: "first" } as const

/** Decodes a value with a schema; a failure is a `DecodeError` naming the field path. */
export const decode = <A, I, R>(
  info: RequestInfo & { readonly status?: number | undefined },
  schema: Schema.Schema<A, I, R>,
  value: unknown,
  prefix: string
): Effect.Effect<A, Errors.DecodeError, R> =>
  // As an Effect, in the caller's fiber: a transformation of yours may read services, optional ones too, the clock or
  // FiberRefs, and sees the caller's. (A synchronous first pass, `decodeUnknownEither`, is 1.5 us cheaper a decode,
  // but runs such steps in a fiber of its own with the default services: a different result, not only a slower one.)
  Effect.mapError(
    Schema.decodeUnknown(schema, decodeOptions)(value),
    (error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      const first = issues[0]
      const path = first === undefined ? prefix : formatPath(first.path, prefix)
      let body = ""
      try {
        body = JSON.stringify(value) ?? ""
      } catch {
        body = String(value)
      }
      return new Errors.DecodeError({
        operation: info.operation,
        method: info.method,
        url: info.url,
        ...(info.status !== undefined ? { status: info.status } : {}),
        message: value === undefined
          ? "the server sent no value (an empty body, or an envelope without `response`, its way of sending null), " +
            "but this operation promises one"
          : `unexpected response at ${path === "" ? "the top level" : path}: ${first?.message ?? error.message}`,
        path,
        excerpt: excerpt(body)
      })
    }
  )

/**
 * Splits an envelope: `response` plus `count`/`total`. An envelope without `response` (`{"count": 0, "links": [...],
 * "status": 0, "statusCode": 200}`: the server omits a null result) is `omitted`; a body that is no envelope at all
 * is taken as the value itself.
 */
export const unwrapEnvelope = (json: unknown): Unwrapped => {
  if (!isRecord(json)) return json === undefined ? { response: undefined, omitted: true } : { response: json }
  if ("response" in json) {
    return { response: json.response, count: optionalNumber(json.count), total: optionalNumber(json.total) }
  }
  if (json.status === 0 && typeof json.statusCode === "number") {
    return { response: undefined, count: optionalNumber(json.count), total: optionalNumber(json.total), omitted: true }
  }
  return { response: json }
}

/** Decodes an unwrapped envelope's response: see {@link decodeMissing} for an omitted one. */
export const decodeEnvelope = <A, I, R>(
  info: RequestInfo & { readonly status?: number | undefined },
  schema: Schema.Schema<A, I, R>,
  envelope: Unwrapped,
  prefix: string
): Effect.Effect<A, Errors.DecodeError, R> =>
  envelope.omitted === true
    ? decodeMissing(info, schema, prefix)
    : envelope.response === null
    ? decodeMissing(info, schema, prefix, null)
    : decode(info, schema, envelope.response, prefix)

/** Replaces every occurrence of the given secrets (at least 4 characters long) in a text by `<redacted>`. */
export const scrub = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("<redacted>")
  }
  return out
}

/**
 * An error whose server message, excerpt, validation `title` or `fields` (names and messages) echo a known secret,
 * with the secret replaced.
 */
export const scrubError = <E>(error: E, secrets: ReadonlyArray<string>): E => {
  if (secrets.length === 0 || typeof error !== "object" || error === null) return error
  const e = error as unknown as Record<string, unknown>
  const changed: Record<string, unknown> = {}
  for (const name of ["message", "excerpt", "title"]) {
    const value = e[name]
    if (typeof value !== "string") continue
    const clean = scrub(value, secrets)
    if (clean !== value) changed[name] = clean
  }
  const fields = e.fields
  if (typeof fields === "object" && fields !== null) {
    let dirty = false
    const clean: Record<string, unknown> = {}
    for (const [name, messages] of Object.entries(fields)) {
      const cleanName = scrub(name, secrets)
      const cleanMessages = Array.isArray(messages)
        ? messages.map((m: unknown) => typeof m === "string" ? scrub(m, secrets) : m)
        : typeof messages === "string"
        ? scrub(messages, secrets)
        : messages
      dirty ||= cleanName !== name ||
        (Array.isArray(messages) ?
          (cleanMessages as Array<unknown>).some((m, k) => m !== messages[k]) :
          cleanMessages !== messages)
      clean[cleanName] = cleanMessages
    }
    if (dirty) changed.fields = clean
  }
  if (Object.keys(changed).length === 0) return error
  const Ctor = (error as { constructor: new(props: object) => E }).constructor
  return new Ctor({ ...(error as object), ...changed })
}

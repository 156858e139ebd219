import * as RetryAfter from "@effect-docspace/rate-limit/RetryAfter"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Errors from "../DocSpaceError.js"
import { excerpt } from "./redact.js"

/** What a request is, for errors and spans. */
export interface RequestInfo {
  readonly operation: string
  readonly method: string
  /** Without the query string. */
  readonly url: string
}

/** The decoded success envelope. */
export interface Envelope<A> {
  readonly response: A
  readonly count?: number | undefined
  readonly total?: number | undefined
}

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
  return new Errors.TransportError({
    ...info,
    message: [reason, description === undefined ? undefined : excerpt(description)].filter(Boolean).join(": ") ||
      "the connection failed"
  })
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
  // a 429, or a 503 with a retry hint, is a refusal for rate limits; a 503 without one is a proxy's page
  if (status === 429 || (status === 503 && RetryAfter.until(headers, now) !== undefined)) {
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
      return new Errors.BadRequest(fields)
    case 401:
      return new Errors.Unauthorized(fields)
    case 402:
      return new Errors.PaymentRequired(fields)
    case 403:
      return new Errors.Forbidden(fields)
    case 404:
      return new Errors.NotFound(fields)
  }
  if (status >= 400 && status < 500) return new Errors.BadRequest(fields)
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
 * Reads a finished response's body and maps it: non-2xx and 2xx-with-`error` to the typed errors, non-JSON to
 * `DecodeError`/`ServerError`, and otherwise returns the parsed JSON.
 */
export const readJson = (
  info: RequestInfo,
  response: HttpClientResponse.HttpClientResponse,
  now: number
): Effect.Effect<unknown, Errors.DocSpaceError> =>
  Effect.flatMap(
    Effect.mapError(response.text, (error) => transportError(info, error)),
    (text) => interpret(info, response.status, headersRecord(response), text, now)
  )

/** The decision of {@link readJson} for a body already read. */
export const interpret = (
  info: RequestInfo,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  now: number
): Effect.Effect<unknown, Errors.DocSpaceError> => {
  const ok = status >= 200 && status < 300
  const contentType = headers["content-type"]
  const parsed = parseJson(text)
  if (!ok) {
    if (Either.isRight(parsed)) {
      const error = envelopeError(parsed.right)
      return Effect.fail(errorForStatus(info, status, headers, {
        message: error?.message ?? `HTTP ${status}`,
        serverType: error?.serverType,
        hresult: error?.hresult,
        excerpt: error === undefined ? excerpt(text) : undefined
      }, now))
    }
    const html = isHtml(contentType, text)
    return Effect.fail(errorForStatus(info, status, headers, {
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
    if (text.trim().length === 0) return Effect.succeed(undefined)
    const html = isHtml(contentType, text)
    return Effect.fail(
      new Errors.DecodeError({
        ...info,
        status,
        message: html ? `expected JSON, got an HTML page (HTTP ${status})` : parsed.left,
        excerpt: excerpt(text)
      })
    )
  }
  const error = envelopeError(parsed.right)
  if (error !== undefined) {
    const code = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
    return Effect.fail(errorForStatus(info, code, headers, {
      message: error.message,
      serverType: error.serverType,
      hresult: error.hresult
    }, now))
  }
  return Effect.succeed(parsed.right)
}

const formatPath = (path: ReadonlyArray<PropertyKey>, prefix: string) =>
  path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}${acc === "" ? "" : "."}${String(key)}`),
    prefix
  )

/** Decodes a value with a schema; a failure is a `DecodeError` naming the field path. */
export const decode = <A, I, R>(
  info: RequestInfo & { readonly status?: number | undefined },
  schema: Schema.Schema<A, I, R>,
  value: unknown,
  prefix: string
): Effect.Effect<A, Errors.DecodeError, R> =>
  Effect.mapError(
    Schema.decodeUnknown(schema, { onExcessProperty: "ignore", errors: "first" })(value),
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
          ? "the response is empty, but this operation promises a value"
          : `unexpected response at ${path === "" ? "the top level" : path}: ${first?.message ?? error.message}`,
        path,
        excerpt: excerpt(body)
      })
    }
  )

/** Splits an envelope: `response` plus `count`/`total`. A body without `response` is taken as the value itself. */
export const unwrapEnvelope = (json: unknown): Envelope<unknown> =>
  isRecord(json) && "response" in json
    ? { response: json.response, count: optionalNumber(json.count), total: optionalNumber(json.total) }
    : { response: json }

/**
 * The typed errors of the DocSpace client: one class per failure a caller handles differently, so a program can
 * `Effect.catchTag("NotFound", ...)`. `DocSpaceError` is their union.
 *
 * No error ever holds a secret: URLs are kept without their query string, and body excerpts have the values of
 * secret-looking JSON fields (token, password, key, secret, signature) replaced by `<redacted>`.
 *
 * @since 0.1.0
 */
import { RateLimited } from "@effect-docspace/rate-limit/RateLimitError"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

export {
  /**
   * The portal refused the request for its rate limits (429, or 503 with `Retry-After`) and the retry budget was
   * spent, or the wait it asked for is longer than the policy allows. `retryAfter` says how long to wait.
   *
   * @since 0.1.0
   * @category errors
   */
  RateLimited
}

const requestFields = {
  /** The operation that failed, e.g. `getFolderByFolderId`. */
  operation: Schema.String,
  method: Schema.String,
  /** The request URL without its query string. */
  url: Schema.String
}

const responseFields = {
  ...requestFields,
  /** The HTTP status, or the envelope's `statusCode` when a 2xx body carried an error. */
  status: Schema.optional(Schema.Number),
  /** The server's message (`error.message` of the envelope), or a description of what came back. */
  message: Schema.String,
  /** The server's exception type (`error.type`), when it sent one. */
  serverType: Schema.optional(Schema.String),
  /** The server's `error.hresult`, when it sent one. */
  hresult: Schema.optional(Schema.Number)
}

/**
 * 400 (and other 4xx without a class of their own, such as 409 or 413), or a request the client refused to send
 * because a parameter was invalid (for example a path parameter that would change the path). A model-validation
 * 400 (`{"response": {"title", "errors": {...}}, "status": 1}`, no `error` key) keeps its `title` and `fields`.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  ...responseFields,
  /** A model-validation answer's `title` ("One or more validation errors occurred."). */
  title: Schema.optional(Schema.String),
  /**
   * A model-validation answer's messages per field (`{"Count": ["The field Count must be between 1 and 100."]}`);
   * `message` lists them all.
   */
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
}) {}

/**
 * 401: missing, wrong or expired credentials (after the one re-login a password or OAuth2 auth is allowed).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", responseFields) {}

/**
 * 403: the credentials are valid but not allowed to do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", responseFields) {}

/**
 * 404: no such item, or no such route.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", responseFields) {}

/**
 * 402: the portal's plan or quota does not allow this (DocSpace also answers quota errors this way).
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymentRequired extends Schema.TaggedError<PaymentRequired>()("PaymentRequired", responseFields) {}

/**
 * 5xx, an HTML error page from a proxy, or a 2xx body whose envelope carried an error without a 4xx status.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...responseFields,
  /** The start of the body, secrets redacted, when it was not a JSON envelope (e.g. an HTML page). */
  excerpt: Schema.optional(Schema.String)
}) {}

/**
 * The request never got a complete answer: connection refused or reset, the body broke off, DNS, TLS.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  ...requestFields,
  message: Schema.String
}) {}

/**
 * The answer came but was not what the operation promises: not JSON, truncated JSON, or JSON of the wrong shape.
 * `path` names the field that failed (e.g. `response.files[3].id`), `excerpt` is the start of the body with
 * secrets redacted.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>()("DecodeError", {
  ...requestFields,
  status: Schema.optional(Schema.Number),
  message: Schema.String,
  path: Schema.optional(Schema.String),
  excerpt: Schema.String
}) {}

/**
 * The request did not complete within the configured timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>()("Timeout", {
  ...requestFields,
  timeoutMillis: Schema.Number
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.url} (${this.operation}) timed out after ${this.timeoutMillis} ms`
  }
}

/**
 * A paginated list misbehaved: the server answered the same non-empty page twice, which would otherwise loop.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationError extends Schema.TaggedError<PaginationError>()("PaginationError", {
  message: Schema.String,
  startIndex: Schema.Number
}) {}

/**
 * Every error a DocSpace operation can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type DocSpaceError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | PaymentRequired
  | RateLimited
  | ServerError
  | TransportError
  | DecodeError
  | Timeout
  | PaginationError

/**
 * The tags of {@link DocSpaceError}.
 *
 * @since 0.1.0
 * @category errors
 */
export const tags = [
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "PaymentRequired",
  "RateLimited",
  "ServerError",
  "TransportError",
  "DecodeError",
  "Timeout",
  "PaginationError"
] as const

/**
 * @since 0.1.0
 * @category guards
 */
export const isDocSpaceError = (u: unknown): u is DocSpaceError =>
  Predicate.hasProperty(u, "_tag") && (tags as ReadonlyArray<unknown>).includes(u._tag)

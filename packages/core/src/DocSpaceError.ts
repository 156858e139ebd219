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

/**
 * Marks every error class of this module and `RateLimited` (which lives in `@effect-docspace/rate-limit` and carries
 * the same global symbol). {@link isDocSpaceError} checks it, so an unrelated error with the same `_tag` (a
 * `HttpApiError.NotFound`, a program's own `Schema.TaggedError("NotFound")`) is not taken for one of these.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-docspace/core/DocSpaceError")

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

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
export class BadRequest extends Schema.TaggedError<BadRequest>("@effect-docspace/core/BadRequest")("BadRequest", {
  ...responseFields,
  /** A model-validation answer's `title` ("One or more validation errors occurred."). */
  title: Schema.optional(Schema.String),
  /**
   * A model-validation answer's messages per field (`{"Count": ["The field Count must be between 1 and 100."]}`);
   * `message` lists them all.
   */
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
}) {
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * 401: missing, wrong or expired credentials (after the one re-login a password or OAuth2 auth is allowed).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized
  extends Schema.TaggedError<Unauthorized>("@effect-docspace/core/Unauthorized")("Unauthorized", responseFields)
{
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * 403: the credentials are valid but not allowed to do this.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden
  extends Schema.TaggedError<Forbidden>("@effect-docspace/core/Forbidden")("Forbidden", responseFields)
{
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * 404: no such item, or no such route.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound
  extends Schema.TaggedError<NotFound>("@effect-docspace/core/NotFound")("NotFound", responseFields)
{
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * 402: the portal's plan or quota does not allow this (DocSpace also answers quota errors this way).
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymentRequired extends Schema.TaggedError<PaymentRequired>("@effect-docspace/core/PaymentRequired")(
  "PaymentRequired",
  responseFields
) {
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * 5xx, an HTML error page from a proxy, or a 2xx body whose envelope carried an error without a 4xx status.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@effect-docspace/core/ServerError")("ServerError", {
  ...responseFields,
  /** The start of the body, secrets redacted, when it was not a JSON envelope (e.g. an HTML page). */
  excerpt: Schema.optional(Schema.String)
}) {
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * The request never got a complete answer: connection refused or reset, the body broke off, DNS, TLS.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError
  extends Schema.TaggedError<TransportError>("@effect-docspace/core/TransportError")("TransportError", {
    ...requestFields,
    message: Schema.String
  })
{
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * The answer came but was not what the operation promises: not JSON, truncated JSON, or JSON of the wrong shape.
 * `path` names the field that failed (e.g. `response.files[3].id`), `excerpt` is the start of the body with
 * secrets redacted.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@effect-docspace/core/DecodeError")("DecodeError", {
  ...requestFields,
  status: Schema.optional(Schema.Number),
  message: Schema.String,
  path: Schema.optional(Schema.String),
  excerpt: Schema.String
}) {
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

/**
 * The request did not complete within the configured timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@effect-docspace/core/Timeout")("Timeout", {
  ...requestFields,
  timeoutMillis: Schema.Number
}) {
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.method} ${this.url} (${this.operation}) timed out after ${this.timeoutMillis} ms: the timeout is ` +
      "DocSpaceConfig's `timeout` (DOCSPACE_TIMEOUT, default 30 seconds); raise it, or give this call more with " +
      "DocSpaceClient.withTimeout"
  }
}

/**
 * A paginated list misbehaved: the server answered the same non-empty page twice, which would otherwise loop.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationError
  extends Schema.TaggedError<PaginationError>("@effect-docspace/core/PaginationError")("PaginationError", {
    message: Schema.String,
    startIndex: Schema.Number
  })
{
  /**
   * @since 0.2.0
   */
  get [TypeId](): TypeId {
    return TypeId
  }
}

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
 * `RateLimited` with a JSON-friendly `retryAfter` (the class itself keeps a `Duration`, which `JSON.stringify` cannot
 * bring back): encoded, `retryAfter` is `Schema.Duration`'s encoded form.
 */
const RateLimitedJson = Schema.transform(
  Schema.Struct({
    _tag: Schema.Literal("RateLimited"),
    method: Schema.String,
    url: Schema.String,
    retryAfter: Schema.Duration,
    reason: RateLimited.fields.reason,
    status: Schema.optional(Schema.Number)
  }),
  Schema.instanceOf(RateLimited),
  {
    strict: true,
    decode: ({ _tag: _, ...fields }) => new RateLimited(fields),
    encode: (error) => ({
      _tag: "RateLimited" as const,
      method: error.method,
      url: error.url,
      retryAfter: error.retryAfter,
      reason: error.reason,
      ...(error.status !== undefined ? { status: error.status } : {})
    })
  }
).annotations({ identifier: "@effect-docspace/core/RateLimited" })

/**
 * The schema of {@link DocSpaceError}, for programs that send these errors elsewhere (a worker, a queue, an RPC
 * answer): encoded, every error is plain JSON (`RateLimited`'s `retryAfter` included), and decoding gives back the
 * error classes, so `catchTag` and {@link isDocSpaceError} work on the other side.
 *
 * @example
 * import { DocSpaceError } from "@effect-docspace/core"
 * import * as Schema from "effect/Schema"
 *
 * const error = new DocSpaceError.NotFound({ operation: "getFileInfo", method: "GET", url: "/api/2.0/files/file/1", status: 404, message: "not found" })
 * const json = JSON.stringify(Schema.encodeSync(DocSpaceError.DocSpaceErrorSchema)(error))
 * const back = Schema.decodeUnknownSync(DocSpaceError.DocSpaceErrorSchema)(JSON.parse(json))
 * console.log(back instanceof DocSpaceError.NotFound, DocSpaceError.isDocSpaceError(back)) // true true
 *
 * @since 0.2.0
 * @category schemas
 */
export const DocSpaceErrorSchema = Schema.Union(
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  PaymentRequired,
  RateLimitedJson,
  ServerError,
  TransportError,
  DecodeError,
  Timeout,
  PaginationError
)

/**
 * Whether `u` is one of this package's errors: it carries {@link TypeId} (or is a `RateLimited` of
 * `@effect-docspace/rate-limit`). A foreign error with the same `_tag` is not.
 *
 * @since 0.1.0
 * @category guards
 */
export const isDocSpaceError = (u: unknown): u is DocSpaceError => Predicate.hasProperty(u, TypeId)

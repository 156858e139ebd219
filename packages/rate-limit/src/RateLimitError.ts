/**
 * Errors raised by the rate limiter.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

/**
 * The key of the mark shared by every error of the DocSpace client (core's `DocSpaceError.TypeId`): a global symbol,
 * so that this package, below core, can carry it without depending on core.
 *
 * @since 0.2.0
 * @category type ids
 */
export const DocSpaceErrorTypeId: unique symbol = Symbol.for("@effect-docspace/core/DocSpaceError")

/**
 * The request was not sent (or not retried again) because of a rate limit.
 *
 * - `"wait-exceeds-limit"`: the permits (or the closed gate) would only be free after more than the policy's `maxWait`
 *   (the daily cap's hours, a long `Retry-After`), so the limiter failed fast instead of hanging.
 * - `"retry-budget-exhausted"`: the server kept refusing (429/503) and the retry budget (attempts, total wait) is spent.
 * - `"store-unavailable"`: the shared store (Redis) could not be reached, so no permit could be granted.
 * - `"body-not-replayable"`: the server refused the request unprocessed, but its body was a stream, already
 *   consumed: it is not sent again (it would arrive truncated). Retry with a fresh stream after `retryAfter`.
 *
 * `url` never carries the query string, so no secret can leak through it.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited
  extends Schema.TaggedError<RateLimited>("@effect-docspace/rate-limit/RateLimited")("RateLimited", {
    method: Schema.String,
    url: Schema.String,
    retryAfter: Schema.DurationFromSelf,
    reason: Schema.Literal("retry-budget-exhausted", "wait-exceeds-limit", "store-unavailable", "body-not-replayable"),
    status: Schema.optional(Schema.Number)
  })
{
  /**
   * The mark every DocSpace client error carries (`DocSpaceError.TypeId` of `@effect-docspace/core`, the same
   * `Symbol.for` key), so that a guard never takes another library's `RateLimited` for this one.
   *
   * @since 0.2.0
   */
  get [DocSpaceErrorTypeId](): typeof DocSpaceErrorTypeId {
    return DocSpaceErrorTypeId
  }

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const status = this.status === undefined ? "" : ` (last status ${this.status})`
    return `${this.method} ${this.url} rate limited: ${this.reason}${status}, retry after ${
      Duration.format(this.retryAfter)
    }`
  }
}

/**
 * A rate limit policy failed validation (a negative limit, a zero interval, a malformed route pattern, ...).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPolicy extends Schema.TaggedError<InvalidPolicy>()("InvalidPolicy", {
  message: Schema.String
}) {}

/**
 * A `RateLimitStore` operation failed (for example Redis is unreachable). The limiter turns it into
 * `RateLimited` with reason `"store-unavailable"`.
 *
 * @since 0.1.0
 * @category errors
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/** See `RateLimiter.BodyRead`. @internal */
export const BodyRead: unique symbol = Symbol.for("@effect-docspace/rate-limit/BodyRead")

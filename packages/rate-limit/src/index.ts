/**
 * @since 0.1.0
 */
export * as RateLimitError from "./RateLimitError.js"

/**
 * @since 0.1.0
 */
export * as RateLimiter from "./RateLimiter.js"

/**
 * @since 0.1.0
 */
export * as RateLimitPolicy from "./RateLimitPolicy.js"

/**
 * @since 0.2.0
 */
export * as RateLimitRefusal from "./RateLimitRefusal.js"

/**
 * @since 0.1.0
 */
export * as RateLimitStore from "./RateLimitStore.js"

// RedisStore is not re-exported here: import it from "@effect-docspace/rate-limit/RedisStore". Its types and its
// import("ioredis") need the optional peer ioredis, which consumers without the Redis store do not install (their
// type-check with skipLibCheck: false, and their bundlers, would fail on it).

/**
 * @since 0.1.0
 */
export * as RetryAfter from "./RetryAfter.js"

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

/**
 * @since 0.1.0
 */
export * as RedisStore from "./RedisStore.js"

/**
 * @since 0.1.0
 */
export * as RetryAfter from "./RetryAfter.js"

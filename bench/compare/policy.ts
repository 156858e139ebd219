import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"

/**
 * `docSpaceCloud` exactly (concurrency 50/15, route rules, daily write cap, retry), except that its window of
 * 1500 requests per minute is raised to 10^9: the limiter would otherwise pace a loopback benchmark at 25 requests
 * a second. Every check still runs; none ever waits.
 */
export const cloudPolicy: RateLimitPolicy.RateLimitPolicy = {
  ...RateLimitPolicy.docSpaceCloud,
  windows: [RateLimitPolicy.window(1_000_000_000, "1 minute")]
}

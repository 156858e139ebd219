/** The client side of the benchmark: N mixed requests through the real Node HTTP client wrapped by a limiter. */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { RateLimiter, RateLimitPolicy } from "../src/index.js"
import * as RedisStore from "../src/RedisStore.js"

export interface LoadResult {
  readonly ok: number
  readonly failed: number
  readonly failures: Record<string, number>
  readonly elapsedMs: number
  readonly stats: RateLimiter.RateLimitStats
}

export const benchPolicy = (
  limit: number,
  windowMs: number,
  read: number,
  write: number,
  name = "bench"
): RateLimitPolicy.RateLimitPolicy => ({
  ...RateLimitPolicy.unlimited,
  name,
  windows: [RateLimitPolicy.window(limit, `${windowMs} millis`)],
  concurrency: { read, write }
})

const methods = ["GET", "GET", "GET", "GET", "GET", "GET", "GET", "POST", "PUT", "DELETE"] as const

export const runLoad = (options: {
  readonly baseUrl: string
  readonly n: number
  readonly offset?: number
  readonly policy: RateLimitPolicy.RateLimitPolicy
  readonly redis?: { readonly url: string; readonly prefix: string } | undefined
  readonly startAt?: number | undefined
}): Promise<LoadResult> => {
  const program = Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const client = limiter.apply(yield* HttpClient.HttpClient)
    if (options.startAt !== undefined) yield* Effect.sleep(Math.max(0, options.startAt - Date.now()))
    const failures: Record<string, number> = {}
    let ok = 0
    const start = Date.now()
    yield* Effect.forEach(
      Array.from({ length: options.n }, (_, i) => i + (options.offset ?? 0)),
      (i) => {
        const method = methods[i % methods.length]
        const url = `${options.baseUrl}/api/2.0/files/${i}`
        const request = method === "GET" || method === "DELETE"
          ? HttpClientRequest.make(method)(url)
          : HttpClientRequest.make(method)(url).pipe(HttpClientRequest.bodyUnsafeJson({ i }))
        return client.execute(request).pipe(
          Effect.flatMap((res) => Effect.as(res.arrayBuffer, res.status)),
          Effect.match({
            onFailure: (e) => {
              const key = e._tag === "RateLimited" ? `RateLimited:${e.reason}` : e._tag
              failures[key] = (failures[key] ?? 0) + 1
            },
            onSuccess: (status) => {
              if (status === 200) ok++
              else failures[`status ${status}`] = (failures[`status ${status}`] ?? 0) + 1
            }
          })
        )
      },
      { concurrency: "unbounded", discard: true }
    )
    const elapsedMs = Date.now() - start
    const stats = yield* limiter.stats
    return { ok, failed: options.n - ok, failures, elapsedMs, stats }
  })
  const limiterLayer = options.redis === undefined
    ? RateLimiter.layer(options.policy)
    : RateLimiter.layer(options.policy).pipe(
      Layer.provide(
        RedisStore.layer({ url: options.redis.url, prefix: options.redis.prefix, pollInterval: "2 millis" })
      )
    )
  return Effect.runPromise(program.pipe(Effect.provide(Layer.merge(limiterLayer, NodeHttpClient.layer))))
}

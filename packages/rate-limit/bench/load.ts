/** The client side of the benchmark: N mixed requests through the real Node HTTP client wrapped by a limiter. */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Limits from "../src/index.js"
import type * as RedisStores from "../src/RedisStore.js"

// LIMITER_SRC_DIR=<another copy's src directory> benches that copy (before/after comparisons with the same harness)
const srcDir = process.env.LIMITER_SRC_DIR ?? "../src"
const { RateLimiter, RateLimitPolicy, RateLimitStore }: typeof Limits = await import(`${srcDir}/index.js`)
const RedisStore: typeof RedisStores = await import(`${srcDir}/RedisStore.js`)
// RL_BENCH_POLL: the Redis store's pollInterval (its default when unset)
const pollInterval = process.env.RL_BENCH_POLL as `${number} millis` | undefined

export interface LoadResult {
  readonly ok: number
  readonly failed: number
  readonly failures: Record<string, number>
  readonly elapsedMs: number
  /** the process's CPU time (user + system) during the run, in microseconds */
  readonly cpuMicros: number
  /**
   * Every request as the limiter let it go: [handed to the transport, answer headers back (the window permit's
   * settle instant), body read (the concurrency permit released), 0 = GET / 1 = other], epoch ms.
   */
  readonly sends: Array<readonly [number, number, number, number]>
  /** with a shared store: the instants its releases of concurrency leases completed, and their class (0 GET) */
  readonly releases: Array<readonly [number, number]>
  readonly stats: Limits.RateLimiter.RateLimitStats
}

export const benchPolicy = (
  limit: number,
  windowMs: number,
  read: number,
  write: number,
  name = "bench"
): Limits.RateLimitPolicy.RateLimitPolicy => ({
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
  readonly policy: Limits.RateLimitPolicy.RateLimitPolicy
  readonly redis?: { readonly url: string; readonly prefix: string } | undefined
  /** called once everything is built (Redis connected): resolves to the instant to start at */
  readonly ready?: (() => Promise<number>) | undefined
}): Promise<LoadResult> => {
  const program = Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const answered = new Map<HttpClientRequest.HttpClientRequest, readonly [number, number]>()
    // below the limiter: the instant it hands a request to the transport, and the instant the answer comes back
    const transport = HttpClient.transform(yield* HttpClient.HttpClient, (effect, request) => {
      const sentAt = Date.now()
      return Effect.tap(effect, () => {
        answered.set(request, [sentAt, Date.now()])
      })
    })
    const client = limiter.apply(transport)
    const sends: Array<readonly [number, number, number, number]> = []
    if (options.ready !== undefined) {
      const ready = options.ready
      const startAt = yield* Effect.promise(() => ready())
      yield* Effect.sleep(Math.max(0, startAt - Date.now()))
    }
    const failures: Record<string, number> = {}
    let ok = 0
    const start = Date.now()
    const cpuBefore = process.cpuUsage()
    yield* Effect.forEach(
      Array.from({ length: options.n }, (_, i) => i + (options.offset ?? 0)),
      (i) => {
        const method = methods[i % methods.length]
        const url = `${options.baseUrl}/api/2.0/files/${i}`
        const request = method === "GET" || method === "DELETE"
          ? HttpClientRequest.make(method)(url)
          : HttpClientRequest.make(method)(url).pipe(HttpClientRequest.bodyUnsafeJson({ i }))
        return client.execute(request).pipe(
          Effect.flatMap((res) =>
            Effect.as(
              Effect.tap(res.arrayBuffer, () => {
                const at = answered.get(request)
                answered.delete(request)
                if (at !== undefined) sends.push([at[0], at[1], Date.now(), method === "GET" ? 0 : 1])
              }),
              res.status
            )
          ),
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
    const cpu = process.cpuUsage(cpuBefore)
    const stats = yield* limiter.stats
    return {
      ok,
      failed: options.n - ok,
      failures,
      elapsedMs,
      cpuMicros: cpu.user + cpu.system,
      sends,
      releases,
      stats
    }
  })
  // a shared store releases a lease in the background: the bench notes when each release completed (the lease
  // was free by then), for the store-side figures
  const releases: Array<readonly [number, number]> = []
  const limiterLayer = options.redis === undefined
    ? RateLimiter.layer(options.policy)
    : RateLimiter.layer(options.policy).pipe(
      Layer.provide(
        Layer.scoped(
          RateLimitStore.RateLimitStore,
          Effect.map(
            RedisStore.make({ url: options.redis.url, prefix: options.redis.prefix, pollInterval }),
            (store): Limits.RateLimitStore.RateLimitStore => ({
              ...store,
              release: (key, leaseId) =>
                Effect.tap(store.release(key, leaseId), () => {
                  releases.push([Date.now(), key.endsWith("read") ? 0 : 1])
                })
            })
          )
        )
      )
    )
  // undici, the transport NodeDocSpace.layer gives users (keep-alive; NodeHttpClient.layer's own agent opens a
  // connection per request, whose cost would be most of the CPU the bench spends, and not the limiter's). node:http
  // with a keep-alive agent cost about a fifth more CPU per request in the 4-process scenario.
  const transport = NodeHttpClient.layerUndici
  return Effect.runPromise(program.pipe(Effect.provide(Layer.merge(limiterLayer, transport))))
}

/**
 * Rate-limit refusals as a DocSpace server sends them, end to end over real sockets: curated modules ->
 * DocSpaceClient -> the rate limiter -> undici -> a FakeDocSpace on 127.0.0.1 whose limits answer like
 * DocSpace-server 3.7 (429, empty body, only X-RateLimit-Limit / X-RateLimit-Remaining <= 0, a concurrency refusal's
 * Limit being the cap; no Retry-After, no rate header on successes). Real time, bounded: a few seconds.
 */
import { Auth } from "@effect-docspace/core"
import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Folders, People } from "@effect-docspace/resources"
import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

// The server: 40 requests per sliding second, 5 GET / 2 other in flight, refused at once with 429.
const serverLimits: FakeServer.LimitsOptions = {
  regime: "cloud",
  requests: { limit: 40, window: "1 second" },
  concurrency: { get: 5, other: 2 }
}

const policy = (read: number, write: number, window: number): RateLimitPolicy.RateLimitPolicy => ({
  ...RateLimitPolicy.docSpaceCloud,
  name: `caps ${read}/${write}, window ${window}/s`,
  concurrency: { read, write },
  windows: [RateLimitPolicy.window(window, "1 second")]
})

// 100 requests at once, one in ten a write, each body dripped over tens of milliseconds so that they overlap
const burst = (fake: FakeDocSpace.Running, rateLimit: RateLimitPolicy.RateLimitPolicy) =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const results = yield* Effect.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 10 === 0
          ? Effect.map(Folders.create("@my", `folder ${i}`), (f) => f.title)
          : Effect.map(People.self(), (me) => me.email ?? "")),
      { concurrency: "unbounded" }
    )
    return { results, stats: yield* limiter.stats, server: yield* Option.getOrThrow(fake.limits).stats }
  }).pipe(
    Effect.provide(
      Layer.provideMerge(
        DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey), rateLimit }),
        Layer.merge(RateLimiter.layer(rateLimit), NodeHttpClient.layerUndici)
      )
    )
  )

const serve = FakeDocSpace.serve({
  limits: serverLimits,
  faults: { rules: [{ route: "*", fault: FakeServer.slowDrip({ chunkSize: 64, interval: "5 millis" }) }] }
})

describe("integration over loopback: the real server's refusals", () => {
  it.live(
    "caps 2x too high: every request completes, the caps are learned, the window is left alone",
    () =>
      Effect.gen(function*() {
        const fake = yield* serve
        const { results, server, stats } = yield* burst(fake, policy(10, 4, 40))
        expect(results).toHaveLength(100)
        expect(stats.limits).toEqual({ read: 5, write: 2, windows: [40] })
        expect(server.rejected.window).toBe(0)
        expect(server.rejected.concurrency).toBeGreaterThan(0)
        expect(stats.rateLimited).toBe(0)
        expect(stats.gateClosedMillis).toBe(0)
      }).pipe(Effect.scoped, Effect.timeout("50 seconds")),
    60_000
  )

  it.live(
    "a window 2x too high: every request completes, the window is learned from the window's refusals",
    () =>
      Effect.gen(function*() {
        // no slow bodies here: the burst must outrun the window, not the caps
        const fake = yield* FakeDocSpace.serve({
          limits: { regime: "cloud", requests: { limit: 20, window: "1 second" } }
        })
        const { results, server, stats } = yield* burst(fake, policy(50, 15, 40))
        expect(results).toHaveLength(100)
        expect(stats.limits.windows).toEqual([20])
        expect(stats.limits.read).toBe(50)
        expect(stats.limits.write).toBe(15)
        expect(server.rejected.window).toBeGreaterThan(0)
        expect(server.rejected.window).toBeLessThanOrEqual(20)
        expect(stats.rateLimited).toBe(0)
      }).pipe(Effect.scoped, Effect.timeout("50 seconds")),
    60_000
  )

  it.live(
    "a GET whose body is cut by a reset is sent again (issue 10 item 7); a POST's is not",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve({
          faults: {
            rules: [
              { route: "GET /api/2.0/people/@self", fault: FakeServer.resetMidBody({ afterBytes: 10 }), times: 1 },
              { route: "POST /api/2.0/files/folder/*", fault: FakeServer.resetMidBody({ afterBytes: 10 }), times: 1 }
            ]
          }
        })
        const rateLimit = policy(50, 15, 1500)
        const program = Effect.gen(function*() {
          const me = yield* People.self()
          const created = yield* Effect.either(Folders.create("@my", "only once"))
          return { me, created }
        })
        const { created, me } = yield* program.pipe(
          Effect.provide(
            DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey), rateLimit }).pipe(
              Layer.provide(NodeHttpClient.layerUndici)
            )
          )
        )
        expect(me.id).toBeDefined()
        expect(created._tag).toBe("Left")
      }).pipe(Effect.scoped, Effect.timeout("50 seconds")),
    60_000
  )
})

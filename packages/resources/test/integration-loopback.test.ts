/**
 * The whole stack over real sockets: curated modules -> DocSpaceClient (auth, envelope, errors) -> the rate limiter
 * -> undici -> a FakeDocSpace served on 127.0.0.1 with server-side limits and faults (written independently of the
 * limiter). Real time; no assertion depends on the machine's speed.
 */
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Folders, People } from "@effect-docspace/resources"
import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

// The server: 40 requests per sliding second, 5 GET / 2 other in flight, refused at once with 429.
const serverLimits: FakeServer.LimitsOptions = {
  regime: "cloud",
  requests: { limit: 40, window: "1 second" },
  concurrency: { get: 5, other: 2 }
}

// The client's policy, matching it.
const matching: RateLimitPolicy.RateLimitPolicy = {
  ...RateLimitPolicy.docSpaceCloud,
  name: "matching the test server",
  concurrency: { read: 5, write: 2 },
  windows: [RateLimitPolicy.window(40, "1 second")]
}

// The same caps, and a window lower by the caps' sum: whatever the delays, the server's window never overflows.
const belowWindow: RateLimitPolicy.RateLimitPolicy = {
  ...matching,
  name: "matching the test server, window minus the caps",
  windows: [RateLimitPolicy.window(40 - 5 - 2, "1 second")]
}

const clientFor = (fake: FakeDocSpace.Running, rateLimit: RateLimitPolicy.RateLimitPolicy = matching) =>
  DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey), rateLimit }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

describe("integration over loopback", () => {
  // Independent of the machine's speed: a request holds a concurrency permit from before it is sent until its body
  // is read, so at any instant at most 5 + 2 requests are on their way. The server's window at [t-1s, t] therefore
  // sees at most the client's window (33 sent in that second) plus those 7 sent earlier and still travelling:
  // 33 + 7 = 40, its limit, however slow the machine is. The caps match exactly (a permit outlives the server's count).
  // Vitest's timeout is only a guard against a hang (the test takes about 3 seconds of real time).
  it.live(
    "a burst of 100 requests through a matching policy: all succeed, the server refuses none",
    () =>
      Effect.gen(function*() {
        // bodies dripped over a few tens of milliseconds, so that requests overlap and the concurrency caps matter (the
        // server counts a request in flight until its body is sent)
        const fake = yield* FakeDocSpace.serve({
          limits: serverLimits,
          faults: { rules: [{ route: "*", fault: FakeServer.slowDrip({ chunkSize: 256, interval: "5 millis" }) }] }
        })
        const results = yield* Effect.all(
          Array.from({ length: 100 }, (_, i) =>
            i % 10 === 0
              ? Effect.map(Folders.create("@my", `folder ${i}`), (f) => f.title)
              : Effect.map(People.self(), (me) => me.email ?? "")),
          { concurrency: "unbounded" }
        ).pipe(Effect.provide(clientFor(fake, belowWindow)))
        expect(results).toHaveLength(100)
        const stats = yield* Option.getOrThrow(fake.limits).stats
        expect(stats.rejected.total).toBe(0)
        expect(stats.accepted).toBe(100)
        expect(stats.peakConcurrency.get).toBeLessThanOrEqual(5)
        expect(stats.peakConcurrency.other).toBeLessThanOrEqual(2)
      }).pipe(Effect.scoped),
    120_000
  )

  it.live("a GET whose connection is reset is retried and succeeds; a POST is not retried, and nothing is done twice", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.serve({
        faults: {
          rules: [
            { route: "GET /api/2.0/people/@self", fault: FakeServer.resetBeforeResponse(), times: 1 },
            // the server did the work, then the connection broke: a retry would create a second folder
            {
              route: "POST /api/2.0/files/folder/*",
              fault: FakeServer.resetBeforeResponse({ processed: true }),
              times: 1
            }
          ]
        }
      })
      const program = Effect.gen(function*() {
        const me = yield* People.self()
        const created = yield* Effect.either(Folders.create("@my", "only once"))
        const listed = yield* Stream.runCollect(Folders.stream("@my"))
        return { me, created, titles: Array.from(listed, (entry) => entry.title) }
      })
      const { created, me, titles } = yield* Effect.provide(program, clientFor(fake))
      expect(me.email).toBe("admin@example.com")
      expect(Either.isLeft(created) && created.left._tag).toBe("TransportError")
      expect(titles.filter((t) => t === "only once")).toHaveLength(1)
      const counts = yield* fake.state.counts
      expect(counts.byRoute["POST /api/2.0/files/folder/{folderId}"]).toBe(1)
    }).pipe(Effect.scoped, Effect.timeout("30 seconds")))

  it.live("an HTML 502 from a proxy on a GET is retried; malformed JSON is a DecodeError", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.serve({
        faults: {
          rules: [
            { route: "GET /api/2.0/people/@self", fault: FakeServer.proxyError(502), times: 1 },
            { route: "GET /api/2.0/files/@my", fault: FakeServer.malformedJson, times: 1 }
          ]
        }
      })
      const program = Effect.gen(function*() {
        const me = yield* People.self()
        const folder = yield* Effect.either(Folders.get("@my"))
        return { me, folder }
      })
      const { folder, me } = yield* Effect.provide(program, clientFor(fake))
      expect(me.email).toBe("admin@example.com")
      expect(Either.isLeft(folder) && folder.left._tag).toBe("DecodeError")
    }).pipe(Effect.scoped, Effect.timeout("30 seconds")))
})

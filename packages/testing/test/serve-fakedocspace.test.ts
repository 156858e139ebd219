import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const get = (path: string) =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.Server
    const client = yield* HttpClient.HttpClient
    return yield* client.execute(
      HttpClientRequest.get(`${fake.url}${path}`).pipe(HttpClientRequest.bearerToken(Redacted.value(fake.apiKey)))
    )
  })

describe("FakeDocSpace.layer (in-process)", () => {
  it.effect("answers with the ready API key and counts on the server side", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      assert.match(Redacted.value(fake.apiKey), /^sk-[0-9a-f]{64}$/)
      assert.strictEqual(fake.url, "http://fake.docspace.localhost")
      const me = yield* get("/api/2.0/people/@self")
      assert.strictEqual(me.status, 200)
      const body = (yield* me.json) as any
      assert.strictEqual(body.statusCode, 200)
      assert.isString(body.response.id)
      const counts = yield* fake.state.counts
      assert.strictEqual(counts.total, 1)
      assert.isTrue(Option.isNone(fake.limits))
    }).pipe(Effect.provide(FakeDocSpace.layer())))

  it.effect("with cloud limits at 1/100 speed: 429 with the real server's headers, then accepted under TestClock", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      const first = yield* get("/api/2.0/people/@self")
      // like DocSpace: no rate header on a success; a window refusal carries only Limit and Remaining 0
      assert.strictEqual(first.headers["x-ratelimit-limit"], undefined)
      yield* get("/api/2.0/people/@self")
      const refused = yield* get("/api/2.0/people/@self")
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.headers["x-ratelimit-limit"], "2")
      assert.strictEqual(refused.headers["x-ratelimit-remaining"], "0")
      assert.strictEqual(refused.headers["retry-after"], undefined)
      yield* TestClock.adjust("600 millis")
      assert.strictEqual((yield* get("/api/2.0/people/@self")).status, 200)
      const limits = Option.getOrThrow(fake.limits)
      const stats = yield* limits.stats
      assert.strictEqual(stats.received, 4)
      assert.strictEqual(stats.rejected.window, 1)
      // the refused request never reached the fake
      assert.strictEqual((yield* fake.state.counts).total, 3)
    }).pipe(Effect.provide(FakeDocSpace.layer({
      limits: { regime: "cloud", timeScale: 0.01, requests: { limit: 2, window: "1 minute" } }
    }))))

  it.effect("with faults: latency follows TestClock, a proxy 502 never reaches the fake", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      const fiber = yield* Effect.fork(get("/api/2.0/people/@self"))
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual((yield* Fiber.join(fiber)).status, 200)
      const proxied = yield* get("/api/2.0/files/@my")
      assert.strictEqual(proxied.status, 502)
      assert.include(yield* proxied.text, "nginx")
      const faults = yield* Option.getOrThrow(fake.faults).stats
      assert.strictEqual(faults.byFault.Latency, 1)
      assert.strictEqual(faults.byFault.ProxyError, 1)
      assert.strictEqual((yield* fake.state.counts).total, 1)
    }).pipe(Effect.provide(FakeDocSpace.layer({
      faults: {
        rules: [
          { route: "GET /api/2.0/people/@self", fault: FakeServer.latency("2 seconds") },
          { route: "GET /api/2.0/files/@my", fault: FakeServer.proxyError(502) }
        ]
      }
    }))))

  it.effect("invalid limit options fail the layer with InvalidOptions", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(FakeDocSpace.Server, FakeDocSpace.layer({ limits: { regime: "cloud", timeScale: -1 } }))
      )
      assert.strictEqual(error._tag, "InvalidOptions")
    }))
})

describe("FakeServer on its own", () => {
  it.effect("layer + limits + faults around your own handler", () =>
    Effect.gen(function*() {
      const limits = yield* FakeServer.limits({ regime: "legacy", requests: { limit: 1, window: "10 seconds" } })
      const faults = yield* FakeServer.faults({ rules: [{ route: "GET /broken", fault: FakeServer.malformedJson }] })
      const handler: FakeServer.Handler = () =>
        Effect.succeed({ status: 200, headers: {}, body: Stream.succeed(new TextEncoder().encode("{\"a\":1}")) })
      const status = (path: string) =>
        HttpClient.get(`http://local${path}`).pipe(
          Effect.map((r) => r.status),
          Effect.provide(FakeServer.layer(faults.middleware(limits.middleware(handler))))
        )
      assert.strictEqual(yield* status("/broken"), 200)
      assert.strictEqual(yield* status("/broken"), 503)
      assert.strictEqual((yield* faults.stats).byFault.MalformedJson, 2)
    }))
})

describe("FakeDocSpace.serve (loopback)", () => {
  it.scopedLive("listens on 127.0.0.1, returns the URL and a ready API key; the real client gets answers", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.serve({ limits: { regime: "cloud" } })
      assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const client = yield* HttpClient.HttpClient
      const me = yield* client.execute(
        HttpClientRequest.get(`${fake.url}/api/2.0/people/@self`).pipe(
          HttpClientRequest.bearerToken(Redacted.value(fake.apiKey))
        )
      )
      assert.strictEqual(me.status, 200)
      assert.strictEqual(me.headers["x-ratelimit-limit"], undefined, "no rate header on a success, as on DocSpace")
      assert.strictEqual(((yield* me.json) as any).status, 0)
      const denied = yield* client.get(`${fake.url}/api/2.0/people/@self`)
      assert.strictEqual(denied.status, 401)
    }).pipe(
      Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("timed out") }),
      Effect.provide(NodeHttpClient.layer)
    ))
})

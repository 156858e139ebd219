import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Adapters from "../src/internal/adapters.js"
import * as Faults from "../src/internal/faults.js"
import type { Handler } from "../src/internal/handler.js"

const encoder = new TextEncoder()
const payload = JSON.stringify({ response: { id: 1, title: "hello world" }, count: 1, status: 0, statusCode: 200 })

/** A handler that counts its calls, answering the JSON above. */
const counting = () => {
  let calls = 0
  const handler: Handler = () =>
    Effect.sync(() => {
      calls++
      const bytes = encoder.encode(payload)
      return {
        status: 200,
        headers: { "content-type": "application/json", "content-length": String(bytes.length) },
        body: Stream.succeed(bytes)
      }
    })
  return { handler, calls: () => calls }
}

const clientWith = (options: Faults.FaultsOptions) =>
  Effect.gen(function*() {
    const inner = counting()
    const faults = yield* Faults.make(options)
    return { client: Adapters.toHttpClient(faults.middleware(inner.handler)), calls: inner.calls, faults }
  })

const url = "http://fake.local/api/2.0/files/1"

describe("faults", () => {
  it.effect("latency waits on the Clock before answering", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({
        rules: [{ route: "GET /api/2.0/files/{id}", fault: Faults.latency("3 seconds") }]
      })
      const fiber = yield* Effect.fork(client.get(url))
      yield* TestClock.adjust("2999 millis")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(yield* response.text, payload)
    }))

  it.effect("a reset before the response is a transport error; processed: true runs the handler first", () =>
    Effect.gen(function*() {
      const plain = yield* clientWith({ rules: [{ route: "*", fault: Faults.resetBeforeResponse() }] })
      const error = yield* Effect.flip(plain.client.get(url))
      assert.strictEqual(error._tag, "RequestError")
      assert.strictEqual(error.reason, "Transport")
      assert.strictEqual(plain.calls(), 0)
      const processed = yield* clientWith({
        rules: [{ route: "*", fault: Faults.resetBeforeResponse({ processed: true }) }]
      })
      yield* Effect.flip(processed.client.get(url))
      assert.strictEqual(processed.calls(), 1)
    }))

  it.effect("a reset in the middle of the body: the head and part of the body arrive, then the read fails", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({ rules: [{ route: "*", fault: Faults.resetMidBody({ afterBytes: 10 }) }] })
      const response = yield* client.get(url)
      assert.strictEqual(response.status, 200)
      const received: Array<number> = []
      const error = yield* Effect.flip(
        Stream.runForEach(response.stream, (chunk) => Effect.sync(() => received.push(chunk.length)))
      )
      assert.strictEqual(error._tag, "ResponseError")
      assert.deepStrictEqual(received, [10])
    }))

  it.effect("a truncated body: Content-Length promises more than comes, and the read fails", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({ rules: [{ route: "*", fault: Faults.truncatedBody("content-length") }] })
      const response = yield* client.get(url)
      assert.strictEqual(response.headers["content-length"], String(payload.length))
      const error = yield* Effect.flip(response.text)
      assert.strictEqual(error._tag, "ResponseError")
    }))

  it.effect("a JSON body cut short: the text arrives in full but does not parse", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({ rules: [{ route: "*", fault: Faults.truncatedBody("json") }] })
      const response = yield* client.get(url)
      const text = yield* response.text
      assert.strictEqual(text, payload.slice(0, Math.floor(payload.length / 2)))
      const error = yield* Effect.flip(response.json)
      assert.strictEqual(error.reason, "Decode")
    }))

  it.effect("an HTML 502/503 from a proxy, without reaching the server", () =>
    Effect.gen(function*() {
      const { calls, client } = yield* clientWith({
        rules: [{ route: "*", fault: Faults.proxyError(502), times: 1 }, {
          route: "*",
          fault: Faults.proxyError(503),
          times: 1
        }]
      })
      const first = yield* client.get(url)
      assert.strictEqual(first.status, 502)
      assert.strictEqual(first.headers["content-type"], "text/html")
      assert.include(yield* first.text, "<center><h1>502 Bad Gateway</h1></center>")
      const second = yield* client.get(url)
      assert.strictEqual(second.status, 503)
      assert.include(yield* second.text, "nginx")
      assert.strictEqual(calls(), 0)
      assert.strictEqual((yield* client.get(url)).status, 200)
    }))

  it.effect("malformed JSON keeps the status and breaks the parse", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({ rules: [{ route: "*", fault: Faults.malformedJson }] })
      const response = yield* client.get(url)
      assert.strictEqual(response.status, 200)
      assert.include(yield* response.text, "hello world")
      assert.strictEqual((yield* Effect.flip(response.json)).reason, "Decode")
    }))

  it.effect("a 2xx with an error envelope", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({
        rules: [{ route: "*", fault: Faults.errorEnvelope({ message: "Access denied" }) }]
      })
      const response = yield* client.get(url)
      assert.strictEqual(response.status, 200)
      const body = (yield* response.json) as any
      assert.strictEqual(body.status, 1)
      assert.strictEqual(body.error.message, "Access denied")
    }))

  it.effect("a slow drip sends the body in small chunks with delays", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({
        rules: [{ route: "*", fault: Faults.slowDrip({ chunkSize: 16, interval: "100 millis" }) }]
      })
      const response = yield* client.get(url)
      const chunks: Array<number> = []
      const fiber = yield* Effect.fork(
        Stream.runForEach(response.stream, (c) => Effect.sync(() => chunks.push(c.length)))
      )
      yield* Effect.yieldNow()
      const expected = Math.ceil(payload.length / 16)
      yield* TestClock.adjust("100 millis")
      assert.isNull(fiber.unsafePoll())
      yield* TestClock.adjust(`${(expected - 2) * 100} millis`)
      yield* Fiber.join(fiber)
      assert.strictEqual(chunks.length, expected)
      assert.strictEqual(chunks.reduce((a, b) => a + b, 0), payload.length)
    }))

  it.effect("rules: skip, times, route patterns and combined faults", () =>
    Effect.gen(function*() {
      const { client, faults } = yield* clientWith({
        rules: [
          { route: "GET /api/2.0/files/{id}", fault: Faults.proxyError(503), skip: 1, times: 2 },
          { route: "POST *", fault: [Faults.latency("1 second"), Faults.errorEnvelope()] }
        ]
      })
      const statuses: Array<number> = []
      for (let i = 0; i < 4; i++) statuses.push((yield* client.get(url)).status)
      assert.deepStrictEqual(statuses, [200, 503, 503, 200])
      const fiber = yield* Effect.fork(client.post("http://fake.local/anything"))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(((yield* Effect.flatMap(Fiber.join(fiber), (r) => r.json)) as any).status, 1)
      const stats = yield* faults.stats
      assert.strictEqual(stats.requests, 5)
      assert.strictEqual(stats.faulted, 3)
      assert.strictEqual(stats.byFault.ProxyError, 2)
      assert.deepStrictEqual(stats.recent[2].faults, ["Latency", "ErrorEnvelope"])
    }))

  it.effect("random faults from a seed are deterministic and respect the rate", () =>
    Effect.gen(function*() {
      const run = (seed: number) =>
        Effect.gen(function*() {
          const faults = yield* Faults.make({
            random: { seed, rate: 0.3, faults: [Faults.proxyError(502), Faults.errorEnvelope({ status: 200 })] }
          })
          const handler = faults.middleware(counting().handler)
          const out: Array<string> = []
          for (let i = 0; i < 200; i++) {
            const r = yield* handler({ method: "GET", url: new URL(url), headers: {}, body: new Uint8Array(0) })
            const text = new TextDecoder().decode(
              Stream.runCollect(r.body).pipe(Effect.runSync, (c) => Array.from(c)[0])
            )
            out.push(r.status === 502 ? "P" : text.includes("\"error\"") ? "E" : ".")
          }
          return out.join("")
        })
      const a = yield* run(42)
      const b = yield* run(42)
      const c = yield* run(7)
      assert.strictEqual(a, b)
      assert.notStrictEqual(a, c)
      const faulted = a.replace(/\./g, "").length
      assert.isAbove(faulted, 30)
      assert.isBelow(faulted, 90)
      assert.include(a, "P")
      assert.include(a, "E")
    }))

  it.effect("invalid options are a typed error", () =>
    Effect.gen(function*() {
      const e1 = yield* Effect.flip(Faults.make({ random: { seed: 1, rate: 2 } }))
      assert.strictEqual(e1._tag, "InvalidOptions")
      const e2 = yield* Effect.flip(Faults.make({ rules: [{ route: "*", fault: Faults.slowDrip({ chunkSize: 0 }) }] }))
      assert.include(e2.message, "chunkSize")
    }))
})

describe("faults through HttpClient layer", () => {
  it.effect("the client sees status 200 with a usable body when no fault applies", () =>
    Effect.gen(function*() {
      const { client } = yield* clientWith({ rules: [{ route: "POST *", fault: Faults.malformedJson }] })
      const response = yield* HttpClient.get(url).pipe(Effect.provideService(HttpClient.HttpClient, client))
      assert.deepStrictEqual(((yield* response.json) as any).response.id, 1)
    }))
})

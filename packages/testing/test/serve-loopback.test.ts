import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Net from "node:net"
import * as Adapters from "../src/internal/adapters.js"
import * as Faults from "../src/internal/faults.js"
import type { Handler } from "../src/internal/handler.js"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Echoes what the server received. */
const echo: Handler = (request) =>
  Effect.sync(() => {
    const bytes = encoder.encode(JSON.stringify({
      method: request.method,
      path: request.url.pathname,
      query: request.url.search,
      contentType: request.headers["content-type"] ?? null,
      authorization: request.headers["authorization"] ?? null,
      body: decoder.decode(request.body)
    }))
    return {
      status: request.url.pathname === "/empty" ? 204 : 200,
      headers: { "content-type": "application/json", "content-length": String(bytes.length) },
      body: Stream.succeed(bytes)
    }
  })

const withFaults = (options: Faults.FaultsOptions) =>
  Effect.map(Faults.make(options), (faults) => faults.middleware(echo))

// Real sockets, real time: every test is bounded by a short timeout so a hang fails instead of blocking.
const bounded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.timeoutFail(effect, { duration: "5 seconds", onTimeout: () => new Error("timed out") })

describe("serve over a loopback socket (NodeHttpClient)", () => {
  it.scopedLive("listens on 127.0.0.1 with a free port and answers requests with their bodies", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(echo)
      assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      assert.isAbove(served.port, 0)
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(`${served.url}/api/2.0/files/folder/1?x=1`).pipe(
          HttpClientRequest.bearerToken("sk-abc"),
          HttpClientRequest.bodyUnsafeJson({ title: "Reports" })
        )
      )
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(yield* response.json, {
        method: "POST",
        path: "/api/2.0/files/folder/1",
        query: "?x=1",
        contentType: "application/json",
        authorization: "Bearer sk-abc",
        body: JSON.stringify({ title: "Reports" })
      })
      const form = new FormData()
      form.append("file", new Blob([encoder.encode("chunk-data")]), "a.bin")
      const multipart = yield* client.execute(
        HttpClientRequest.post(`${served.url}/upload`).pipe(
          HttpClientRequest.bodyFormData(form)
        )
      )
      const received = (yield* multipart.json) as any
      assert.match(received.contentType, /^multipart\/form-data; boundary=/)
      assert.include(received.body, "chunk-data")
      const empty = yield* client.get(`${served.url}/empty`)
      assert.strictEqual(empty.status, 204)
      const head = yield* client.head(`${served.url}/x`)
      assert.strictEqual(head.status, 200)
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("a reset before the response is a transport error for the real client", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "*", fault: Faults.resetBeforeResponse() }] })
      )
      const error = yield* Effect.flip(HttpClient.get(`${served.url}/a`))
      assert.strictEqual(error._tag, "RequestError")
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("a reset in the middle of the body fails the body read after part of it", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "*", fault: Faults.resetMidBody({ afterBytes: 5 }) }] })
      )
      const response = yield* HttpClient.get(`${served.url}/a`)
      assert.strictEqual(response.status, 200)
      let bytes = 0
      const error = yield* Effect.flip(
        Stream.runForEach(response.stream, (c) => Effect.sync(() => (bytes += c.length)))
      )
      assert.strictEqual(error._tag, "ResponseError")
      assert.isAtMost(bytes, 5)
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("a body shorter than its Content-Length fails instead of hanging", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "*", fault: Faults.truncatedBody() }] })
      )
      const response = yield* HttpClient.get(`${served.url}/a`)
      const error = yield* Effect.flip(response.text)
      assert.strictEqual(error._tag, "ResponseError")
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("a slow drip arrives in several chunks over real time", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "*", fault: Faults.slowDrip({ chunkSize: 32, interval: "15 millis" }) }] })
      )
      const response = yield* HttpClient.get(`${served.url}/a`)
      const chunks: Array<Uint8Array> = []
      yield* Stream.runForEach(response.stream, (c) => Effect.sync(() => chunks.push(c)))
      assert.isAbove(chunks.length, 2)
      const text = decoder.decode(Buffer.concat(chunks))
      assert.strictEqual(JSON.parse(text).path, "/a")
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("an HTML 502 from the proxy over the socket", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "*", fault: Faults.proxyError(502) }] })
      )
      const response = yield* HttpClient.get(`${served.url}/a`)
      assert.strictEqual(response.status, 502)
      assert.include(yield* response.text, "502 Bad Gateway")
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.scopedLive("odd request targets and Host headers never crash the server", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(echo)
      const raw = (text: string) =>
        Effect.async<string>((resume) => {
          const socket = Net.connect(served.port, "127.0.0.1", () => socket.end(text))
          let out = ""
          socket.on("data", (d) => (out += d.toString()))
          socket.on("close", () => resume(Effect.succeed(out)))
          socket.on("error", () => resume(Effect.succeed(out)))
        })
      const doubleSlash = yield* raw(
        "GET //evil.example/a?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
      )
      assert.include(doubleSlash, "200 OK")
      assert.include(doubleSlash, `"path":"//evil.example/a"`)
      const badHost = yield* raw("GET /b HTTP/1.1\r\nHost: a b/c?d\r\nConnection: close\r\n\r\n")
      assert.match(badHost, /^HTTP\/1\.1 (200|400)/)
      const absolute = yield* raw("GET http://other.example/c HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
      assert.match(absolute, /^HTTP\/1\.1 400/)
      // still serving
      const ok = yield* HttpClient.get(`${served.url}/after`)
      assert.strictEqual(ok.status, 200)
    })).pipe(Effect.provide(NodeHttpClient.layer)))

  it.live("closing the scope closes the server; a taken port is a ServeError", () =>
    bounded(Effect.gen(function*() {
      const scope = yield* Scope.make()
      const served = yield* Adapters.serve(echo).pipe(Scope.extend(scope))
      const clash = yield* Effect.flip(Effect.scoped(Adapters.serve(echo, { port: served.port })))
      assert.strictEqual(clash._tag, "ServeError")
      assert.include(clash.message, String(served.port))
      yield* Scope.close(scope, Exit.void)
      const after = yield* Effect.flip(HttpClient.get(`${served.url}/a`))
      assert.strictEqual(after._tag, "RequestError")
    })).pipe(Effect.provide(NodeHttpClient.layer)))
})

describe("serve with the undici client", () => {
  it.scopedLive("answers, and a mid-body reset fails the read", () =>
    bounded(Effect.gen(function*() {
      const served = yield* Adapters.serve(
        yield* withFaults({ rules: [{ route: "GET /reset", fault: Faults.resetMidBody({ afterBytes: 3 }) }] })
      )
      const ok = yield* HttpClient.get(`${served.url}/fine`)
      assert.strictEqual(((yield* ok.json) as any).path, "/fine")
      const broken = yield* HttpClient.get(`${served.url}/reset`)
      assert.strictEqual((yield* Effect.flip(broken.text))._tag, "ResponseError")
    })).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})

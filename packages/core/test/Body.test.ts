import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { gzipSync } from "node:zlib"
import * as Body from "../src/internal/body.js"

const payload = JSON.stringify({ response: { id: "me", padding: "x".repeat(100_000) } })

/** A loopback server: `/gzip` answers the payload compressed, chunked; `/stall` sends headers, then nothing. */
const server = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly closed: () => number; readonly close: () => void }>((resume) => {
    let closed = 0
    const s = createServer((req, res) => {
      res.on("close", () => closed++)
      if (req.url === "/stall") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        res.flushHeaders()
        return
      }
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
      res.end(gzipSync(payload))
    })
    s.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
        closed: () => closed,
        close: () => {
          s.closeAllConnections()
          s.close()
        }
      })))
  }),
  ({ close }) => Effect.sync(close)
)

// A JSON request is not tied to a scope (issue 13): the platform hands it back wrapped (`InterruptibleResponse`),
// and the bounded read must still find the native body under the wrapper, and still abort it when interrupted.
describe("the bounded read of a compressed body, through the platform's unscoped response", () => {
  it.scoped("finds the native body under the wrapper and reads it whole", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${url}/gzip`)
      expect(Body.sourceOf(response)).toBeDefined()
      expect(yield* Body.bounded(response, 1_000_000).text).toBe(payload)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("a body read whole is not aborted afterwards when its response is garbage-collected", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const client = yield* HttpClient.HttpClient
      setFlagsFromString("--expose-gc")
      const gc = runInNewContext("gc") as () => void
      const controllers: Array<AbortController> = []
      for (let i = 0; i < 10; i++) {
        // the response is dropped after its body is read; only its AbortController is kept
        yield* Effect.flatMap(client.get(`${url}/gzip`), (response) => {
          controllers.push((response as unknown as { readonly controller: AbortController }).controller)
          return Body.bounded(response, 1_000_000).text
        })
      }
      for (let i = 0; i < 5; i++) {
        gc()
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      }
      expect(controllers.filter((c) => c.signal.aborted)).toHaveLength(0)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("still refuses a body over the limit", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${url}/gzip`)
      const error = yield* Effect.flip(Body.bounded(response, 1000).text)
      expect(Body.isTooLarge(error)).toBe(true)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("an interrupted read aborts the connection", () =>
    Effect.gen(function*() {
      const { closed, url } = yield* server
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${url}/stall`)
      const reading = yield* Effect.fork(Body.bounded(response, 1_000_000).text)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(reading)
      // the server sees its connection closed (polled: the close travels over the socket)
      let seen = 0
      for (let i = 0; i < 200 && seen === 0; i++) {
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
        seen = closed()
      }
      expect(seen).toBe(1)
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

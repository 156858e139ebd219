import { Auth, DocSpaceClient } from "@effect-docspace/core"
import { People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Supervisor from "effect/Supervisor"
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"

// NodeDocSpace's undici transport honours its abort signal, so its requests' timeouts abort the request (no fiber of
// their own): a real socket to a server that reads the request and never answers. Vitest's fake timers stand in for
// the request's timer (undici's own timers are faked too and never fire), so nothing really waits.
describe("NodeDocSpace: a request's timeout aborts it over a real socket", () => {
  it.live("a portal that never answers ends as Timeout, and its connection is closed", () =>
    Effect.acquireUseRelease(
      Effect.promise(async () => {
        const server = createServer()
        let received: () => void = () => undefined
        const request = new Promise<void>((resolve) => (received = resolve))
        const closed = new Promise<void>((resolve) => {
          server.on("request", (req: IncomingMessage) => {
            req.socket.on("close", () => resolve())
            received()
          })
        })
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
        return { server, request, closed }
      }),
      ({ closed, request, server }) =>
        Effect.gen(function*() {
          const port = (server.address() as AddressInfo).port
          const layer = NodeDocSpace.layer({
            baseUrl: `http://127.0.0.1:${port}`,
            auth: Auth.apiKey(Redacted.make("sk-test")),
            timeout: 5000
          })
          vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
          const fiber = yield* Effect.fork(Effect.either(Effect.provide(People.self(), layer)))
          yield* Effect.promise(() => request)
          expect(fiber.unsafePoll()).toBeNull()
          vi.advanceTimersByTime(5000)
          const result = yield* Fiber.join(fiber)
          expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
          // the request was aborted: undici closed its connection
          yield* Effect.promise(() => closed)
        }).pipe(Effect.ensuring(Effect.sync(() => vi.useRealTimers()))),
      ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
    ))

  it.live("a request answered in time runs in the caller's fiber: no fiber of its own", () =>
    Effect.acquireUseRelease(
      Effect.promise(async () => {
        const server = createServer((_, res) => {
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify({ response: 42, status: 0, statusCode: 200 }))
        })
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
        return server
      }),
      (server) =>
        Effect.scoped(Effect.gen(function*() {
          const context = yield* Layer.build(NodeDocSpace.layer({
            baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            auth: Auth.apiKey(Redacted.make("sk-test"))
          }))
          const answer = DocSpaceClient.request(
            { operation: "getAnswer", method: "GET", path: "/api/2.0/answer" },
            Schema.Number
          )
          const forks = new ForkCounter()
          const value = yield* Effect.provide(answer, context).pipe(Effect.supervised(forks))
          expect(value).toBe(42)
          expect(forks.count).toBe(0)
        })),
      (server) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
    ))
})

/** Counts the fibers started under it. */
class ForkCounter extends Supervisor.AbstractSupervisor<void> {
  count = 0
  readonly value = Effect.void
  override onStart() {
    this.count++
  }
}

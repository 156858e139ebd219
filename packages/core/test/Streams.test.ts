import { Auth, DocSpaceClient, DocSpaceConfig, Streams } from "@effect-docspace/core"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Http from "node:http"
import { API_KEY } from "./utils.js"

class Stalled {
  readonly _tag = "Stalled"
}

/** A stream fed by hand: each `offer` is one chunk, `end` ends it. */
const manual = Effect.map(Queue.unbounded<Exit.Exit<number, Option.Option<string>>>(), (queue) => ({
  queue,
  stream: Stream.repeatEffectOption(Effect.flatten(Queue.take(queue)))
}))

describe("Streams.idleTimeout", () => {
  it.effect("fails once the consumer has waited the whole duration for a chunk, and not before", () =>
    Effect.gen(function*() {
      const { queue, stream } = yield* manual
      const seen: Array<number> = []
      const fiber = yield* Effect.fork(
        stream.pipe(
          Streams.idleTimeout(() => new Stalled(), "10 seconds"),
          Stream.runForEach((n) => Effect.sync(() => seen.push(n))),
          Effect.exit
        )
      )
      // chunks 9 s apart: never idle for 10 s
      for (let i = 0; i < 4; i++) {
        yield* TestClock.adjust("9 seconds")
        yield* Queue.offer(queue, Exit.succeed(i))
        yield* Effect.yieldNow()
      }
      yield* TestClock.adjust("9 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.join(fiber)
      expect(seen).toEqual([0, 1, 2, 3])
      expect(exit).toStrictEqual(Exit.fail(new Stalled()))
    }))

  it.effect("time the consumer spends on a chunk does not count", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Stream.make(1, 2, 3).pipe(
          Stream.rechunk(1),
          Streams.idleTimeout(() => new Stalled(), "1 second"),
          Stream.mapEffect((n) => Effect.as(Effect.sleep("5 seconds"), n)),
          Stream.runCollect
        )
      )
      for (let i = 0; i < 4; i++) yield* TestClock.adjust("5 seconds")
      expect(Chunk.toReadonlyArray(yield* Fiber.join(fiber))).toEqual([1, 2, 3])
    }))

  it.effect("the upstream's failure, defect and end pass through unchanged", () =>
    Effect.gen(function*() {
      const timed = <A, E>(stream: Stream.Stream<A, E>) =>
        Effect.exit(Stream.runCollect(Streams.idleTimeout(stream, () => new Stalled(), "1 second")))
      expect(yield* timed(Stream.fail("broken"))).toStrictEqual(Exit.fail("broken"))
      const died = yield* timed(Stream.die("bug"))
      expect(Exit.isFailure(died) && died.cause._tag).toBe("Die")
      const ended = yield* timed(Stream.concat(Stream.make(1, 2), Stream.fail("late")))
      expect(ended).toStrictEqual(Exit.fail("late"))
      expect(yield* timed(Stream.empty)).toStrictEqual(Exit.succeed(Chunk.empty()))
    }))

  it.effect("a stall interrupts the upstream's pending read (its finalizer runs)", () =>
    Effect.gen(function*() {
      const released = yield* Ref.make(false)
      const upstream = Stream.concat(
        Stream.make(1),
        Stream.fromEffect(Effect.never.pipe(Effect.onInterrupt(() => Ref.set(released, true))))
      )
      const fiber = yield* Effect.fork(
        Effect.exit(Stream.runDrain(Streams.idleTimeout(upstream, () => new Stalled(), "2 seconds")))
      )
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toStrictEqual(Exit.fail(new Stalled()))
      expect(yield* Ref.get(released)).toBe(true)
    }))

  it.effect("reads at most two chunks ahead of the consumer", () =>
    Effect.gen(function*() {
      const pulled = yield* Ref.make(0)
      const upstream = Stream.repeatEffect(Ref.updateAndGet(pulled, (n) => n + 1))
      const taken = yield* Stream.runCollect(
        upstream.pipe(Streams.idleTimeout(() => new Stalled(), "1 second"), Stream.take(3))
      )
      expect(Chunk.toReadonlyArray(taken)).toEqual([1, 2, 3])
      expect(yield* Ref.get(pulled)).toBeLessThanOrEqual(6)
    }))

  it.effect("the consumer stopping early interrupts the upstream", () =>
    Effect.gen(function*() {
      const released = yield* Ref.make(false)
      const upstream = Stream.concat(
        Stream.make(1),
        Stream.fromEffect(Effect.never.pipe(Effect.onInterrupt(() => Ref.set(released, true))))
      )
      const first = yield* Stream.runHead(Streams.idleTimeout(upstream, () => new Stalled(), "2 seconds"))
      expect(first).toEqual(Option.some(1))
      expect(yield* Ref.get(released)).toBe(true)
    }))
})

// A loopback server: `/stall` sends 10 bytes and then nothing (it says when the request's socket closes), `/two` sends
// 10 bytes, 10 more 50 ms later and ends, `/full` sends 100,000 bytes.
const server = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly closed: Promise<void>; readonly server: Http.Server }>((resume) => {
    let onClose: () => void = () => undefined
    const closed = new Promise<void>((resolve) => (onClose = resolve))
    const server = Http.createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" })
      if (req.url?.startsWith("/stall") === true) {
        req.socket.once("close", onClose)
        res.write(new Uint8Array(10))
        return
      }
      if (req.url?.startsWith("/two") === true) {
        res.write(new Uint8Array(10))
        setTimeout(() => res.end(new Uint8Array(10)), 50)
        return
      }
      res.end(new Uint8Array(100_000))
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number }
      resume(Effect.succeed({ url: `http://127.0.0.1:${address.port}`, closed, server }))
    })
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

describe("DocSpaceClient.stream's idle timeout over a real socket (undici)", () => {
  it.scoped("a stalled body is a Timeout, its socket is closed, and the limiter's permit comes back", () =>
    Effect.gen(function*() {
      const { closed, url } = yield* server
      // one GET at a time: the second download gets its permit only if the stalled one gave it back
      const layer = DocSpaceClient.layer().pipe(
        Layer.provide(DocSpaceConfig.layer({
          baseUrl: url,
          auth: Auth.apiKey(Redacted.make(API_KEY)),
          timeout: 10_000,
          rateLimit: { ...RateLimitPolicy.unlimited, concurrency: { read: 1 } }
        })),
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.orDie
      )
      const got = yield* Deferred.make<void>()
      const download = (path: string) =>
        DocSpaceClient.stream({ operation: "download", method: "GET", path }).pipe(
          Stream.tap(() => Deferred.succeed(got, undefined)),
          Stream.runFold(0, (n, chunk) => n + chunk.length)
        )
      const stalled = yield* Effect.fork(Effect.exit(Effect.provide(download("/stall"), layer)))
      yield* Deferred.await(got)
      yield* TestClock.adjust("9 seconds")
      expect(stalled.unsafePoll()).toBeNull()
      yield* TestClock.adjust("2 seconds")
      const exit = yield* Fiber.join(stalled)
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toMatchObject({
        _tag: "Timeout",
        operation: "download",
        timeoutMillis: 10_000
      })
      yield* Effect.promise(() => closed)
      expect(yield* Effect.provide(download("/full"), layer)).toBe(100_000)
    }))

  it.scoped("the time the consumer spends on a chunk does not count, over undici's body either", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const layer = DocSpaceClient.layer().pipe(
        Layer.provide(
          DocSpaceConfig.layer({ baseUrl: url, auth: Auth.apiKey(Redacted.make(API_KEY)), timeout: 10_000 })
        ),
        Layer.provide(NodeHttpClient.layerUndici),
        Layer.orDie
      )
      const got = yield* Deferred.make<void>()
      let chunks = 0
      // 15 seconds on the first chunk, longer than the idle timeout, while the second one is on its way
      const fiber = yield* Effect.fork(Effect.exit(Effect.provide(
        DocSpaceClient.stream({ operation: "download", method: "GET", path: "/two" }).pipe(
          Stream.tap(() =>
            ++chunks === 1 ? Effect.zipRight(Deferred.succeed(got, undefined), Effect.sleep("15 seconds")) : Effect.void
          ),
          Stream.runFold(0, (n, chunk) => n + chunk.length)
        ),
        layer
      )))
      yield* Deferred.await(got)
      yield* TestClock.adjust("15 seconds")
      expect(yield* Fiber.join(fiber)).toEqual(Exit.succeed(20))
    }))
})

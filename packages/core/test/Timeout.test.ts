import { Auth, DocSpaceClient } from "@effect-docspace/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it, vi } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import { clientLayer, envelope, mockTransport } from "./utils.js"

const cleanUp = DocSpaceClient.request(
  {
    operation: "terminateTasks",
    method: "PUT",
    path: "/api/2.0/files/fileops/terminate/{id}",
    pathParams: { id: "x" }
  },
  Schema.Unknown
)

/** A portal that never answers clean-up requests, and answers everything else at once. */
const silentPortal = mockTransport((seen) =>
  seen.url.pathname.includes("/terminate/") ? Effect.never : envelope({ id: "me" })
)

/** Adjusts the TestClock in steps until the fiber is done (or the steps run out). */
const settle = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 20 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
    return fiber.unsafePoll()
  })

describe("every request is bounded by its timeout, even where interruption is impossible (issue 10 item 1)", () => {
  it.effect("inside Effect.uninterruptible", () =>
    Effect.gen(function*() {
      const { client } = yield* silentPortal
      const fiber = yield* Effect.fork(
        Effect.either(Effect.provide(Effect.uninterruptible(cleanUp), clientLayer(client, { timeout: 5000 })))
      )
      const exit = yield* settle(fiber)
      expect(exit).not.toBeNull()
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
    }))

  it.effect("in an acquireRelease release running after an interruption (the clean-up still runs, bounded)", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* silentPortal
      const released = yield* Ref.make<string>("not yet")
      const program = Effect.scoped(
        Effect.acquireRelease(
          Effect.succeed("started"),
          () =>
            cleanUp.pipe(
              Effect.either,
              Effect.flatMap((result) => Ref.set(released, Either.isLeft(result) ? result.left._tag : "ok"))
            )
        ).pipe(Effect.zipRight(Effect.never))
      )
      const fiber = yield* Effect.fork(
        Effect.provide(program, clientLayer(client, { timeout: 5000, auth: Auth.token(Redacted.make("t0k3n")) }))
      )
      yield* TestClock.adjust("1 second")
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      const exit = yield* settle(interrupting)
      expect(exit).not.toBeNull()
      expect(Exit.isInterrupted(yield* Fiber.await(fiber))).toBe(true)
      expect(yield* Ref.get(released)).toBe("Timeout")
      expect((yield* Ref.get(seen)).map((s) => s.method)).toEqual(["PUT"])
    }))

  it.effect("with TransportAborts too (the TestClock drives the same timer)", () =>
    Effect.gen(function*() {
      const { client } = yield* silentPortal
      const fiber = yield* Effect.fork(
        Effect.either(
          Effect.provide(
            Effect.uninterruptible(cleanUp),
            Layer.provide(clientLayer(client, { timeout: 5000 }), Layer.succeed(DocSpaceClient.TransportAborts, true))
          )
        )
      )
      expect(yield* settle(fiber)).not.toBeNull()
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
    }))

  it.effect("an uninterruptible request that answers in time is unchanged", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() => envelope({ id: "me" }))
      const result = yield* Effect.provide(
        Effect.uninterruptible(
          DocSpaceClient.request(
            { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
            Schema.Struct({ id: Schema.String })
          )
        ),
        clientLayer(client, { timeout: 5000 })
      )
      expect(result).toEqual({ id: "me" })
    }))

  it.effect("a clean-up in a scope's finalizer: closing the scope does not outlive the timeout", () =>
    Effect.gen(function*() {
      const { client } = yield* silentPortal
      const closing = yield* Effect.fork(Effect.provide(
        Effect.gen(function*() {
          const docspace = yield* DocSpaceClient.DocSpaceClient
          const scope = yield* Scope.make()
          yield* Scope.addFinalizer(
            scope,
            Effect.ignore(Effect.provideService(cleanUp, DocSpaceClient.DocSpaceClient, docspace))
          )
          yield* Scope.close(scope, Exit.void)
        }),
        clientLayer(client, { timeout: 3000 })
      ))
      expect(yield* settle(closing)).not.toBeNull()
    }))

  it.effect("DocSpaceClient.withTimeout bounds any effect in a release, where Effect.timeout would wait", () =>
    Effect.gen(function*() {
      const outcome = yield* Ref.make("not yet")
      const fiber = yield* Effect.fork(Effect.scoped(
        Effect.acquireRelease(Effect.void, () =>
          Effect.never.pipe(
            DocSpaceClient.withTimeout("3 seconds", () => "timed out"),
            Effect.catchAll((e) => Ref.set(outcome, e))
          )).pipe(Effect.zipRight(Effect.never))
      ))
      yield* TestClock.adjust("1 second")
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      expect(yield* settle(interrupting)).not.toBeNull()
      expect(yield* Ref.get(outcome)).toBe("timed out")
    }))

  it.effect("a JSON request's headers and body share one timer: a slow start plus a stalled body is one Timeout", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() =>
        Effect.as(
          Effect.sleep("4 seconds"),
          new Response(new ReadableStream({ start() {} }), {
            status: 200,
            headers: { "content-type": "application/json" }
          })
        )
      )
      const fiber = yield* Effect.fork(
        Effect.either(Effect.provide(
          DocSpaceClient.request(
            { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
            Schema.Unknown
          ),
          clientLayer(client, { timeout: 5000 })
        ))
      )
      yield* TestClock.adjust("4 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      // 5 seconds after it was sent, not 5 seconds after the headers
      yield* TestClock.adjust("1500 millis")
      const exit = fiber.unsafePoll()
      expect(exit).not.toBeNull()
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
    }))
})

// With the default clock a request's timer is a JavaScript timer (an Effect sleep racing the request cost a third of
// a loopback request): vitest's fake timers stand in for real time here, so nothing really waits.
const withFakeTimers = <A, E>(body: Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })),
    () => body,
    () => Effect.sync(() => vi.useRealTimers())
  )
// lets the request reach its transport (the runtime's own scheduling is real microtasks)
const turns: Effect.Effect<void> = Effect.asVoid(
  Effect.promise(() => new Promise<void>((resolve) => queueMicrotask(resolve))).pipe(Effect.repeatN(50))
)
const profile = DocSpaceClient.request(
  { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
  Schema.Struct({ id: Schema.String })
)
const wraps: ReadonlyArray<readonly [string, <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>]> = [
  ["interruptible", identity],
  ["inside Effect.uninterruptible", Effect.uninterruptible]
]

describe("the timer of a request under the default clock (issue 13: one timer, no sleeping fiber)", () => {
  for (const [name, wrap] of wraps) {
    it.live(`a portal that never answers ends as Timeout after the timeout, not before (${name})`, () =>
      withFakeTimers(Effect.gen(function*() {
        const interrupted = yield* Ref.make(false)
        const { client } = yield* mockTransport(() =>
          Effect.onInterrupt(Effect.never, () => Ref.set(interrupted, true)) as Effect.Effect<never>
        )
        const fiber = yield* Effect.fork(
          Effect.either(Effect.provide(wrap(profile), clientLayer(client, { timeout: 5000 })))
        )
        yield* turns
        vi.advanceTimersByTime(4999)
        yield* turns
        expect(fiber.unsafePoll()).toBeNull()
        vi.advanceTimersByTime(1)
        const result = yield* Fiber.join(fiber)
        expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
        yield* turns
        // the request itself was interrupted (its socket aborted), not left running
        expect(yield* Ref.get(interrupted)).toBe(true)
      })))
  }

  it.live("an interruptible caller gets its Timeout once the request's interruption has ended, not before", () =>
    withFakeTimers(Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      // a transport whose clean-up on interruption takes a while (until the gate opens)
      const { client } = yield* mockTransport(() =>
        Effect.onInterrupt(Effect.never, () => Deferred.await(gate)) as Effect.Effect<never>
      )
      const fiber = yield* Effect.fork(Effect.either(Effect.provide(profile, clientLayer(client, { timeout: 5000 }))))
      yield* turns
      vi.advanceTimersByTime(5000)
      yield* turns
      // as Effect.timeoutFail: the caller waits for the request's fiber to end (its socket aborted, its permit back)
      expect(fiber.unsafePoll()).toBeNull()
      yield* Deferred.succeed(gate, undefined)
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
    })))

  it.live("a request answered in time leaves no timer behind", () =>
    withFakeTimers(Effect.gen(function*() {
      const { client } = yield* mockTransport(() => envelope({ id: "me" }))
      const result = yield* Effect.provide(profile, clientLayer(client, { timeout: 5000 }))
      expect(result).toEqual({ id: "me" })
      expect(vi.getTimerCount()).toBe(0)
    })))

  it.live("interrupting the caller interrupts the request and clears its timer", () =>
    withFakeTimers(Effect.gen(function*() {
      const interrupted = yield* Ref.make(false)
      const { client } = yield* mockTransport(() => Effect.onInterrupt(Effect.never, () => Ref.set(interrupted, true)))
      const fiber = yield* Effect.fork(Effect.provide(profile, clientLayer(client, { timeout: 5000 })))
      yield* turns
      expect(vi.getTimerCount()).toBe(1)
      yield* Fiber.interrupt(fiber)
      expect(yield* Ref.get(interrupted)).toBe(true)
      expect(vi.getTimerCount()).toBe(0)
    })))
})

// The runtime may yield between any two steps of a fiber (`maxOpsBeforeYield`): an interruption that lands between the
// start of the request's own fiber and the caller's wait for it must still reach the request at once (before, the
// request ran on until its timer fired). With budgets of 10 to 60 steps the yield falls at every step of the request's
// start in turn (below 10 the runtime cannot make progress at all: yielding takes that many steps). Real timers: the
// runtime yields through `setTimeout` once it has yielded often, and nothing here waits for a timer.
describe("an interruption at any step of a request's start (issue 13 review)", () => {
  it.live("reaches the request at once, whatever step the caller had reached", () =>
    Effect.scoped(Effect.gen(function*() {
      const leftRunning: Array<number> = []
      for (let budget = 10; budget <= 60; budget++) {
        let started = false
        let interrupted = false
        const { client } = yield* mockTransport(() =>
          Effect.onInterrupt(
            Effect.zipRight(Effect.sync(() => (started = true)), Effect.never),
            () => Effect.sync(() => (interrupted = true))
          )
        )
        const context = yield* Layer.build(clientLayer(client, { timeout: 60_000 }))
        const fiber = yield* Effect.fork(Effect.provide(Effect.withMaxOpsBeforeYield(profile, budget), context))
        for (let i = 0; i < 1000 && !started; i++) yield* Effect.yieldNow()
        expect(started).toBe(true)
        yield* Fiber.interrupt(fiber)
        if (!interrupted) leftRunning.push(budget)
      }
      expect(leftRunning).toEqual([])
    })))
})

// A transport that honours its abort signal (`DocSpaceClient.TransportAborts`): the timer aborts the request's signal,
// and the request needs no fiber of its own. Fake JavaScript timers, as above.
describe("timeouts by abort signal, for a transport that honours it", () => {
  /** A transport that fails a request when its signal aborts; `answer` says what it does until then. */
  const aborting = (
    answer: (request: HttpClientRequest.HttpClientRequest, signal: AbortSignal) => Response | undefined
  ) => {
    const signals: Array<AbortSignal> = []
    const client = HttpClient.make((request, _url, signal) =>
      Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
        signals.push(signal)
        const fail = () =>
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: signal.reason })))
        if (signal.aborted) return fail()
        signal.addEventListener("abort", fail, { once: true })
        const response = answer(request, signal)
        if (response !== undefined) {
          signal.removeEventListener("abort", fail)
          resume(Effect.succeed(HttpClientResponse.fromWeb(request, response)))
        }
      })
    )
    return { client, signals }
  }
  const layerOf = (client: HttpClient.HttpClient) =>
    Layer.provide(clientLayer(client, { timeout: 5000 }), Layer.succeed(DocSpaceClient.TransportAborts, true))

  for (const [name, wrap] of wraps) {
    it.live(`a portal that never answers ends as Timeout after the timeout, its signal aborted (${name})`, () =>
      withFakeTimers(Effect.gen(function*() {
        const { client, signals } = aborting(() => undefined)
        const fiber = yield* Effect.fork(Effect.either(Effect.provide(wrap(profile), layerOf(client))))
        yield* turns
        vi.advanceTimersByTime(4999)
        yield* turns
        expect(fiber.unsafePoll()).toBeNull()
        expect(signals.map((signal) => signal.aborted)).toEqual([false])
        vi.advanceTimersByTime(1)
        const result = yield* Fiber.join(fiber)
        expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
        expect(signals.map((signal) => signal.aborted)).toEqual([true])
      })))
  }

  it.live("a body that stalls after the headers ends as Timeout too", () =>
    withFakeTimers(Effect.gen(function*() {
      const { client, signals } = aborting((_, signal) =>
        new Response(
          new ReadableStream<Uint8Array>({
            start: (controller) => {
              controller.enqueue(new TextEncoder().encode("{\"response\":"))
              signal.addEventListener("abort", () => controller.error(signal.reason), { once: true })
            }
          }),
          { status: 200, headers: { "content-type": "application/json" } }
        )
      )
      const fiber = yield* Effect.fork(Effect.either(Effect.provide(profile, layerOf(client))))
      yield* turns
      expect(fiber.unsafePoll()).toBeNull()
      vi.advanceTimersByTime(5000)
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000 })
      expect(signals[0].aborted).toBe(true)
    })))

  it.live("a request answered in time: no fiber of its own, no timer left, its signal never aborted", () =>
    withFakeTimers(Effect.gen(function*() {
      const { client, signals } = aborting(() =>
        new Response(JSON.stringify({ response: { id: "me" }, status: 0, statusCode: 200 }), {
          status: 200,
          headers: { "content-type": "application/json" }
        })
      )
      const forks = new ForkCounter()
      const result = yield* Effect.provide(profile, layerOf(client)).pipe(Effect.supervised(forks))
      expect(result).toEqual({ id: "me" })
      expect(forks.count).toBe(0)
      expect(vi.getTimerCount()).toBe(0)
      expect(signals.map((signal) => signal.aborted)).toEqual([false])
      // without TransportAborts, the same request runs in a fiber of its own
      const withFiber = new ForkCounter()
      yield* Effect.provide(profile, clientLayer(client, { timeout: 5000 })).pipe(Effect.supervised(withFiber))
      expect(withFiber.count).toBe(1)
    })))

  it.live("interrupting the caller aborts the request's signal and clears its timer", () =>
    withFakeTimers(Effect.gen(function*() {
      const { client, signals } = aborting(() => undefined)
      const fiber = yield* Effect.fork(Effect.provide(profile, layerOf(client)))
      yield* turns
      expect(vi.getTimerCount()).toBe(1)
      yield* Fiber.interrupt(fiber)
      expect(signals.map((signal) => signal.aborted)).toEqual([true])
      expect(vi.getTimerCount()).toBe(0)
    })))
})

/** Counts the fibers started under it. */
class ForkCounter extends Supervisor.AbstractSupervisor<void> {
  count = 0
  readonly value = Effect.void
  override onStart() {
    this.count++
  }
}

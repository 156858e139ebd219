import { Streams } from "@effect-docspace/core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

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

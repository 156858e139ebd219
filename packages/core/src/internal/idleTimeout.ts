import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import type * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { nativeAnswer } from "./body.js"

type Take<A, E> = Exit.Exit<Chunk.Chunk<A>, Option.Option<E>>
type Resume<A, E> = (effect: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>>) => void

/**
 * An idle timeout on a stream: it fails with `onTimeout()` when the consumer has waited longer than `duration` for
 * the next chunk. Time the consumer spends elsewhere (writing what it got) never counts.
 *
 * `Stream.timeoutFail` races every pull against a timer, forking two fibers and arming a timer per chunk: on a 64 KiB
 * download body that halved the throughput. Here the upstream is read by one fiber (the pump), which hands each chunk
 * to the consumer through a slot of one chunk (so at most two chunks are read ahead), and one fiber (the watchdog)
 * sleeps on the stream's `Clock` until the deadline of the consumer's current wait; it re-arms only when it wakes
 * early, so there is one timer per `duration`, not per chunk. A stall fails the consumer's pending wait directly; the
 * pump (and the upstream's pending read) is interrupted when the stream's scope closes. `TestClock` drives the
 * watchdog like any other sleep.
 */
export const idleTimeout: {
  <E2>(
    onTimeout: () => E2,
    duration: Duration.DurationInput
  ): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E | E2, R>
  <A, E, R, E2>(
    self: Stream.Stream<A, E, R>,
    onTimeout: () => E2,
    duration: Duration.DurationInput
  ): Stream.Stream<A, E | E2, R>
} = dual(
  3,
  <A, E, R, E2>(self: Stream.Stream<A, E, R>, onTimeout: () => E2, duration: Duration.DurationInput) =>
    make(self, onTimeout, duration)
)

const make = <A, E, R, E2>(
  self: Stream.Stream<A, E, R>,
  onTimeout: () => E2,
  duration: Duration.DurationInput
): Stream.Stream<A, E | E2, R> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    // at least a millisecond: a watchdog that sleeps 0 while nobody waits would spin
    const millis = Math.max(1, Duration.toMillis(Duration.decode(duration)))
    const clock = yield* Effect.clock
    const pull = yield* Stream.toPull(self)
    // a chunk (or the end) read ahead, and one more waiting to be put in the slot
    let slot: Take<A, E> | undefined
    let putter: { readonly take: Take<A, E>; readonly resume: () => void } | undefined
    // the consumer waiting for a chunk, and since when
    let taker: Resume<A, E | E2> | undefined
    let since = 0

    const put = (take: Take<A, E>): Effect.Effect<void> =>
      Effect.async<void>((resume) => {
        if (taker !== undefined) {
          const waiting = taker
          taker = undefined
          waiting(take)
          return resume(Effect.void)
        }
        if (slot === undefined) {
          slot = take
          return resume(Effect.void)
        }
        putter = { take, resume: () => resume(Effect.void) }
        return Effect.sync(() => {
          putter = undefined
        })
      })

    const take: Effect.Effect<Chunk.Chunk<A>, Option.Option<E | E2>> = Effect.async((resume) => {
      if (slot !== undefined) {
        const ready = slot
        slot = undefined
        if (putter !== undefined) {
          const next = putter
          putter = undefined
          slot = next.take
          next.resume()
        }
        return resume(ready)
      }
      since = clock.unsafeCurrentTimeMillis()
      taker = resume
      return Effect.sync(() => {
        if (taker === resume) taker = undefined
      })
    })

    const pump: Effect.Effect<void, never, R> = Effect.matchCauseEffect(pull, {
      onFailure: (cause: Cause.Cause<Option.Option<E>>) => put(Exit.failCause(cause)),
      onSuccess: (chunk) => Effect.zipRight(put(Exit.succeed(chunk)), pump)
    })

    const watchdog: Effect.Effect<void> = Effect.suspend(() => {
      const now = clock.unsafeCurrentTimeMillis()
      if (taker !== undefined && now - since >= millis) {
        const waiting = taker
        taker = undefined
        waiting(Exit.fail(Option.some(onTimeout())))
        return Effect.void
      }
      // asleep until the current wait's deadline, or a whole period when nobody waits (a wait that starts meanwhile
      // ends later than that, and is checked then)
      return Effect.zipRight(Effect.sleep(taker !== undefined ? since + millis - now : millis), watchdog)
    })

    yield* Effect.forkScoped(pump)
    yield* Effect.forkScoped(watchdog)
    return Stream.repeatEffectChunkOption(take)
  }))

interface NodeReadable {
  readonly destroyed?: boolean
  destroy(error?: Error): unknown
}

const isNodeReadable = (value: unknown): value is NodeReadable =>
  typeof value === "object" && value !== null && typeof (value as { read?: unknown }).read === "function" &&
  typeof (value as { on?: unknown }).on === "function" && typeof (value as NodeReadable).destroy === "function" &&
  "readableEnded" in value

/**
 * The Node body under a response (see `nativeAnswer`): undici's `ResponseData` has a `Readable` as its `body`,
 * node:http's `IncomingMessage` is one itself.
 */
const nodeBody = (response: HttpClientResponse.HttpClientResponse): NodeReadable | undefined => {
  const source = nativeAnswer(response)
  if (isNodeReadable(source)) return source
  const body = typeof source === "object" && source !== null ? (source as { readonly body?: unknown }).body : undefined
  return isNodeReadable(body) ? body : undefined
}

/** Why a body was destroyed by its watchdog. */
class Stalled extends Error {
  constructor() {
    super("the body stalled longer than its idle timeout")
  }
}

/**
 * A response's body (`response.stream`, through every wrapper, so that a wrapper's own end of body still runs, such as
 * the rate limiter giving its permit back) with an idle timeout: it fails with `onTimeout()` when the consumer has
 * waited longer than `duration` for the next chunk.
 *
 * Over a Node transport the stream is read in the consumer's own fiber, with one watchdog fiber sleeping until the
 * current wait's deadline: on a stall it destroys the native body, which fails the pending read (`Stream.timeoutFail`
 * raced every 64 KiB chunk against a timer, two fibers and a timer per chunk, and halved the throughput). Any other
 * response (a web `Response`, whose reader the platform holds; a mock) gets {@link idleTimeout}: a pump fiber and a
 * hand-off per chunk, still no race. Failures of the body go through `onError`.
 */
export const responseBody = <E, E2>(
  response: HttpClientResponse.HttpClientResponse,
  options: {
    readonly onError: (error: HttpClientError.ResponseError) => E
    readonly onTimeout: () => E2
    readonly duration: Duration.DurationInput
  }
): Stream.Stream<Uint8Array, E | E2> => {
  const native = nodeBody(response)
  if (native === undefined) {
    return make(Stream.mapError(response.stream, options.onError), options.onTimeout, options.duration)
  }
  return Stream.unwrapScoped(Effect.gen(function*() {
    const millis = Math.max(1, Duration.toMillis(Duration.decode(options.duration)))
    const clock = yield* Effect.clock
    // whether the consumer waits for a chunk, and since when; whether the watchdog destroyed the body
    let waiting = false
    let since = 0
    let stalled = false
    // a stage between the body and the consumer: it asks the body for a chunk only when the consumer asks it for one
    // (channels are pulled), so the time from its ask to the chunk is the consumer's wait. (Pulling the body through
    // `Stream.toPull` into a stream of its own cost two channel executors, about 5 us a chunk more.)
    const watch: Channel.Channel<
      Chunk.Chunk<Uint8Array>,
      Chunk.Chunk<Uint8Array>,
      E | E2,
      HttpClientError.ResponseError,
      unknown,
      unknown
    > = Channel.suspend(() => {
      since = clock.unsafeCurrentTimeMillis()
      waiting = true
      return Channel.readWith({
        onInput: (chunk: Chunk.Chunk<Uint8Array>) => {
          waiting = false
          return Channel.zipRight(Channel.write(chunk), watch)
        },
        onFailure: (error: HttpClientError.ResponseError) => {
          waiting = false
          return Channel.fail(stalled ? options.onTimeout() : options.onError(error))
        },
        onDone: () => {
          waiting = false
          return Channel.void
        }
      })
    })
    const watchdog: Effect.Effect<void> = Effect.suspend(() => {
      const now = clock.unsafeCurrentTimeMillis()
      if (waiting && now - since >= millis) {
        stalled = true
        native.destroy(new Stalled())
        return Effect.void
      }
      return Effect.zipRight(Effect.sleep(waiting ? since + millis - now : millis), watchdog)
    })
    yield* Effect.forkScoped(watchdog)
    return Stream.pipeThroughChannel(response.stream, watch)
  }))
}

/**
 * Stream combinators the client's own byte streams use, for streams of yours too.
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/idleTimeout.js"

/**
 * An idle timeout: the stream fails with `onTimeout()` when its consumer has waited longer than `duration` for the
 * next chunk (time the consumer spends on what it got never counts), as `Stream.timeoutFail` does, at the cost of one
 * timer per `duration` instead of a race and a timer per chunk. The upstream is read by a fiber of its own, at most
 * two chunks ahead of the consumer. The stream's `Clock` drives it, so `TestClock` tests work as usual.
 *
 * @example
 * ```ts
 * import { Streams } from "@effect-docspace/core"
 * import * as Stream from "effect/Stream"
 *
 * const body = Stream.never.pipe(Streams.idleTimeout(() => new Error("stalled"), "30 seconds"))
 * ```
 *
 * @since 0.2.0
 * @category combinators
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
} = internal.idleTimeout

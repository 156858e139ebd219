import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

/**
 * `Effect.timeoutFail` that also fires where interruption is impossible (a finalizer, `acquireRelease`'s acquire or
 * release, `Effect.uninterruptible`): there, a plain timeout would wait for the effect to finish, and a request to a
 * portal that stopped answering would hang until the transport gave up.
 *
 * Where the fiber is interruptible (almost always) this is exactly one `Effect.timeoutFail`. Where it is not, the
 * effect runs in its own interruptible fiber; the caller waits for whichever comes first, the result or the timer,
 * and on a timeout the request's fiber is interrupted in the background (its socket is aborted) without the caller
 * waiting for it. The caller itself is never made interruptible: a clean-up running after an interruption is not cut
 * short by it.
 */
export const boundedTimeout = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.checkInterruptible((interruptible) =>
    interruptible ? Effect.timeoutFail(effect, { duration, onTimeout }) : detached(effect, duration, onTimeout)
  )

const detached = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.flatMap(Deferred.make<A, E | E2>(), (deferred) =>
    Effect.flatMap(
      Effect.forkDaemon(Effect.interruptible(Effect.intoDeferred(effect, deferred))),
      (request) =>
        Effect.flatMap(
          Effect.forkDaemon(
            Effect.interruptible(Effect.zipRight(Effect.sleep(duration), Deferred.fail(deferred, onTimeout())))
          ),
          (timer) =>
            Deferred.await(deferred).pipe(
              Effect.ensuring(Effect.zipRight(Fiber.interruptFork(timer), Fiber.interruptFork(request)))
            )
        )
    ))

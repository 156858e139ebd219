import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"

/**
 * `Effect.timeoutFail` that also fires where interruption is impossible (a finalizer, `acquireRelease`'s acquire or
 * release, `Effect.uninterruptible`): there, a plain timeout would wait for the effect to finish, and a request to a
 * portal that stopped answering would hang until the transport gave up.
 *
 * The effect runs in a fiber of its own, interruptible. The caller waits for its result or the timer. On a timeout
 * the effect's fiber is interrupted (its socket aborted): an interruptible caller waits for that interruption to end,
 * as `Effect.timeoutFail` does; an uninterruptible one does not wait for it (a clean-up running after an interruption
 * is never cut short, and never blocked by the request it bounds).
 *
 * With the default clock the timer is one JavaScript timer, armed and cleared in place: `Effect.timeoutFail` races a
 * second fiber that sleeps, and cost about 400 us of CPU per request, half a loopback request (docs/benchmarks.md). Any other clock (`TestClock`, your own) gets the timer as an Effect `sleep`, so time-driven
 * tests behave exactly as before.
 */
export const boundedTimeout = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2,
  options?: {
    /**
     * Merge the FiberRefs the effect's fiber changed back into the caller's, as `Effect.timeoutFail` does (default
     * true). A request's transport changes none, and the merge is a third of this function's cost.
     */
    readonly inherit?: boolean | undefined
  }
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) =>
    isLiveClock(clock)
      ? jsTimer(effect, Duration.toMillis(duration), onTimeout, options?.inherit !== false)
      : Effect.checkInterruptible((interruptible) =>
        interruptible ? Effect.timeoutFail(effect, { duration, onTimeout }) : detached(effect, duration, onTimeout)
      )
  )

const liveClock: Clock.Clock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** The default clock: time is real, and a JavaScript timer measures it as `Effect.sleep` would. */
const isLiveClock = (clock: Clock.Clock): boolean => clock === liveClock

/** `setTimeout` fires at once beyond this; the default clock treats longer durations as never. */
const maxTimerMillis = 2 ** 31 - 1

const jsTimer = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R>,
  millis: number,
  onTimeout: () => E2,
  inherit: boolean
): Effect.Effect<A, E | E2, R> => {
  if (!(millis <= maxTimerMillis)) return effect
  // whether the caller is interruptible is read before masking (inside the mask it never is)
  return Effect.checkInterruptible((interruptible) =>
    Effect.uninterruptibleMask((restore) =>
      // the fiber's value is the effect's Exit: the runtime logs a fiber that fails as "terminated with an unhandled
      // error" (a request's error and its URL in the cause), and this failure is handled here
      Effect.flatMap(
        (interruptible ? Effect.fork : Effect.forkDaemon)(Effect.interruptible(Effect.exit(effect))),
        (child) =>
          Effect.flatMap(
            // an interruption that lands before the wait below is registered (at `restore`) still takes the request
            // with it: its fiber is never left running without a timer or an owner
            Effect.onInterrupt(
              restore(Effect.async<Exit.Exit<A, E | E2>>((resume) => {
                let done = false
                let fired = false
                const timer = setTimeout(() => {
                  if (done) return
                  fired = true
                  child.unsafeInterruptAsFork(FiberId.none)
                  if (interruptible) return
                  // uninterruptible: answer now, the request's fiber ends in the background
                  done = true
                  resume(Effect.succeed(Exit.fail(onTimeout())))
                }, Math.max(0, millis))
                child.addObserver((exit) => {
                  if (done) return
                  done = true
                  clearTimeout(timer)
                  resume(Effect.succeed(
                    Exit.isSuccess(exit) ? exit.value : fired ? Exit.fail(onTimeout()) : Exit.failCause(exit.cause)
                  ))
                })
                return Effect.suspend(() => {
                  done = true
                  clearTimeout(timer)
                  return Fiber.interrupt(child)
                })
              })),
              () => Fiber.interrupt(child)
            ),
            (exit) => inherit && Exit.isSuccess(exit) ? Effect.as(Fiber.inheritAll(child), exit.value) : exit
          )
      )
    )
  )
}

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

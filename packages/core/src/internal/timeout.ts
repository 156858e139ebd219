import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Scope from "effect/Scope"

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
): Effect.Effect<A, E | E2, R> => {
  const millis = Duration.toMillis(duration)
  const inherit = options?.inherit !== false
  // the effect's value is its Exit: the runtime logs a fiber that fails as "terminated with an unhandled error" (a
  // request's error and its URL in the cause), and this failure is handled here
  const exited = Effect.exit(effect)
  return Effect.withFiberRuntime<A, E | E2, R>((caller, status) => {
    // whether the caller is interruptible: an interruptible one waits for the effect's interruption to end
    const interruptible = RuntimeFlags.interruption(status.runtimeFlags)
    if (isLiveClock(Context.get(caller.currentDefaultServices, Clock.Clock))) {
      // the default clock treats longer durations as never
      if (!(millis <= maxTimerMillis)) return effect
      return jsTimer(caller, status.runtimeFlags, interruptible, exited, millis, onTimeout, inherit)
    }
    return interruptible ? Effect.timeoutFail(effect, { duration, onTimeout }) : detached(effect, duration, onTimeout)
  })
}

/**
 * {@link boundedTimeout} for a request to a transport that aborts a request when its abort signal fires (the
 * platform's own clients do): no fiber of its own. The request is tied to a scope of its own (`effect` reaches the
 * transport through `HttpClient.withScope`, which aborts the request's signal when that scope closes), and the timer
 * closes that scope; so does a failure or an interruption of the caller, which also ends the request. A request that
 * ends in time leaves its scope open: there is nothing to abort, and the scope is garbage like the request.
 *
 * The timeout fires inside uninterruptible regions too (aborting the signal makes the transport fail), but only if the
 * transport honours the signal: a transport that ignores it would never time out. Any other clock than the default one
 * gets {@link boundedTimeout} (its timer an Effect `sleep`), the scope closed when the request ends.
 */
export const abortTimeout = <A, E, R, E2>(
  effect: Effect.Effect<A, E, R | Scope.Scope>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, Exclude<R, Scope.Scope>> => {
  const millis = Duration.toMillis(duration)
  return Effect.withFiberRuntime<A, E | E2, Exclude<R, Scope.Scope>>((caller) => {
    if (!isLiveClock(Context.get(caller.currentDefaultServices, Clock.Clock))) {
      return boundedTimeout(Effect.scoped(effect), duration, onTimeout) as Effect.Effect<
        A,
        E | E2,
        Exclude<R, Scope.Scope>
      >
    }
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Scope.make(), (scope) => {
        let fired = false
        // the default clock treats longer durations as never
        const timer = millis <= maxTimerMillis
          ? setTimeout(() => {
            fired = true
            Effect.runFork(Scope.close(scope, Exit.void))
          }, Math.max(0, millis))
          : undefined
        return Effect.matchCauseEffect(restore(Scope.extend(effect, scope)), {
          onSuccess: (value) => {
            clearTimeout(timer)
            return Effect.succeed(value)
          },
          onFailure: (cause) => {
            clearTimeout(timer)
            // the request ends with its scope: its signal aborted (a failed read, an interrupted caller)
            const failed: Effect.Effect<never, E | E2> = fired && !Cause.isInterruptedOnly(cause)
              ? Effect.fail(onTimeout())
              : Effect.failCause(cause)
            return Effect.zipRight(Scope.close(scope, Exit.void), failed)
          }
        })
      })
    ) as Effect.Effect<A, E | E2, Exclude<R, Scope.Scope>>
  })
}

const liveClock: Clock.Clock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** The default clock: time is real, and a JavaScript timer measures it as `Effect.sleep` would. */
const isLiveClock = (clock: Clock.Clock): boolean => clock === liveClock

/** `setTimeout` fires at once beyond this. */
const maxTimerMillis = 2 ** 31 - 1

const jsTimer = <A, E, R, E2>(
  caller: Fiber.RuntimeFiber<unknown, unknown>,
  runtimeFlags: RuntimeFlags.RuntimeFlags,
  interruptible: boolean,
  exited: Effect.Effect<Exit.Exit<A, E>, never, R>,
  millis: number,
  onTimeout: () => E2,
  inherit: boolean
): Effect.Effect<A, E | E2, R> =>
  // Uninterruptible from the start of the request's fiber to the moment its owner is in place (the handler below):
  // an interruption in between (the runtime may yield between any two steps) would leave it running without one.
  // `jsTimer` runs anew for each request (inside `withFiberRuntime`), and the mask's body once per run.
  Effect.uninterruptibleMask((restore) => {
    let done = false
    let fired = false
    let resume: ((effect: Effect.Effect<A, E | E2>) => void) | undefined
    // The request's own fiber, in the caller's context and with its FiberRefs, started at once (no trip through the
    // scheduler). It is not the caller's child: the timer and the interruption handler below are its owners.
    const child = Runtime.runFork(
      Runtime.make({
        context: caller.currentContext as Context.Context<R>,
        fiberRefs: caller.getFiberRefs(),
        runtimeFlags: RuntimeFlags.enable(runtimeFlags, RuntimeFlags.Interruption)
      }),
      exited
    )
    const timer = setTimeout(() => {
      if (done) return
      fired = true
      child.unsafeInterruptAsFork(caller.id())
      if (interruptible) return
      // uninterruptible: answer now (or as soon as the wait begins), the request's fiber ends in the background
      done = true
      resume?.(Effect.fail(onTimeout()))
    }, Math.max(0, millis))
    const wait = Effect.async<A, E | E2>((callback) => {
      if (done) return callback(Effect.fail(onTimeout()))
      resume = callback
      child.addObserver((exit) => {
        if (done) return
        done = true
        clearTimeout(timer)
        if (Exit.isSuccess(exit)) {
          const result = exit.value
          callback(
            Exit.isSuccess(result)
              ? inherit ? Effect.as(Fiber.inheritAll(child), result.value) : result
              : fired
              ? Effect.fail(onTimeout())
              : result
          )
        } else {
          callback(fired ? Effect.fail(onTimeout()) : exit as unknown as Exit.Exit<never>)
        }
      })
    })
    // the caller interrupted while it waits: the request's fiber interrupted, its timer cleared (a handler on failure
    // only, as `Effect.onInterrupt` would be, minus its step on success)
    return Effect.catchAllCause(restore(wait), (cause) =>
      Cause.isInterrupted(cause)
        ? Effect.zipRight(
          Effect.suspend(() => {
            done = true
            clearTimeout(timer)
            return Fiber.interrupt(child)
          }),
          Effect.failCause(cause)
        )
        : Effect.failCause(cause))
  })

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

import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"

/**
 * `Effect.withSpan` whose span never keeps the effect's value: a tracer records a span's exit, and a raw response
 * holds its request with the Authorization header. A success ends the span with `Exit.void`; a failure keeps its
 * cause (the client's errors carry no secret).
 */
export const withSafeSpan =
  (name: string, attributes: Record<string, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      Effect.makeSpan(name, { kind: "client", attributes }),
      (span) =>
        Effect.withParentSpan(self, span).pipe(
          Effect.onExit((exit) =>
            Effect.flatMap(
              Clock.currentTimeNanos,
              (now) => Effect.sync(() => span.end(now, Exit.isSuccess(exit) ? Exit.void : exit))
            )
          )
        )
    )

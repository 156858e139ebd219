import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { type CurrentRequest, currentRequest } from "./current.js"

/**
 * `Effect.withSpan` whose span never keeps the effect's value: a tracer records a span's exit, and a raw response
 * holds its request with the Authorization header. A success ends the span with `Exit.void`; a failure keeps its
 * cause (the client's errors carry no secret).
 */
export const withSafeSpan =
  (name: string, attributes: Record<string, unknown>) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    spanned(name, attributes, true, (span) => Effect.withParentSpan(self, span))

const spanned = <A, E, R>(
  name: string,
  attributes: Record<string, unknown>,
  captureStackTrace: boolean,
  f: (span: Tracer.Span) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    Effect.makeSpan(name, { kind: "client", attributes, captureStackTrace }),
    (span) =>
      Effect.onExit(f(span), (exit) =>
        Effect.clockWith((clock) =>
          Effect.sync(() =>
            span.end(clock.unsafeCurrentTimeNanos(), Exit.isSuccess(exit) ? Exit.void : exit)
          )
        ))
  )

const alwaysTrue = () => true

/**
 * A FiberRef's value in `refs`: `FiberRefs.getOrDefault` without its `Option` and closure when the fiber has a value
 * of its own (five reads a request).
 */
const valueOf = <A>(refs: FiberRefs.FiberRefs, ref: FiberRef.FiberRef<A>): A => {
  const stack = refs.locals.get(ref)
  return stack === undefined ? FiberRefs.getOrDefault(refs, ref) : stack[0][1]
}

/**
 * Runs one request of the client: its span (without a stack trace: the call site is always this library's, and
 * capturing it cost about 15 us a request) and everything the levels below read, set in one step and put back as it
 * was when the request ends (success, failure or interruption), as nested `Effect.withSpan` and `Effect.locally`
 * calls would do at several times the cost:
 *
 * - the span as parent (the trace propagates);
 * - the platform's own `http.client` span off: it would keep the request, with its Authorization header, as its exit
 *   value, and the full URL with its query;
 * - the request record for the transport level (a fresh copy per run: the transport level writes `buffered`);
 * - the log annotations, and the header names redacted wherever headers are printed.
 *
 * A failure goes through `onError` (the client scrubs secrets from it and adds its hint) before it ends the span: the
 * span never keeps the effect's value (a raw response holds its request with the Authorization header), a success ends
 * it with `Exit.void`.
 */
export const withRequest = <A, E, R>(
  name: string,
  attributes: Record<string, unknown>,
  annotations: ReadonlyArray<readonly [string, unknown]>,
  request: CurrentRequest,
  redactedNames: ReadonlyArray<string>,
  onError: (error: E) => Effect.Effect<E>,
  f: (span: Tracer.Span, current: CurrentRequest) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    // the span is made inside the region, right before the settings: both read the fiber's FiberRefs, which the
    // runtime copies whenever the runtime flags changed since the last read
    Effect.flatMap(
      Effect.makeSpan(name, { kind: "client", attributes, captureStackTrace: false }),
      (span) => {
        const current: CurrentRequest = { ...request }
        let saved: Entries = []
        let endedAt = BigInt(0)
        // the caller's settings back first, then the span ended: a tracer that throws on `end` leaves no request
        // settings behind (its throw is a defect, as with `Effect.withSpan`)
        const end = (exit: Exit.Exit<unknown, E>) =>
          Effect.zipRight(
            Effect.updateFiberRefs((_, refs) => {
              endedAt = Context.get(valueOf(refs, DefaultServices.currentServices), Clock.Clock)
                .unsafeCurrentTimeNanos()
              return FiberRefs.updateManyAs(refs, { entries: saved as unknown as NonEmpty })
            }),
            Effect.sync(() => span.end(endedAt, Exit.isSuccess(exit) ? Exit.void : exit))
          )
        return Effect.zipRight(
          Effect.updateFiberRefs((id, refs) => {
            const context = valueOf(refs, FiberRef.currentContext)
            const logAnnotations = valueOf(refs, FiberRef.currentLogAnnotations)
            const names = valueOf(refs, Headers.currentRedactedNames)
            let annotated = logAnnotations
            for (const [key, value] of annotations) annotated = HashMap.set(annotated, key, value)
            const missing = redactedNames.filter((name) => !names.includes(name))
            const next: Entries = [
              [FiberRef.currentContext, [[id, Context.add(context, Tracer.ParentSpan, span)]]],
              [currentRequest, [[id, current]]],
              [HttpClient.currentTracerDisabledWhen, [[id, alwaysTrue]]],
              [FiberRef.currentLogAnnotations, [[id, annotated]]]
            ]
            if (missing.length > 0) next.push([Headers.currentRedactedNames, [[id, [...names, ...missing]]]])
            saved = next.map(([ref]) => [ref, [[id, valueOf(refs, ref)]]] as const)
            return FiberRefs.updateManyAs(refs, { entries: next as unknown as NonEmpty })
          }),
          Effect.matchCauseEffect(restore(f(span, current)), {
            onSuccess: (value) => Effect.as(end(Exit.void), value),
            onFailure: (cause) => {
              const failure = Cause.failureOption(cause)
              // a scrub that dies ends the request with its defect (the error cannot be shown unscrubbed), never
              // without the settings put back
              const mapped = Option.isNone(failure)
                ? Effect.succeed(cause)
                : Effect.catchAllCause(Effect.map(onError(failure.value), Cause.fail), Effect.succeed)
              return Effect.flatMap(mapped, (final) =>
                Effect.zipRight(end(Exit.failCause(final)), Effect.failCause(final)))
            }
          })
        )
      }
    )
  )

type Entry = readonly [FiberRef.FiberRef<any>, readonly [readonly [FiberId.Single, unknown]]]
type Entries = Array<Entry>
// never empty: the request record is always set
type NonEmpty = readonly [Entry, ...Array<Entry>]

import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as FiberRefs from "effect/FiberRefs"
import * as HashMap from "effect/HashMap"
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

/**
 * The client's span around one request: like {@link withSafeSpan}, without a stack trace (the call site is always
 * this library's, and capturing it cost about 15 us a request), handing the span to `f` so that it can be made the
 * parent in the same step as the request's other settings ({@link withRequestRefs}).
 */
export const withRequestSpan = <A, E, R>(
  name: string,
  attributes: Record<string, unknown>,
  f: (span: Tracer.Span) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => spanned(name, attributes, false, f)

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
 * Runs a request with everything the levels below it read set in one step, and put back as it was when it ends
 * (success, failure or interruption), as nested `Effect.locally` calls would do at five times the cost: the span
 * as parent (the trace propagates), the platform's own `http.client` span off (it would keep the request, with its
 * Authorization header, as its exit value, and the full URL with its query), the request record for the transport
 * level, the log annotations, and the header names redacted wherever headers are printed.
 */
export const withRequestRefs = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  span: Tracer.Span,
  annotations: ReadonlyArray<readonly [string, unknown]>,
  request: CurrentRequest,
  redactedNames: ReadonlyArray<string>
): Effect.Effect<A, E, R> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.suspend(() => {
      let saved: Entries = []
      return Effect.zipRight(
        Effect.updateFiberRefs((id, refs) => {
          const context = FiberRefs.getOrDefault(refs, FiberRef.currentContext)
          const logAnnotations = FiberRefs.getOrDefault(refs, FiberRef.currentLogAnnotations)
          const names = FiberRefs.getOrDefault(refs, Headers.currentRedactedNames)
          let annotated = logAnnotations
          for (const [key, value] of annotations) annotated = HashMap.set(annotated, key, value)
          const missing = redactedNames.filter((name) => !names.includes(name))
          const next: Entries = [
            [FiberRef.currentContext, [[id, Context.add(context, Tracer.ParentSpan, span)]]],
            // a fresh record per run: `buffered` is written by the transport level of this run
            [currentRequest, [[id, { ...request }]]],
            [HttpClient.currentTracerDisabledWhen, [[id, alwaysTrue]]],
            [FiberRef.currentLogAnnotations, [[id, annotated]]]
          ]
          if (missing.length > 0) next.push([Headers.currentRedactedNames, [[id, [...names, ...missing]]]])
          saved = next.map(([ref]) => [ref, [[id, FiberRefs.getOrDefault(refs, ref)]]] as const)
          return FiberRefs.updateManyAs(refs, { entries: next as unknown as NonEmpty })
        }),
        Effect.onExit(
          restore(effect),
          () =>
            Effect.updateFiberRefs((_, refs) => FiberRefs.updateManyAs(refs, { entries: saved as unknown as NonEmpty }))
        )
      )
    })
  )

type Entry = readonly [FiberRef.FiberRef<any>, readonly [readonly [FiberId.Single, unknown]]]
type Entries = Array<Entry>
// never empty: the request record is always set
type NonEmpty = readonly [Entry, ...Array<Entry>]

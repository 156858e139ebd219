import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"

export interface Call {
  readonly method: string
  readonly url: string
  readonly at: number
}

export type Reply =
  | {
    readonly status?: number
    readonly headers?: Record<string, string>
    readonly body?: string
    readonly latency?: number
    /** called when the body has been fully read (or cancelled) */
    readonly onDone?: () => void
  }
  | "transport-error"

/**
 * A counting mock transport: records every call with its instant, and the peak number of requests in flight per
 * class, a request counting as in flight from the moment it reaches the transport until its body has been fully read
 * (as the server counts it).
 */
export const makeTransport = (handler: (request: HttpClientRequest.HttpClientRequest, n: number) => Reply) => {
  const calls: Array<Call> = []
  const inFlight = { read: 0, write: 0 }
  const peak = { read: 0, write: 0 }
  const client = HttpClient.make((request) =>
    Effect.gen(function*() {
      const at = yield* Clock.currentTimeMillis
      const n = calls.length
      calls.push({ method: request.method, url: request.url, at })
      const reply = handler(request, n)
      if (reply === "transport-error") {
        return yield* Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", description: "connection reset" })
        )
      }
      const cls = request.method === "GET" || request.method === "HEAD" ? "read" : "write"
      inFlight[cls]++
      if (inFlight[cls] > peak[cls]) peak[cls] = inFlight[cls]
      if (reply.latency !== undefined) yield* Effect.sleep(Duration.millis(reply.latency))
      else yield* Effect.yieldNow()
      let done = false
      const finish = () => {
        if (!done) {
          done = true
          inFlight[cls]--
          reply.onDone?.()
        }
      }
      const bytes = new TextEncoder().encode(reply.body ?? "ok")
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(bytes)
          controller.close()
          finish()
        },
        cancel() {
          finish()
        }
      })
      return HttpClientResponse.fromWeb(
        request,
        new Response(body, { status: reply.status ?? 200, headers: reply.headers ?? {} })
      )
    })
  )
  return { client, calls, inFlight, peak }
}

/**
 * Runs `effect` in a fiber, moving the TestClock straight to the next pending sleep (or by `step` when none is
 * pending) until the fiber completes, at most `maxSteps` times.
 */
export const runWithClock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  step: Duration.DurationInput = "10 millis",
  maxSteps = 100_000
) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < maxSteps; i++) {
      yield* settle
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) break
      const now = yield* Clock.currentTimeMillis
      const pending = Array.from(yield* TestClock.sleeps()).filter((t) => t > now)
      if (pending.length > 0) yield* TestClock.adjust(Duration.millis(Math.min(...pending) - now))
      else yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })

/** Lets forked fibers run until they block. */
export const settle = Effect.gen(function*() {
  for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
})

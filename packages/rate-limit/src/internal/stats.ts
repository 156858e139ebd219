/**
 * A limiter's counters and metrics: the per-class gauges, the totals `stats` reports, and the `RateLimited` failures
 * (counted here, described by the request's hook).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Metric from "effect/Metric"
import type * as MetricLabel from "effect/MetricLabel"
import type { ClassStats, RateLimitStats } from "../RateLimiter.js"
import { RateLimited } from "../RateLimitError.js"
import type { Class } from "./adaptive.js"
import * as metrics from "./metrics.js"
import type { RequestContext } from "./request.js"

/** @internal */
export interface MutableClassStats {
  waiting: number
  inFlight: number
  peakInFlight: number
  sent: number
}

/** @internal */
export type Stats = ReturnType<typeof makeStats>

/** @internal */
export const makeStats = (policyName: string) => {
  // metric keys built once, tags included
  const m = metrics.forPolicy(policyName)
  const classes: Record<Class, MutableClassStats> = {
    read: { waiting: 0, inFlight: 0, peakInFlight: 0, sent: 0 },
    write: { waiting: 0, inFlight: 0, peakInFlight: 0, sent: 0 }
  }
  const counts = { throttled: 0, refused429: 0, refused503: 0, retries: 0, rateLimited: 0, gateClosedMillis: 0 }

  const setWaiting = (cls: Class, delta: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      classes[cls].waiting += delta
      return Metric.set(m.waiting[cls], classes[cls].waiting)
    })

  /** a request handed to the transport: returns the in-flight count before it */
  const unsafeSent = (cls: Class): number => {
    const stats = classes[cls]
    const before = stats.inFlight
    stats.sent++
    stats.inFlight++
    if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight
    return before
  }
  const inFlightGauge = (cls: Class): Effect.Effect<void> => Metric.set(m.inFlight[cls], classes[cls].inFlight)
  /** the in-flight gauge set from a running fiber (its metric labels included), without an effect of its own */
  const unsafeInFlightGauge = (cls: Class, labels: ReadonlyArray<MetricLabel.MetricLabel>): void =>
    m.inFlight[cls].unsafeUpdate(classes[cls].inFlight, labels)
  const unsafeSettled = (cls: Class, labels: ReadonlyArray<MetricLabel.MetricLabel>): void => {
    classes[cls].inFlight--
    unsafeInFlightGauge(cls, labels)
  }
  const settled = (cls: Class): Effect.Effect<void> =>
    Effect.withFiberRuntime<void>((fiber) => {
      unsafeSettled(cls, fiber.getFiberRef(FiberRef.currentMetricLabels))
      return Effect.void
    })

  const throttled: Effect.Effect<void> = Effect.suspend(() => {
    counts.throttled++
    return Metric.increment(m.throttled)
  })
  const retried: Effect.Effect<void> = Effect.suspend(() => {
    counts.retries++
    return Metric.increment(m.retries)
  })
  const refused = (status: 429 | 503): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (status === 429) counts.refused429++
      else counts.refused503++
      return Metric.increment(m.refused[status])
    })
  const gateClosed = (millis: number): Effect.Effect<void> =>
    Effect.suspend(() => {
      counts.gateClosedMillis += millis
      return Metric.incrementBy(m.gateClosedMillis, millis)
    })

  /** Fails the request with `RateLimited`, named by the request's description. */
  const rateLimited = (
    ctx: RequestContext,
    reason: RateLimited["reason"],
    retryAfterMillis: number,
    status?: number
  ): Effect.Effect<never, RateLimited> =>
    Effect.flatMap(ctx.describe, (described) => {
      counts.rateLimited++
      const fields = {
        method: described.method,
        url: described.url,
        reason,
        retryAfter: Duration.millis(Math.max(0, retryAfterMillis))
      }
      return Metric.increment(m.failedFast).pipe(
        Effect.zipRight(Effect.fail(new RateLimited(status === undefined ? fields : { ...fields, status })))
      )
    })

  const snapshot = (s: MutableClassStats): ClassStats => ({ ...s })
  const report = (
    gateClosedUntil: Date | undefined,
    limits: RateLimitStats["limits"]
  ): RateLimitStats => ({
    policy: policyName,
    read: snapshot(classes.read),
    write: snapshot(classes.write),
    ...counts,
    gateClosedUntil,
    limits
  })

  return {
    classes,
    setWaiting,
    unsafeSent,
    inFlightGauge,
    unsafeInFlightGauge,
    unsafeSettled,
    settled,
    throttled,
    retried,
    refused,
    gateClosed,
    rateLimited,
    report
  }
}

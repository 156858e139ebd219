import * as Metric from "effect/Metric"

/** @internal */
export const waiting = Metric.gauge("rate_limit_waiting", { description: "requests waiting for a permit" })
/** @internal */
export const inFlight = Metric.gauge("rate_limit_in_flight", {
  description: "requests holding a concurrency permit (sent, body not yet consumed)"
})
/** @internal */
export const throttled = Metric.counter("rate_limit_throttled_total", {
  description: "requests that had to wait for a permit",
  incremental: true
})
/** @internal */
export const refused = Metric.counter("rate_limit_refused_total", {
  description: "429/503 answers seen",
  incremental: true
})
/** @internal */
export const retries = Metric.counter("rate_limit_retries_total", { description: "retries sent", incremental: true })
/** @internal */
export const gateClosedMillis = Metric.counter("rate_limit_gate_closed_millis_total", {
  description: "time the shared gate was closed, in milliseconds",
  incremental: true
})
/** @internal */
export const failedFast = Metric.counter("rate_limit_failed_total", {
  description: "requests failed with RateLimited",
  incremental: true
})

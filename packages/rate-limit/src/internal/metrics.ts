import * as Metric from "effect/Metric"
import * as MetricKey from "effect/MetricKey"
import * as MetricLabel from "effect/MetricLabel"

const keys = {
  waiting: MetricKey.gauge("docspace_rate_limit_waiting", { description: "requests waiting for a permit" }),
  inFlight: MetricKey.gauge("docspace_rate_limit_in_flight", {
    description: "requests holding a concurrency permit (sent, body not yet consumed)"
  }),
  throttled: MetricKey.counter("docspace_rate_limit_throttled_total", {
    description: "requests that had to wait for a permit",
    incremental: true
  }),
  refused: MetricKey.counter("docspace_rate_limit_refused_total", {
    description: "429/503 answers seen",
    incremental: true
  }),
  retries: MetricKey.counter("docspace_rate_limit_retries_total", { description: "retries sent", incremental: true }),
  gateClosedMillis: MetricKey.counter("docspace_rate_limit_gate_closed_millis_total", {
    description: "time the shared gate was closed, in milliseconds",
    incremental: true
  }),
  failedFast: MetricKey.counter("docspace_rate_limit_failed_total", {
    description: "requests failed with RateLimited",
    incremental: true
  })
}

/** @internal */
export const waiting = Metric.fromMetricKey(keys.waiting)
/** @internal */
export const inFlight = Metric.fromMetricKey(keys.inFlight)
/** @internal */
export const throttled = Metric.fromMetricKey(keys.throttled)
/** @internal */
export const refused = Metric.fromMetricKey(keys.refused)
/** @internal */
export const retries = Metric.fromMetricKey(keys.retries)
/** @internal */
export const gateClosedMillis = Metric.fromMetricKey(keys.gateClosedMillis)
/** @internal */
export const failedFast = Metric.fromMetricKey(keys.failedFast)

/**
 * The metrics of one limiter, their tags built into their keys once. (`Metric.tagged` merges its tags into a new
 * array on every update, which misses the metric's hook cache and looks the key up in the registry each time.)
 *
 * @internal
 */
export const forPolicy = (policy: string) => {
  const labels = (extra: ReadonlyArray<readonly [string, string]>) => [
    MetricLabel.make("policy", policy),
    ...extra.map(([k, v]) => MetricLabel.make(k, v))
  ]
  const gauge = (key: MetricKey.MetricKey.Gauge<number>, ...extra: Array<readonly [string, string]>) =>
    Metric.fromMetricKey(MetricKey.taggedWithLabels(key, labels(extra))) as Metric.Metric.Gauge<number>
  const counter = (key: MetricKey.MetricKey.Counter<number>, ...extra: Array<readonly [string, string]>) =>
    Metric.fromMetricKey(MetricKey.taggedWithLabels(key, labels(extra))) as Metric.Metric.Counter<number>
  return {
    waiting: { read: gauge(keys.waiting, ["class", "read"]), write: gauge(keys.waiting, ["class", "write"]) },
    inFlight: { read: gauge(keys.inFlight, ["class", "read"]), write: gauge(keys.inFlight, ["class", "write"]) },
    throttled: counter(keys.throttled),
    refused: { 429: counter(keys.refused, ["status", "429"]), 503: counter(keys.refused, ["status", "503"]) },
    retries: counter(keys.retries),
    gateClosedMillis: counter(keys.gateClosedMillis),
    failedFast: counter(keys.failedFast)
  }
}

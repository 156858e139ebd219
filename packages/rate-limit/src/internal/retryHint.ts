import type * as Headers from "@effect/platform/Headers"
import { until } from "../RetryAfter.js"

/**
 * The instant (epoch ms) the server asked us to wait until; see {@link until}.
 *
 * @internal
 */
export const retryHint = (headers: Headers.Headers, now: number): number | undefined =>
  until(headers as unknown as Readonly<Record<string, string | undefined>>, now)

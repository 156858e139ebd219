import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as FiberRef from "effect/FiberRef"
import { globalValue } from "effect/GlobalValue"

/** The request in flight, for what runs below the rate limiter (the transport-level timeout) and for errors. */
export interface CurrentRequest {
  readonly operation: string
  readonly timeout: Duration.Duration
  /** The operation's path template (`/api/2.0/files/{fileId}`), for the rate limiter's logs. */
  readonly route?: string | undefined
  /** Shown in errors instead of the real URL, when the real one holds a secret (a two-factor code). */
  readonly url?: string | undefined
  /**
   * Read the whole (bounded) body right below the rate limiter, under the same timer as the headers: one timer per
   * JSON request instead of one for the headers and one for the body.
   */
  readonly buffer?: boolean | undefined
  /** Set when the body was read there: reading it again above takes no time and needs no timer of its own. */
  buffered?: boolean | undefined
}

export const currentRequest = globalValue(
  Symbol.for("@effect-docspace/core/DocSpaceClient/currentRequest"),
  () => FiberRef.unsafeMake<CurrentRequest | undefined>(undefined)
)

/** See `DocSpaceClient.TransportAborts`. */
export class TransportAborts extends Context.Reference<TransportAborts>()(
  "@effect-docspace/core/DocSpaceClient/TransportAborts",
  { defaultValue: (): boolean => false }
) {}

/**
 * The contract between the parts of FakeDocSpace: the stateful API (`FakeDocSpace.ts`, `internal/fake/*`), the
 * server-side limits and faults that wrap it, and the adapters that expose it as an in-process `HttpClient` or
 * on a loopback port. Every part speaks `Handler`.
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

/** A request as the fake server sees it: the body is already read in full. */
export interface FakeRequest {
  readonly method: string
  readonly url: URL
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

/** A response: a body that can fail part-way models a connection reset in the middle of a body. */
export interface FakeResponse {
  readonly status: number
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Stream.Stream<Uint8Array, ConnectionReset>
}

/** The connection was reset: before the status line when the handler fails, or mid-body when the body fails. */
export class ConnectionReset extends Data.TaggedError("ConnectionReset")<{ readonly reason: string }> {}

export type Handler = (request: FakeRequest) => Effect.Effect<FakeResponse, ConnectionReset>

/** Wraps a handler (limits, faults, counting). */
export type HandlerMiddleware = (handler: Handler) => Handler

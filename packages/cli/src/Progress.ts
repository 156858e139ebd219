/**
 * Progress for long commands, on stderr: on a terminal one line redrawn in place (a bar when the total is known);
 * otherwise a plain line every few seconds. Bulk commands show done / in flight / waiting for the rate limit (the
 * waiting count is the client's rate limiter's, when one is in context).
 *
 * @since 0.2.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Internal from "./internal/progress.js"
import type * as Output from "./Output.js"

/**
 * A running progress line. Counters are plain numbers so that updating them costs nothing.
 *
 * @since 0.2.0
 * @category models
 */
export interface Progress {
  /** Adds to the work done: items and/or bytes. */
  readonly advance: (items: number, bytes?: number) => void
  /** Adds to the total (a directory walk finds more files). */
  readonly grow: (items: number, bytes?: number) => void
  /** One more (+1) or one less (-1) item in flight. */
  readonly inFlight: (delta: number) => void
  /** One more item failed. */
  readonly failed: (n?: number) => void
  /** One more item skipped (already there). */
  readonly skipped: (n?: number) => void
  /** A snapshot of the counters. */
  readonly snapshot: () => Snapshot
}

/**
 * The counters of a progress line.
 *
 * @since 0.2.0
 * @category models
 */
export interface Snapshot {
  readonly label: string
  readonly percent?: boolean | undefined
  readonly done: number
  readonly total: number | undefined
  readonly bytes: number
  readonly totalBytes: number | undefined
  readonly inFlight: number
  readonly waiting: number
  readonly failed: number
  readonly skipped: number
  readonly elapsedMillis: number
}

/**
 * Options of {@link start}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  readonly label: string
  readonly total?: number | undefined
  readonly totalBytes?: number | undefined
  /** How often the line is redrawn on a terminal. Default 100 ms. */
  readonly redraw?: Duration.DurationInput | undefined
  /** How often a plain line is printed when stderr is not a terminal. Default 5 seconds. */
  readonly every?: Duration.DurationInput | undefined
  /** The work is a percentage (a file operation): the line shows `45%` instead of counts. */
  readonly percent?: boolean | undefined
  /** Print nothing while running (only the final line). */
  readonly quiet?: boolean | undefined
}

/**
 * Starts a progress line for the life of the scope; when the scope closes the final line is printed.
 *
 * @since 0.2.0
 * @category constructors
 */
export const start: (
  options: Options
) => Effect.Effect<Progress, never, Output.Output | Scope.Scope> = Internal.start

/**
 * The progress line's text for a snapshot (also what the non-terminal lines print).
 *
 * @since 0.2.0
 * @category formatting
 */
export const format: (snapshot: Snapshot, width?: number) => string = Internal.format

/**
 * Exit codes and the one-line error message: `0` ok, `2` usage, `3` authentication (no credentials, wrong key,
 * forbidden), `4` not found, `5` rate limited, `1` anything else. `--verbose` adds the error's fields (secrets are
 * `Redacted` and the library scrubs server messages, so nothing secret is printed).
 *
 * @since 0.2.0
 */
import * as Internal from "./internal/exit.js"

/**
 * The exit codes.
 *
 * @since 0.2.0
 * @category constants
 */
export const codes = {
  ok: 0,
  other: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  rateLimited: 5
} as const

/**
 * The exit code for an error (any value a command can fail with, or a defect).
 *
 * @since 0.2.0
 * @category exit codes
 */
export const codeOf: (error: unknown) => number = Internal.codeOf

/**
 * The one-line message for an error: `docspace: <what failed>` and, where we know one, ` (hint: <what to do>)`.
 *
 * @since 0.2.0
 * @category formatting
 */
export const format: (error: unknown) => string = Internal.format

/**
 * The details `--verbose` prints under the line: the error's tag and fields, one per line.
 *
 * @since 0.2.0
 * @category formatting
 */
export const details: (error: unknown) => string = Internal.details

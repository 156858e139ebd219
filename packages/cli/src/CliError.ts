/**
 * The command line's own errors (the library's are `DocSpaceError`s). Each maps to an exit code in `Exit`.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"

/**
 * The command line was used wrongly: a bad argument, a missing value, a conflicting pair of flags. Exit code 2.
 *
 * @since 0.2.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("@effect-docspace/cli/UsageError")("UsageError", {
  message: Schema.String
}) {}

/**
 * No portal or no credentials: nothing in the flags, the environment or the profile. Exit code 3.
 *
 * @since 0.2.0
 * @category errors
 */
export class NotConfigured
  extends Schema.TaggedError<NotConfigured>("@effect-docspace/cli/NotConfigured")("NotConfigured", {
    message: Schema.String
  })
{}

/**
 * The configuration or credentials file cannot be read, parsed or written. Exit code 1.
 *
 * @since 0.2.0
 * @category errors
 */
export class ConfigFileError
  extends Schema.TaggedError<ConfigFileError>("@effect-docspace/cli/ConfigFileError")("ConfigFileError", {
    path: Schema.String,
    message: Schema.String
  })
{}

/**
 * A local file or directory cannot be read or written (gone, no permission, disk full). Exit code 1.
 *
 * @since 0.2.0
 * @category errors
 */
export class LocalFileError
  extends Schema.TaggedError<LocalFileError>("@effect-docspace/cli/LocalFileError")("LocalFileError", {
    path: Schema.String,
    message: Schema.String
  })
{}

/**
 * An item named on the command line does not exist (a path in a folder, a profile). Exit code 4.
 *
 * @since 0.2.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>("@effect-docspace/cli/NotFound")("NotFound", {
  message: Schema.String
}) {}

/**
 * The user answered no to a confirmation (or there was no one to ask and no `--yes`). Exit code 1.
 *
 * @since 0.2.0
 * @category errors
 */
export class Declined extends Schema.TaggedError<Declined>("@effect-docspace/cli/Declined")("Declined", {
  message: Schema.String
}) {}

/**
 * Some items of a bulk command failed while the others went through; `message` counts them. Exit code 1.
 *
 * @since 0.2.0
 * @category errors
 */
export class PartialFailure
  extends Schema.TaggedError<PartialFailure>("@effect-docspace/cli/PartialFailure")("PartialFailure", {
    message: Schema.String,
    failed: Schema.Number
  })
{}

/**
 * Any error of the command line itself.
 *
 * @since 0.2.0
 * @category errors
 */
export type CliError =
  | UsageError
  | NotConfigured
  | ConfigFileError
  | LocalFileError
  | NotFound
  | Declined
  | PartialFailure

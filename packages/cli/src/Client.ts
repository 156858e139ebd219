/**
 * Builds the library's client (`NodeDocSpace.layer` of `@effect-docspace/resources/node`) from the resolved
 * configuration, with the rate limiter as a service of its own so that progress lines can show how many requests
 * wait for the portal's limits.
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import type * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as CliError from "./CliError.js"
import type * as Config from "./Config.js"
import * as Internal from "./internal/client.js"

/**
 * The rate-limit policy for its text form (see `Config.RateLimitName`): `cloud` (`RateLimitPolicy.docSpaceCloud`),
 * `legacy` (`RateLimitPolicy.docSpaceLegacy`), `none` (`RateLimitPolicy.unlimited`, which still honours refusals),
 * each optionally followed by `,read=N`, `,write=N` (concurrency caps) and `,window=N/<duration>` (the general
 * window). Anything else is a `UsageError`.
 *
 * @since 0.2.0
 * @category config
 */
export const policyOf: (
  text: Config.RateLimitName
) => Effect.Effect<RateLimitPolicy.RateLimitPolicy, CliError.UsageError> = Internal.policyOf

/**
 * The user agent the command line sends.
 *
 * @since 0.2.0
 * @category constants
 */
export const userAgent = "docspace-cli/0.1.0 (effect-docspace)"

/**
 * The client for a resolved configuration, and its rate limiter.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer: (
  resolved: Config.Resolved
) => Layer.Layer<DocSpaceClient.DocSpaceClient | RateLimiter.RateLimiter, CliError.UsageError> = Internal.layer

/**
 * Resolves the configuration from the flags, the environment and the profile, then builds {@link layer}.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerFromFlags: (
  flags: Config.Flags
) => Layer.Layer<
  DocSpaceClient.DocSpaceClient | RateLimiter.RateLimiter,
  CliError.UsageError | CliError.NotConfigured | CliError.ConfigFileError,
  FileSystem.FileSystem | Path.Path
> = Internal.layerFromFlags

/**
 * Where the command line finds its portal and credentials: flags, then the environment (`DOCSPACE_URL`,
 * `DOCSPACE_API_KEY` | `DOCSPACE_TOKEN` | `DOCSPACE_USERNAME` + `DOCSPACE_PASSWORD`, `DOCSPACE_PROFILE`,
 * `DOCSPACE_TIMEOUT`, `DOCSPACE_RATE_LIMIT`), then a named profile. Profiles live in `config.json` (URL, settings)
 * and `credentials.json` (secrets, written `0600`) under `$DOCSPACE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/docspace`,
 * else `~/.config/docspace`. A profile's credential is only sent to that profile's own URL: `--url` pointing
 * elsewhere needs its own key.
 *
 * @since 0.2.0
 */
import type * as Auth from "@effect-docspace/core/Auth"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as CliError from "./CliError.js"
import * as Internal from "./internal/config.js"

/**
 * The rate-limit policy the client follows, as `DOCSPACE_RATE_LIMIT` or a profile's `rateLimit` give it: `cloud`
 * (default), `legacy` (an older portal) or `none` (a portal run with limits off), optionally followed by overrides
 * for a portal configured differently: `cloud,read=20,write=8,window=600/1 minute` (concurrent GETs, concurrent
 * other requests, one sliding window `limit/duration` replacing the general ones). See `Client.policyOf`.
 *
 * @since 0.2.0
 * @category models
 */
export type RateLimitName = string

/**
 * The connection flags every command takes (`--profile`, `--url`, `--api-key`).
 *
 * @since 0.2.0
 * @category models
 */
export interface Flags {
  readonly profile: Option.Option<string>
  readonly url: Option.Option<string>
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
}

/**
 * A stored profile: its URL and settings (`config.json`), and its secret (`credentials.json`).
 *
 * @since 0.2.0
 * @category models
 */
export interface Profile {
  readonly url: string
  readonly apiKey?: Redacted.Redacted<string> | undefined
  readonly token?: Redacted.Redacted<string> | undefined
  readonly rateLimit?: RateLimitName | undefined
  readonly timeout?: string | undefined
}

/**
 * Where each resolved value came from (`whoami` shows it).
 *
 * @since 0.2.0
 * @category models
 */
export type Source = "flag" | "env" | "profile"

/**
 * The resolved connection: the portal, the credentials, and where they came from.
 *
 * @since 0.2.0
 * @category models
 */
export interface Resolved {
  readonly url: string
  readonly auth: Auth.Auth
  /** The profile that was read (the one named, `DOCSPACE_PROFILE`, the file's default, or `default`). */
  readonly profile: string
  readonly urlSource: Source
  readonly authSource: Source
  readonly rateLimit: RateLimitName
  readonly timeout?: string | undefined
}

/**
 * The configuration directory: `$DOCSPACE_CONFIG_DIR`, `$XDG_CONFIG_HOME/docspace`, or `~/.config/docspace`.
 *
 * @since 0.2.0
 * @category config
 */
export const directory: Effect.Effect<string, never, Path.Path> = Internal.directory

/**
 * Reads a profile (`undefined` when there is none of that name).
 *
 * @since 0.2.0
 * @category config
 */
export const readProfile: (
  name: string
) => Effect.Effect<Profile | undefined, CliError.ConfigFileError, FileSystem.FileSystem | Path.Path> =
  Internal.readProfile

/**
 * The stored profiles' names and URLs, and the default's name.
 *
 * @since 0.2.0
 * @category config
 */
export const listProfiles: Effect.Effect<
  { readonly default: string | undefined; readonly profiles: ReadonlyArray<{ name: string; url: string }> },
  CliError.ConfigFileError,
  FileSystem.FileSystem | Path.Path
> = Internal.listProfiles

/**
 * Stores a profile: the URL in `config.json`, the secret in `credentials.json` (written to a temporary file with mode
 * `0600`, then renamed over the old one, so it is never readable by others, not even for a moment). The first
 * profile stored, or one stored with `makeDefault`, becomes the default.
 *
 * @since 0.2.0
 * @category config
 */
export const saveProfile: (
  name: string,
  profile: Profile,
  options?: { readonly makeDefault?: boolean | undefined }
) => Effect.Effect<void, CliError.ConfigFileError, FileSystem.FileSystem | Path.Path> = Internal.saveProfile

/**
 * Resolves the connection: each value from the flags, else the environment, else the profile.
 *
 * @since 0.2.0
 * @category config
 */
export const resolve: (
  flags: Flags
) => Effect.Effect<
  Resolved,
  CliError.NotConfigured | CliError.ConfigFileError | CliError.UsageError,
  FileSystem.FileSystem | Path.Path
> = Internal.resolve

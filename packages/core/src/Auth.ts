/**
 * How the client proves who it is. Every secret is `Redacted`: it never appears in an error, a log or a span.
 *
 * @example
 * ```ts
 * import { Auth } from "@effect-docspace/core"
 * import * as Redacted from "effect/Redacted"
 *
 * const byKey = Auth.apiKey(Redacted.make("sk-..."))
 * const byLogin = Auth.password({ userName: "me@example.com", password: Redacted.make("...") })
 * ```
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"

/**
 * @since 0.1.0
 * @category models
 */
export type Auth = ApiKey | Token | Password | OAuth2 | Basic

/**
 * An API key (`sk-` followed by 64 hex digits), sent as `Authorization: Bearer sk-...`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ApiKey {
  readonly _tag: "ApiKey"
  readonly key: Redacted.Redacted<string>
}

/**
 * A token from an earlier login (or a personal access token), sent as `Authorization: Bearer <token>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly _tag: "Token"
  readonly token: Redacted.Redacted<string>
}

/**
 * A user name and password: the client logs in with `POST /api/2.0/authentication`, caches the token until its
 * `expires`, makes one login however many fibers need a token at once, and logs in again once on a 401.
 *
 * @since 0.1.0
 * @category models
 */
export interface Password {
  readonly _tag: "Password"
  readonly userName: string
  readonly password: Redacted.Redacted<string>
  /** A two-factor code: used with `POST /api/2.0/authentication/{code}` when the portal asks for one. */
  readonly code?: Effect.Effect<Redacted.Redacted<string>> | undefined
}

/**
 * An OAuth2 access token (JWT) yielded by a user effect: asked once, cached, and asked again after a 401.
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuth2 {
  readonly _tag: "OAuth2"
  readonly accessToken: Effect.Effect<Redacted.Redacted<string>, unknown>
}

/**
 * HTTP Basic credentials: for test portals only.
 *
 * @since 0.1.0
 * @category models
 */
export interface Basic {
  readonly _tag: "Basic"
  readonly userName: string
  readonly password: Redacted.Redacted<string>
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const apiKey = (key: Redacted.Redacted<string>): Auth => Data.struct({ _tag: "ApiKey" as const, key })

/**
 * @since 0.1.0
 * @category constructors
 */
export const token = (token: Redacted.Redacted<string>): Auth => Data.struct({ _tag: "Token" as const, token })

/**
 * @example
 * ```ts
 * import { Auth } from "@effect-docspace/core"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const auth = Auth.password({
 *   userName: "me@example.com",
 *   password: Redacted.make("secret"),
 *   // asked only when the portal requires a second factor
 *   code: Effect.succeed(Redacted.make("123456"))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const password = (options: {
  readonly userName: string
  readonly password: Redacted.Redacted<string>
  readonly code?: Effect.Effect<Redacted.Redacted<string>> | undefined
}): Auth => Data.struct({ _tag: "Password" as const, ...options })

/**
 * @since 0.1.0
 * @category constructors
 */
export const oauth2 = (accessToken: Effect.Effect<Redacted.Redacted<string>, unknown>): Auth =>
  Data.struct({ _tag: "OAuth2" as const, accessToken })

/**
 * @since 0.1.0
 * @category constructors
 */
export const basic = (userName: string, password: Redacted.Redacted<string>): Auth =>
  Data.struct({ _tag: "Basic" as const, userName, password })

/**
 * The shape of a DocSpace API key: `sk-` followed by 64 hex digits.
 *
 * @since 0.1.0
 * @category validation
 */
export const isApiKeyFormat = (key: string): boolean => /^sk-[0-9a-fA-F]{64}$/.test(key)

/**
 * Where the portal is and how to talk to it: base URL, auth, user agent, request timeout, rate-limit policy.
 *
 * @example
 * ```ts
 * import { Auth, DocSpaceConfig } from "@effect-docspace/core"
 * import * as Redacted from "effect/Redacted"
 *
 * const Config = DocSpaceConfig.layer({
 *   baseUrl: "https://example.onlyoffice.com",
 *   auth: Auth.apiKey(Redacted.make("sk-..."))
 * })
 * // or from DOCSPACE_URL and DOCSPACE_API_KEY | DOCSPACE_TOKEN | DOCSPACE_USERNAME + DOCSPACE_PASSWORD
 * const FromEnv = DocSpaceConfig.layerConfig()
 * ```
 *
 * @since 0.1.0
 */
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Auth from "./Auth.js"

/**
 * What a user gives.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The portal, e.g. `https://example.onlyoffice.com`. `http:` is accepted only for loopback hosts. */
  readonly baseUrl: string | URL
  readonly auth: Auth.Auth
  /** Sent as `User-Agent`. */
  readonly userAgent?: string | undefined
  /** Bounds every request (waiting for rate-limit permits is not counted). Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Accept a plain `http:` URL to a host that is not loopback. Default false. */
  readonly allowInsecureHttp?: boolean | undefined
  /** The client-side rate-limit policy. Default `RateLimitPolicy.docSpaceCloud`. */
  readonly rateLimit?: RateLimitPolicy.RateLimitPolicy | undefined
  /**
   * The largest JSON body the client reads (answers and error bodies; streamed downloads are not bounded). A larger
   * one, or a compressed one that inflates past it, fails with `DecodeError` (a non-2xx: its status's error) as soon
   * as the limit is passed, without holding more in memory. Default 64 MiB.
   *
   * @since 0.2.0
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * The validated configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface DocSpaceConfig {
  /** The portal's origin, without a trailing slash. */
  readonly baseUrl: URL
  readonly auth: Auth.Auth
  readonly userAgent: string
  readonly timeout: Duration.Duration
  readonly rateLimit: RateLimitPolicy.RateLimitPolicy
  /**
   * The largest JSON body read, in bytes.
   *
   * @since 0.2.0
   */
  readonly maxBodyBytes: number
}

/**
 * @since 0.1.0
 * @category tags
 */
export const DocSpaceConfig: Context.Tag<DocSpaceConfig, DocSpaceConfig> = Context.GenericTag<DocSpaceConfig>(
  "@effect-docspace/core/DocSpaceConfig"
)

/**
 * The default `User-Agent`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultUserAgent = "effect-docspace/0.1.0"

/**
 * The default request timeout: 30 seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The default bound on a JSON body: 64 MiB.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultMaxBodyBytes: number = 64 * 1024 * 1024

const checkMaxBodyBytes = (value: number | undefined, path: string): Either.Either<number, ConfigError.ConfigError> =>
  value === undefined
    ? Either.right(defaultMaxBodyBytes)
    : Number.isSafeInteger(value) && value >= 1
    ? Either.right(value)
    : Either.left(ConfigError.InvalidData([path], `maxBodyBytes must be a whole number of bytes >= 1, got ${value}`))

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

/**
 * Is this host a loopback address (`localhost`, `127.0.0.0/8`, `::1`)?
 *
 * @since 0.1.0
 * @category validation
 */
export const isLoopbackHost = (hostname: string): boolean =>
  loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname.endsWith(".localhost")

/**
 * Validates a base URL: absolute, `https:` (or `http:` to loopback, or when explicitly allowed), no credentials,
 * query or fragment (not even an empty `?` or `#`), and not the API's own prefix (`/api/2.0`: the client adds it).
 * Returns the origin plus path without a trailing slash; a refusal says what to write instead.
 *
 * @since 0.1.0
 * @category validation
 */
export const parseBaseUrl = (
  input: string | URL,
  options?: { readonly allowInsecureHttp?: boolean | undefined }
): Either.Either<URL, string> => {
  const text = String(input).trim()
  const shown = JSON.stringify(text.slice(0, 80))
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const host = text.replace(/^\/+/, "").split(/[/?#]/)[0] ?? ""
    return Either.left(
      `not an absolute URL: ${shown}; write the portal with its scheme, e.g. https://${
        host || "example.onlyoffice.com"
      }`
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return Either.left(`not a valid URL: ${shown}; write e.g. https://example.onlyoffice.com`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(`unsupported protocol ${url.protocol} (write https://${url.host || "example.onlyoffice.com"})`)
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && options?.allowInsecureHttp !== true) {
    return Either.left(
      `plain http: is only accepted for loopback hosts (host ${url.hostname}): write https://${url.host}, or, to ` +
        "send credentials unencrypted anyway, set allowInsecureHttp: true (DOCSPACE_ALLOW_INSECURE_HTTP=true)"
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("the URL must not carry credentials; use the auth option")
  }
  // `https://host/?` and `https://host/#` parse with an empty search and hash: look at the text itself
  if (url.search !== "" || url.hash !== "" || /[?#]/.test(text)) {
    return Either.left(
      `the URL must not have a query or fragment (not even an empty ? or #); write ${url.origin}${
        url.pathname.replace(/\/+$/, "")
      }`
    )
  }
  const path = url.pathname.replace(/\/+$/, "")
  const api = path.search(/\/api\/2\.0(\/|$)/i)
  if (api !== -1) {
    return Either.left(
      `the URL must be the portal, not its API: write ${url.origin}${path.slice(0, api)} (the client adds /api/2.0)`
    )
  }
  url.pathname = path
  return Either.right(url)
}

/**
 * Validates options into a {@link DocSpaceConfig}; an invalid base URL, rate-limit policy or `maxBodyBytes`, or
 * credentials that cannot work (an empty API key, token, user name or password), fail with a `ConfigError` naming
 * `baseUrl`, `rateLimit`, `maxBodyBytes` or `auth`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<DocSpaceConfig, ConfigError.ConfigError> =>
  Either.match(validate(options, "baseUrl"), { onLeft: Effect.fail, onRight: Effect.succeed })

const validate = (options: Options, urlPath: string): Either.Either<DocSpaceConfig, ConfigError.ConfigError> =>
  Either.map(
    Either.all({
      baseUrl: Either.mapLeft(
        parseBaseUrl(options.baseUrl, options),
        (message) => ConfigError.InvalidData([urlPath], message)
      ),
      rateLimit: checkPolicy(options.rateLimit ?? RateLimitPolicy.docSpaceCloud, "rateLimit"),
      maxBodyBytes: checkMaxBodyBytes(options.maxBodyBytes, "maxBodyBytes"),
      auth: checkAuth(options.auth)
    }),
    ({ auth, baseUrl, maxBodyBytes, rateLimit }): DocSpaceConfig => ({
      baseUrl,
      auth,
      userAgent: options.userAgent ?? defaultUserAgent,
      timeout: options.timeout === undefined ? defaultTimeout : Duration.decode(options.timeout),
      rateLimit,
      maxBodyBytes
    })
  )

/** Credentials that cannot work are refused with the configuration: an empty key, token, user name or password. */
const checkAuth = (auth: Auth.Auth): Either.Either<Auth.Auth, ConfigError.ConfigError> => {
  const empty = (message: string) => Either.left(ConfigError.InvalidData(["auth"], message))
  switch (auth._tag) {
    case "ApiKey":
      return Redacted.value(auth.key).trim() === ""
        ? empty("the API key given to Auth.apiKey is empty; check DOCSPACE_API_KEY (keys start with sk-)")
        : Either.right(auth)
    case "Token":
      return Redacted.value(auth.token).trim() === ""
        ? empty("the token given to Auth.token is empty")
        : Either.right(auth)
    case "Password":
    case "Basic":
      return auth.userName.trim() === ""
        ? empty(`the user name given to Auth.${auth._tag === "Basic" ? "basic" : "password"} is empty`)
        : Redacted.value(auth.password) === ""
        ? empty(`the password given to Auth.${auth._tag === "Basic" ? "basic" : "password"} is empty`)
        : Either.right(auth)
    case "OAuth2":
      return Either.right(auth)
  }
}

/** A rate-limit policy is validated with the rest of the configuration: a bad one is a `ConfigError` naming it. */
const checkPolicy = (
  policy: RateLimitPolicy.RateLimitPolicy,
  path: string
): Either.Either<RateLimitPolicy.RateLimitPolicy, ConfigError.ConfigError> =>
  Either.mapLeft(
    Schema.validateEither(RateLimitPolicy.RateLimitPolicy)(policy),
    (error) =>
      ConfigError.InvalidData(
        [path],
        `invalid rate limit policy: ${ParseResult.TreeFormatter.formatErrorSync(error)}`
      )
  )

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<DocSpaceConfig, ConfigError.ConfigError> =>
  Layer.effect(DocSpaceConfig, make(options))

const authConfig: Config.Config<Auth.Auth> = Config.all({
  apiKey: Config.option(Config.redacted("DOCSPACE_API_KEY")),
  token: Config.option(Config.redacted("DOCSPACE_TOKEN")),
  userName: Config.option(Config.string("DOCSPACE_USERNAME")),
  password: Config.option(Config.redacted("DOCSPACE_PASSWORD")),
  code: Config.option(Config.redacted("DOCSPACE_TOTP_CODE"))
}).pipe(
  Config.mapOrFail(({ apiKey, code, password, token, userName }) => {
    // more than one kind of credentials: refuse rather than silently pick one
    const kinds = [
      Option.isSome(apiKey) ? "DOCSPACE_API_KEY" : undefined,
      Option.isSome(token) ? "DOCSPACE_TOKEN" : undefined,
      Option.isSome(userName) || Option.isSome(password) ? "DOCSPACE_USERNAME/DOCSPACE_PASSWORD" : undefined
    ].filter((kind): kind is string => kind !== undefined)
    if (kinds.length > 1) {
      return Either.left(
        ConfigError.InvalidData(
          [kinds[0]!.split("/")[0]!],
          `${kinds.join(" and ")} are ${kinds.length === 2 ? "both" : "all"} set: set only one kind of credentials ` +
            "(an API key, a token, or a user " +
            "name and password)"
        )
      )
    }
    if (Option.isSome(apiKey)) {
      return Auth.isApiKeyFormat(Redacted.value(apiKey.value))
        ? Either.right(Auth.apiKey(apiKey.value))
        : Either.left(
          ConfigError.InvalidData(["DOCSPACE_API_KEY"], "expected an API key: sk- followed by 64 hex digits")
        )
    }
    if (Option.isSome(token)) return Either.right(Auth.token(token.value))
    if (Option.isSome(userName) && Option.isSome(password)) {
      return Either.right(Auth.password({
        userName: userName.value,
        password: password.value,
        code: Option.isSome(code) ? Effect.succeed(code.value) : undefined
      }))
    }
    if (Option.isSome(userName)) {
      return Either.left(
        ConfigError.MissingData(["DOCSPACE_PASSWORD"], "DOCSPACE_USERNAME is set but DOCSPACE_PASSWORD is not")
      )
    }
    if (Option.isSome(password)) {
      return Either.left(
        ConfigError.MissingData(["DOCSPACE_USERNAME"], "DOCSPACE_PASSWORD is set but DOCSPACE_USERNAME is not")
      )
    }
    return Either.left(
      ConfigError.MissingData(
        ["DOCSPACE_API_KEY"],
        "no credentials: set DOCSPACE_API_KEY, DOCSPACE_TOKEN, or DOCSPACE_USERNAME and DOCSPACE_PASSWORD"
      )
    )
  })
)

/**
 * What {@link config} and {@link layerConfig} take: any field of {@link Options}, as a value or as a `Config` of it,
 * so a program names its own variables (`baseUrl: Config.string("PORTAL_URL")`); the whole object may also be one
 * `Config<Options>`, so `Config.Wrap<Options>` (the form `@effect/ai-openai`'s `layerConfig` takes) fits. A field
 * left out is read from its `DOCSPACE_*` variable (`baseUrl`, `auth`, `allowInsecureHttp`, `timeout`) or takes its
 * default.
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions =
  | { readonly [K in keyof Options]?: Options[K] | Config.Config<Options[K]> }
  | Config.Config.Wrap<Options>

const envUrl = Config.string("DOCSPACE_URL")
const envAllowInsecureHttp = Config.withDefault(Config.boolean("DOCSPACE_ALLOW_INSECURE_HTTP"), false)
const envTimeout = Config.map(
  Config.option(Config.duration("DOCSPACE_TIMEOUT")),
  (timeout): Duration.DurationInput | undefined => Option.getOrUndefined(timeout)
)

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && Object.getPrototypeOf(u) === Object.prototype

const holdsConfig = (u: unknown): boolean =>
  Config.isConfig(u) || (isPlainObject(u) && Object.values(u).some(holdsConfig))

/** A value that may be, or hold (a `Config.Wrap`), `Config`s, as one `Config`; plain values are kept as they are. */
const unwrapMixed = (u: unknown): Config.Config<unknown> =>
  Config.isConfig(u)
    ? u
    : isPlainObject(u) && holdsConfig(u)
    ? Config.all(Object.fromEntries(Object.entries(u).map(([key, value]) => [key, unwrapMixed(value)])))
    : Config.succeed(u)

/** A field given as a `Config`, as a value, or not at all (then `fallback`). */
const fieldConfig = <A>(value: unknown, fallback: Config.Config<A>): Config.Config<A> =>
  value === undefined ? fallback : (unwrapMixed(value) as Config.Config<A>)

/**
 * The configuration read from the environment (or any `ConfigProvider`): `DOCSPACE_URL`, then exactly one of
 * `DOCSPACE_API_KEY` | `DOCSPACE_TOKEN` | `DOCSPACE_USERNAME` + `DOCSPACE_PASSWORD` (optional
 * `DOCSPACE_TOTP_CODE`; more than one kind set is a `ConfigError`), optional `DOCSPACE_ALLOW_INSECURE_HTTP` and
 * `DOCSPACE_TIMEOUT` (e.g. `30 seconds`). Any field given in `options` (a value or a `Config` of your own
 * variable) replaces its variable; see {@link ConfigOptions}.
 *
 * @example
 * import { Auth, DocSpaceConfig } from "@effect-docspace/core"
 * import * as Config from "effect/Config"
 *
 * // your own variable names; rateLimit and userAgent as plain values
 * const config = DocSpaceConfig.config({
 *   baseUrl: Config.string("PORTAL_URL"),
 *   auth: Config.map(Config.redacted("PORTAL_KEY"), Auth.apiKey),
 *   timeout: Config.duration("PORTAL_TIMEOUT")
 * })
 *
 * @since 0.1.0
 * @category config
 */
export const config = (options?: ConfigOptions): Config.Config<DocSpaceConfig> => {
  if (Config.isConfig(options)) {
    return Config.mapOrFail(options as Config.Config<Options>, (all) => validate(all, "baseUrl"))
  }
  const given = (options ?? {}) as { readonly [K in keyof Options]?: unknown }
  return Config.all({
    baseUrl: fieldConfig<string | URL>(given.baseUrl, envUrl),
    auth: fieldConfig<Auth.Auth>(given.auth, authConfig),
    allowInsecureHttp: fieldConfig<boolean | undefined>(given.allowInsecureHttp, envAllowInsecureHttp),
    timeout: fieldConfig<Duration.DurationInput | undefined>(given.timeout, envTimeout),
    userAgent: fieldConfig<string | undefined>(given.userAgent, Config.succeed(undefined)),
    rateLimit: fieldConfig<RateLimitPolicy.RateLimitPolicy | undefined>(given.rateLimit, Config.succeed(undefined)),
    maxBodyBytes: fieldConfig<number | undefined>(given.maxBodyBytes, Config.succeed(undefined))
  }).pipe(
    // an invalid URL read from DOCSPACE_URL is reported under that name
    Config.mapOrFail((all) => validate(all, given.baseUrl === undefined ? "DOCSPACE_URL" : "baseUrl"))
  )
}

/**
 * The configuration from the environment, as a layer; fails with a `ConfigError` naming the missing or invalid
 * variable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: ConfigOptions
): Layer.Layer<DocSpaceConfig, ConfigError.ConfigError> => Layer.effect(DocSpaceConfig, config(options))

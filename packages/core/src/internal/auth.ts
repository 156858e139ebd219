import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as Auth from "../Auth.js"
import * as Errors from "../DocSpaceError.js"
import { currentRequest } from "./current.js"
import { buildPath } from "./path.js"
import { decode, readJson, type RequestInfo, scrubError, transportError, unwrapEnvelope } from "./response.js"
import { withSafeSpan } from "./span.js"
import { boundedTimeout } from "./timeout.js"

/** Applies credentials to requests and knows whether a 401 deserves one more try with fresh credentials. */
export interface Authenticator {
  /** Adds the credentials; returns the request and the credential used (to invalidate exactly that one). */
  readonly authorize: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<readonly [HttpClientRequest.HttpClientRequest, string | undefined], Errors.DocSpaceError>
  /** After a 401: forget the credential used (if still current) so the next `authorize` gets a fresh one. */
  readonly invalidate: (used: string | undefined) => Effect.Effect<boolean>
  /**
   * Ends the session: a token from a login (or `Auth.token`) is revoked with `POST /api/2.0/authentication/logout`
   * carrying it as the `asc_auth_key` cookie (the only thing the server revokes from), and a cached token is
   * forgotten. API keys and Basic credentials have no session: nothing is sent.
   */
  readonly logout: Effect.Effect<void, Errors.DocSpaceError>
  /** The secrets in use now (key, token, password), to scrub from what the server echoes back. */
  readonly secrets: Effect.Effect<ReadonlyArray<string>>
}

const LoginResponse = Schema.Struct({
  token: Schema.optional(Schema.String),
  expires: Schema.optional(Schema.String),
  tfa: Schema.optional(Schema.Boolean),
  sms: Schema.optional(Schema.Boolean)
})

interface CachedToken {
  readonly token: Redacted.Redacted<string>
  readonly obtainedAt: number
  readonly expiresAt: number
}

type CacheState =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Token"; readonly token: CachedToken }
  | { readonly _tag: "Failed"; readonly error: Errors.DocSpaceError; readonly at: number }

// Refresh a little before the portal's expiry so a request never leaves with a token about to lapse: a minute, or
// half the token's life if it is shorter.
const EXPIRY_SKEW_MS = 60_000
const DEFAULT_LIFETIME_MS = 60 * 60_000
// A failed login answers the fibers that were waiting for it, and any that ask within this time, instead of each
// sending the same wrong password again (the portal locks accounts after repeated failures).
const FAILURE_TTL_MS = 5_000

/**
 * The `exp` claim of a JWT, in epoch milliseconds, or undefined when the token is not a JWT or has no readable
 * `exp` in the future.
 */
export const jwtExpiry = (token: string, now: number): number | undefined => {
  const parts = token.split(".")
  if (parts.length !== 3 || parts[1] === undefined) return undefined
  try {
    const base64 = parts[1].replace(/-/g, "+").replace(/_/g, "/")
    const payload: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")))
    const exp = typeof payload === "object" && payload !== null ? (payload as { exp?: unknown }).exp : undefined
    if (typeof exp !== "number" || !Number.isFinite(exp)) return undefined
    const millis = exp * 1000
    return millis > now ? millis : undefined
  } catch {
    return undefined
  }
}

/**
 * When a token obtained `now` expires: the portal's (or the JWT's) expiry when it is readable and still ahead, else
 * an hour from now. An expiry already past (a portal whose clock is behind ours) would otherwise make every call log
 * in again; a token that really expired is renewed on its first 401.
 */
const expiresAt = (expiry: number | undefined, now: number) =>
  expiry !== undefined && Number.isFinite(expiry) && expiry > now ? expiry : now + DEFAULT_LIFETIME_MS

const isFresh = (token: CachedToken, now: number) =>
  token.expiresAt - Math.min(EXPIRY_SKEW_MS, (token.expiresAt - token.obtainedAt) / 2) > now

const bearer = (request: HttpClientRequest.HttpClientRequest, value: Redacted.Redacted<string>) =>
  HttpClientRequest.setHeader(request, "authorization", `Bearer ${Redacted.value(value)}`)

/** A cache that runs at most one refresh at a time, however many fibers ask at once. */
const makeTokenCache = (refresh: Effect.Effect<CachedToken, Errors.DocSpaceError>) =>
  Effect.map(SynchronizedRef.make<CacheState>({ _tag: "Empty" }), (ref) => ({
    get: SynchronizedRef.modifyEffect(ref, (state) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        if (state._tag === "Token" && isFresh(state.token, now)) {
          return Effect.succeed([Either.right(state.token), state] as const)
        }
        if (state._tag === "Failed" && now - state.at < FAILURE_TTL_MS) {
          return Effect.succeed([Either.left(state.error), state] as const)
        }
        // SynchronizedRef runs this uninterruptibly: the login's own timeouts must still be able to interrupt it
        return Effect.flatMap(Effect.either(Effect.interruptible(refresh)), (result) =>
          // a failure is remembered from when it happened (a login can fail by timing out)
          Effect.map(Clock.currentTimeMillis, (failedAt) =>
            [
              result,
              Either.match(result, {
                onLeft: (error): CacheState => ({ _tag: "Failed", error, at: failedAt }),
                onRight: (token): CacheState => ({ _tag: "Token", token })
              })
            ] as const))
      })).pipe(Effect.flatMap((result) => result)),
    invalidate: (used: string | undefined) =>
      SynchronizedRef.modify(
        ref,
        (state): readonly [boolean, CacheState] =>
          state._tag === "Token" && used !== undefined && Redacted.value(state.token.token) === used
            ? [true, { _tag: "Empty" }]
            : [used !== undefined, state]
      ),
    /** The cached token, if any, without logging in. */
    current: Effect.map(
      SynchronizedRef.get(ref),
      (state) => (state._tag === "Token" ? state.token.token : undefined)
    ),
    /** Forgets the cached token (and a remembered failure). */
    clear: SynchronizedRef.set(ref, { _tag: "Empty" })
  }))

/** How logins are made. */
export interface AuthOptions {
  /** Bounds the login request and the reading of its answer. */
  readonly timeout: Duration.Duration
  /** Bounds the size of the login's answer. */
  readonly maxBodyBytes: number
}

/** Builds the authenticator for an `Auth`; `client` is the unauthenticated client (base URL, limits applied). */
export const makeAuthenticator = (
  auth: Auth.Auth,
  client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>,
  options: AuthOptions
): Effect.Effect<Authenticator> => {
  switch (auth._tag) {
    case "ApiKey":
      return Effect.succeed(
        staticAuthenticator((request) => bearer(request, auth.key), [auth.key], Effect.void)
      )
    case "Token":
      return Effect.succeed(
        staticAuthenticator(
          (request) => bearer(request, auth.token),
          [auth.token],
          logoutRequest(auth.token, client, options)
        )
      )
    case "Basic":
      return Effect.succeed(
        staticAuthenticator(
          (request) => HttpClientRequest.basicAuth(request, auth.userName, Redacted.value(auth.password)),
          [auth.password],
          Effect.void
        )
      )
    case "OAuth2":
      return Effect.map(
        makeTokenCache(
          auth.accessToken.pipe(
            Effect.mapError((cause) =>
              new Errors.Unauthorized({
                operation: "oauth2AccessToken",
                method: "GET",
                url: "oauth2",
                message: `the OAuth2 access token effect failed: ${
                  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "unknown cause"
                }`
              })
            ),
            // a JWT is cached until its `exp` (less the skew); anything else for an hour, or until its first 401
            Effect.flatMap((token) =>
              Effect.map(
                Clock.currentTimeMillis,
                (now) => ({
                  token,
                  obtainedAt: now,
                  expiresAt: expiresAt(jwtExpiry(Redacted.value(token), now), now)
                })
              )
            )
          )
        ),
        // an OAuth2 access token is revoked at its authorization server, not by the portal: forget it only
        (cache) => cachedAuthenticator(cache, [], () => cache.clear)
      )
    case "Password":
      return Effect.map(
        makeTokenCache(login(auth, client, options)),
        (cache) =>
          cachedAuthenticator(cache, [auth.password], () =>
            Effect.flatMap(cache.current, (token) =>
              // forget first: no request leaves with the token while it is being revoked
              Effect.zipRight(
                cache.clear,
                token === undefined ? Effect.void : logoutRequest(token, client, options)
              )))
      )
  }
}

const staticAuthenticator = (
  f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest,
  secrets: ReadonlyArray<Redacted.Redacted<string>>,
  logout: Effect.Effect<void, Errors.DocSpaceError>
): Authenticator => {
  const values = Effect.succeed(secrets.map(Redacted.value))
  return {
    authorize: (request) => Effect.succeed([f(request), undefined] as const),
    invalidate: () => Effect.succeed(false),
    logout,
    secrets: values
  }
}

const cachedAuthenticator = (
  cache: Effect.Effect.Success<ReturnType<typeof makeTokenCache>>,
  secrets: ReadonlyArray<Redacted.Redacted<string>>,
  logout: () => Effect.Effect<void, Errors.DocSpaceError>
): Authenticator => ({
  authorize: (request) =>
    Effect.map(cache.get, (cached) => [bearer(request, cached.token), Redacted.value(cached.token)] as const),
  invalidate: cache.invalidate,
  logout: Effect.suspend(logout),
  secrets: Effect.map(
    cache.current,
    (token) => [...secrets.map(Redacted.value), ...(token === undefined ? [] : [Redacted.value(token)])]
  )
})

/** The logout template, the only path the server revokes a session from (with the `asc_auth_key` cookie). */
const LOGOUT_PATH = "/api/2.0/authentication/logout"

/**
 * `POST /api/2.0/authentication/logout` with the token as the `asc_auth_key` cookie: the server revokes the session
 * the cookie names (a Bearer header alone is not revoked). Its answer (null, or an SSO logout URL) is read and
 * dropped.
 */
const logoutRequest = (
  token: Redacted.Redacted<string>,
  client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>,
  options: AuthOptions
): Effect.Effect<void, Errors.DocSpaceError> => {
  const info: RequestInfo = { operation: "logout", method: "POST", url: LOGOUT_PATH }
  return client.execute(
    HttpClientRequest.post(LOGOUT_PATH).pipe(
      HttpClientRequest.setHeader("cookie", `asc_auth_key=${Redacted.value(token)}`)
    )
  ).pipe(
    Effect.flatMap((response) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          boundedTimeout(readJson(info, response, now, options.maxBodyBytes), options.timeout, () =>
            new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(options.timeout) }))
      )
    ),
    Effect.asVoid,
    Effect.catchIf(
      (e): e is never => !Errors.isDocSpaceError(e),
      (e) => Effect.fail(transportError(info, e))
    ),
    Effect.scoped,
    Effect.locally(currentRequest, { operation: "logout", timeout: options.timeout }),
    Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
    withSafeSpan("DocSpace.logout", { "docspace.operation": "logout", "http.request.method": "POST" })
  )
}

const login = (
  auth: Auth.Password,
  client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>,
  options: AuthOptions
): Effect.Effect<CachedToken, Errors.DocSpaceError> => {
  const credentials = { userName: auth.userName, password: Redacted.value(auth.password) }
  // `template` (never the path itself, which may hold a two-factor code) names the request in errors and spans.
  const post = (path: string, template: string, operation: string, body: object) => {
    const info: RequestInfo = { operation, method: "POST", url: template }
    return client.execute(HttpClientRequest.post(path).pipe(HttpClientRequest.bodyUnsafeJson(body))).pipe(
      Effect.flatMap((response) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(
            boundedTimeout(
              readJson(info, response, now, options.maxBodyBytes),
              options.timeout,
              () => new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(options.timeout) })
            ),
            (json) =>
              decode({ ...info, status: response.status }, LoginResponse, unwrapEnvelope(json).response, "response")
          ))
      ),
      Effect.catchIf(
        (e): e is never => !Errors.isDocSpaceError(e),
        (e) => Effect.fail(transportError(info, e))
      ),
      Effect.scoped,
      // bounded like every request; errors below the limiter name the template, never the code
      Effect.locally(currentRequest, { operation, timeout: options.timeout, url: template }),
      // the platform's own span would keep the password body and a two-factor code in the URL
      Effect.locally(HttpClient.currentTracerDisabledWhen, () => true)
    )
  }
  const toCached = (result: typeof LoginResponse.Type, info: RequestInfo) =>
    Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<CachedToken, Errors.DocSpaceError> => {
      if (result.token === undefined || result.token.length === 0) {
        return Effect.fail(
          new Errors.Unauthorized({ ...info, message: "the portal answered the login without a token" })
        )
      }
      const expires = result.expires === undefined ? undefined : Date.parse(result.expires)
      return Effect.succeed({ token: Redacted.make(result.token), obtainedAt: now, expiresAt: expiresAt(expires, now) })
    })
  return post("/api/2.0/authentication", "/api/2.0/authentication", "authenticate", credentials).pipe(
    // a refusal may quote the password back: scrubbed before the span below records the error
    Effect.mapError((error) => scrubError(error, [credentials.password])),
    Effect.flatMap((result) => {
      const info = { operation: "authenticate", method: "POST", url: "/api/2.0/authentication" }
      if ((result.token === undefined || result.token === "") && (result.tfa === true || result.sms === true)) {
        if (auth.code === undefined) {
          return Effect.fail(
            new Errors.Unauthorized({
              ...info,
              message: "the portal requires a two-factor code; pass `code` to Auth.password"
            })
          )
        }
        return Effect.flatMap(auth.code, (code) => {
          const template = "/api/2.0/authentication/{code}"
          const second = { ...info, operation: "authenticateWithCode", url: template }
          // the server reads the code from the body (AuthWithCodeRequestsDto); the web client also puts it in the
          // path, which is validated like every path parameter (never quoted: it is a secret)
          return Either.match(buildPath(template, { code: Redacted.value(code) }), {
            onLeft: () =>
              Effect.fail(
                new Errors.BadRequest({
                  ...second,
                  message: "the two-factor code is not a valid path segment (empty, `.`, `..`, `/`, `?`, `#`, `%`, " +
                    "a control character or a lone surrogate); codes are digits"
                })
              ),
            onRight: (path) =>
              Effect.flatMap(
                post(path, template, "authenticateWithCode", { ...credentials, code: Redacted.value(code) }).pipe(
                  // a refusal may quote the code back (and the password): neither reaches the error
                  Effect.mapError((error) => scrubError(error, [Redacted.value(code), credentials.password]))
                ),
                (answer) => toCached(answer, second)
              )
          })
        })
      }
      return toCached(result, info)
    }),
    // one span for the whole login; it keeps no value
    withSafeSpan("DocSpace.authenticate", { "docspace.operation": "authenticate" })
  )
}

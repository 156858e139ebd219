import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as Auth from "../Auth.js"
import * as Errors from "../DocSpaceError.js"
import { currentRequest } from "./current.js"
import { decode, readJson, type RequestInfo, transportError, unwrapEnvelope } from "./response.js"

/** Applies credentials to requests and knows whether a 401 deserves one more try with fresh credentials. */
export interface Authenticator {
  /** Adds the credentials; returns the request and the credential used (to invalidate exactly that one). */
  readonly authorize: (
    request: HttpClientRequest.HttpClientRequest
  ) => Effect.Effect<readonly [HttpClientRequest.HttpClientRequest, string | undefined], Errors.DocSpaceError>
  /** After a 401: forget the credential used (if still current) so the next `authorize` gets a fresh one. */
  readonly invalidate: (used: string | undefined) => Effect.Effect<boolean>
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
      )
  }))

/** How logins are made. */
export interface AuthOptions {
  /** Bounds the login request and the reading of its answer. */
  readonly timeout: Duration.Duration
}

/** Builds the authenticator for an `Auth`; `client` is the unauthenticated client (base URL, limits applied). */
export const makeAuthenticator = (
  auth: Auth.Auth,
  client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>,
  options: AuthOptions
): Effect.Effect<Authenticator> => {
  switch (auth._tag) {
    case "ApiKey":
      return Effect.succeed(staticAuthenticator((request) => bearer(request, auth.key)))
    case "Token":
      return Effect.succeed(staticAuthenticator((request) => bearer(request, auth.token)))
    case "Basic":
      return Effect.succeed(
        staticAuthenticator((request) =>
          HttpClientRequest.basicAuth(request, auth.userName, Redacted.value(auth.password))
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
            Effect.flatMap((token) =>
              Effect.map(
                Clock.currentTimeMillis,
                (now) => ({ token, obtainedAt: now, expiresAt: now + DEFAULT_LIFETIME_MS })
              )
            )
          )
        ),
        cachedAuthenticator
      )
    case "Password":
      return Effect.map(makeTokenCache(login(auth, client, options)), cachedAuthenticator)
  }
}

const staticAuthenticator = (
  f: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest
): Authenticator => ({
  authorize: (request) => Effect.succeed([f(request), undefined] as const),
  invalidate: () => Effect.succeed(false)
})

const cachedAuthenticator = (cache: Effect.Effect.Success<ReturnType<typeof makeTokenCache>>): Authenticator => ({
  authorize: (request) =>
    Effect.map(cache.get, (cached) => [bearer(request, cached.token), Redacted.value(cached.token)] as const),
  invalidate: cache.invalidate
})

const login = (
  auth: Auth.Password,
  client: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope>,
  options: AuthOptions
): Effect.Effect<CachedToken, Errors.DocSpaceError> => {
  const body = { userName: auth.userName, password: Redacted.value(auth.password) }
  // `template` (never the path itself, which may hold a two-factor code) names the request in errors and spans.
  const post = (path: string, template: string, operation: string) => {
    const info: RequestInfo = { operation, method: "POST", url: template }
    const bodyTimeout = Effect.timeoutFail({
      duration: options.timeout,
      onTimeout: () => new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(options.timeout) })
    })
    return client.execute(HttpClientRequest.post(path).pipe(HttpClientRequest.bodyUnsafeJson(body))).pipe(
      Effect.flatMap((response) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.flatMap(
            bodyTimeout(readJson(info, response, now)),
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
      // the platform's own span would record the full URL, and with it a two-factor code
      path === template ? identity : Effect.locally(HttpClient.currentTracerDisabledWhen, () => true)
    )
  }
  const toCached = (result: typeof LoginResponse.Type, info: RequestInfo) =>
    Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<CachedToken, Errors.DocSpaceError> => {
      if (result.token === undefined || result.token.length === 0) {
        return Effect.fail(
          new Errors.Unauthorized({ ...info, message: "the portal answered the login without a token" })
        )
      }
      const expires = result.expires === undefined ? NaN : Date.parse(result.expires)
      return Effect.succeed({
        token: Redacted.make(result.token),
        obtainedAt: now,
        expiresAt: Number.isNaN(expires) ? now + DEFAULT_LIFETIME_MS : expires
      })
    })
  return post("/api/2.0/authentication", "/api/2.0/authentication", "authenticate").pipe(
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
          const path = `/api/2.0/authentication/${encodeURIComponent(Redacted.value(code))}`
          return Effect.flatMap(
            post(path, "/api/2.0/authentication/{code}", "authenticateWithCode"),
            (second) =>
              toCached(second, { ...info, operation: "authenticateWithCode", url: "/api/2.0/authentication/{code}" })
          )
        })
      }
      return toCached(result, info)
    }),
    // one span for the whole login: its value is the cached token, whose secret is Redacted
    Effect.withSpan("DocSpace.authenticate", { kind: "client", attributes: { "docspace.operation": "authenticate" } })
  )
}

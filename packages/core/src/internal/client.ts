/**
 * The implementation of `DocSpaceClient`: the public module holds its signatures and documentation.
 */
import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type * as Auth from "../Auth.js"
import type {
  DocSpaceClient,
  Envelope,
  MakeOptions,
  RequestOptions,
  StreamedResponse,
  UrlParam
} from "../DocSpaceClient.js"
import * as Config from "../DocSpaceConfig.js"
import * as Errors from "../DocSpaceError.js"
import { makeAuthenticator } from "./auth.js"
import * as Body from "./body.js"
import { type CurrentRequest, currentRequest, TransportAborts } from "./current.js"
import { responseBody } from "./idleTimeout.js"
import { buildPath } from "./path.js"
import { safeUrl } from "./redact.js"
import * as Response from "./response.js"
import { withRequest } from "./span.js"
import { abortTimeout, boundedTimeout } from "./timeout.js"

/** The service's tag. */
export const tag: Context.Tag<DocSpaceClient, DocSpaceClient> = Context.GenericTag<DocSpaceClient>(
  "@effect-docspace/core/DocSpaceClient"
)

const redactedHeaderNames = ["authorization", "cookie", "set-cookie", "x-auth-token"] as const

const withRedactedHeaders = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.locallyWith(
    effect,
    Headers.currentRedactedNames,
    (names) => [...names, ...redactedHeaderNames.filter((name) => !names.includes(name))]
  )

// a UTF-16 surrogate without its pair: a URL would silently carry U+FFFD instead
// a `FetchHttpClient` follows redirects itself unless told not to; other transports ignore this
const noFollow = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.provideService(effect, FetchHttpClient.RequestInit, { redirect: "manual" })

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The query parameters as entries, or why one cannot be sent (never quoting its value). */
const urlParamEntries = (params: RequestOptions["urlParams"]): Either.Either<Array<[string, string]>, string> => {
  const entries: Array<[string, string]> = []
  if (params === undefined) return Either.right(entries)
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue
    const values: ReadonlyArray<UrlParam> = Array.isArray(value) ? value : [value as UrlParam]
    for (const v of values) {
      if (typeof v === "number" && !Number.isFinite(v)) {
        return Either.left(`query parameter "${key}" is not a finite number (${v})`)
      }
      if (v instanceof Date && Number.isNaN(v.getTime())) {
        return Either.left(`query parameter "${key}" is an invalid Date`)
      }
      const text = v instanceof Date ? v.toISOString() : String(v)
      if (loneSurrogate.test(text) || loneSurrogate.test(key)) {
        return Either.left(`query parameter "${key}" holds a lone UTF-16 surrogate, which no URL can carry`)
      }
      entries.push([key, text])
    }
  }
  return Either.right(entries)
}

/** See the public `make`. */
export const make = (
  options?: MakeOptions
): Effect.Effect<DocSpaceClient, never, Config.DocSpaceConfig | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const config = yield* Config.DocSpaceConfig
    const transport = yield* HttpClient.HttpClient
    // a transport that honours its abort signal: a JSON request's timer aborts the signal, no fiber of its own
    const aborts = yield* TransportAborts
    const limiter = yield* Effect.serviceOption(RateLimiter.RateLimiter).pipe(
      Effect.flatMap(Option.match({
        onSome: Effect.succeed,
        onNone: () => Effect.orDie(RateLimiter.make(config.rateLimit))
      }))
    )

    // whole-body reads (`text`) of every answer stop at maxBodyBytes, below the limiter so that its own body
    // handling (permit release, re-sending a GET whose body was cut) reads through the bound
    const limitBody = (response: HttpClientResponse.HttpClientResponse) => Body.bounded(response, config.maxBodyBytes)
    // Reads the body of a JSON request whole, below the limiter: a failure to read it is the transport's (the
    // limiter sends a GET again after one), a body over the limit its typed error
    const prefetch = (
      response: HttpClientResponse.HttpClientResponse,
      request: HttpClientRequest.HttpClientRequest,
      current: CurrentRequest
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError | Errors.DocSpaceError> =>
      Effect.matchEffect(response.text, {
        onSuccess: (text): Effect.Effect<HttpClientResponse.HttpClientResponse> => {
          current.buffered = true
          return Effect.succeed(Body.buffered(response, text))
        },
        onFailure: (error): Effect.Effect<never, HttpClientError.HttpClientError | Errors.DocSpaceError> =>
          Body.isTooLarge(error)
            ? Effect.flatMap(Clock.currentTimeMillis, (now) =>
              Effect.fail(
                Response.tooLarge(
                  { operation: current.operation, method: request.method, url: current.url ?? safeUrl(request.url) },
                  response.status,
                  config.maxBodyBytes,
                  response.headers as unknown as Readonly<Record<string, string>>,
                  now
                )
              ))
            : Effect.fail(
              new HttpClientError.RequestError({
                request,
                reason: "Transport",
                cause: error,
                description: `the connection broke off while the body was read: ${error.message}`
              })
            )
      })
    // transport -> timeout (per request, not counting the wait for permits) -> rate limiter -> base URL & headers
    // every request is tied to a scope: interrupting it, or closing the scope of a streamed body, aborts it
    // Streamed and raw bodies live as long as the caller's scope: closing that scope aborts them (`withScope`). A JSON
    // request reads its whole body below the limiter, under the same one timer as its headers, and is not tied to a
    // scope: the platform's response aborts it when it is interrupted (by its timer or by the caller), and a finished
    // one has nothing to abort (`withScope` would abort it once more when its scope closes: an AbortController, a
    // DOMException and their listeners, about 200 us of CPU a request, see docs/benchmarks.md).
    const scopedTransport = HttpClient.withScope(transport)
    const timed = HttpClient.makeWith<
      never,
      never,
      HttpClientError.HttpClientError | Errors.DocSpaceError,
      Scope.Scope
    >(
      (requestEffect) =>
        Effect.flatMap(requestEffect, (request) =>
          Effect.withFiberRuntime((fiber) => {
            const current = fiber.getFiberRef(currentRequest)
            if (current === undefined) return Effect.map(scopedTransport.execute(request), limitBody)
            const onTimeout = () =>
              new Errors.Timeout({
                operation: current.operation,
                method: request.method,
                url: current.url ?? safeUrl(request.url),
                timeoutMillis: Duration.toMillis(current.timeout)
              })
            if (current.buffer !== true) {
              return boundedTimeout(Effect.map(scopedTransport.execute(request), limitBody), current.timeout, onTimeout)
            }
            // the answer read whole under the same timer
            const whole = <R>(client: HttpClient.HttpClient.With<HttpClientError.HttpClientError, R>) =>
              Effect.flatMap(client.execute(request), (response) => prefetch(limitBody(response), request, current))
            return aborts
              // tied to a scope of its own, whose closing aborts it
              ? abortTimeout(whole(scopedTransport), current.timeout, onTimeout)
              // the request's own fiber changes no FiberRef the caller reads: nothing to merge back
              : boundedTimeout(whole(transport), current.timeout, onTimeout, { inherit: false })
          })),
      Effect.succeed
    )
    // the limiter names a request in its errors and logs through this hook: the template where the real URL holds a
    // secret (a two-factor code), and the operation's route template for its logs
    const limited = limiter.apply(timed, {
      describeRequest: (request) =>
        Effect.map(FiberRef.get(currentRequest), (current) => ({
          method: request.method,
          url: current?.url ?? safeUrl(request.url),
          route: current?.route
        }))
    })
    const origin = config.baseUrl.origin
    const baseHref = config.baseUrl.href.replace(/\/$/, "")
    const based: HttpClient.HttpClient.With<Errors.DocSpaceError, Scope.Scope> = limited.pipe(
      HttpClient.mapRequest((request) => {
        // built whole already (`build`): nothing to add
        if (
          request.headers["user-agent"] === config.userAgent && request.headers["accept"] !== undefined &&
          !request.url.startsWith("/")
        ) return request
        const withUrl = request.url.startsWith("/")
          ? HttpClientRequest.setUrl(request, `${config.baseUrl.href.replace(/\/$/, "")}${request.url}`)
          : request
        return withUrl.pipe(
          // an operation may ask for something else (server-sent events); JSON otherwise
          request.headers["accept"] === undefined ? HttpClientRequest.acceptJson : identity,
          HttpClientRequest.setHeader("user-agent", config.userAgent)
        )
      }),
      HttpClient.catchAll((error): Effect.Effect<never, Errors.DocSpaceError> =>
        Effect.flatMap(FiberRef.get(currentRequest), (current): Effect.Effect<never, Errors.DocSpaceError> => {
          if (!Errors.isDocSpaceError(error)) {
            const failure = Response.transportError({
              operation: current?.operation ?? "unknown",
              method: error.request.method,
              url: current?.url ?? safeUrl(error.request.url)
            }, error)
            if (current?.url === undefined) return Effect.fail(failure)
            // the description may quote the real URL: show the template there too
            const real = new URL(error.request.url, config.baseUrl)
            const message = failure.message.split(real.href).join(current.url).split(real.pathname).join(current.url)
            return Effect.fail(new Errors.TransportError({ ...failure, message }))
          }
          return Effect.fail(error)
        })
      )
    )
    const client = options?.transformClient ? options.transformClient(based) : based
    // logins do not pass through the user's middleware: their bodies hold the password in clear
    const authenticator = yield* makeAuthenticator(config.auth, based, {
      timeout: config.timeout,
      maxBodyBytes: config.maxBodyBytes
    })
    // an error whose server message echoes a secret in use (the portal quoting the token back) never shows it; a
    // 401 says what was refused and what to check
    const scrubbed = (error: Errors.DocSpaceError): Effect.Effect<Errors.DocSpaceError> =>
      Effect.map(authenticator.secrets, (secrets) => withHint(Response.scrubError(error, secrets), config.auth))

    const toRequest = (
      opts: RequestOptions
    ): Either.Either<readonly [HttpClientRequest.HttpClientRequest, Response.RequestInfo], Errors.DocSpaceError> => {
      const isAbsolute = /^https?:\/\//i.test(opts.path)
      if (isAbsolute) {
        let url: URL
        try {
          url = new URL(opts.path)
        } catch {
          return Either.left(badRequest(opts, opts.path, "not a valid URL"))
        }
        if (url.origin !== origin) {
          // never send the portal's credentials anywhere else
          return Either.left(badRequest(opts, safeUrl(url), `the URL is not on the portal's origin ${origin}`))
        }
        return build(opts, url.href, safeUrl(url))
      }
      return Either.match(buildPath(opts.path, opts.pathParams), {
        onLeft: (message) => Either.left(badRequest(opts, `${origin}${opts.path}`, message)),
        onRight: (path) => {
          const url = `${baseHref}${path}`
          return build(opts, url, url)
        }
      })
    }

    const build = (
      opts: RequestOptions,
      url: string,
      infoUrl: string
    ): Either.Either<readonly [HttpClientRequest.HttpClientRequest, Response.RequestInfo], Errors.DocSpaceError> => {
      const params = urlParamEntries(opts.urlParams)
      if (Either.isLeft(params)) return Either.left(badRequest(opts, infoUrl, params.left))
      // the request whole in one step: the URL on the portal, JSON unless the operation asks for something else
      // (server-sent events), the user agent (what `based` would add, one copy of the request at a time)
      const headers: Record<string, string> = {}
      if (opts.headers) {
        for (const [name, value] of Object.entries(opts.headers)) headers[name.toLowerCase()] = value
      }
      if (headers["accept"] === undefined) headers["accept"] = "application/json"
      headers["user-agent"] = config.userAgent
      let request = HttpClientRequest.make(opts.method)(url, { headers })
      if (params.right.length > 0) request = HttpClientRequest.appendUrlParams(request, params.right)
      if (opts.body) request = HttpClientRequest.setBody(request, opts.body)
      return Either.right([request, { operation: opts.operation, method: opts.method, url: infoUrl }] as const)
    }

    // Sends with auth; a 401 with a refreshable credential (password, OAuth2) gets exactly one more try.
    // the status goes on the client's own span (the platform's span, which would carry it, is not made)
    const execute = (request: HttpClientRequest.HttpClientRequest, span: Tracer.Span) =>
      Effect.map(client.execute(request), (response) => {
        span.attribute("http.response.status_code", response.status)
        return response
      })

    const send = (
      original: HttpClientRequest.HttpClientRequest,
      span: Tracer.Span
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, Errors.DocSpaceError, Scope.Scope> =>
      Effect.flatMap(
        propagate(original, span),
        (request) =>
          Effect.flatMap(authenticator.authorize(request), ([authorized, used]) =>
            Effect.flatMap(execute(authorized, span), (response) =>
              // a streamed body was consumed by this attempt and cannot be sent again
              response.status !== 401 || request.body._tag === "Stream"
                ? Effect.succeed(response)
                : Effect.flatMap(authenticator.invalidate(used), (retry) =>
                  retry
                    // drain the refused answer first: its connection and rate-limit permit are released at once
                    ? Effect.zipRight(
                      Effect.zipRight(
                        Effect.logDebug("401 with credentials that may have expired: logging in again, then retrying")
                          .pipe(Effect.annotateLogs({ "docspace.auth": config.auth._tag })),
                        // bounded by the request's own timeout, as the request itself
                        Effect.flatMap(FiberRef.get(currentRequest), (current) =>
                          Effect.ignore(
                            boundedTimeout(
                              Stream.runDrain(response.stream),
                              current?.timeout ?? config.timeout,
                              () =>
                                "timeout"
                            )
                          ))
                      ),
                      Effect.flatMap(authenticator.authorize(request), ([again]) => execute(again, span))
                    )
                    : Effect.succeed(response))))
      )

    // One request: its span, the settings the levels below read (`withRequest`), its errors scrubbed of secrets
    const instrument = <A, R>(
      opts: RequestOptions,
      buffer: boolean,
      f: (span: Tracer.Span, current: CurrentRequest) => Effect.Effect<A, Errors.DocSpaceError, R>
    ): Effect.Effect<A, Errors.DocSpaceError, R> => {
      const template = /^https?:/i.test(opts.path) ? safeUrl(opts.path) : opts.path
      const timeout = opts.timeout === undefined ? config.timeout : Duration.decode(opts.timeout)
      return withRequest(
        `DocSpace.${opts.operation}`,
        {
          "docspace.operation": opts.operation,
          "http.request.method": opts.method,
          "url.template": template,
          "server.address": config.baseUrl.host
        },
        // the limiter's and the re-login's debug logs say which operation they are about (never the real URL)
        [["docspace.operation", opts.operation], ["url.template", template]],
        { operation: opts.operation, route: template, timeout, buffer },
        redactedHeaderNames,
        scrubbed,
        f
      )
    }

    const bodyTimeout = (opts: RequestOptions, info: Response.RequestInfo) => {
      const timeout = opts.timeout === undefined ? config.timeout : Duration.decode(opts.timeout)
      return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        boundedTimeout(
          effect,
          timeout,
          () => new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(timeout) })
        )
    }

    // Without the user's middleware, a JSON request needs no scope: its body is read whole below the limiter and its
    // permit is back before the answer comes up (a scope to open and close was a tenth of a request's Effect steps).
    // Middleware may add finalizers: it gets one.
    const jsonScope: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, Exclude<R, Scope.Scope>> =
      options?.transformClient === undefined
        ? (effect) => effect as Effect.Effect<any, any, any>
        : Effect.scoped

    const requestEnvelope = <A, I, R>(
      opts: RequestOptions,
      schema: Schema.Schema<A, I, R>
    ): Effect.Effect<Envelope<A>, Errors.DocSpaceError, R> =>
      Either.match(toRequest(opts), {
        onLeft: Effect.fail,
        onRight: ([request, info]) =>
          instrument(opts, true, (span, current) =>
            jsonScope(
              Effect.flatMap(send(request, span), (response) => {
                const text = current.buffered === true ? Body.bufferedText(response) : undefined
                // read below the limiter, under the request's one timer: decoded in one step
                if (text !== undefined) {
                  return Effect.clockWith((clock) =>
                    decodeAnswer(
                      opts,
                      info,
                      schema,
                      response.status,
                      Response.interpret(
                        info,
                        response.status,
                        response.headers as unknown as Readonly<Record<string, string>>,
                        text,
                        clock.unsafeCurrentTimeMillis()
                      )
                    )
                  )
                }
                // a transport that bypassed that: reading the body here gets a timer of its own
                return Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.flatMap(
                    bodyTimeout(opts, info)(Response.readJson(info, response, now, config.maxBodyBytes)),
                    (json) => decodeAnswer(opts, info, schema, response.status, Either.right(json))
                  ))
              })
            ))
      })

    const decodeAnswer = <A, I, R>(
      opts: RequestOptions,
      info: Response.RequestInfo,
      schema: Schema.Schema<A, I, R>,
      status: number,
      json: Either.Either<unknown, Errors.DocSpaceError>
    ): Effect.Effect<Envelope<A>, Errors.DocSpaceError, R> => {
      if (Either.isLeft(json)) return Effect.fail(json.left)
      const envelope = opts.envelope === false
        ? { response: json.right, omitted: json.right === undefined }
        : Response.unwrapEnvelope(json.right)
      return Effect.map(
        Response.decodeEnvelope(
          { ...info, status },
          schema,
          envelope,
          opts.envelope === false ? "" : "response"
        ),
        (decoded): Envelope<A> => ({ count: envelope.count, total: envelope.total, status, response: decoded })
      )
    }

    const raw = (
      opts: RequestOptions
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, Errors.DocSpaceError, Scope.Scope> =>
      Either.match(toRequest(opts), {
        onLeft: Effect.fail,
        onRight: ([request, info]) =>
          // the request (its socket, and the rate-limit permit the limiter holds for it) lives until the caller's
          // scope closes or the body has been read
          instrument(opts, false, (span) =>
            Effect.flatMap(
              opts.redirect === "manual" ? noFollow(send(request, span)) : send(request, span),
              (response) =>
                (response.status >= 200 && response.status < 300) ||
                  (opts.redirect === "manual" && response.status >= 300 && response.status < 400 &&
                    response.headers["location"] !== undefined)
                  ? Effect.succeed(response)
                  : Effect.flatMap(Clock.currentTimeMillis, (now) =>
                    Effect.flatMap(
                      bodyTimeout(opts, info)(Response.readJson(info, response, now, config.maxBodyBytes)),
                      () =>
                        Effect.fail(
                          Response.errorForStatus(
                            info,
                            response.status,
                            {},
                            { message: `HTTP ${response.status}` },
                            now
                          )
                        )
                    ))
            ))
      })

    const rawStream = (opts: RequestOptions): Effect.Effect<StreamedResponse, Errors.DocSpaceError, Scope.Scope> =>
      Effect.map(raw(opts), (response) => {
        const info = { operation: opts.operation, method: opts.method, url: safeUrl(response.request.url) }
        const timeout = opts.timeout === undefined ? config.timeout : Duration.decode(opts.timeout)
        return {
          status: response.status,
          headers: response.headers as unknown as Readonly<Record<string, string>>,
          // an idle timeout: a body may take as long as it needs, but not stall longer than this between chunks (one
          // watchdog per body, which destroys a stalled native body: `Stream.timeoutFail` raced every 64 KiB chunk
          // against a timer and halved the throughput)
          body: responseBody(response, {
            onError: (error) => Response.transportError(info, error),
            onTimeout: () => new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(timeout) }),
            duration: timeout
          })
        }
      })

    const stream = (opts: RequestOptions): Stream.Stream<Uint8Array, Errors.DocSpaceError> =>
      Stream.unwrapScoped(Effect.map(rawStream(opts), (response) => response.body))

    return tag.of({
      config,
      request: (opts, schema) => Effect.map(requestEnvelope(opts, schema), (envelope) => envelope.response),
      requestEnvelope,
      raw,
      rawStream,
      stream,
      logout: authenticator.logout.pipe(
        Effect.locally(HttpClient.currentTracerDisabledWhen, () => true),
        withRedactedHeaders
      )
    })
  })

/** The trace context of the client's span, as `traceparent`/`b3` headers (the platform's span is not made). */
const propagate = (request: HttpClientRequest.HttpClientRequest, span: Tracer.Span) =>
  Effect.withFiberRuntime<HttpClientRequest.HttpClientRequest>((fiber) =>
    Effect.succeed(
      fiber.getFiberRef(HttpClient.currentTracerPropagation)
        ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
        : request
    )
  )

/** What to check after a 401, by the kind of credentials (and, for a login, by its step). */
const unauthorizedHint = (auth: Auth.Auth, operation: string): string => {
  switch (auth._tag) {
    case "ApiKey":
      return "check the API key (DOCSPACE_API_KEY, Auth.apiKey): keys start with sk- followed by 64 hex digits, and " +
        "a revoked or expired key is refused"
    case "Token":
      return "the token (DOCSPACE_TOKEN, Auth.token) has expired or was revoked: log in again for a new one"
    case "Basic":
      return "check the user name and password given to Auth.basic (most portals do not accept Basic auth)"
    case "OAuth2":
      return operation === "oauth2AccessToken"
        ? "check the effect given to Auth.oauth2"
        : "the OAuth2 access token was refused, also after asking for a fresh one: check its scopes and audience"
    case "Password":
      return operation === "authenticateWithCode"
        ? "check the two-factor code (Auth.password's code, DOCSPACE_TOTP_CODE): codes expire after 30 seconds"
        : operation === "authenticate"
        ? "check the user name and password (DOCSPACE_USERNAME, DOCSPACE_PASSWORD)"
        : "the portal refused a token from a fresh login: the user may be disabled or lack access to the API"
  }
}

/**
 * An error whose message names the request (operation, method, URL), its status and what to check. The server's own
 * message stays first, so a program matching on it still finds it.
 */
const withHint = (error: Errors.DocSpaceError, auth: Auth.Auth): Errors.DocSpaceError => {
  switch (error._tag) {
    case "RateLimited":
    case "Timeout":
    case "PaginationError":
    case "TransportError":
      // their messages already name the request and what to do
      return error
  }
  const request = `${error.method} ${error.url} (${error.operation})`
  if (error.message.includes(request)) return error
  const status = error.status
  const answered = (fallback: number) => `${request} was refused with HTTP ${status ?? fallback}`
  switch (error._tag) {
    case "Unauthorized":
      return new Errors.Unauthorized({
        ...error,
        message: `${error.message}: ${answered(401)}; ${unauthorizedHint(auth, error.operation)}`
      })
    case "Forbidden":
      return new Errors.Forbidden({
        ...error,
        message: `${error.message}: ${answered(403)}; the credentials are valid but not allowed to do this: check ` +
          "the key's permissions/scopes, or the user's role (and its access to the room or folder)"
      })
    case "NotFound":
      return new Errors.NotFound({
        ...error,
        message: `${error.message}: ${answered(404)}; check the id (it may have been deleted or moved` +
          // the aliases are a files matter: a key, a webhook or a user has none
          (/\/api\/2\.0\/files\//.test(error.url)
            ? "; the @my, @trash... folder aliases work only where the operation documents them"
            : "") +
          ") and the portal's version"
      })
    case "PaymentRequired":
      return new Errors.PaymentRequired({
        ...error,
        message: `${error.message}: ${answered(402)}; the portal's tariff or quota does not allow this: check ` +
          "its plan, the storage quota (the room's or the user's) and the payment status"
      })
    case "BadRequest":
      return new Errors.BadRequest({
        ...error,
        message: status === undefined
          ? `${error.message}: ${request} was not sent; check the parameters`
          : `${error.message}: ${answered(400)}; check the parameters`
      })
    case "ServerError":
      return new Errors.ServerError({
        ...error,
        message: `${error.message}: ${request} failed with ${status === undefined ? "an error" : `HTTP ${status}`}; ${
          error.excerpt !== undefined
            ? "the portal or its proxy failed (an HTML or non-JSON page came back): check that the base URL is " +
              "the portal's and retry later"
            : "the portal failed: retry later, and report it with the server's message if it persists"
        }`
      })
    case "DecodeError":
      return new Errors.DecodeError({
        ...error,
        message: `${request}${status === undefined ? "" : ` (HTTP ${status})`}: the portal answered something this ` +
          `version cannot read: ${error.message}; check that the base URL is a DocSpace portal, and report it with ` +
          "the portal's version if it is"
      })
  }
}

const badRequest = (opts: RequestOptions, url: string, message: string) =>
  new Errors.BadRequest({ operation: opts.operation, method: opts.method, url: safeUrl(url), message })

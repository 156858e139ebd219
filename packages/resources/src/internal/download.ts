/**
 * Downloads as a portal serves them (ONLYOFFICE DocSpace-server, `products/ASC.Files/Core/HttpHandlers/
 * FileHandler.ashx.cs`): `filehandler.ashx?action=download` answers the bytes itself (local disk), or **302 to a
 * presigned URL on the storage's own origin** (S3 and every other storage that supports presigned URIs, i.e. every
 * Cloud portal). A range `bytes=a-b` / `bytes=a-` is answered 206 with `Content-Range: bytes a-b/total` (the server
 * writes it with a leading space), or 200 when it covers the whole file; a suffix range (`bytes=-n`) or an
 * unsatisfiable one is a 400 (the handler turns every exception into a 400 HTML page).
 *
 * Redirects are followed here, at most {@link maxRedirects} hops, keeping the `Range` header: a hop on the portal's
 * own origin goes through the `DocSpaceClient` (with its auth), a hop anywhere else through {@link StorageClient},
 * without any credential (the storage refuses them, and they are not its to see).
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Errors from "@effect-docspace/core/DocSpaceError"
import * as Redaction from "@effect-docspace/core/Redaction"
import * as Streams from "@effect-docspace/core/Streams"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** How many redirects one download may follow before it fails (a loop, or a misconfigured proxy). */
export const maxRedirects = 5

// GET only, credentials never added, redirects not followed (they are followed, and checked, by the caller)
const fetchClient: HttpClient.HttpClient = HttpClient.make((request, url, signal) =>
  Effect.map(
    Effect.tryPromise({
      try: () =>
        globalThis.fetch(url, {
          method: request.method,
          headers: request.headers as unknown as Record<string, string>,
          redirect: "manual",
          signal
        }),
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    }),
    (response) => HttpClientResponse.fromWeb(request, response)
  )
)

/**
 * The `HttpClient` a download uses for hops to another origin than the portal's (the storage of a Cloud portal).
 * It never receives the portal's credentials. Default: the runtime's `fetch` (redirects not followed by it, they are
 * followed by the client); provide another one with `Layer.succeed(Downloads.StorageClient, client)`, e.g. the same
 * `HttpClient` as the `DocSpaceClient`'s, or `FakeDocSpace`'s in-process client in tests.
 */
export class StorageClient extends Context.Reference<StorageClient>()(
  "@effect-docspace/resources/Downloads/StorageClient",
  { defaultValue: (): HttpClient.HttpClient => fetchClient }
) {}

/** A response on the way to the bytes: its status, headers (lower case), body, and where it came from. */
export interface Hop {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Stream.Stream<Uint8Array, Errors.DocSpaceError>
  readonly url: string
}

const isRedirect = (status: number) =>
  status === 301 || status === 302 || status === 303 || status === 307 || status === 308

/** One hop to another origin: no credentials, bounded by `timeout` for the headers and between two body chunks. */
const storageHop = (
  operation: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  timeout: Duration.Duration
): Effect.Effect<Hop, Errors.DocSpaceError, Scope.Scope> => {
  const info = { operation, method: "GET", url: Redaction.safeUrl(url) }
  const timedOut = () => new Errors.Timeout({ ...info, timeoutMillis: Duration.toMillis(timeout) })
  return Effect.flatMap(
    StorageClient,
    (client) =>
      HttpClient.withScope(client).execute(HttpClientRequest.get(url.href).pipe(HttpClientRequest.setHeaders(headers)))
        .pipe(
          Effect.timeoutFail({ duration: timeout, onTimeout: timedOut }),
          Effect.catchAll((error) =>
            Effect.fail(
              Errors.isDocSpaceError(error) ? error : new Errors.TransportError({
                ...info,
                // the storage URL's query is its signature: never quote the URL, only what failed
                message: `the storage did not answer: ${
                  error instanceof Error ? error.message.split(url.href).join(info.url) : "transport error"
                }`
              })
            )
          ),
          Effect.flatMap((response) => {
            const status = response.status
            const body = response.stream.pipe(
              Stream.mapError(() => new Errors.TransportError({ ...info, message: "the storage's body broke off" })),
              // one watchdog per body, not a race per chunk
              Streams.idleTimeout(timedOut, timeout)
            )
            if ((status >= 200 && status < 300) || isRedirect(status)) {
              return Effect.succeed({
                status,
                headers: response.headers as Record<string, string>,
                body,
                url: url.href
              })
            }
            // the body of an error page may quote the signed URL: only its status is kept
            const fields = { ...info, status, message: `the storage answered HTTP ${status}` }
            return Effect.fail(
              status === 400 || status === 416
                ? new Errors.BadRequest({ ...fields, message: `the storage refused the range (HTTP ${status})` })
                : status === 401 || status === 403
                ? new Errors.Forbidden(fields)
                : status === 404
                ? new Errors.NotFound(fields)
                : status >= 500
                ? new Errors.ServerError(fields)
                : new Errors.BadRequest(fields)
            )
          })
        )
  )
}

/**
 * Follows the redirects of a portal download from its first answer: hops on the portal's origin with the client's
 * auth, others through {@link StorageClient} without credentials, `headers` (the `Range`) kept on every hop.
 */
export const follow = (
  client: DocSpaceClient.DocSpaceClient,
  operation: string,
  first: Hop,
  headers: Readonly<Record<string, string>>
): Effect.Effect<Hop, Errors.DocSpaceError, Scope.Scope> => {
  const origin = client.config.baseUrl.origin
  const timeout = Duration.decode(client.config.timeout)
  const loop = (hop: Hop, hops: number): Effect.Effect<Hop, Errors.DocSpaceError, Scope.Scope> => {
    if (!isRedirect(hop.status)) return Effect.succeed(hop)
    const info = { operation, method: "GET", url: Redaction.safeUrl(hop.url) }
    if (hops >= maxRedirects) {
      return Effect.fail(
        new Errors.ServerError({
          ...info,
          status: hop.status,
          message: `more than ${maxRedirects} redirects: a redirect loop`
        })
      )
    }
    const location = hop.headers["location"]
    let next: URL | undefined
    try {
      next = location === undefined ? undefined : new URL(location, hop.url)
    } catch {
      next = undefined
    }
    if (next === undefined || (next.protocol !== "https:" && next.protocol !== "http:")) {
      return Effect.fail(
        new Errors.ServerError({
          ...info,
          status: hop.status,
          message: `HTTP ${hop.status} without a usable Location`
        })
      )
    }
    // an https portal is never followed to plain http (the presigned URL is a bearer credential)
    if (new URL(hop.url).protocol === "https:" && next.protocol === "http:") {
      return Effect.fail(
        new Errors.ServerError({ ...info, status: hop.status, message: "a redirect from https to plain http" })
      )
    }
    const target = next
    // the portal's hop is discarded unread: it is closed with the scope
    const nextHop = target.origin === origin
      ? Effect.flatMap(
        client.rawStream({ operation, method: "GET", path: target.href, headers, envelope: false, ...manual }),
        (response) => checkOpaque(operation, target.href, { ...response, url: target.href })
      )
      : storageHop(operation, target, headers, timeout)
    return Effect.flatMap(nextHop, (hop) => loop(hop, hops + 1))
  }
  return loop(first, 0)
}

/**
 * Asks the client to hand back a 3xx that has a `Location` instead of failing on it (and a `FetchHttpClient` not to
 * follow it), so that the storage hop is followed here (without credentials) whatever the transport does with
 * redirects. A transport that answers a 3xx
 * without `Location` still fails in `raw`, turned into a clear message by {@link explainRedirect}.
 */
export const manual = { redirect: "manual" } as const

/**
 * A browser's `fetch` hides a manual redirect (an `opaqueredirect`: status 0, no headers): there is nothing to follow,
 * so it is a typed error saying so (download through `presignedUri`, or a transport that hands redirects back).
 */
export const checkOpaque = <H extends { readonly status: number }>(
  operation: string,
  url: string,
  hop: H
): Effect.Effect<H, Errors.DocSpaceError> =>
  hop.status === 0 || (hop.status >= 300 && hop.status < 400 && !isRedirect(hop.status))
    ? Effect.fail(
      new Errors.ServerError({
        operation,
        method: "GET",
        url: Redaction.safeUrl(url),
        status: hop.status,
        message: hop.status === 0
          ? "the portal redirected the download but the runtime's fetch hides the redirect (an opaqueredirect, " +
            "as in a browser): use presignedUri, or a transport that hands redirects back"
          : `the portal answered HTTP ${hop.status}, not a redirect to follow`
      })
    )
    : Effect.succeed(hop)

/** A portal answer the client could not follow (see {@link manual}): says so, instead of a bare "HTTP 302". */
export const explainRedirect = <A, R>(
  effect: Effect.Effect<A, Errors.DocSpaceError, R>
): Effect.Effect<A, Errors.DocSpaceError, R> =>
  Effect.catchIf(
    effect,
    (error): error is Errors.ServerError =>
      error._tag === "ServerError" && error.status !== undefined && (error.status === 0 || isRedirect(error.status)),
    (error) =>
      Effect.fail(
        new Errors.ServerError({
          ...error,
          message: error.status === 0
            ? "the portal redirected the download but the runtime's fetch hides the redirect (an opaqueredirect, " +
              "as in a browser): use presignedUri, or a transport that hands redirects back"
            : `the portal redirected the download (HTTP ${error.status}, its storage is not local disk) ` +
              `without a Location to follow`
        })
      )
  )

/** `bytes a-b/total` (the portal writes a leading space; `total` may be `*`). */
export const parseContentRange = (
  value: string | undefined
): { readonly start: number; readonly end: number; readonly total: number | undefined } | undefined => {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? "")
  if (match === null) return undefined
  const start = Number(match[1])
  const end = Number(match[2])
  const total = match[3] === "*" ? undefined : Number(match[3])
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined
  if (total !== undefined && (!Number.isSafeInteger(total) || end >= total)) return undefined
  return { start, end, total }
}

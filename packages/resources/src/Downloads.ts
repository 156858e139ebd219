/**
 * Downloads as byte streams, in constant memory: `GET /filehandler.ashx?action=download&fileid=ID` with the
 * client's auth, optionally a byte range, or a presigned URI to hand to someone else.
 *
 * @example
 * ```ts
 * import { Downloads } from "@effect-docspace/resources"
 * import { NodeFileSystem } from "@effect/platform-node"
 * import * as FileSystem from "@effect/platform/FileSystem"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const fs = yield* FileSystem.FileSystem
 *   yield* Downloads.stream(101).pipe(Stream.run(fs.sink("report.pdf")))
 *   // the first KiB only
 *   const head = yield* Downloads.stream(101, { range: { start: 0, end: 1023 } }).pipe(Stream.runCollect)
 * }).pipe(Effect.provide(NodeFileSystem.layer))
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as Errors from "@effect-docspace/core/DocSpaceError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Internal from "./internal/download.js"

/**
 * The `HttpClient` used for the hops of a download to another origin than the portal's: the presigned storage URL a
 * Cloud portal redirects `filehandler.ashx` to. It never receives the portal's credentials. By default the runtime's
 * `fetch`; provide your own with `Layer.succeed(Downloads.StorageClient, httpClient)` (e.g. `FakeDocSpace`'s
 * in-process client in tests).
 *
 * @since 0.2.0
 * @category services
 */
export const StorageClient: typeof Internal.StorageClient = Internal.StorageClient

/**
 * How many redirects a download follows before it fails with `ServerError` (a loop): 5.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxRedirects: number = Internal.maxRedirects

/**
 * How many times, by default, a download whose body breaks off is resumed with a `Range` from the bytes already
 * received: 3.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultResumeAttempts = 3

/**
 * A byte range: `start` and `end` are both inclusive, as in the HTTP `Range` header (`{ start: 0, end: 99 }` is
 * the first 100 bytes); without `end`, up to the end of the file.
 *
 * @since 0.1.0
 * @category models
 */
export interface Range {
  readonly start: number
  readonly end?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StreamOptions {
  /** Only these bytes. */
  readonly range?: Range | undefined
  /** An older version of the file. */
  readonly version?: number | undefined
  /**
   * How many times a body that breaks off (reset, stall, short body) is resumed with a `Range` from the bytes
   * received, as long as the file is the same (same `ETag` and length). Default {@link defaultResumeAttempts}; 0 never.
   *
   * @since 0.2.0
   */
  readonly resumeAttempts?: number | undefined
  /**
   * Convert on the portal to this format (an extension, `"pdf"` or `".pdf"`; the portal's `extsConvertible` of
   * `GET /api/2.0/files/settings` lists what each format converts to): `filehandler.ashx?...&outputtype=.pdf`. The
   * portal sends the whole converted file (no `Range`: a `range` is cut from it here) and never resumes it (each
   * conversion is new). The portal silently sends the original when it cannot convert: that fails with
   * `BadRequest`, seen from the file name it announces.
   *
   * @since 0.2.0
   */
  readonly outType?: string | undefined
}

const badRange = (range: Range) =>
  new Errors.BadRequest({
    operation: "downloadFile",
    method: "GET",
    url: "/filehandler.ashx",
    message: `invalid range ${JSON.stringify(range)}: start and end must be integers with 0 <= start <= end`
  })

/** What is downloaded: a portal path (template-free) and its query. */
interface Target {
  readonly operation: string
  readonly path: string
  readonly urlParams?: DocSpaceClient.RequestOptions["urlParams"]
  /** The extension the announced file name must have (a conversion). */
  readonly extension?: string | undefined
}

/** The file name of a `Content-Disposition` header (`filename*` first), when it has one. */
const dispositionName = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const encoded = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(header)?.[1] ??
    /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;]+)/i.exec(header)?.[1]
  if (encoded === undefined) return undefined
  try {
    return decodeURIComponent(encoded.trim())
  } catch {
    return encoded.trim()
  }
}

/** An answer whose bytes start at `start`, with what identifies the file (to resume only the same one). */
interface Opened {
  readonly body: Stream.Stream<Uint8Array, Errors.DocSpaceError>
  readonly etag: string | undefined
  /** The file's full length, when the answer says. */
  readonly total: number | undefined
  /** The offset of the last byte this answer promises, when it says. */
  readonly last: number | undefined
}

const mismatch = (target: Target, url: string, message: string) =>
  new Errors.ServerError({ operation: target.operation, method: "GET", url, message })

/** Opens the download at `start` (up to `end`), following redirects; checks that the answer holds those bytes. */
const open = (
  client: DocSpaceClient.DocSpaceClient,
  target: Target,
  start: number,
  end: number | undefined
): Effect.Effect<Opened, Errors.DocSpaceError, Scope.Scope> => {
  const ranged = start > 0 || end !== undefined
  const headers: Record<string, string> = ranged ? { range: `bytes=${start}-${end ?? ""}` } : {}
  // the URL the client requests (a baseUrl path prefix kept), against which a relative Location is resolved
  const portalUrl = /^https?:\/\//i.test(target.path)
    ? new URL(target.path).href
    : `${client.config.baseUrl.href.replace(/\/$/, "")}${target.path}`
  return Internal.explainRedirect(
    client.rawStream({
      operation: target.operation,
      method: "GET",
      path: target.path,
      urlParams: target.urlParams,
      envelope: false,
      headers,
      ...Internal.manual
    })
  ).pipe(
    Effect.flatMap((response) => Internal.checkOpaque(target.operation, portalUrl, response)),
    Effect.flatMap((response) =>
      // FileHandler redirects to the storage only when it does not convert: asked for a conversion, that is a refusal
      target.extension !== undefined && response.status >= 300 && response.status < 400
        ? Effect.fail(
          new Errors.BadRequest({
            operation: target.operation,
            method: "GET",
            url: `${client.config.baseUrl.origin}${new URL(portalUrl).pathname}`,
            status: response.status,
            message: `the portal does not convert this file to ${target.extension}: it redirected to the original`
          })
        )
        : Internal.follow(client, target.operation, { ...response, url: portalUrl }, headers)
    ),
    Effect.flatMap((hop): Effect.Effect<Opened, Errors.DocSpaceError> => {
      const etag = hop.headers["etag"]
      const url = new URL(hop.url).origin === client.config.baseUrl.origin
        ? `${client.config.baseUrl.origin}${new URL(hop.url).pathname}`
        : new URL(hop.url).origin
      const name = dispositionName(hop.headers["content-disposition"])
      if (target.extension !== undefined && name !== undefined && !name.toLowerCase().endsWith(target.extension)) {
        // FileHandler sends the original when the format does not convert to the one asked
        return Effect.fail(
          new Errors.BadRequest({
            operation: target.operation,
            method: "GET",
            url,
            message: `the portal does not convert this file to ${target.extension}: it sent ${name}`
          })
        )
      }
      if (hop.status === 206) {
        const range = Internal.parseContentRange(hop.headers["content-range"])
        // the answer must hold every byte asked (up to the file's end), not fewer: a 206 may legally cover less
        const expectedEnd = range?.total === undefined ? end : Math.min(end ?? Infinity, range.total - 1)
        if (
          !ranged || range === undefined || range.start !== start ||
          (expectedEnd !== undefined ? range.end !== expectedEnd : false)
        ) {
          return Effect.fail(
            mismatch(
              target,
              url,
              `asked for ${ranged ? `bytes=${start}-${end ?? ""}` : "the whole file"} but the answer holds ${
                range === undefined ? "no valid Content-Range" : `bytes ${range.start}-${range.end}`
              }`
            )
          )
        }
        return Effect.succeed({ body: hop.body, etag, total: range.total, last: range.end })
      }
      const length = Number(hop.headers["content-length"])
      const total = hop.headers["content-length"] !== undefined && Number.isSafeInteger(length) ? length : undefined
      return Effect.succeed({
        // a whole file where a range was asked (a server that ignores Range): cut to the range
        body: ranged ? slice(hop.body, start, end === undefined ? Infinity : end + 1) : hop.body,
        etag,
        total,
        last: total === undefined ? undefined : Math.min(total - 1, end ?? Infinity)
      })
    })
  )
}

const resumable = (error: Errors.DocSpaceError) => error._tag === "TransportError" || error._tag === "Timeout"

/**
 * The bytes of `target` from `start` to `end`, resumed with a `Range` from the bytes received when the body breaks
 * off, at most `attempts` times, and only while the file is the same (same `ETag` and length).
 */
const download = (
  target: Target,
  start: number,
  end: number | undefined,
  attempts: number
): Stream.Stream<Uint8Array, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const client = yield* Client.DocSpaceClient
    const first = yield* open(client, target, start, end)
    const from = (opened: Opened, position: number, left: number): Stream.Stream<Uint8Array, Errors.DocSpaceError> => {
      let received = position
      const last = opened.last
      return opened.body.pipe(
        // counted per chunk of arrays, without an effect per array
        Stream.mapChunks((chunk) => {
          for (const bytes of chunk) received += bytes.length
          return chunk
        }),
        // a body that ends before the bytes it announced is broken off too
        Stream.concat(Stream.suspend(() =>
          last !== undefined && received <= last
            ? Stream.fail(
              new Errors.TransportError({
                operation: target.operation,
                method: "GET",
                url: `${client.config.baseUrl.origin}${target.path}`,
                message: `the body ended after ${received - start} bytes, ${last + 1 - received} short`
              })
            )
            : Stream.empty
        )),
        Stream.catchAll((error) =>
          // resumed only when the first answer says what identifies the file (ETag or full length), and the
          // resumed answer says the same: otherwise its bytes may be another file's
          resumable(error) && left > 0 && received > position &&
            (first.etag !== undefined || first.total !== undefined)
            ? Stream.unwrapScoped(
              Effect.map(
                Effect.flatMap(open(client, target, received, end), (again) =>
                  (first.etag !== undefined && first.etag !== again.etag) ||
                    (first.total !== undefined && first.total !== again.total)
                    ? Effect.fail(
                      mismatch(target, client.config.baseUrl.origin, "the file changed while it was downloaded")
                    )
                    : Effect.succeed(again)),
                (again) =>
                  from(again, received, left - 1)
              )
            )
            : Stream.fail(error)
        )
      )
    }
    return from(first, start, attempts)
  }))

const checkOptions = (options: StreamOptions | undefined): Errors.BadRequest | undefined => {
  const range = options?.range
  if (
    range !== undefined &&
    (!Number.isSafeInteger(range.start) || range.start < 0 ||
      (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < range.start)))
  ) {
    return badRange(range)
  }
  if (options?.outType !== undefined && !/^\.?[a-z0-9]+$/i.test(options.outType)) {
    return new Errors.BadRequest({
      operation: "downloadFile",
      method: "GET",
      url: "/filehandler.ashx",
      message: `outType must be an extension such as "pdf", got ${JSON.stringify(options.outType)}`
    })
  }
  const attempts = options?.resumeAttempts
  if (attempts !== undefined && (!Number.isSafeInteger(attempts) || attempts < 0)) {
    return new Errors.BadRequest({
      operation: "downloadFile",
      method: "GET",
      url: "/filehandler.ashx",
      message: `resumeAttempts must be a non-negative integer, got ${attempts}`
    })
  }
  return undefined
}

/**
 * A file's bytes as a stream, read as it is consumed. The portal's redirect to its storage (every Cloud portal
 * answers `filehandler.ashx` with a 302 to a presigned URL on another origin) is followed without credentials, the
 * `Range` kept. With a `range`, only those bytes: a 206 must carry the `Content-Range` asked for (anything else is a
 * `ServerError`, never a wrong file); a portal that ignores `Range` and sends the whole file is cut to the range by
 * the client. A body that breaks off is resumed from the bytes received (see `resumeAttempts`). A range the file
 * cannot satisfy is a `BadRequest` (the portal answers 400).
 *
 * @since 0.1.0
 * @category downloads
 */
export const stream = (
  fileId: number | string,
  options?: StreamOptions
): Stream.Stream<Uint8Array, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const invalid = checkOptions(options)
  if (invalid !== undefined) return Stream.fail(invalid)
  const outType = options?.outType === undefined
    ? undefined
    : `.${options.outType.replace(/^\./, "").toLowerCase()}`
  return download(
    {
      operation: "downloadFile",
      path: "/filehandler.ashx",
      // FilesLinkUtility.OutType is "outputtype"
      urlParams: { action: "download", fileid: fileId, version: options?.version, outputtype: outType },
      extension: outType
    },
    options?.range?.start ?? 0,
    options?.range?.end,
    // a conversion is made anew on each request: never resumed
    outType !== undefined ? 0 : options?.resumeAttempts ?? defaultResumeAttempts
  )
}

/**
 * The bytes behind a download URL on the portal, such as the `url` of a finished bulk download
 * (`PUT /api/2.0/files/fileops/bulkdownload`), with the same redirects, range checks and resumption as
 * {@link stream}. The URL must be on the portal's origin (or a path on it): credentials are never sent elsewhere.
 *
 * @since 0.2.0
 * @category downloads
 */
export const streamUrl = (
  url: string,
  options?: Omit<StreamOptions, "version" | "outType">
): Stream.Stream<Uint8Array, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const invalid = checkOptions(options)
  if (invalid !== undefined) return Stream.fail(invalid)
  return download(
    { operation: "downloadUrl", path: url },
    options?.range?.start ?? 0,
    options?.range?.end,
    options?.resumeAttempts ?? defaultResumeAttempts
  )
}

/** Bytes `[from, to)` of a byte stream; stops reading once past `to`. */
const slice = <E, R>(
  self: Stream.Stream<Uint8Array, E, R>,
  from: number,
  to: number
): Stream.Stream<Uint8Array, E, R> =>
  self.pipe(
    Stream.mapAccum(0, (offset, bytes) => [offset + bytes.length, { offset, bytes }] as const),
    Stream.takeWhile(({ offset }) => offset < to),
    Stream.map(({ bytes, offset }) =>
      bytes.subarray(Math.max(0, from - offset), Math.max(0, Math.min(bytes.length, to - offset)))
    ),
    Stream.filter((bytes) => bytes.length > 0)
  )

/**
 * A file's whole content in memory (small files only; prefer {@link stream}).
 *
 * @since 0.1.0
 * @category downloads
 */
export const bytes = (
  fileId: number | string,
  options?: StreamOptions
): Effect.Effect<Uint8Array, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(Stream.runCollect(stream(fileId, options)), (chunks) => {
    const out = new Uint8Array(Chunk.reduce(chunks, 0, (n, chunk) => n + chunk.length))
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  })

/**
 * A short-lived URL anyone can download the file from without credentials
 * (`GET /api/2.0/files/file/{fileId}/presigneduri`).
 *
 * @since 0.1.0
 * @category downloads
 */
export const presignedUri = (
  fileId: number | string
): Effect.Effect<string, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getPresignedUri",
    method: "GET",
    path: "/api/2.0/files/file/{fileId}/presigneduri",
    pathParams: { fileId }
  }, Schema.String)

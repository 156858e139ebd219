/**
 * Chunked uploads in constant memory: the content is a byte `Stream`, regrouped into parts of exactly the
 * portal's chunk size (`chunkUploadSize` of `GET /api/2.0/files/settings`, 10 MiB by default, asked once per
 * client and cached) and sent in order, one part in flight at a time. Each part is copied once into a reused buffer
 * with room for its multipart frame: one part in memory (`parallel` parts with `parallel`), whatever the file size.
 *
 * Two protocols:
 * - `"location"` (default, every DocSpace version): `POST /api/2.0/files/{folderId}/upload/create_session`, then
 *   each part as `multipart/form-data` to the `location` it answers; the last part answers 201 with the file. The
 *   location answers HTTP 200 even on errors, with `{"success": false, "message": ...}`: that is a `BadRequest`.
 * - `"session"` (DocSpace 3.7+): `POST /api/2.0/files/{folderId}/session`, numbered parts to
 *   `.../session/{sessionId}/upload?chunkNumber=n`, then `PUT .../session/{sessionId}/finalize`.
 *
 * With `parallel` (a number, or `"portal"` for the portal's `maxUploadThreadCount`) the parts are numbered and sent
 * several at once, as the web client does: `location&upload=true&chunkNumber=n` then `location&finalize=true`, or the
 * session's numbered parts then `finalize`. Each part is a `Uint8Array` multipart body with a `Content-Length` (the
 * portal's parallel handler computes the part's length from it). Memory stays bounded by `parallel` parts.
 *
 * A content stream whose length differs from the declared `size` fails with `BadRequest` before the last part is
 * sent, so the portal never stores a truncated file; the session is then aborted. An empty file is sent with the
 * simple multipart upload (`POST /api/2.0/files/{folderId}/upload`): the portal refuses an empty part.
 *
 * The parts are always cut to the portal's own chunk size: the portal counts `ceil(size / chunkUploadSize)` parts
 * and stores a file smaller than its chunk size from the first part, so any other size would store a truncated file
 * or never finish. The upload succeeds only when the portal's last answer proves the file exists (HTTP 201,
 * `uploaded: true`, a file id that is not the session id). A named folder such as `"@my"` is resolved to its id
 * first: the session routes have no such aliases. Every request, the clean-up ones included, is bounded by its
 * timeout, and a session is aborted whenever the upload does not finish, even when it is interrupted while the
 * session is being opened.
 *
 * @example
 * ```ts
 * import { Uploads } from "@effect-docspace/resources"
 * import { NodeFileSystem } from "@effect/platform-node"
 * import * as FileSystem from "@effect/platform/FileSystem"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const fs = yield* FileSystem.FileSystem
 *   const { size } = yield* fs.stat("report.pdf")
 *   const file = yield* Uploads.upload({
 *     folderId: 123,
 *     fileName: "report.pdf",
 *     size: Number(size),
 *     content: fs.stream("report.pdf")
 *   })
 *   console.log(`uploaded ${file.title} as ${file.id}`)
 * }).pipe(Effect.provide(NodeFileSystem.layer))
 * ```
 *
 * @since 0.1.0
 */
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as Errors from "@effect-docspace/core/DocSpaceError"
import * as Multipart from "@effect-docspace/core/Multipart"
import * as Redaction from "@effect-docspace/core/Redaction"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { globalValue } from "effect/GlobalValue"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { cutPull, LengthMismatch, type Part } from "./internal/bytes.js"
import * as Schemas from "./internal/schemas.js"

/**
 * The uploaded file.
 *
 * @since 0.1.0
 * @category models
 */
export interface File extends Schemas.File {}

/**
 * The portal's chunk size when it does not say: 10 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultChunkSize = 10 * 1024 * 1024

/**
 * How long one part may take to send. Default 5 minutes (the client's usual timeout is meant for JSON calls).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultChunkTimeout: Duration.Duration = Duration.minutes(5)

/**
 * @since 0.1.0
 * @category models
 */
export interface UploadOptions<E, R> {
  readonly folderId: number | string
  readonly fileName: string
  /** The exact length of `content` in bytes. */
  readonly size: number
  readonly content: Stream.Stream<Uint8Array, E, R>
  /** Where under `folderId` to put the file (folders are created as needed), e.g. `"2024/reports"`. */
  readonly relativePath?: string | undefined
  /** Upload a new file when one with the same name exists, instead of a new version of it. */
  readonly createNewIfExist?: boolean | undefined
  /** Which protocol: `"location"` (default, every version) or `"session"` (the REST sessions of DocSpace 3.7). */
  readonly protocol?: "location" | "session" | undefined
  /**
   * The chunk size you expect (bytes). The portal's own size is always used: a value that differs from it fails with
   * `BadRequest` before anything is uploaded (the portal would store a truncated file or never finish).
   */
  readonly chunkSize?: number | undefined
  /** Bounds each part's request. Default {@link defaultChunkTimeout}. */
  readonly chunkTimeout?: Duration.DurationInput | undefined
  /**
   * Send up to this many parts at once (numbered parts, then one finalize request), or `"portal"` for the portal's
   * `maxUploadThreadCount` (`GET /api/2.0/files/settings`). Default: one part at a time, in order. At most this many
   * parts are in flight (and in memory). A file of one part is always sent the sequential way.
   *
   * @since 0.2.0
   */
  readonly parallel?: number | "portal" | undefined
  /** Called after each part is accepted, with the bytes sent so far. */
  readonly onProgress?:
    | ((progress: { readonly bytesSent: number; readonly size: number }) => Effect.Effect<void>)
    | undefined
}

// the chunk size, asked once per client
const chunkSizes = globalValue(
  Symbol.for("@effect-docspace/resources/Uploads/chunkSizes"),
  () => new WeakMap<Client.DocSpaceClient, number>()
)

// the portal's maxUploadThreadCount, read with the chunk size
const threadCounts = globalValue(
  Symbol.for("@effect-docspace/resources/Uploads/threadCounts"),
  () => new WeakMap<Client.DocSpaceClient, number>()
)

const FilesSettings = Schema.Struct({
  chunkUploadSize: Schemas.opt(Schema.Number),
  maxUploadThreadCount: Schemas.opt(Schema.Number)
})

/**
 * The portal's chunk size (`chunkUploadSize` of `GET /api/2.0/files/settings`), asked once per client and cached.
 *
 * @since 0.1.0
 * @category getters
 */
export const chunkSize: Effect.Effect<number, Errors.DocSpaceError, Client.DocSpaceClient> = Effect.flatMap(
  Client.DocSpaceClient,
  (client) => {
    const cached = chunkSizes.get(client)
    if (cached !== undefined) return Effect.succeed(cached)
    return client.request(
      { operation: "getFilesSettings", method: "GET", path: "/api/2.0/files/settings" },
      FilesSettings
    )
      .pipe(Effect.map((settings) => {
        // a size the parts cannot be cut to (under one byte, not finite) is ignored
        const size = settings.chunkUploadSize !== undefined && settings.chunkUploadSize >= 1 &&
            Number.isSafeInteger(Math.floor(settings.chunkUploadSize))
          ? Math.floor(settings.chunkUploadSize)
          : defaultChunkSize
        chunkSizes.set(client, size)
        const threads = settings.maxUploadThreadCount
        threadCounts.set(
          client,
          threads !== undefined && Number.isFinite(threads) && threads >= 1 ? Math.min(Math.floor(threads), 64) : 1
        )
        return size
      }))
  }
)

/**
 * The portal's `maxUploadThreadCount` (`GET /api/2.0/files/settings`; on the server
 * `core:hosting:rateLimiterOptions:defaultConcurrencyWriteRequests`, 15 by default), asked with {@link chunkSize}
 * and cached; 1 when the portal does not say, at most 64.
 *
 * @since 0.2.0
 * @category getters
 */
export const maxUploadThreads: Effect.Effect<number, Errors.DocSpaceError, Client.DocSpaceClient> = Effect.flatMap(
  Client.DocSpaceClient,
  (client) => Effect.map(chunkSize, () => threadCounts.get(client) ?? 1)
)

const SessionData = Schema.Struct({
  id: Schema.String,
  location: Schemas.opt(Schema.String),
  bytes_total: Schemas.opt(Schema.Number),
  bytes_uploaded: Schemas.opt(Schema.Number),
  expired: Schemas.opt(Schema.String)
})

// `create_session` answers `{"success": true, "data": {...}}` inside the envelope; accept the bare session too
const CreatedSession = Schema.Struct({
  success: Schemas.opt(Schema.Boolean),
  data: Schemas.opt(SessionData),
  message: Schemas.opt(Schema.String),
  id: Schemas.opt(Schema.String),
  location: Schemas.opt(Schema.String)
})

/**
 * A part's answer, `{ success?, data?, message? }` (`null` as missing; `success` true when missing), or undefined when
 * it is not that shape. Checked by hand: it runs once a part, about a hundred times a transfer, so V8 seldom compiles
 * it, and a CPU profile of a fresh process put the equivalent Schema decode (three optional, nullable fields with a
 * default) at about 0.1 ms a part.
 */
const chunkReply = (
  json: unknown
): { readonly success: boolean; readonly data: unknown; readonly message: string | undefined } | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined
  const { data, message, success } = json as { readonly [key: string]: unknown }
  if (success !== undefined && success !== null && typeof success !== "boolean") return undefined
  if (message !== undefined && message !== null && typeof message !== "string") return undefined
  return { success: success ?? true, data: data ?? undefined, message: message ?? undefined }
}

const Uploaded = Schema.Struct({
  id: Schemas.opt(Schemas.Id),
  folderId: Schemas.opt(Schemas.Id),
  version: Schemas.opt(Schema.Number),
  title: Schemas.opt(Schema.String),
  uploaded: Schemas.opt(Schema.Boolean),
  file: Schemas.opt(Schemas.File)
})

const serverError = (
  info: { readonly operation: string; readonly method: string; readonly url: string },
  message: string,
  status?: number
) => new Errors.ServerError({ ...info, message, ...(status !== undefined ? { status } : {}) })

/**
 * The file the portal's last answer proves it stored: `uploaded: true` and a `file` or `id` that is not the upload
 * session's id (a portal that has not finished answers with the session itself).
 */
const proof = (
  info: { readonly operation: string; readonly method: string; readonly url: string },
  data: unknown,
  sessionId: string,
  fallbackTitle: string
): Effect.Effect<File, Errors.DocSpaceError> =>
  Effect.flatMap(
    Effect.mapError(
      Schema.decodeUnknown(Uploaded)(data ?? {}),
      () => new Errors.DecodeError({ ...info, message: "unexpected answer to the last part", excerpt: "" })
    ),
    (uploaded) => {
      const id = uploaded.file?.id ?? uploaded.id
      if (uploaded.uploaded !== true || id === undefined || String(id) === sessionId) {
        return Effect.fail(serverError(info, "the portal accepted the last part but did not confirm the stored file"))
      }
      if (uploaded.file !== undefined) return Effect.succeed(uploaded.file)
      return Effect.succeed({
        id,
        title: uploaded.title ?? fallbackTitle,
        ...(uploaded.folderId !== undefined ? { folderId: uploaded.folderId } : {}),
        ...(uploaded.version !== undefined ? { version: uploaded.version } : {})
      })
    }
  )

const badRequest = (operation: string, url: string, message: string) =>
  new Errors.BadRequest({ operation, method: "POST", url, message })

/**
 * Runs `effect` in a child fiber bounded by `duration`, wherever the caller is: even inside an uninterruptible
 * finalizer (an abort after a failure or an interruption) the child stays interruptible, so its timeout always fires.
 */
const bounded = <A, E, E2>(
  effect: Effect.Effect<A, E>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.flatMap(
    Effect.forkDaemon(Effect.interruptible(Effect.timeoutFail(Effect.interruptible(effect), { duration, onTimeout }))),
    Fiber.join
  )

/**
 * Opens an upload session and runs `use` with it; aborts the session (bounded by `timeout`) when `use` fails or is
 * interrupted. An interruption while the session is being opened waits (bounded) for the portal's answer, then
 * interrupts the opening fiber (it never outlives the caller) and aborts the session it opened.
 */
const withSession = <S, A, E, R>(
  create: Effect.Effect<S, Errors.DocSpaceError>,
  abort: (session: S) => Effect.Effect<unknown, unknown>,
  timeout: Duration.Duration,
  use: (session: S) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | Errors.DocSpaceError, R> => {
  const abortBounded = (session: S) => Effect.ignore(bounded(abort(session), timeout, () => "timeout" as const))
  return Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.forkDaemon(Effect.interruptible(create)), (opening) =>
      restore(Fiber.join(opening)).pipe(
        Effect.onInterrupt(() =>
          // the request may already have opened a session: wait (bounded) for the answer, then interrupt the opening
          // fiber so that it cannot open a session later (its wait for a rate-limit permit is not bounded by the
          // timeout), and abort the session it did open
          Effect.ignore(bounded(Fiber.await(opening), timeout, () => "timeout" as const)).pipe(
            Effect.zipRight(Fiber.interrupt(opening)),
            Effect.flatMap((exit) => Exit.isSuccess(exit) ? abortBounded(exit.value) : Effect.void)
          )
        ),
        Effect.flatMap((session) =>
          restore(use(session)).pipe(
            Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : abortBounded(session))
          )
        )
      ))
  )
}

/**
 * Each part with whether it is the last one and the bytes up to its end, the declared size enforced: a stream longer
 * than `size` fails once it passes it, before the last part is sent; a shorter one fails when it ends, before the part
 * that would have been the last (the portal counts `ceil(size / partSize)` parts, so it never finishes a file from the
 * parts already sent). A part sits in a pooled buffer with room for `frame` around it (the multipart body is written in
 * place, the bytes copied once): its body is `frame.body(part.buffer, part.length)`, and `part.release` must run once
 * its request is over. The pool holds `inFlight` parts, the most that may be sending at once: the next part is cut as
 * soon as one is sent, and memory stays at `inFlight` parts.
 */
const parts = <E, R>(options: PartsOptions<E, R>): Stream.Stream<
  readonly [Part, boolean, number],
  E | Errors.BadRequest,
  R
> => Stream.unwrapScoped(Effect.map(partsPull(options), Stream.repeatEffectOption))

/** What {@link parts} cuts, and how it names the upload in its errors and logs. */
interface PartsOptions<E, R> {
  /** the content and its declared size */
  readonly upload: { readonly content: Stream.Stream<Uint8Array, E, R>; readonly size: number }
  readonly partSize: number
  readonly frame: Multipart.Frame
  readonly inFlight: number
  readonly operation: string
  readonly url: string
}

/**
 * {@link parts} as a pull, for the sequential upload's own loop (a stream stage per step cost about 50 Effect
 * operations a part): each run is the next part, or fails with `None` after the last one.
 */
const partsPull = <E, R>(
  { frame, inFlight, operation, partSize, upload: { content, size }, url }: PartsOptions<E, R>
): Effect.Effect<
  Effect.Effect<readonly [Part, boolean, number], Option.Option<E | Errors.BadRequest>, R>,
  never,
  Scope.Scope | R
> => {
  const mismatch = (seen: number, ended: boolean) =>
    badRequest(
      operation,
      url,
      ended
        ? `the content has ${seen} bytes but the declared size is ${size}`
        : `the content is longer than the declared size of ${size} bytes`
    )
  const cutting = { size: partSize, before: frame.headLength, after: frame.tailLength, buffers: inFlight, total: size }
  return Effect.map(cutPull(cutting)(content), (next) => {
    let emitted = false
    return Effect.matchEffect(next, {
      onFailure: (error): Effect.Effect<readonly [Part, boolean, number], Option.Option<E | Errors.BadRequest>> => {
        if (Option.isSome(error)) {
          const cause = error.value
          return Effect.fail(Option.some(cause instanceof LengthMismatch ? mismatch(cause.seen, cause.ended) : cause))
        }
        if (emitted) return Effect.fail(Option.none())
        emitted = true
        // an empty file is one empty part
        return size === 0
          ? Effect.succeed(
            [
              {
                buffer: new Uint8Array(frame.headLength + frame.tailLength),
                length: 0,
                end: 0,
                last: true,
                release: Effect.void
              },
              true,
              0
            ] as const
          )
          : Effect.fail(Option.some(mismatch(0, true)))
      },
      onSuccess: (part) => {
        emitted = true
        return Effect.as(
          // its annotations are built only when Debug is enabled
          Effect.whenLogLevel(
            Effect.logDebug("uploading a part").pipe(
              Effect.annotateLogs({
                "docspace.operation": operation,
                "docspace.upload.part_bytes": part.length,
                "docspace.upload.bytes_sent": part.end - part.length,
                "docspace.upload.size": size,
                "docspace.upload.last": part.last
              })
            ),
            LogLevel.Debug
          ),
          [part, part.last, part.end] as const
        )
      }
    })
  })
}

/**
 * The portal's `location` on the portal's own origin: the portal can hand out its internal scheme or host when it
 * sits behind a proxy, and the client only ever sends credentials to the configured origin. `undefined` when it is
 * not a URL at all.
 */
const onPortal = (location: string, baseUrl: URL): string | undefined => {
  let url: URL
  try {
    url = new URL(location, baseUrl)
  } catch {
    return undefined
  }
  return url.protocol === "http:" || url.protocol === "https:"
    ? `${baseUrl.origin}${url.pathname}${url.search}`
    : undefined
}

/** What both upload protocols send to open a session. */
const sessionBody = <E, R>(options: UploadOptions<E, R>) =>
  Client.jsonBody({
    fileName: options.fileName,
    fileSize: options.size,
    ...(options.relativePath !== undefined ? { relativePath: options.relativePath } : {}),
    ...(options.createNewIfExist !== undefined ? { createNewIfExist: options.createNewIfExist } : {})
  })

/**
 * A chunk answer's status and JSON (the location answers outside the API's envelope): a JSON request, read whole
 * under the request's timer and the client's body limit. It was a byte stream folded by hand, which cost about 940
 * Effect operations and two fibers more per part.
 */
const readReply = (
  client: Client.DocSpaceClient,
  request: Client.RequestOptions
): Effect.Effect<readonly [number, unknown], Errors.DocSpaceError> =>
  Effect.map(
    client.requestEnvelope(request, Schema.Unknown),
    (answer) => [answer.status ?? 200, answer.response] as const
  )

const uploadViaLocation = <E, R>(
  client: Client.DocSpaceClient,
  options: UploadOptions<E, R>,
  folderId: number | string,
  partSize: number,
  timeout: Duration.DurationInput,
  threads: number
): Effect.Effect<File, E | Errors.DocSpaceError, R> => {
  const createInfo = {
    operation: "createUploadSession",
    method: "POST",
    url: Redaction.safeUrl(client.config.baseUrl)
  }
  const create = Effect.flatMap(
    client.request({
      operation: "createUploadSession",
      method: "POST",
      path: "/api/2.0/files/{folderId}/upload/create_session",
      pathParams: { folderId },
      body: sessionBody(options)
    }, CreatedSession),
    (created) => {
      const session = created.data ??
        (created.id !== undefined ? { id: created.id, location: created.location } : undefined)
      if (created.success === false || session === undefined) {
        return Effect.fail(badRequest(createInfo.operation, createInfo.url, created.message ?? "no upload session"))
      }
      return Effect.succeed({
        id: session.id,
        location: session.location === undefined ? undefined : onPortal(session.location, client.config.baseUrl)
      })
    }
  )
  const abort = (session: { readonly id: string; readonly location: string | undefined }) =>
    session.location !== undefined
      ? client.request({
        // the portal-given location, not the spec's abortUploadSession route (DELETE .../session/{sessionId})
        operation: "uploadAbort",
        method: "POST",
        path: `${session.location}${session.location.includes("?") ? "&" : "?"}abort=true`,
        envelope: false
      }, Schema.Unknown)
      // no usable location: the REST route of DocSpace 3.7 aborts the same session
      : client.request({
        operation: "abortUploadSession",
        method: "DELETE",
        path: "/api/2.0/files/{folderId}/session/{sessionId}",
        pathParams: { folderId, sessionId: session.id }
      }, Schema.Unknown)
  return withSession(create, abort, Duration.decode(client.config.timeout), (session) =>
    Effect.gen(function*() {
      const location = session.location
      if (location === undefined) {
        return yield* Effect.fail(serverError(createInfo, "the portal's upload location is missing or not a URL"))
      }
      const info = { operation: "uploadChunk", method: "POST", url: Redaction.safeUrl(location) }
      const parallel = threads > 1 && options.size > partSize
      // a Uint8Array body: a Content-Length, and one part with exactly two headers, as the parallel mode needs; there
      // the portal counts header lengths in characters, so the part is named "blob" (the web client's FormData Blob)
      // instead of a name that may not be ASCII: the session has the file's name
      const frame = Multipart.frame("file", { fileName: parallel ? "blob" : options.fileName })
      const send = (part: Part | undefined, query = "") =>
        Effect.flatMap(
          readReply(client, {
            operation: "uploadChunk",
            method: "POST",
            path: `${location}${query}`,
            ...(part !== undefined ? { body: frame.body(part.buffer, part.length) } : {}),
            envelope: false,
            timeout
          }).pipe(
            // the part's buffer is reused once its request is over, whatever its outcome
            Effect.ensuring(part !== undefined ? part.release : Effect.void)
          ),
          ([status, json]): Effect.Effect<readonly [number, unknown], Errors.DocSpaceError> => {
            const reply = chunkReply(json)
            return reply === undefined
              ? Effect.fail(
                new Errors.DecodeError({ ...info, status, message: "unexpected answer to a part", excerpt: "" })
              )
              : reply.success
              ? Effect.succeed([status, reply.data] as const)
              : Effect.fail(
                new Errors.BadRequest({
                  ...info,
                  status: 200,
                  message: reply.message ?? "the portal refused the part",
                  serverType: "ChunkedUploader"
                })
              )
          }
        )
      const sep = location.includes("?") ? "&" : "?"
      if (parallel) {
        // parallel mode (the web client's): numbered parts in any order, then `finalize=true` assembles them
        let sent = 0
        yield* parts({ upload: options, partSize, frame, inFlight: threads, operation: info.operation, url: info.url })
          .pipe(
            Stream.zipWithIndex,
            Stream.mapEffect(([[part], index]) =>
              Effect.flatMap(send(part, `${sep}upload=true&chunkNumber=${index + 1}`), () => {
                sent += part.length
                return options.onProgress ? options.onProgress({ bytesSent: sent, size: options.size }) : Effect.void
              }), { concurrency: threads }),
            Stream.runDrain
          )
        const [status, data] = yield* send(undefined, `${sep}finalize=true`)
        if (status !== 201) {
          return yield* Effect.fail(
            serverError(info, `the portal answered finalize with HTTP ${status}, not 201: no file`, status)
          )
        }
        return yield* proof(info, data, session.id, options.fileName)
      }
      // one part at a time, in a loop of its own (a stream stage per step cost about 50 Effect operations a part)
      const result = yield* Effect.scoped(
        Effect.flatMap(
          partsPull({ upload: options, partSize, frame, inFlight: 1, operation: info.operation, url: info.url }),
          (pull) => {
            let answer: unknown = undefined
            const step = ([part, last, total]: readonly [Part, boolean, number]) =>
              Effect.flatMap(send(part), ([status, data]) => {
                const stored = status === 201 || (typeof data === "object" && data !== null && "uploaded" in data &&
                  (data as { uploaded?: unknown }).uploaded === true)
                if (!last && stored) {
                  // the portal stored the file from a part before the last one: its chunk size is not the one used
                  return Effect.fail(
                    serverError(
                      info,
                      `the portal stored the file after ${total} of ${options.size} bytes: ` +
                        `its chunk size is not ${partSize}`,
                      status
                    )
                  )
                }
                if (last && status !== 201) {
                  return Effect.fail(
                    serverError(info, `the portal answered the last part with HTTP ${status}, not 201: no file`, status)
                  )
                }
                answer = data
                return options.onProgress ? options.onProgress({ bytesSent: total, size: options.size }) : Effect.void
              })
            const loop: Effect.Effect<unknown, E | Errors.DocSpaceError, R> = Effect.matchEffect(pull, {
              onFailure: (error) =>
                Option.isSome(error) ? Effect.fail(error.value) : Effect.succeed(answer),
              onSuccess: (item) =>
                Effect.zipRight(step(item), loop)
            })
            return loop
          }
        )
      )
      return yield* proof(info, result, session.id, options.fileName)
    }))
}

const uploadViaSession = <E, R>(
  client: Client.DocSpaceClient,
  options: UploadOptions<E, R>,
  folderId: number | string,
  partSize: number,
  timeout: Duration.DurationInput,
  threads: number
): Effect.Effect<File, E | Errors.DocSpaceError, R> => {
  const create = client.request({
    operation: "createUploadSessionInFolder",
    method: "POST",
    path: "/api/2.0/files/{folderId}/session",
    pathParams: { folderId },
    body: sessionBody(options)
  }, SessionData)
  const abort = (session: typeof SessionData.Type) =>
    client.request({
      operation: "abortUploadSession",
      method: "DELETE",
      path: "/api/2.0/files/{folderId}/session/{sessionId}",
      pathParams: { folderId, sessionId: session.id }
    }, Schema.Unknown)
  return withSession(create, abort, Duration.decode(client.config.timeout), (session) =>
    Effect.gen(function*() {
      const pathParams = { folderId, sessionId: session.id }
      const url = `${client.config.baseUrl.origin}/api/2.0/files/{folderId}/session/{sessionId}/upload`
      let sent = 0
      const frame = Multipart.frame("file", { fileName: options.fileName })
      yield* parts({ upload: options, partSize, frame, inFlight: threads, operation: "uploadAsyncSession", url }).pipe(
        Stream.zipWithIndex,
        Stream.mapEffect(([[part], index]) =>
          client.request({
            operation: "uploadAsyncSession",
            method: "POST",
            path: "/api/2.0/files/{folderId}/session/{sessionId}/upload",
            pathParams,
            urlParams: { chunkNumber: index + 1 },
            body: frame.body(part.buffer, part.length),
            timeout
          }, Schema.Unknown).pipe(
            // the part's buffer is reused once its request is over, whatever its outcome
            Effect.ensuring(part.release),
            Effect.zipRight(Effect.suspend(() => {
              sent += part.length
              return options.onProgress ? options.onProgress({ bytesSent: sent, size: options.size }) : Effect.void
            }))
          ), { concurrency: threads }),
        Stream.runDrain
      )
      const info = { operation: "finalizeSession", method: "PUT", url }
      const uploaded = yield* client.request({
        operation: "finalizeSession",
        method: "PUT",
        path: "/api/2.0/files/{folderId}/session/{sessionId}/finalize",
        pathParams,
        timeout
      }, Schema.Unknown)
      return yield* proof(info, uploaded, session.id, options.fileName)
    }))
}

const FolderContent = Schema.Struct({ current: Schema.Struct({ id: Schemas.Id }) })

/**
 * The numeric id of a named folder (`"@my"`, `"@common"`, ...): the upload session routes take ids only (on the
 * portal `"@my"` there is read as a third-party folder id, which does not exist).
 */
const resolveFolder = (
  client: Client.DocSpaceClient,
  folderId: number | string
): Effect.Effect<number | string, Errors.DocSpaceError> =>
  typeof folderId === "string" && /^@[a-z]+$/i.test(folderId)
    ? Effect.map(
      client.request({
        operation: "getFolderByFolderId",
        method: "GET",
        path: `/api/2.0/files/${folderId}`,
        urlParams: { count: 1 }
      }, FolderContent),
      (content) => content.current.id
    )
    : Effect.succeed(folderId)

const SimpleUploaded = Schema.Union(Schemas.File, Schema.Array(Schemas.File))

// An empty file: the chunked protocols would send one empty part, which the portal refuses ("Empty file"); the
// simple multipart upload (`POST /api/2.0/files/{folderId}/upload`) takes it.
const uploadEmpty = <E, R>(
  client: Client.DocSpaceClient,
  options: UploadOptions<E, R>,
  timeout: Duration.DurationInput
): Effect.Effect<File, E | Errors.DocSpaceError, R> =>
  Effect.gen(function*() {
    const url = `${client.config.baseUrl.origin}/api/2.0/files/${options.folderId}/upload`
    if (options.relativePath !== undefined) {
      return yield* Effect.fail(
        badRequest(
          "uploadFile",
          url,
          "an empty file cannot be uploaded with a relativePath (the portal's simple upload has none)"
        )
      )
    }
    const extra = yield* Stream.runHead(Stream.filter(options.content, (bytes) => bytes.length > 0))
    if (Option.isSome(extra)) {
      return yield* Effect.fail(
        badRequest("uploadFile", url, "the content is longer than the declared size of 0 bytes")
      )
    }
    const uploaded = yield* client.request({
      operation: "uploadFile",
      method: "POST",
      path: "/api/2.0/files/{folderId}/upload",
      pathParams: { folderId: options.folderId },
      urlParams: { createNewIfExist: options.createNewIfExist },
      body: Multipart.body([Multipart.file("file", new Uint8Array(0), { fileName: options.fileName })]),
      timeout
    }, SimpleUploaded)
    const file = Array.isArray(uploaded) ? uploaded[0] : uploaded
    if (file === undefined) {
      return yield* Effect.fail(
        new Errors.ServerError({
          operation: "uploadFile",
          method: "POST",
          url,
          message: "the portal did not return the file"
        })
      )
    }
    if (options.onProgress) yield* options.onProgress({ bytesSent: 0, size: 0 })
    return file
  })

/**
 * Uploads a byte stream of a known `size` as `fileName` into `folderId`, in parts of the portal's chunk size,
 * and gives the new file. Fails with `BadRequest` when the stream's length is not `size`, when `chunkSize` is not
 * the portal's chunk size (before anything is uploaded), or when the portal refuses a part (`{"success": false}`);
 * with `ServerError` when the portal's last answer does not prove the stored file (201, `uploaded: true`, an id that
 * is not the session's). The upload session is aborted, within the client's timeout, on any failure or interruption
 * (also one while the session is being opened). `"@my"` and other named folders are resolved to their id first.
 * An empty file (`size` 0) goes through the simple multipart upload (`POST /api/2.0/files/{folderId}/upload`)
 * instead, since the portal refuses an empty part; it cannot take a `relativePath`.
 *
 * @since 0.1.0
 * @category uploads
 */
export const upload = <E, R>(
  options: UploadOptions<E, R>
): Effect.Effect<File, E | Errors.DocSpaceError, R | Client.DocSpaceClient> =>
  Effect.gen(function*() {
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      return yield* Effect.fail(
        badRequest("createUploadSession", "", `size must be a non-negative integer, got ${options.size}`)
      )
    }
    if (options.chunkSize !== undefined && (!Number.isSafeInteger(options.chunkSize) || options.chunkSize < 1)) {
      return yield* Effect.fail(
        badRequest("createUploadSession", "", `chunkSize must be a positive integer, got ${options.chunkSize}`)
      )
    }
    const client = yield* Client.DocSpaceClient
    if (options.size === 0) return yield* uploadEmpty(client, options, options.chunkTimeout ?? defaultChunkTimeout)
    const partSize = yield* chunkSize
    if (options.chunkSize !== undefined && options.chunkSize !== partSize) {
      return yield* Effect.fail(
        badRequest(
          "createUploadSession",
          Redaction.safeUrl(client.config.baseUrl),
          `chunkSize ${options.chunkSize} is not the portal's chunk size ${partSize}: the portal counts ` +
            `ceil(size / ${partSize}) parts and would store a truncated file or never finish`
        )
      )
    }
    const timeout = options.chunkTimeout ?? defaultChunkTimeout
    const threads = options.parallel === "portal" ? yield* maxUploadThreads : options.parallel ?? 1
    if (!Number.isSafeInteger(threads) || threads < 1) {
      return yield* Effect.fail(
        badRequest("createUploadSession", "", `parallel must be a positive integer or "portal", got ${threads}`)
      )
    }
    const folderId = yield* resolveFolder(client, options.folderId)
    return yield* options.protocol === "session"
      ? uploadViaSession(client, options, folderId, partSize, timeout, threads)
      : uploadViaLocation(client, options, folderId, partSize, timeout, threads)
  })

/**
 * Which of `fileNames` already name a file in `folderId` (`POST /api/2.0/files/{folderId}/upload/check`), to ask
 * before an upload that would otherwise add a new version (or, with `createNewIfExist`, a renamed copy). `"@my"` and
 * other named folders are resolved to their id first (the route takes ids only). No names: no request.
 *
 * @example
 * ```ts
 * import { Uploads } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const existing = yield* Uploads.check({ folderId: "@my", fileNames: ["a.docx", "b.pdf"] })
 *   console.log(`already there: ${existing.join(", ")}`)
 * })
 * ```
 *
 * @since 0.2.0
 * @category uploads
 */
export const check = (options: {
  readonly folderId: number | string
  readonly fileNames: ReadonlyArray<string>
}): Effect.Effect<ReadonlyArray<string>, Errors.DocSpaceError, Client.DocSpaceClient> =>
  Effect.gen(function*() {
    if (options.fileNames.length === 0) return []
    const client = yield* Client.DocSpaceClient
    const folderId = yield* resolveFolder(client, options.folderId)
    return yield* client.request({
      operation: "checkUpload",
      method: "POST",
      path: "/api/2.0/files/{folderId}/upload/check",
      pathParams: { folderId },
      body: Client.jsonBody({ filesTitle: options.fileNames })
    }, Schema.Array(Schema.String))
  })

/**
 * Uploads bytes already in memory (small files); see {@link upload}.
 *
 * @since 0.1.0
 * @category uploads
 */
export const uploadBytes = (
  options: Omit<UploadOptions<never, never>, "content" | "size"> & { readonly bytes: Uint8Array }
): Effect.Effect<File, Errors.DocSpaceError, Client.DocSpaceClient> => {
  const { bytes, ...rest } = options
  return upload({ ...rest, size: bytes.length, content: Stream.make(bytes) })
}

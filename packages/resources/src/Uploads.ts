/**
 * Chunked uploads in constant memory: the content is a byte `Stream`, regrouped into parts of exactly the
 * portal's chunk size (`chunkUploadSize` of `GET /api/2.0/files/settings`, 10 MiB by default, asked once per
 * client and cached) and sent in order, one part in flight at a time, one part read ahead.
 *
 * Two protocols:
 * - `"location"` (default, every DocSpace version): `POST /api/2.0/files/{folderId}/upload/create_session`, then
 *   each part as `multipart/form-data` to the `location` it answers; the last part answers 201 with the file. The
 *   location answers HTTP 200 even on errors, with `{"success": false, "message": ...}`: that is a `BadRequest`.
 * - `"session"` (DocSpace 3.7+): `POST /api/2.0/files/{folderId}/session`, numbered parts to
 *   `.../session/{sessionId}/upload?chunkNumber=n`, then `PUT .../session/{sessionId}/finalize`.
 *
 * A content stream whose length differs from the declared `size` fails with `BadRequest` before the last part is
 * sent, so the portal never stores a truncated file; the session is then aborted. An empty file is sent with the
 * simple multipart upload (`POST /api/2.0/files/{folderId}/upload`): the portal refuses an empty part.
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
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { rechunk } from "./internal/bytes.js"
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
  /** Overrides the portal's chunk size (bytes): a safe integer of at least 1, or the upload fails with `BadRequest`. */
  readonly chunkSize?: number | undefined
  /** Bounds each part's request. Default {@link defaultChunkTimeout}. */
  readonly chunkTimeout?: Duration.DurationInput | undefined
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

const FilesSettings = Schema.Struct({ chunkUploadSize: Schemas.opt(Schema.Number) })

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
        return size
      }))
  }
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

const ChunkReply = Schema.Struct({
  success: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => true }),
  data: Schemas.opt(Schema.Unknown),
  message: Schemas.opt(Schema.String)
})

const Uploaded = Schema.Struct({
  id: Schemas.opt(Schemas.Id),
  folderId: Schemas.opt(Schemas.Id),
  version: Schemas.opt(Schema.Number),
  title: Schemas.opt(Schema.String),
  uploaded: Schemas.opt(Schema.Boolean),
  file: Schemas.opt(Schemas.File)
})

const fileOf = (
  info: { readonly operation: string; readonly method: string; readonly url: string },
  uploaded: typeof Uploaded.Type,
  fallbackTitle: string
): Effect.Effect<File, Errors.DocSpaceError> => {
  if (uploaded.file !== undefined) return Effect.succeed(uploaded.file)
  if (uploaded.id !== undefined) {
    return Effect.succeed({
      id: uploaded.id,
      title: uploaded.title ?? fallbackTitle,
      ...(uploaded.folderId !== undefined ? { folderId: uploaded.folderId } : {}),
      ...(uploaded.version !== undefined ? { version: uploaded.version } : {})
    })
  }
  return Effect.fail(
    new Errors.ServerError({ ...info, message: "the portal accepted the last part but did not return the file" })
  )
}

const badRequest = (operation: string, url: string, message: string) =>
  new Errors.BadRequest({ operation, method: "POST", url, message })

// Each part with whether it is the last one, the declared size enforced: a stream longer than `size` fails as soon
// as it passes it; a shorter one fails before its last part is sent.
const parts = <E, R>(
  content: Stream.Stream<Uint8Array, E, R>,
  size: number,
  partSize: number,
  operation: string,
  url: string
): Stream.Stream<readonly [Uint8Array, boolean, number], E | Errors.BadRequest, R> => {
  const mismatch = (seen: number, ended: boolean) =>
    badRequest(
      operation,
      url,
      ended
        ? `the content has ${seen} bytes but the declared size is ${size}`
        : `the content is longer than the declared size of ${size} bytes`
    )
  return content.pipe(
    rechunk(partSize),
    Stream.mapAccumEffect(0, (seen, part) => {
      const total = seen + part.length
      return total > size ? Effect.fail(mismatch(total, false)) : Effect.succeed([total, [part, total] as const])
    }),
    // one part of look-ahead: a part is the last one when the stream ends after it
    Stream.zipWithNext,
    Stream.mapEffect(([[part, total], next]) => {
      const last = Option.isNone(next)
      return last && total !== size
        ? Effect.fail(mismatch(total, true))
        : Effect.succeed([part, last, total] as const)
    }),
    // an empty file is one empty part
    Stream.orElseIfEmptyStream(() =>
      size === 0 ? Stream.make([new Uint8Array(0), true, 0] as const) : Stream.fail(mismatch(0, true))
    )
  )
}

/**
 * The portal's `location` on the portal's own origin: the portal can hand out its internal scheme or host when it
 * sits behind a proxy, and the client only ever sends credentials to the configured origin.
 */
const onPortal = (location: string, baseUrl: URL): string => {
  const url = new URL(location, baseUrl)
  return `${baseUrl.origin}${url.pathname}${url.search}`
}

/** What both upload protocols send to open a session. */
const sessionBody = <E, R>(options: UploadOptions<E, R>) =>
  Client.jsonBody({
    fileName: options.fileName,
    fileSize: options.size,
    ...(options.relativePath !== undefined ? { relativePath: options.relativePath } : {}),
    ...(options.createNewIfExist !== undefined ? { createNewIfExist: options.createNewIfExist } : {})
  })

const uploadViaLocation = <E, R>(
  client: Client.DocSpaceClient,
  options: UploadOptions<E, R>,
  partSize: number,
  timeout: Duration.DurationInput
): Effect.Effect<File, E | Errors.DocSpaceError, R> =>
  Effect.gen(function*() {
    const created = yield* client.request({
      operation: "createUploadSession",
      method: "POST",
      path: "/api/2.0/files/{folderId}/upload/create_session",
      pathParams: { folderId: options.folderId },
      body: sessionBody(options)
    }, CreatedSession)
    const session = created.data ??
      (created.id !== undefined ? { id: created.id, location: created.location } : undefined)
    if (created.success === false || session?.location === undefined) {
      return yield* Effect.fail(
        badRequest(
          "createUploadSession",
          Redaction.safeUrl(client.config.baseUrl),
          created.message ?? "no upload location"
        )
      )
    }
    const location = onPortal(session.location, client.config.baseUrl)
    const info = { operation: "uploadChunk", method: "POST", url: Redaction.safeUrl(location) }
    const send = (part: Uint8Array) =>
      Effect.flatMap(
        client.requestEnvelope({
          operation: "uploadChunk",
          method: "POST",
          path: location,
          body: Multipart.body([Multipart.file("file", part, { fileName: options.fileName })]),
          envelope: false,
          timeout
        }, ChunkReply),
        ({ response }) =>
          response.success
            ? Effect.succeed(response.data)
            : Effect.fail(
              new Errors.BadRequest({
                ...info,
                status: 200,
                message: response.message ?? "the portal refused the part",
                serverType: "ChunkedUploader"
              })
            )
      )
    const abort = Effect.ignore(client.request({
      operation: "abortUploadSession",
      method: "POST",
      path: `${location}${location.includes("?") ? "&" : "?"}abort=true`,
      envelope: false
    }, Schema.Unknown))
    const result = yield* parts(options.content, options.size, partSize, info.operation, info.url).pipe(
      Stream.mapEffect(([part, last, total]) =>
        Effect.flatMap(send(part), (data) =>
          Effect.as(
            options.onProgress ? options.onProgress({ bytesSent: total, size: options.size }) : Effect.void,
            [last, data] as const
          ))
      ),
      Stream.runLast,
      Effect.onError(() => abort)
    )
    const data = Option.isSome(result) ? result.value[1] : undefined
    const uploaded = yield* Effect.mapError(
      Schema.decodeUnknown(Uploaded)(data ?? {}),
      () => new Errors.DecodeError({ ...info, message: "unexpected answer to the last part", excerpt: "" })
    )
    return yield* fileOf(info, uploaded, options.fileName)
  })

const uploadViaSession = <E, R>(
  client: Client.DocSpaceClient,
  options: UploadOptions<E, R>,
  partSize: number,
  timeout: Duration.DurationInput
): Effect.Effect<File, E | Errors.DocSpaceError, R> =>
  Effect.gen(function*() {
    const session = yield* client.request({
      operation: "createUploadSessionInFolder",
      method: "POST",
      path: "/api/2.0/files/{folderId}/session",
      pathParams: { folderId: options.folderId },
      body: sessionBody(options)
    }, SessionData)
    const pathParams = { folderId: options.folderId, sessionId: session.id }
    const url = `${client.config.baseUrl.origin}/api/2.0/files/${options.folderId}/session/${session.id}/upload`
    const abort = Effect.ignore(client.request({
      operation: "abortUploadSession",
      method: "DELETE",
      path: "/api/2.0/files/{folderId}/session/{sessionId}",
      pathParams
    }, Schema.Unknown))
    let chunkNumber = 0
    const sendParts = parts(options.content, options.size, partSize, "uploadAsyncSession", url).pipe(
      Stream.mapEffect(([part, _last, total]) =>
        client.request({
          operation: "uploadAsyncSession",
          method: "POST",
          path: "/api/2.0/files/{folderId}/session/{sessionId}/upload",
          pathParams,
          urlParams: { chunkNumber: ++chunkNumber },
          body: Multipart.body([Multipart.file("file", part, { fileName: options.fileName })]),
          timeout
        }, Schema.Unknown).pipe(
          Effect.zipRight(
            options.onProgress ? options.onProgress({ bytesSent: total, size: options.size }) : Effect.void
          )
        )
      ),
      Stream.runDrain
    )
    const finalize = client.request({
      operation: "finalizeSession",
      method: "PUT",
      path: "/api/2.0/files/{folderId}/session/{sessionId}/finalize",
      pathParams,
      timeout
    }, Uploaded)
    // a failure or interruption anywhere before the portal has the file, finalize included, aborts the session
    const uploaded = yield* Effect.onError(Effect.zipRight(sendParts, finalize), () => abort)
    return yield* fileOf({ operation: "finalizeSession", method: "PUT", url }, uploaded, options.fileName)
  })

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
 * and gives the new file. Fails with `BadRequest` when the stream's length is not `size`, or when the portal
 * refuses a part (`{"success": false}`); the upload session is aborted on any failure or interruption. An empty
 * file (`size` 0) goes through the simple multipart upload (`POST /api/2.0/files/{folderId}/upload`) instead, since
 * the portal refuses an empty part; it cannot take a `relativePath`.
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
    const partSize = options.chunkSize ?? (yield* chunkSize)
    const timeout = options.chunkTimeout ?? defaultChunkTimeout
    return yield* options.protocol === "session"
      ? uploadViaSession(client, options, partSize, timeout)
      : uploadViaLocation(client, options, partSize, timeout)
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

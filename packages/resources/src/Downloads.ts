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
import * as Stream from "effect/Stream"

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
}

const badRange = (range: Range) =>
  new Errors.BadRequest({
    operation: "downloadFile",
    method: "GET",
    url: "/filehandler.ashx",
    message: `invalid range ${JSON.stringify(range)}: start and end must be integers with 0 <= start <= end`
  })

/**
 * A file's bytes as a stream, read as it is consumed. With a `range`, only those bytes: the portal answers
 * 206; a portal that ignores the `Range` header and sends the whole file is cut to the range by the client.
 *
 * @since 0.1.0
 * @category downloads
 */
export const stream = (
  fileId: number | string,
  options?: StreamOptions
): Stream.Stream<Uint8Array, Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const range = options?.range
  if (
    range !== undefined &&
    (!Number.isSafeInteger(range.start) || range.start < 0 ||
      (range.end !== undefined && (!Number.isSafeInteger(range.end) || range.end < range.start)))
  ) {
    return Stream.fail(badRange(range))
  }
  const request: DocSpaceClient.RequestOptions = {
    operation: "downloadFile",
    method: "GET",
    path: "/filehandler.ashx",
    urlParams: { action: "download", fileid: fileId, version: options?.version },
    envelope: false,
    ...(range !== undefined ? { headers: { range: `bytes=${range.start}-${range.end ?? ""}` } } : {})
  }
  return Stream.unwrapScoped(
    Effect.map(Client.rawStream(request), (response) =>
      range === undefined || response.status === 206
        ? response.body
        // the portal ignored the range: cut the full body to it
        : slice(response.body, range.start, range.end === undefined ? Infinity : range.end + 1))
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

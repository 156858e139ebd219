/**
 * Uploading a file from disk (Node only: `node:fs`): the size comes from `stat`, the content is read in pieces as the
 * upload goes (constant memory), and a file that changes while it is read (its size, or its modification time by the
 * end) fails with `FileError` (`"changed"`) before the last part is sent, so the portal never stores a mix of two
 * versions; the upload session is then aborted.
 *
 * @example
 * ```ts
 * import { NodeUploads } from "@effect-docspace/resources/node"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const file = yield* NodeUploads.fromFile("./report.pdf", { folderId: "@my", parallel: "portal" })
 *   console.log(`uploaded ${file.title} as ${file.id}`)
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as Errors from "@effect-docspace/core/DocSpaceError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as Uploads from "./Uploads.js"

/**
 * Reading the file failed (`reason: "filesystem"`), or the file changed while it was uploaded (`"changed"`).
 *
 * @since 0.2.0
 * @category errors
 */
export class FileError extends Schema.TaggedError<FileError>()("FileError", {
  reason: Schema.Literal("filesystem", "changed"),
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * The options of {@link fromFile}: those of `Uploads.upload` without `content` and `size`; `fileName` defaults to
 * the file's base name.
 *
 * @since 0.2.0
 * @category models
 */
export interface FromFileOptions extends Omit<Uploads.UploadOptions<never, never>, "content" | "size" | "fileName"> {
  readonly fileName?: string | undefined
}

const readPiece = 256 * 1024

const fsError = (path: string, what: string) => (cause: unknown) =>
  new FileError({
    reason: "filesystem",
    path,
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

const changed = (path: string, message: string) => new FileError({ reason: "changed", path, message })

/**
 * The file's bytes, exactly `size` of them: reading past `size`, an end before it, or a size or modification time at
 * the end that differs from `stat`'s fails with `FileError` (`"changed"`) instead of ending the stream.
 */
const read = (path: string, size: number, mtimeMs: number): Stream.Stream<Uint8Array, FileError> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const handle = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => Fs.open(path, "r"), catch: fsError(path, "open") }),
      (handle) => Effect.ignore(Effect.tryPromise(() => handle.close()))
    )
    let offset = 0
    const pull: Effect.Effect<Uint8Array, Option.Option<FileError>> = Effect.gen(function*() {
      // one byte more than what is left: a file that grew is seen before the last part is sent
      const buffer = new Uint8Array(Math.min(readPiece, size - offset + 1))
      const { bytesRead } = yield* Effect.tryPromise({
        try: () => handle.read(buffer, 0, buffer.length, offset),
        catch: fsError(path, "read")
      })
      offset += bytesRead
      if (offset > size) return yield* Effect.fail(changed(path, `the file grew past ${size} bytes while uploading`))
      if (bytesRead > 0) return buffer.subarray(0, bytesRead)
      if (offset !== size) {
        return yield* Effect.fail(changed(path, `the file shrank to ${offset} of ${size} bytes while uploading`))
      }
      const now = yield* Effect.tryPromise({ try: () => handle.stat(), catch: fsError(path, "stat") })
      if (now.size !== size || now.mtimeMs !== mtimeMs) {
        return yield* Effect.fail(changed(path, "the file was modified while uploading"))
      }
      return yield* Effect.fail(Option.none())
    }).pipe(Effect.mapError((e) => Option.isOption(e) ? e : Option.some(e)))
    return Stream.repeatEffectOption(pull)
  }))

/**
 * Uploads the file at `path` with `Uploads.upload` (its options, `parallel` included), its size from `stat`, its
 * name from `fileName` or the path's base name. A file that changes while it is read fails with `FileError`
 * (`"changed"`) before the last part is sent, and the session is aborted; a file that cannot be read fails with
 * `FileError` (`"filesystem"`).
 *
 * @since 0.2.0
 * @category uploads
 */
export const fromFile = (
  path: string,
  options: FromFileOptions
): Effect.Effect<Uploads.File, FileError | Errors.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.gen(function*() {
    const stat = yield* Effect.tryPromise({ try: () => Fs.stat(path), catch: fsError(path, "stat") })
    if (!stat.isFile()) return yield* Effect.fail(fsError(path, "stat")(new Error("not a regular file")))
    return yield* Uploads.upload({
      ...options,
      fileName: options.fileName ?? Path.basename(path),
      size: stat.size,
      content: read(path, stat.size, stat.mtimeMs)
    })
  })

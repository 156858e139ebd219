/**
 * Saving a download to disk, atomically (Node only: `node:fs`, `node:crypto`): the bytes go to a temporary file in
 * the same directory, which is flushed to disk (`fsync`) and renamed over the target only when the download is
 * complete and checked. A reset, a timeout, an interruption or a failed check leaves the target as it was (an older
 * complete copy is never replaced by a partial one) and removes the temporary file. Dropped connections are resumed
 * with a `Range` from the bytes received (see `Downloads.stream`).
 *
 * @example
 * ```ts
 * import { NodeDownloads } from "@effect-docspace/resources/node"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const saved = yield* NodeDownloads.toFile(101, "./report.pdf", {
 *     expectedSize: 1_234_567,
 *     onProgress: ({ bytesWritten }) => Effect.log(`${bytesWritten} bytes`)
 *   })
 *   console.log(saved.path, saved.size, saved.sha256)
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as Errors from "@effect-docspace/core/DocSpaceError"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import * as Downloads from "./Downloads.js"

/**
 * Saving failed: the file system refused (`reason: "filesystem"`), or the bytes were not the ones expected
 * (`"size"`, `"sha256"`). The target file is untouched.
 *
 * @since 0.2.0
 * @category errors
 */
export class SaveError extends Schema.TaggedError<SaveError>()("SaveError", {
  reason: Schema.Literal("filesystem", "size", "sha256"),
  path: Schema.String,
  message: Schema.String
}) {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ToFileOptions {
  /** An older version of the file. */
  readonly version?: number | undefined
  /** Resumptions after a dropped connection (default `Downloads.defaultResumeAttempts`). */
  readonly resumeAttempts?: number | undefined
  /** The exact size in bytes: anything else fails with `SaveError` (`"size"`), as soon as it is exceeded. */
  readonly expectedSize?: number | undefined
  /** The SHA-256 of the content, in hex (either case): anything else fails with `SaveError` (`"sha256"`). */
  readonly sha256?: string | undefined
  /** Called after each piece is written, with the bytes written so far and the expected size when known. */
  readonly onProgress?:
    | ((progress: { readonly bytesWritten: number; readonly expectedSize: number | undefined }) => Effect.Effect<void>)
    | undefined
}

/**
 * What was saved.
 *
 * @since 0.2.0
 * @category models
 */
export interface Saved {
  readonly path: string
  readonly size: number
  /** Lower-case hex. */
  readonly sha256: string
}

const fsError = (path: string, what: string) => (cause: unknown) =>
  new SaveError({
    reason: "filesystem",
    path,
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

/**
 * Downloads a file (its current version, or `version`) to `path`, atomically: temporary file in the same
 * directory, `fsync`, rename. Checks `expectedSize` and `sha256` when given, before the rename.
 *
 * @since 0.2.0
 * @category downloads
 */
export const toFile = (
  fileId: number | string,
  path: string,
  options?: ToFileOptions
): Effect.Effect<Saved, Errors.DocSpaceError | SaveError, DocSpaceClient.DocSpaceClient> =>
  toFileFrom(Downloads.stream(fileId, { version: options?.version, resumeAttempts: options?.resumeAttempts }), path, {
    ...options
  })

/**
 * Saves any byte stream to `path` the way {@link toFile} does (e.g. `Downloads.streamUrl` of a bulk download).
 *
 * @since 0.2.0
 * @category downloads
 */
export const toFileFrom = <E, R>(
  content: Stream.Stream<Uint8Array, E, R>,
  path: string,
  options?: Omit<ToFileOptions, "version" | "resumeAttempts">
): Effect.Effect<Saved, E | SaveError, R> => {
  const expected = options?.expectedSize
  const wantedHash = options?.sha256?.toLowerCase()
  if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
    return Effect.fail(
      new SaveError({ reason: "size", path, message: `expectedSize must be a non-negative integer, got ${expected}` })
    )
  }
  if (wantedHash !== undefined && !/^[0-9a-f]{64}$/.test(wantedHash)) {
    return Effect.fail(new SaveError({ reason: "sha256", path, message: "sha256 must be 64 hex digits" }))
  }
  const target = Path.resolve(path)
  const dir = Path.dirname(target)
  const temp = Path.join(dir, `.${Path.basename(target)}.${Crypto.randomBytes(6).toString("hex")}.part`)
  return Effect.scoped(Effect.gen(function*() {
    const handle = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => Fs.open(temp, "wx", 0o644), catch: fsError(path, "cannot create the file") }),
      (handle, exit) =>
        Effect.promise(() =>
          handle.close().catch(() => undefined).then(() =>
            exit._tag === "Success" ? undefined : Fs.rm(temp, { force: true }).catch(() => undefined)
          )
        )
    )
    // removed unless renamed: also after an interruption between the download and the rename
    let renamed = false
    yield* Effect.addFinalizer(() =>
      renamed ? Effect.void : Effect.promise(() => Fs.rm(temp, { force: true }).catch(() => undefined))
    )
    const hash = Crypto.createHash("sha256")
    let written = 0
    yield* Stream.runForEach(content, (bytes) =>
      Effect.gen(function*() {
        if (expected !== undefined && written + bytes.length > expected) {
          return yield* Effect.fail(
            new SaveError({ reason: "size", path, message: `more than the expected ${expected} bytes` })
          )
        }
        yield* Effect.tryPromise({
          try: async () => {
            let offset = 0
            while (offset < bytes.length) {
              const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
              offset += bytesWritten
            }
          },
          catch: fsError(path, "cannot write")
        })
        hash.update(bytes)
        written += bytes.length
        if (options?.onProgress) yield* options.onProgress({ bytesWritten: written, expectedSize: expected })
      }))
    if (expected !== undefined && written !== expected) {
      return yield* Effect.fail(
        new SaveError({ reason: "size", path, message: `${written} bytes, expected ${expected}` })
      )
    }
    const sha256 = hash.digest("hex")
    if (wantedHash !== undefined && sha256 !== wantedHash) {
      return yield* Effect.fail(
        new SaveError({ reason: "sha256", path, message: `sha256 ${sha256}, expected ${wantedHash}` })
      )
    }
    yield* Effect.tryPromise({ try: () => handle.sync(), catch: fsError(path, "cannot flush") })
    yield* Effect.uninterruptible(Effect.tryPromise({
      try: () => Fs.rename(temp, target).then(() => renamed = true),
      catch: fsError(path, "cannot rename")
    }))
    // the rename itself is durable once the directory is flushed (not possible everywhere: best effort)
    yield* Effect.promise(() => Fs.open(dir, "r").then((d) => d.sync().finally(() => d.close())).catch(() => undefined))
    return { path: target, size: written, sha256 }
  }))
}

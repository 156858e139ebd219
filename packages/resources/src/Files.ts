/**
 * Files: information, rename, remove, version history. Uploads and downloads have their own modules
 * ({@link Uploads}, {@link Downloads}).
 *
 * @example
 * ```ts
 * import { Files } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const file = yield* Files.rename(101, "Q3 report.docx")
 *   const history = yield* Files.versions(file.id)
 *   console.log(`${file.title}: ${history.length} versions`)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as FileOperations from "./FileOperations.js"
import * as Schemas from "./internal/schemas.js"

/**
 * A file's information: `id`, `title`, `folderId`, `version`, `pureContentLength` (bytes), `fileExst`, `webUrl`,
 * `created`/`updated` (ISO strings), ...
 *
 * @since 0.1.0
 * @category schemas
 */
export const File = Schemas.File

/**
 * @since 0.1.0
 * @category models
 */
export interface File extends Schemas.File {}

/**
 * A file's information (`GET /api/2.0/files/file/{fileId}`), optionally of an older `version`.
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (
  fileId: number | string,
  options?: { readonly version?: number | undefined }
): Effect.Effect<File, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getFileInfo",
    method: "GET",
    path: "/api/2.0/files/file/{fileId}",
    pathParams: { fileId },
    urlParams: { version: options?.version }
  }, File)

/**
 * Renames a file (`PUT /api/2.0/files/file/{fileId}`).
 *
 * @since 0.1.0
 * @category mutations
 */
export const rename = (
  fileId: number | string,
  title: string
): Effect.Effect<File, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "updateFile",
    method: "PUT",
    path: "/api/2.0/files/file/{fileId}",
    pathParams: { fileId },
    body: Client.jsonBody({ title })
  }, File)

/**
 * @since 0.1.0
 * @category models
 */
export interface RemoveOptions extends FileOperations.WaitOptions {
  /** See {@link FileOperations.RemoveOptions.deleteAfter}: the result then comes back with `reported: false`. */
  readonly deleteAfter?: boolean | undefined
  /** Delete for good instead of moving to the trash. */
  readonly immediately?: boolean | undefined
}

/**
 * Deletes a file, to the trash or for good with `immediately`, and waits for the portal's file operation to finish.
 * It is started with `PUT /api/2.0/files/fileops/delete` and `returnSingleOperation` (what the web client does, and
 * what `DELETE /api/2.0/files/file/{fileId}` runs on the server too), so that the answer is this operation only,
 * on 3.6 portals as well; see {@link FileOperations.run} for how it is followed.
 *
 * @since 0.1.0
 * @category mutations
 */
export const remove = (
  fileId: number | string,
  options?: RemoveOptions
): Effect.Effect<
  ReadonlyArray<FileOperations.TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> =>
  FileOperations.run(
    FileOperations.start("delete", {
      fileIds: [fileId],
      deleteAfter: options?.deleteAfter ?? false,
      immediately: options?.immediately ?? false
    }),
    options
  )

/**
 * Every version of a file, newest first (`GET /api/2.0/files/file/{fileId}/history`).
 *
 * @since 0.1.0
 * @category getters
 */
export const versions = (
  fileId: number | string
): Effect.Effect<ReadonlyArray<File>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getFileVersionInfo",
    method: "GET",
    path: "/api/2.0/files/file/{fileId}/history",
    pathParams: { fileId }
  }, Schema.Array(File))

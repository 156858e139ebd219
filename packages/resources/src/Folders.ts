/**
 * Folders: their content (one page, or every entry as a `Stream`), create, rename, remove.
 *
 * @example
 * ```ts
 * import { Folders } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const folder = yield* Folders.create(Folders.my, "Reports")
 *   const entries = yield* Folders.stream(Folders.my).pipe(Stream.runCollect)
 *   for (const entry of entries) {
 *     console.log(entry._tag === "File" ? `file ${entry.title}` : `folder ${entry.title}`)
 *   }
 *   yield* Folders.remove(folder.id)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Pagination from "@effect-docspace/core/Pagination"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as FileOperations from "./FileOperations.js"
import * as Schemas from "./internal/schemas.js"

/**
 * A file or folder id. Numbers for the portal's own storage; strings for third-party storage and for the
 * portal's named folders (`"@my"`, `"@trash"`, ...).
 *
 * @since 0.1.0
 * @category models
 */
export type Id = number | string

/**
 * The current user's "My documents" folder.
 *
 * @since 0.1.0
 * @category constants
 */
export const my = "@my"

/**
 * The current user's trash.
 *
 * @since 0.1.0
 * @category constants
 */
export const trash = "@trash"

/**
 * A folder (rooms are folders too).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Folder = Schemas.Folder

/**
 * @since 0.1.0
 * @category models
 */
export interface Folder extends Schemas.Folder {}

/**
 * A folder's content: one page of `folders` and `files`, the folder itself (`current`), its path from the root
 * (`pathParts`) and the number of entries in the whole folder (`total`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const FolderContent = Schemas.FolderContent

/**
 * @since 0.1.0
 * @category models
 */
export interface FolderContent extends Schemas.FolderContent {}

/**
 * One entry of a folder, as {@link stream} gives it: a file or a folder, told apart by `_tag`.
 *
 * @since 0.1.0
 * @category models
 */
export type Entry = FileEntry | FolderEntry

/**
 * @since 0.1.0
 * @category models
 */
export interface FileEntry extends Schemas.File {
  readonly _tag: "File"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FolderEntry extends Schemas.Folder {
  readonly _tag: "Folder"
}

/**
 * Filters and sorting for a folder's content.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListOptions {
  /** `FilterType` of the API: 1 files only, 2 folders only, 3 documents, ... */
  readonly filterType?: number | undefined
  /** A text the titles must contain. */
  readonly filterValue?: string | undefined
  /** e.g. `"DateAndTime"`, `"AZ"`, `"Size"`, `"Type"`. */
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
  /** Search in subfolders too. */
  readonly withSubFolders?: boolean | undefined
  /** Only files with this extension. */
  readonly extension?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface GetOptions extends ListOptions {
  /** Entries per page, 1 to 100. */
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

const listParams = (options: GetOptions | undefined) => ({
  filterType: options?.filterType,
  filterValue: options?.filterValue,
  sortBy: options?.sortBy,
  sortOrder: options?.sortOrder === undefined ? undefined : options.sortOrder === "descending" ? 1 : 0,
  withSubFolders: options?.withSubFolders,
  extension: options?.extension,
  count: options?.count,
  startIndex: options?.startIndex
})

/**
 * One page of a folder's content (`GET /api/2.0/files/{folderId}`).
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (
  folderId: Id,
  options?: GetOptions
): Effect.Effect<FolderContent, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getFolderByFolderId",
    method: "GET",
    path: "/api/2.0/files/{folderId}",
    pathParams: { folderId },
    urlParams: listParams(options)
  }, FolderContent)

/**
 * A folder's own information, without its content (`GET /api/2.0/files/folder/{folderId}`).
 *
 * @since 0.1.0
 * @category getters
 */
export const info = (
  folderId: Id
): Effect.Effect<Folder, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getFolderInfo",
    method: "GET",
    path: "/api/2.0/files/folder/{folderId}",
    pathParams: { folderId }
  }, Folder)

/**
 * Tags the entries of one page: its folders first, then its files, as the portal orders them.
 *
 * @since 0.1.0
 * @category getters
 */
export const entries = (content: FolderContent): ReadonlyArray<Entry> => [
  ...content.folders.map((folder): Entry => ({ ...folder, _tag: "Folder" })),
  ...content.files.map((file): Entry => ({ ...file, _tag: "File" }))
]

/**
 * Every entry of a folder (folders and files), fetched page by page as the stream is consumed; stops at the
 * folder's `total`.
 *
 * @example
 * ```ts
 * import { Folders } from "@effect-docspace/resources"
 * import * as Stream from "effect/Stream"
 *
 * // the titles of the first 500 files in "My documents"
 * const titles = Folders.stream(Folders.my, { filterType: 1 }).pipe(
 *   Stream.filter((entry) => entry._tag === "File"),
 *   Stream.map((file) => file.title),
 *   Stream.take(500),
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = (
  folderId: Id,
  options?: ListOptions & Pagination.Options
): Stream.Stream<Entry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(
    ({ count, startIndex }) =>
      Effect.map(get(folderId, { ...options, count, startIndex }), (content) => ({
        items: entries(content),
        total: content.total
      })),
    // a folder's subfolders and files are separate id sequences: the same id can name one of each
    { ...options, key: options?.key ?? entryKey }
  )

const entryKey = (entry: Entry): string => `${entry._tag}:${entry.id}`

/**
 * Creates a folder in `parentId` (`POST /api/2.0/files/folder/{folderId}`).
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = (
  parentId: Id,
  title: string
): Effect.Effect<Folder, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "createFolder",
    method: "POST",
    path: "/api/2.0/files/folder/{folderId}",
    pathParams: { folderId: parentId },
    body: Client.jsonBody({ title })
  }, Folder)

/**
 * Renames a folder (`PUT /api/2.0/files/folder/{folderId}`).
 *
 * @since 0.1.0
 * @category mutations
 */
export const rename = (
  folderId: Id,
  title: string
): Effect.Effect<Folder, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "renameFolder",
    method: "PUT",
    path: "/api/2.0/files/folder/{folderId}",
    pathParams: { folderId },
    body: Client.jsonBody({ title })
  }, Folder)

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
 * Deletes a folder, to the trash or for good with `immediately`, and waits for the portal's file operation to
 * finish. It is started with `PUT /api/2.0/files/fileops/delete` and `returnSingleOperation`, as the web client
 * does: `DELETE /api/2.0/files/folder/{folderId}` cannot ask for its own operation and answers with every operation
 * of the user, taking the reports of the finished ones. See {@link FileOperations.run} for how it is followed.
 *
 * @since 0.1.0
 * @category mutations
 */
export const remove = (
  folderId: Id,
  options?: RemoveOptions
): Effect.Effect<
  ReadonlyArray<FileOperations.TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> =>
  FileOperations.run(
    FileOperations.start("delete", {
      folderIds: [folderId],
      deleteAfter: options?.deleteAfter ?? false,
      immediately: options?.immediately ?? false
    }),
    options
  )

/**
 * The user's trash: its entries (a page or a `Stream`), restoring entries, emptying it. Deleting a file or folder
 * ({@link Files.remove}, {@link Folders.remove}) moves it here unless `immediately` is set; rooms never come here.
 *
 * The portal has no "restore" route: the web client (DocSpace-client `FilesActionsStore`, the restore panel) moves
 * the entries out of the trash with `PUT /api/2.0/files/fileops/move`, and so does {@link restore}. Emptying is
 * `PUT /api/2.0/files/fileops/emptytrash` (DocSpace-server `products/ASC.Files/Server/Api/OperationController.cs`),
 * a Delete file operation that this module waits for.
 *
 * @example
 * ```ts
 * import { Folders, Trash } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const trashed = yield* Trash.stream().pipe(Stream.runCollect)
 *   const files = [...trashed].filter((entry) => entry._tag === "File").map((entry) => entry.id)
 *   yield* Trash.restore({ fileIds: files, destFolderId: Folders.my })
 *   yield* Trash.empty()
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import type * as Pagination from "@effect-docspace/core/Pagination"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as FileOperations from "./FileOperations.js"
import type * as Folders from "./Folders.js"
import * as Lists from "./internal/lists.js"

/**
 * Filters and sorting for the trash.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListFilter {
  /** `FilterType` of the API: 1 files only, 2 folders only, ... */
  readonly filterType?: number | undefined
  readonly filterValue?: string | undefined
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ListOptions extends ListFilter {
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

/**
 * One page of the trash (`GET /api/2.0/files/@trash`).
 *
 * @since 0.2.0
 * @category getters
 */
export const list = (
  options?: ListOptions
): Effect.Effect<Folders.FolderContent, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Lists.page("getTrashFolder", "/api/2.0/files/@trash", options)

/**
 * Every entry of the trash, page by page as the stream is consumed.
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Folders.Entry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Lists.stream("getTrashFolder", "/api/2.0/files/@trash", options)

/**
 * What to restore and where to.
 *
 * @since 0.2.0
 * @category models
 */
export interface RestoreOptions extends FileOperations.WaitOptions {
  readonly fileIds?: ReadonlyArray<number | string> | undefined
  readonly folderIds?: ReadonlyArray<number | string> | undefined
  /** Where the entries go (the trash does not remember it for you: pass the original folder, or `Folders.my`). */
  readonly destFolderId: number | string
  /** When an entry with the same name is there already. Default `"Duplicate"`: nothing is lost. */
  readonly conflictResolveType?: FileOperations.ConflictResolveType | undefined
}

/**
 * Moves entries out of the trash (`PUT /api/2.0/files/fileops/move`, as the web client restores) and waits for the
 * operation to finish.
 *
 * @since 0.2.0
 * @category mutations
 */
export const restore = (
  options: RestoreOptions
): Effect.Effect<
  ReadonlyArray<FileOperations.TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => {
  const { conflictResolveType, destFolderId, fileIds, folderIds, ...wait } = options
  return FileOperations.move({
    ...wait,
    fileIds: fileIds ?? [],
    folderIds: folderIds ?? [],
    destFolderId,
    conflictResolveType: conflictResolveType ?? "Duplicate"
  })
}

/**
 * Deletes everything in the trash for good (`PUT /api/2.0/files/fileops/emptytrash?single=true`, as the web client
 * sends it: the answer is this operation only) and waits for the operation to finish.
 *
 * @since 0.2.0
 * @category mutations
 */
export const empty = (
  options?: FileOperations.WaitOptions
): Effect.Effect<
  ReadonlyArray<FileOperations.TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> =>
  FileOperations.run(
    Client.request({
      operation: "emptyTrash",
      method: "PUT",
      path: "/api/2.0/files/fileops/emptytrash",
      urlParams: { single: true }
    }, FileOperations.FileOperations),
    options
  )

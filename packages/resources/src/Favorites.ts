/**
 * The user's favourites and recently opened files, as streams; marking and unmarking favourites, and adding a file
 * to the recent list. Routes: `GET /api/2.0/files/@favorites`, `POST|DELETE /api/2.0/files/favorites`,
 * `GET /api/2.0/files/recent`, `POST /api/2.0/files/file/{fileId}/recent` (DocSpace-server
 * `products/ASC.Files/Server/Api/FoldersController.cs` for the lists, `TagsController.cs` for the marks).
 *
 * @example
 * ```ts
 * import { Favorites } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   yield* Favorites.add({ fileIds: [123] })
 *   const favourites = yield* Favorites.stream().pipe(Stream.runCollect)
 *   const recent = yield* Favorites.recent().pipe(Stream.take(10), Stream.runCollect)
 *   return { favourites, recent }
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import type * as Pagination from "@effect-docspace/core/Pagination"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as FileOperations from "./FileOperations.js"
import * as Files from "./Files.js"
import type * as Folders from "./Folders.js"
import * as Lists from "./internal/lists.js"

/**
 * Filters and sorting for the favourites and recent lists.
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
 * Every favourite file and folder of the user, page by page as the stream is consumed
 * (`GET /api/2.0/files/@favorites`).
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Folders.Entry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Lists.stream("getFavoritesFolder", "/api/2.0/files/@favorites", options)

/**
 * The files the user opened recently, most recent first, page by page as the stream is consumed
 * (`GET /api/2.0/files/recent`).
 *
 * @since 0.2.0
 * @category streams
 */
export const recent = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Folders.Entry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Lists.stream("getRecentFolder", "/api/2.0/files/recent", options)

/**
 * Marks files and folders as favourites (`POST /api/2.0/files/favorites`).
 *
 * @since 0.2.0
 * @category mutations
 */
export const add = (
  selection: FileOperations.Selection
): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "addFavorites",
    method: "POST",
    path: "/api/2.0/files/favorites",
    body: Client.jsonBody({ fileIds: selection.fileIds ?? [], folderIds: selection.folderIds ?? [] })
  }, Schema.Unknown).pipe(Effect.asVoid)

/**
 * Unmarks favourites (`DELETE /api/2.0/files/favorites`, the selection in the body).
 *
 * @since 0.2.0
 * @category mutations
 */
export const remove = (
  selection: FileOperations.Selection
): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "deleteFavoritesFromBody",
    method: "DELETE",
    path: "/api/2.0/files/favorites",
    body: Client.jsonBody({ fileIds: selection.fileIds ?? [], folderIds: selection.folderIds ?? [] })
  }, Schema.Unknown).pipe(Effect.asVoid)

/**
 * Puts a file at the top of the user's recent list (`POST /api/2.0/files/file/{fileId}/recent`), as opening it in
 * the editor does.
 *
 * @since 0.2.0
 * @category mutations
 */
export const markRecent = (
  fileId: number | string
): Effect.Effect<Files.File, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "addFileToRecent",
    method: "POST",
    path: "/api/2.0/files/file/{fileId}/recent",
    pathParams: { fileId }
  }, Files.File)

/**
 * The special file lists that answer a folder's content (`FolderContentDto`): trash, favorites, recent. One page, or
 * every entry as a `Stream` of `Folders.Entry`.
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Pagination from "@effect-docspace/core/Pagination"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as Folders from "../Folders.js"

export interface ListOptions {
  readonly filterType?: number | undefined
  readonly filterValue?: string | undefined
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

export const page = (
  operation: string,
  path: string,
  options: ListOptions | undefined
): Effect.Effect<Folders.FolderContent, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation,
    method: "GET",
    path,
    urlParams: {
      filterType: options?.filterType,
      filterValue: options?.filterValue,
      sortBy: options?.sortBy,
      sortOrder: options?.sortOrder === undefined ? undefined : options.sortOrder === "descending" ? 1 : 0,
      count: options?.count,
      startIndex: options?.startIndex
    }
  }, Folders.FolderContent)

export const stream = (
  operation: string,
  path: string,
  options: (ListOptions & Pagination.Options) | undefined
): Stream.Stream<Folders.Entry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(
    ({ count, startIndex }) =>
      Effect.map(page(operation, path, { ...options, count, startIndex }), (content) => ({
        items: Folders.entries(content),
        total: content.total
      })),
    { key: (entry: Folders.Entry) => `${entry._tag}:${entry.id}`, ...options }
  )

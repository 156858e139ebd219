/**
 * Rooms: create, list (a page or a `Stream`), get, archive and unarchive. A room is a folder with a `roomType`;
 * its files are listed with {@link Folders.stream}.
 *
 * @example
 * ```ts
 * import { Rooms } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const room = yield* Rooms.create({ title: "Contracts", roomType: "CustomRoom" })
 *   yield* Rooms.archive(room.id)
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
 * A room: a folder with `roomType`, `tags`, `private`, `quotaLimit`, ...
 *
 * @since 0.1.0
 * @category schemas
 */
export const Room = Schemas.Folder

/**
 * @since 0.1.0
 * @category models
 */
export interface Room extends Schemas.Folder {}

/**
 * The `RoomType` numbers of the API.
 *
 * @since 0.1.0
 * @category constants
 */
export const RoomType = {
  FillingFormsRoom: 1,
  EditingRoom: 2,
  CustomRoom: 5,
  PublicRoom: 6,
  VirtualDataRoom: 8,
  AiRoom: 9
} as const

/**
 * A room type by name or by its number.
 *
 * @since 0.1.0
 * @category models
 */
export type RoomTypeInput = keyof typeof RoomType | number

const roomTypeNumber = (input: RoomTypeInput): number => typeof input === "number" ? input : RoomType[input]

/**
 * @since 0.1.0
 * @category models
 */
export interface CreateOptions {
  readonly title: string
  readonly roomType: RoomTypeInput
  readonly private?: boolean | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  /** Storage quota in bytes. */
  readonly quota?: number | undefined
  readonly indexing?: boolean | undefined
  readonly denyDownload?: boolean | undefined
}

/**
 * Creates a room (`POST /api/2.0/files/rooms`).
 *
 * @since 0.1.0
 * @category mutations
 */
export const create = (
  options: CreateOptions
): Effect.Effect<Room, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const { roomType, ...rest } = options
  const body: Record<string, unknown> = { roomType: roomTypeNumber(roomType) }
  for (const [key, value] of Object.entries(rest)) if (value !== undefined) body[key] = value
  return Client.request({
    operation: "createRoom",
    method: "POST",
    path: "/api/2.0/files/rooms",
    body: Client.jsonBody(body)
  }, Room)
}

/**
 * A room's information (`GET /api/2.0/files/rooms/{id}`).
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (
  id: number | string
): Effect.Effect<Room, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request(
    { operation: "getRoomInfo", method: "GET", path: "/api/2.0/files/rooms/{id}", pathParams: { id } },
    Room
  )

/**
 * The API's `SearchArea` numbers for the rooms list: which rooms to list.
 *
 * @since 0.1.0
 * @category constants
 */
export const SearchArea = {
  Active: 0,
  Archive: 1,
  Any: 2
} as const

/**
 * A `SearchArea` by name, or the API's number (3.7 also knows 3 recent by links, 4 templates, 5 knowledge, 6 result
 * storage, 7 AI agents).
 *
 * @since 0.1.0
 * @category models
 */
export type SearchAreaInput = keyof typeof SearchArea | number

const searchAreaNumber = (area: SearchAreaInput): number => typeof area === "number" ? area : SearchArea[area]

/**
 * Filters and sorting for the list of rooms.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListFilter {
  /** Only these room types (sent as the repeated `type` key). */
  readonly type?: ReadonlyArray<RoomTypeInput> | undefined
  /** A text the titles must contain. */
  readonly filterValue?: string | undefined
  /**
   * Which rooms: `"Active"` (the portal's default), `"Archive"` or `"Any"`, or the API's `SearchArea` number (0 active,
   * 1 archive, 2 any; see {@link SearchArea}).
   */
  readonly searchArea?: SearchAreaInput | undefined
  readonly tags?: ReadonlyArray<string> | undefined
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListOptions extends ListFilter {
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

/**
 * One page of rooms, with the number of rooms in the whole list.
 *
 * @since 0.1.0
 * @category models
 */
export type Page = Pagination.Page<Room>

/**
 * One page of rooms (`GET /api/2.0/files/rooms`).
 *
 * @since 0.1.0
 * @category getters
 */
export const list = (
  options?: ListOptions
): Effect.Effect<Page, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(
    Client.request({
      operation: "getRoomsFolder",
      method: "GET",
      path: "/api/2.0/files/rooms",
      urlParams: {
        type: options?.type?.map(roomTypeNumber),
        filterValue: options?.filterValue,
        searchArea: options?.searchArea === undefined ? undefined : searchAreaNumber(options.searchArea),
        tags: options?.tags === undefined ? undefined : JSON.stringify(options.tags),
        sortBy: options?.sortBy,
        sortOrder: options?.sortOrder === undefined ? undefined : options.sortOrder === "descending" ? 1 : 0,
        count: options?.count,
        startIndex: options?.startIndex
      }
    }, Schemas.FolderContent),
    (content): Page => ({ items: content.folders, total: content.total })
  )

/**
 * Every room, page by page as the stream is consumed.
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Room, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(({ count, startIndex }) => list({ ...options, count, startIndex }), options)

const archiveLike = (
  kind: "archive" | "unarchive",
  id: number | string,
  options: (FileOperations.WaitOptions & { readonly deleteAfter?: boolean | undefined }) | undefined
) =>
  FileOperations.run(
    Effect.map(
      Client.request({
        operation: kind === "archive" ? "archiveRoom" : "unarchiveRoom",
        method: "PUT",
        path: `/api/2.0/files/rooms/{id}/${kind}`,
        pathParams: { id },
        body: Client.jsonBody({ deleteAfter: options?.deleteAfter ?? false })
      }, FileOperations.FileOperation),
      (op): ReadonlyArray<FileOperations.FileOperation> => [op]
    ),
    options
  ).pipe(Effect.map((ops) => ops[0]!))

/**
 * Moves a room to the archive (`PUT /api/2.0/files/rooms/{id}/archive`) and waits for the portal's file
 * operation to finish (with `deleteAfter` it is never reported finished: see {@link FileOperations.TrackedOperation}).
 *
 * @since 0.1.0
 * @category mutations
 */
export const archive = (
  id: number | string,
  options?: FileOperations.WaitOptions & { readonly deleteAfter?: boolean | undefined }
): Effect.Effect<
  FileOperations.TrackedOperation,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => archiveLike("archive", id, options)

/**
 * Brings a room back from the archive (`PUT /api/2.0/files/rooms/{id}/unarchive`) and waits for the portal's
 * file operation to finish.
 *
 * @since 0.1.0
 * @category mutations
 */
export const unarchive = (
  id: number | string,
  options?: FileOperations.WaitOptions & { readonly deleteAfter?: boolean | undefined }
): Effect.Effect<
  FileOperations.TrackedOperation,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => archiveLike("unarchive", id, options)

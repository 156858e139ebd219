/**
 * Rooms: create, list (a page or a `Stream`), get, archive and unarchive, remove, members and invitations
 * (`share`, `members`, `streamMembers`). A room is a folder with a `roomType`; its files are listed with
 * {@link Folders.stream}; its external links are in {@link Sharing}.
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
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as FileOperations from "./FileOperations.js"
import * as Schemas from "./internal/schemas.js"
import * as Sharing from "./Sharing.js"

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

/**
 * @since 0.2.0
 * @category models
 */
export interface RemoveOptions extends FileOperations.WaitOptions {
  /**
   * Let the portal drop the operation when it finishes (`deleteAfter`): it is then never reported finished, and the
   * result has `reported: false` (see {@link FileOperations.TrackedOperation}). Default false.
   */
  readonly deleteAfter?: boolean | undefined
}

/**
 * Deletes a room for good, with its content (`DELETE /api/2.0/files/rooms/{id}`; rooms do not go to the trash),
 * and waits for the portal's file operation to finish. DocSpace-server `VirtualRoomsController.DeleteRoom` publishes
 * an immediate Delete operation and answers with one operation, or with nothing when it has finished and left the
 * list already (then the result is `Option.none()`).
 *
 * @example
 * ```ts
 * import { Rooms } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const room = yield* Rooms.create({ title: "Scratch", roomType: "CustomRoom" })
 *   yield* Rooms.remove(room.id)
 * })
 * ```
 *
 * @since 0.2.0
 * @category mutations
 */
export const remove = (
  id: number | string,
  options?: RemoveOptions
): Effect.Effect<
  Option.Option<FileOperations.TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperations.FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> =>
  FileOperations.run(
    Effect.map(
      Client.request({
        operation: "deleteRoom",
        method: "DELETE",
        path: "/api/2.0/files/rooms/{id}",
        pathParams: { id },
        body: Client.jsonBody({ deleteAfter: options?.deleteAfter ?? false })
      }, Schema.NullishOr(FileOperations.FileOperation)),
      (op): ReadonlyArray<FileOperations.FileOperation> => op == null ? [] : [op]
    ),
    options
  ).pipe(Effect.map((ops) => Option.fromNullable(ops[0])))

/**
 * Who to give access to a room: an existing user by `id`, or anyone by `email` (the portal invites them).
 *
 * @since 0.2.0
 * @category models
 */
export type Invitee =
  | { readonly id: string; readonly access: Sharing.AccessInput }
  | { readonly email: string; readonly access: Sharing.AccessInput }

/**
 * @since 0.2.0
 * @category models
 */
export interface ShareOptions {
  /** Send the invitees a notification email. Default false. */
  readonly notify?: boolean | undefined
  /** A message for the notification. */
  readonly message?: string | undefined
  readonly culture?: string | undefined
}

/**
 * The answer to {@link share}: the members as they now are, and the portal's warning or error, if any (for example
 * `error` 1, `FormRoleBlockingDeletion`, when removing a member would break a form's roles).
 *
 * @since 0.2.0
 * @category schemas
 */
export const ShareResult = Schema.Struct({
  members: Schema.optionalWith(Schema.Array(Sharing.Share), { nullable: true, default: () => [] }),
  warning: Schemas.opt(Schema.String),
  error: Schemas.opt(Schemas.EnumNumber)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface ShareResult extends Schema.Schema.Type<typeof ShareResult> {}

/**
 * Invites people to a room, changes their access level, or removes them with `access: "None"` (`PUT
 * /api/2.0/files/rooms/{id}/share`, DocSpace-server `VirtualRoomsController.SetRoomSecurity`). An email that is not
 * a user of the portal gets an invitation. The levels a room accepts depend on its type (`RoomManager`,
 * `ContentCreator`, `Editing`, `Review`, `Comment`, `FillForms`, `Read`); the portal refuses the others.
 *
 * @example
 * ```ts
 * import { Rooms } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const room = yield* Rooms.create({ title: "Contracts", roomType: "EditingRoom" })
 *   yield* Rooms.share(room.id, [{ email: "lawyer@example.com", access: "Editing" }])
 * })
 * ```
 *
 * @since 0.2.0
 * @category mutations
 */
export const share = (
  id: number | string,
  invitees: ReadonlyArray<Invitee>,
  options?: ShareOptions
): Effect.Effect<ShareResult, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "setRoomSecurity",
    method: "PUT",
    path: "/api/2.0/files/rooms/{id}/share",
    pathParams: { id },
    body: Client.jsonBody({
      invitations: invitees.map((invitee) =>
        "id" in invitee
          ? { id: invitee.id, access: Sharing.accessNumber(invitee.access) }
          : { email: invitee.email, access: Sharing.accessNumber(invitee.access) }
      ),
      notify: options?.notify ?? false,
      ...(options?.message !== undefined ? { message: options.message } : {}),
      ...(options?.culture !== undefined ? { culture: options.culture } : {})
    })
  }, ShareResult)

/**
 * One page of a room's access entries: its owner and members, its groups and links (`GET
 * /api/2.0/files/rooms/{id}/share`).
 *
 * @since 0.2.0
 * @category getters
 */
export const members = (
  id: number | string,
  options?: { readonly count?: number | undefined; readonly startIndex?: number | undefined }
): Effect.Effect<Pagination.Page<Sharing.Share>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(
    Client.requestEnvelope({
      operation: "getRoomSecurityInfo",
      method: "GET",
      path: "/api/2.0/files/rooms/{id}/share",
      pathParams: { id },
      urlParams: { count: options?.count, startIndex: options?.startIndex }
    }, Schema.Array(Sharing.Share)),
    (envelope): Pagination.Page<Sharing.Share> => ({ items: envelope.response, total: envelope.total })
  )

/**
 * Every access entry of a room, page by page as the stream is consumed.
 *
 * @since 0.2.0
 * @category streams
 */
export const streamMembers = (
  id: number | string,
  options?: Pagination.Options
): Stream.Stream<Sharing.Share, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(({ count, startIndex }) => members(id, { count, startIndex }), {
    key: (share: Sharing.Share) => share.sharedToUser?.id ?? share.sharedToGroup?.id ?? share.sharedLink?.id ?? share,
    ...options
  })

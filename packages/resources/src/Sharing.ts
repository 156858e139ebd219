/**
 * Sharing: access levels, and the external (shared) links of files, folders and rooms. Room members and
 * invitations are in {@link Rooms.share}; this module holds what they share: the `Access` levels and the `Share`
 * record the portal answers with.
 *
 * Routes (DocSpace-server `products/ASC.Files/Server/Api/FilesController.cs`, `FoldersController.cs`,
 * `VirtualRoomsController.cs`): `GET|POST /api/2.0/files/{file|folder}/{id}/link` (the primary link, created when
 * there is none), `GET /api/2.0/files/rooms/{id}/link`, `GET|PUT /api/2.0/files/{file|folder|rooms}/{id}/links`.
 *
 * @example
 * ```ts
 * import { Sharing } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
 *
 * const program = Effect.gen(function*() {
 *   const primary = yield* Sharing.primaryLink({ file: 123 })
 *   const extra = yield* Sharing.setLink({ room: 7 }, { title: "For the auditors", access: "Read" })
 *   yield* Sharing.revokeLink({ room: 7 }, Option.getOrThrow(extra).sharedLink!.id)
 *   return primary.sharedLink?.shareLink
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Schemas from "./internal/schemas.js"

/**
 * The `FileShare` access levels (integers on the wire). Rooms use `RoomManager`, `ContentCreator`, `Editing`,
 * `Review`, `Comment`, `FillForms` and `Read` depending on the room type; `None` removes a member or revokes a link.
 *
 * @since 0.2.0
 * @category constants
 */
export const Access = {
  None: 0,
  ReadWrite: 1,
  Read: 2,
  Restrict: 3,
  Varies: 4,
  Review: 5,
  Comment: 6,
  FillForms: 7,
  CustomFilter: 8,
  RoomManager: 9,
  Editing: 10,
  ContentCreator: 11
} as const

/**
 * An access level by name, or the API's number.
 *
 * @since 0.2.0
 * @category models
 */
export type AccessInput = keyof typeof Access | number

/**
 * The `FileShare` number of an access level given by name or number.
 *
 * @since 0.2.0
 * @category constructors
 */
export const accessNumber = (access: AccessInput): number => typeof access === "number" ? access : Access[access]

/**
 * The `SubjectType` numbers of a {@link Share}: what it shares with.
 *
 * @since 0.2.0
 * @category constants
 */
export const SubjectType = {
  User: 0,
  ExternalLink: 1,
  Group: 2,
  InvitationLink: 3,
  PrimaryExternalLink: 4
} as const

/**
 * A shared link (`FileShareLink`). Its `password`, when the link has one, is `Redacted`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Link = Schema.Struct({
  id: Schema.String,
  title: Schemas.opt(Schema.String),
  shareLink: Schemas.opt(Schema.String),
  expirationDate: Schemas.opt(Schema.String),
  /** `LinkType`: 0 invitation, 1 external. */
  linkType: Schemas.opt(Schemas.EnumNumber),
  password: Schemas.opt(Schema.Redacted(Schema.String)),
  denyDownload: Schemas.opt(Schema.Boolean),
  isExpired: Schemas.opt(Schema.Boolean),
  primary: Schemas.opt(Schema.Boolean),
  internal: Schemas.opt(Schema.Boolean),
  requestToken: Schemas.opt(Schema.String)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Link extends Schema.Schema.Type<typeof Link> {}

/**
 * One access entry (`FileShareDto`): a user (`sharedToUser`), a group (`sharedToGroup`) or a link (`sharedLink`)
 * with its `access` level.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Share = Schema.Struct({
  access: Schemas.EnumNumber,
  sharedToUser: Schemas.opt(Schemas.Person),
  sharedToGroup: Schemas.opt(Schema.Struct({ id: Schema.String, name: Schemas.opt(Schema.String) })),
  sharedLink: Schemas.opt(Link),
  isOwner: Schemas.opt(Schema.Boolean),
  isLocked: Schemas.opt(Schema.Boolean),
  canEditAccess: Schemas.opt(Schema.Boolean),
  canRevoke: Schemas.opt(Schema.Boolean),
  /** See {@link SubjectType}. */
  subjectType: Schemas.opt(Schemas.EnumNumber)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Share extends Schema.Schema.Type<typeof Share> {}

/**
 * What is shared: a file, a folder or a room, by id.
 *
 * @since 0.2.0
 * @category models
 */
export type Target =
  | { readonly file: number | string }
  | { readonly folder: number | string }
  | { readonly room: number | string }

const route = (target: Target): { readonly base: string; readonly id: number | string; readonly kind: string } =>
  "file" in target
    ? { base: "/api/2.0/files/file/{id}", id: target.file, kind: "File" }
    : "folder" in target
    ? { base: "/api/2.0/files/folder/{id}", id: target.folder, kind: "Folder" }
    : { base: "/api/2.0/files/rooms/{id}", id: target.room, kind: "Room" }

/**
 * The primary external link of a file, folder or room; the portal creates it when there is none (`POST
 * .../file|folder/{id}/link`, `GET .../rooms/{id}/link`).
 *
 * @since 0.2.0
 * @category mutations
 */
export const primaryLink = (
  target: Target
): Effect.Effect<Share, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const { base, id, kind } = route(target)
  return "room" in target
    ? Client.request({
      operation: "getRoomsPrimaryExternalLink",
      method: "GET",
      path: `${base}/link`,
      pathParams: { id }
    }, Share)
    : Client.request({
      operation: `create${kind}PrimaryExternalLink`,
      method: "POST",
      path: `${base}/link`,
      pathParams: { id },
      body: Client.jsonBody({})
    }, Share)
}

/**
 * The shared links of a file, folder or room (`GET .../{id}/links`): one page, the first 100 unless `count` and
 * `startIndex` say otherwise.
 *
 * @since 0.2.0
 * @category getters
 */
export const links = (
  target: Target,
  options?: { readonly count?: number | undefined; readonly startIndex?: number | undefined }
): Effect.Effect<ReadonlyArray<Share>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const { base, id, kind } = route(target)
  return Client.request({
    operation: `get${kind}Links`,
    method: "GET",
    path: `${base}/links`,
    pathParams: { id },
    urlParams: { count: options?.count, startIndex: options?.startIndex }
  }, Schema.Array(Share))
}

/**
 * A link to create or change (`FileLinkRequest`, `RoomLinkRequest`).
 *
 * @since 0.2.0
 * @category models
 */
export interface LinkOptions {
  /** The link to change; without it a new link is created. */
  readonly linkId?: string | undefined
  /** Default `Read`. `None` revokes the link (see {@link revokeLink}). */
  readonly access?: AccessInput | undefined
  readonly title?: string | undefined
  /** When the link stops working. */
  readonly expirationDate?: Date | undefined
  /** Only for the portal's users. */
  readonly internal?: boolean | undefined
  readonly denyDownload?: boolean | undefined
  readonly password?: Redacted.Redacted<string> | undefined
}

/**
 * Creates a link, or changes the one named by `linkId` (`PUT .../{id}/links`); `Option.none()` when the portal
 * answers without a link (a link revoked with `access: "None"`). A room link is an external link (`linkType` 1).
 *
 * @since 0.2.0
 * @category mutations
 */
export const setLink = (
  target: Target,
  options: LinkOptions
): Effect.Effect<Option.Option<Share>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const { base, id, kind } = route(target)
  const operation = kind === "Room"
    ? "setRoomLink"
    : kind === "File"
    ? "setFileExternalLink"
    : "setFolderPrimaryExternalLink"
  if (options.expirationDate !== undefined && Number.isNaN(options.expirationDate.getTime())) {
    return Effect.fail(
      new DocSpaceError.BadRequest({
        operation,
        method: "PUT",
        url: `${base}/links`,
        message: "expirationDate is not a valid date"
      })
    )
  }
  const body: Record<string, unknown> = { access: accessNumber(options.access ?? "Read") }
  if (options.linkId !== undefined) body.linkId = options.linkId
  if (options.title !== undefined) body.title = options.title
  if (options.expirationDate !== undefined) body.expirationDate = options.expirationDate.toISOString()
  if (options.internal !== undefined) body.internal = options.internal
  if (options.denyDownload !== undefined) body.denyDownload = options.denyDownload
  if (options.password !== undefined) body.password = Redacted.value(options.password)
  if ("room" in target) body.linkType = 1
  return Effect.map(
    Client.request({
      operation: kind === "Room"
        ? "setRoomLink"
        : kind === "File"
        ? "setFileExternalLink"
        : "setFolderPrimaryExternalLink",
      method: "PUT",
      path: `${base}/links`,
      pathParams: { id },
      body: Client.jsonBody(body)
    }, Schema.NullishOr(Share)),
    Option.fromNullable
  )
}

/**
 * Revokes a link (`PUT .../{id}/links` with `access: None`).
 *
 * @since 0.2.0
 * @category mutations
 */
export const revokeLink = (
  target: Target,
  linkId: string
): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.asVoid(setLink(target, { linkId, access: "None" }))

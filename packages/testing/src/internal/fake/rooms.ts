/**
 * Rooms of the fake DocSpace: rooms are folders under the "Rooms" root with a `roomType`; archiving moves them
 * under the "Archive" root (answered as a finished `FileOperationDto`); deleting one is a Delete file operation that
 * removes it for good (no trash), as DocSpace-server `VirtualRoomsController.DeleteRoom` publishes it (`immediately`,
 * `holdResult: !deleteAfter`). Room members (`PUT/GET .../share`, `SetRoomSecurity` / `GetRoomSecurityInfo`) are
 * kept per room: an invitation by email creates a pending user. Routes under `/api/2.0/files/rooms`, including
 * room sharing links (the link logic is in `files.ts`).
 */
import type { Ctx, Route } from "./common.js"
import { bool, enumQuery, enumValue, folderParam, json, paging, str } from "./common.js"
import { linkDto, linksOf, primaryLink, setLink } from "./files.js"
import { folderContent, folderDto } from "./folders.js"
import { operationDto, readOperations, startOperation } from "./operations.js"
import { addUser, employeeFull, userByEmail } from "./people.js"
import type { FakeModel, Folder } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, FOLDER_NOT_FOUND, HttpError, notFound } from "./util.js"

/** `FileShare` names, as ASP.NET binds them (the numbers work too). */
export const fileShareNames: Record<string, number> = {
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
}

/** Room members: room id -> user id -> `FileShare`. The owner is not in it (always listed first, as `isOwner`). */
const membersByModel = new WeakMap<FakeModel, Map<number, Map<string, number>>>()

const membersOf = (model: FakeModel, roomId: number): Map<string, number> => {
  let rooms = membersByModel.get(model)
  if (rooms === undefined) membersByModel.set(model, rooms = new Map())
  let members = rooms.get(roomId)
  if (members === undefined) rooms.set(roomId, members = new Map())
  return members
}

/** A `FileShareDto` of a user (`subjectType` 0). */
const memberDto = (ctx: Ctx, room: Folder, userId: string, access: number) => {
  const user = ctx.model.users.get(userId)!
  const isOwner = room.ownerId === userId
  const dto = employeeFull(ctx.model, user, ctx.origin)
  return {
    access,
    sharedTo: dto,
    sharedToUser: dto,
    isLocked: isOwner,
    isOwner,
    canEditAccess: !isOwner,
    canEditInternal: false,
    canEditDenyDownload: false,
    canEditExpirationDate: false,
    canRevoke: !isOwner,
    subjectType: 0
  }
}

/** `PUT /files/rooms/{id}/share`: each invitation by `id` or `email` with an `access`; `None` (0) removes. */
const setRoomSecurity = (ctx: Ctx): Reply => {
  const target = room(ctx)
  const body = ctx.json()
  if (!Array.isArray(body.invitations) || body.invitations.length === 0) return json(ctx, { members: [] })
  const members = membersOf(ctx.model, target.id)
  const touched: Array<string> = []
  for (const item of body.invitations as Array<Record<string, unknown>>) {
    const access = enumValue(item?.access, fileShareNames)
    if (access === undefined || access < 0 || access > 11) throw badRequest("access is invalid")
    const email = str(item.email)
    let userId = str(item.id)
    if (userId === undefined && email !== undefined) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw badRequest("Incorrect email")
      const existing = userByEmail(ctx.model, email)
      if (existing !== undefined) userId = existing.id
      else if (access !== 0) {
        const invited = addUser(ctx.model, { email, password: "" }, ctx.now, 2, "Guest")
        invited.password = undefined
        userId = invited.id
      }
    }
    if (userId === undefined) throw badRequest("An invitation needs an id or an email")
    if (!ctx.model.users.has(userId)) {
      throw new HttpError(404, "The user could not be found", "ASC.Core.Users.UserNotFound")
    }
    if (userId === target.ownerId) continue
    if (access === 0) members.delete(userId)
    else members.set(userId, access)
    touched.push(userId)
  }
  return json(ctx, {
    members: touched.flatMap((id) => members.has(id) ? [memberDto(ctx, target, id, members.get(id)!)] : [])
  })
}

/** `GET /files/rooms/{id}/share`: the owner (RoomManager), then the members; `count`/`startIndex`, total. */
const roomSecurityInfo = (ctx: Ctx): Reply => {
  const target = room(ctx)
  const all = [
    memberDto(ctx, target, target.ownerId, 9),
    ...[...membersOf(ctx.model, target.id)].map(([id, access]) => memberDto(ctx, target, id, access))
  ]
  const { count, startIndex } = paging(ctx)
  return json(ctx, all.slice(startIndex, startIndex + count), all.length)
}

/**
 * `DELETE /files/rooms/{id}`: a Delete file operation on the room, `immediately` (no trash); the answer is one
 * `FileOperationDto` (read as the server reads its list: an operation already finished with `deleteAfter` is gone,
 * and the result is then null, which the envelope omits).
 */
const deleteRoom = (ctx: Ctx): Reply => {
  const target = room(ctx)
  const body = ctx.req.body.length === 0 ? {} : ctx.json()
  const op = startOperation(ctx.model, {
    type: 2,
    userId: ctx.user.id,
    fileIds: [],
    folderIds: [target.id],
    immediately: true,
    now: ctx.now,
    origin: ctx.origin,
    hold: !bool(body.deleteAfter)
  })
  // the real server raises `room.deleted` from the operation; the fake raises it when the deletion is asked for
  ctx.model.emit("RoomDeleted", { id: target.id, title: target.title }, ctx.user.id)
  const [listed] = readOperations([op])
  return json(ctx, listed === undefined ? null : operationDto(ctx.model, listed, ctx.origin))
}

/** `RoomType` -> the room's `FolderType`. */
export const roomFolderType: Record<number, number> = { 1: 15, 2: 16, 5: 19, 6: 22, 8: 29, 9: 31 }
export const roomTypeNames: Record<string, number> = {
  FillingFormsRoom: 1,
  EditingRoom: 2,
  CustomRoom: 5,
  PublicRoom: 6,
  VirtualDataRoom: 8,
  AiRoom: 9
}

const room = (ctx: Ctx): Folder => {
  const folder = folderParam(ctx, "id")
  if (folder.roomType === undefined) throw notFound(FOLDER_NOT_FOUND)
  return folder
}

/** Archive and unarchive are quick moves that the real server still reports as a `FileOperationDto`. */
const archive = (ctx: Ctx, toArchive: boolean): Reply => {
  const room = folderParam(ctx, "id")
  if (room.roomType === undefined) throw notFound(FOLDER_NOT_FOUND)
  const target = toArchive ? ctx.model.archiveRootId : ctx.model.roomsRootId
  const op = startOperation(ctx.model, {
    type: 0,
    userId: ctx.user.id,
    fileIds: [],
    folderIds: [],
    now: ctx.now,
    durationMillis: 0,
    origin: ctx.origin
  })
  if (room.parentId !== target) {
    ctx.model.placeFolder(room, target)
    room.updated = ctx.now
    ctx.model.emit(toArchive ? "RoomArchived" : "RoomRestored", { id: room.id, title: room.title }, ctx.user.id)
  }
  op.finished = true
  op.progress = 100
  op.status = 2
  op.processed = 1
  op.resultFolders.push(room.id)
  op.reported = true
  return json(ctx, operationDto(ctx.model, op, ctx.origin))
}

export const roomRoutes: ReadonlyArray<Route> = [
  {
    method: "POST",
    template: "/api/2.0/files/rooms",
    handle: (ctx) => {
      const body = ctx.json()
      const title = str(body.title)
      if (title === undefined || title.trim() === "") throw badRequest("title is required")
      const roomType = enumValue(body.roomType, roomTypeNames)
      if (roomType === undefined || roomFolderType[roomType] === undefined) throw badRequest("roomType is invalid")
      const folder = ctx.model.folderRaw(ctx.model.roomsRootId, title, roomFolderType[roomType], ctx.user.id, ctx.now)
      folder.roomType = roomType
      folder.tags = Array.isArray(body.tags) ? body.tags.map(String) : []
      ctx.model.emit("RoomCreated", { id: folder.id, title }, ctx.user.id)
      return json(ctx, folderDto(ctx.model, folder, ctx.origin, ctx.user.id))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/rooms",
    handle: (ctx) => {
      // `SearchArea`: Active 0, Archive 1, Any 2
      const area = enumQuery(ctx, "searchArea", { Active: 0, Archive: 1, Any: 2 }) ?? 0
      const roots = area === 2
        ? [ctx.model.roomsRootId, ctx.model.archiveRootId]
        : [area === 1 ? ctx.model.archiveRootId : ctx.model.roomsRootId]
      // `type` is an array parameter: `type=PublicRoom&type=CustomRoom` keeps rooms of either type
      const wanted = ctx.query.getAll("type").filter((t) => t !== "").map((t) => {
        const n = enumValue(t, roomTypeNames)
        if (n === undefined) throw badRequest(`The value '${t}' is not valid for type.`)
        return n
      })
      const rooms = roots.flatMap((r) => ctx.model.childFolders(r)).filter((f) =>
        wanted.length === 0 || (f.roomType !== undefined && wanted.includes(f.roomType))
      )
      return folderContent(ctx, ctx.model.getFolder(roots[0]), { folders: rooms, files: [] })
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/rooms/{id}",
    handle: (ctx) => json(ctx, folderDto(ctx.model, room(ctx), ctx.origin, ctx.user.id))
  },
  { method: "DELETE", template: "/api/2.0/files/rooms/{id}", handle: deleteRoom },
  { method: "PUT", template: "/api/2.0/files/rooms/{id}/share", handle: setRoomSecurity },
  { method: "GET", template: "/api/2.0/files/rooms/{id}/share", handle: roomSecurityInfo },
  { method: "PUT", template: "/api/2.0/files/rooms/{id}/archive", handle: (ctx) => archive(ctx, true) },
  { method: "PUT", template: "/api/2.0/files/rooms/{id}/unarchive", handle: (ctx) => archive(ctx, false) },
  {
    method: "GET",
    template: "/api/2.0/files/rooms/{id}/link",
    handle: (ctx) => json(ctx, linkDto(ctx, primaryLink(ctx, "folder", room(ctx).id, true)!))
  },
  {
    method: "GET",
    template: "/api/2.0/files/rooms/{id}/links",
    handle: (ctx) => json(ctx, linksOf(ctx, "folder", room(ctx).id).map((l) => linkDto(ctx, l)))
  },
  { method: "PUT", template: "/api/2.0/files/rooms/{id}/links", handle: (ctx) => setLink(ctx, "folder", room(ctx).id) }
]

/**
 * Rooms of the fake DocSpace: rooms are folders under the "Rooms" root with a `roomType`; archiving moves them
 * under the "Archive" root (answered as a finished `FileOperationDto`). Routes under `/api/2.0/files/rooms`,
 * including room sharing links (the link logic is in `files.ts`).
 */
import type { Ctx, Route } from "./common.js"
import { enumQuery, enumValue, folderParam, json, str } from "./common.js"
import { linkDto, linksOf, primaryLink, setLink } from "./files.js"
import { folderContent, folderDto } from "./folders.js"
import { operationDto, startOperation } from "./operations.js"
import type { Folder } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, FOLDER_NOT_FOUND, notFound } from "./util.js"

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

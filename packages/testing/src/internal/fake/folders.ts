/**
 * Folders of the fake DocSpace: the folder DTO, folder listings (`FolderContentDto` with filter, search, sort and
 * paging, also used by rooms, favorites and recent), copying a folder tree, and the routes under
 * `/api/2.0/files/{folderId}`, `/api/2.0/files/@my`, `/api/2.0/files/@trash` and `/api/2.0/files/folder/...`
 * (including folder sharing links; a folder DELETE is a file operation, see `operations.ts`).
 */
import type { Ctx, Route } from "./common.js"
import { enumQuery, enumValue, folderParam, json, paging, str } from "./common.js"
import { copyFile, fileDto, linkDto, linksOf, primaryLink, setLink } from "./files.js"
import { deleteOne } from "./operations.js"
import { employee } from "./people.js"
import type { FakeModel, FileEntry, Folder } from "./state.js"
import { FolderType } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, fileTypeOf, formatDate, HttpError } from "./util.js"

// ---------------------------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------------------------

export const folderDto = (model: FakeModel, folder: Folder, origin: string, userId: string) => {
  const root = model.root(folder.id)
  const room = model.parentRoom(folder.id)
  const user = model.users.get(userId)
  return {
    id: folder.id,
    parentId: folder.parentId,
    filesCount: model.childFiles(folder.id).length,
    foldersCount: model.childFolders(folder.id).length,
    new: 0,
    mute: false,
    tags: folder.roomType === undefined ? undefined : folder.tags,
    pinned: false,
    roomType: folder.roomType,
    private: false,
    indexing: false,
    denyDownload: false,
    type: folder.folderType,
    rootFolderId: root.id,
    canShare: true,
    title: folder.title,
    access: 0,
    shared: [...model.links.values()].some((l) => l.entryKind === "folder" && l.entryId === folder.id),
    created: formatDate(folder.created),
    createdBy: employee(model, folder.ownerId, origin),
    updated: formatDate(folder.updated),
    updatedBy: employee(model, folder.updatedBy, origin),
    rootFolderType: root.folderType,
    parentRoomType: room !== undefined && room.id !== folder.id ? room.folderType : undefined,
    isFavorite: user?.favorites.has(folder.id) === true ? true : undefined,
    fileEntryType: 1
  }
}

export const copyFolder = (
  model: FakeModel,
  folder: Folder,
  destId: number,
  userId: string,
  now: number,
  resolve: number
): Folder | undefined => {
  if (model.isInside(destId, folder.id)) {
    throw new HttpError(400, "The folder cannot be copied into itself or its subfolder")
  }
  let target = model.childFolders(destId).find((f) => f.title.toLowerCase() === folder.title.toLowerCase())
  if (target === undefined || resolve === 2) {
    const title = target === undefined ? folder.title : model.freeTitle(destId, folder.title, "folder")
    target = model.folderRaw(destId, title, FolderType.DEFAULT, userId, now)
    model.emit("FolderCopied", { folder: { id: target.id, title: target.title } }, userId)
  } else if (resolve === 0 && target.id === folder.id) {
    return undefined
  }
  const into = target
  for (const f of model.childFiles(folder.id)) copyFile(model, f, into.id, userId, now, resolve)
  for (const child of model.childFolders(folder.id)) copyFolder(model, child, into.id, userId, now, resolve)
  return into
}

// ---------------------------------------------------------------------------------------------------------------
// folder content (FolderContentDto)
// ---------------------------------------------------------------------------------------------------------------

const filterTypes: Record<string, number> = {
  None: 0,
  FilesOnly: 1,
  FoldersOnly: 2,
  DocumentsOnly: 3,
  PresentationsOnly: 4,
  SpreadsheetsOnly: 5,
  ImagesOnly: 7,
  ArchiveOnly: 10,
  MediaOnly: 12,
  Pdf: 22
}

const matchesFilter = (filter: number, entry: FileEntry | Folder, fileType: (f: FileEntry) => number): boolean => {
  if (filter === 0) return true
  if (filter === 2) return entry.kind === "folder"
  if (entry.kind === "folder") return false
  const t = fileType(entry)
  switch (filter) {
    case 1:
      return true
    case 3:
      return t === 7
    case 4:
      return t === 6
    case 5:
      return t === 5
    case 7:
      return t === 4
    case 10:
      return t === 1
    case 12:
      return t === 2 || t === 3
    case 22:
      return t === 10
    default:
      return true
  }
}

/** `SortOrder`: Ascending 0, Descending 1. */
const sortOrders: Record<string, number> = { Ascending: 0, Descending: 1 }

export const folderContent = (
  ctx: Ctx,
  current: Folder,
  entries: { readonly folders: ReadonlyArray<Folder>; readonly files: ReadonlyArray<FileEntry> }
): Reply => {
  const { model, origin, user } = ctx
  const filter = enumValue(ctx.query.get("filterType") ?? undefined, filterTypes) ?? 0
  const search = (ctx.query.get("filterValue") ?? ctx.query.get("search") ?? "").toLowerCase()
  const sortBy = (ctx.query.get("sortBy") ?? "DateAndTime").toLowerCase()
  const order = enumQuery(ctx, "sortOrder", sortOrders)
  const descending = order === undefined ? sortBy !== "az" : order === 1
  const dtoFileType = (f: FileEntry) => fileTypeOf(f.title)
  const keep = (e: FileEntry | Folder) =>
    matchesFilter(filter, e, dtoFileType) && (search === "" || e.title.toLowerCase().includes(search))
  const key = (e: FileEntry | Folder): string | number => {
    switch (sortBy) {
      case "az":
      case "title":
        return e.title.toLowerCase()
      case "size":
        return e.kind === "file" ? model.fileSize(e) : 0
      case "type":
        return e.kind === "file" ? e.title.slice(e.title.lastIndexOf(".") + 1) : ""
      case "datetimecreation":
      case "created":
        return e.created
      default:
        return e.updated
    }
  }
  const compare = (a: FileEntry | Folder, b: FileEntry | Folder) => {
    const ka = key(a)
    const kb = key(b)
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id
    return descending ? -c : c
  }
  const folders = entries.folders.filter(keep).sort(compare)
  const files = entries.files.filter(keep).sort(compare)
  const all: Array<FileEntry | Folder> = [...folders, ...files]
  const { count, startIndex } = paging(ctx)
  const page = all.slice(startIndex, startIndex + count)
  const content = {
    files: page.flatMap((e) => e.kind === "file" ? [fileDto(model, e, origin, user.id)] : []),
    folders: page.flatMap((e) => e.kind === "folder" ? [folderDto(model, e, origin, user.id)] : []),
    current: folderDto(model, current, origin, user.id),
    pathParts: model.path(current.id).map((f) => ({ id: f.id, title: f.title, roomType: f.roomType })),
    startIndex,
    count: page.length,
    total: all.length,
    new: 0
  }
  return json(ctx, content)
}

const folderChildren = (ctx: Ctx, folder: Folder) =>
  folderContent(ctx, folder, { folders: ctx.model.childFolders(folder.id), files: ctx.model.childFiles(folder.id) })

// ---------------------------------------------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------------------------------------------

export const folderRoutes: ReadonlyArray<Route> = [
  {
    method: "GET",
    template: "/api/2.0/files/@my",
    handle: (ctx) => folderChildren(ctx, ctx.model.getFolder(ctx.user.myFolderId))
  },
  {
    method: "GET",
    template: "/api/2.0/files/@trash",
    handle: (ctx) => folderChildren(ctx, ctx.model.getFolder(ctx.user.trashFolderId))
  },
  { method: "GET", template: "/api/2.0/files/{folderId}", handle: (ctx) => folderChildren(ctx, folderParam(ctx)) },
  {
    method: "POST",
    template: "/api/2.0/files/folder/{folderId}",
    handle: (ctx) => {
      const parent = folderParam(ctx)
      ctx.model.checkWritable(parent)
      const title = str(ctx.json().title)
      if (title === undefined || title.trim() === "") throw badRequest("title is required")
      const folder = ctx.model.folderRaw(parent.id, title, FolderType.DEFAULT, ctx.user.id, ctx.now)
      ctx.model.emit("FolderCreated", { id: folder.id, title, parentId: parent.id }, ctx.user.id)
      return json(ctx, folderDto(ctx.model, folder, ctx.origin, ctx.user.id))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/folder/{folderId}",
    handle: (ctx) => json(ctx, folderDto(ctx.model, folderParam(ctx), ctx.origin, ctx.user.id))
  },
  {
    method: "PUT",
    template: "/api/2.0/files/folder/{folderId}",
    handle: (ctx) => {
      const folder = folderParam(ctx)
      const title = str(ctx.json().title)
      if (title === undefined || title.trim() === "") throw badRequest("title is required")
      if (folder.parentId === 0) throw new HttpError(403, "You don't have enough permission to rename the folder")
      folder.title = title
      folder.updated = ctx.now
      folder.updatedBy = ctx.user.id
      ctx.model.emit("FolderUpdated", { id: folder.id, title }, ctx.user.id)
      return json(ctx, folderDto(ctx.model, folder, ctx.origin, ctx.user.id))
    }
  },
  { method: "DELETE", template: "/api/2.0/files/folder/{folderId}", handle: (ctx) => deleteOne(ctx, "folder") },
  {
    method: "GET",
    template: "/api/2.0/files/folder/{id}/link",
    handle: (ctx) => json(ctx, linkDto(ctx, primaryLink(ctx, "folder", folderParam(ctx, "id").id, true)!))
  },
  {
    // `FoldersController.CreateFolderPrimaryExternalLink`: the primary link, created from the body when there is none
    method: "POST",
    template: "/api/2.0/files/folder/{id}/link",
    handle: (ctx) => {
      const id = folderParam(ctx, "id").id
      const body = ctx.req.body.length === 0 ? {} : ctx.json()
      return json(ctx, linkDto(ctx, primaryLink(ctx, "folder", id, true, body)!))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/folder/{id}/links",
    handle: (ctx) => json(ctx, linksOf(ctx, "folder", folderParam(ctx, "id").id).map((l) => linkDto(ctx, l)))
  },
  {
    method: "PUT",
    template: "/api/2.0/files/folder/{id}/links",
    handle: (ctx) => setLink(ctx, "folder", folderParam(ctx, "id").id)
  }
]

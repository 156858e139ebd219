/**
 * Files of the fake DocSpace: the file DTO, copying a file, the trash (`remove` moves to the trash or purges),
 * sharing links (of files, folders and rooms), favorites and recent, versions, presigned URLs, and the downloads
 * outside `/api/2.0` (`/filehandler.ashx` and the presigned storage URL, with `Range` support).
 * Uploads are in `uploads.ts`; a file DELETE is a file operation, see `operations.ts`.
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Handler } from "../handler.js"
import type { Ctx, Route } from "./common.js"
import { bool, enumValue, fileParam, idList, int, json, str } from "./common.js"
import { folderContent } from "./folders.js"
import { deleteOne } from "./operations.js"
import { employee } from "./people.js"
import type { FakeModel, FileEntry, Version } from "./state.js"
import { FolderType } from "./state.js"
import type { Reply } from "./util.js"
import {
  badRequest,
  extensionOf,
  FILE_NOT_FOUND,
  fileTypeOf,
  formatDate,
  HttpError,
  notFound,
  sizeString
} from "./util.js"

export interface Link {
  readonly id: string
  readonly entryId: number
  readonly entryKind: "file" | "folder"
  title: string
  access: number
  primary: boolean
  internal: boolean
  denyDownload: boolean
  expires: number | undefined
  password: string | undefined
  readonly token: string
}

// ---------------------------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------------------------

/** What a webhook payload carries about a file: never its bytes. */
export const summary = (file: FileEntry) => ({
  id: file.id,
  title: file.title,
  folderId: file.folderId,
  version: file.versions.length,
  pureContentLength: file.versions[file.versions.length - 1].bytes.length
})

export const fileDto = (model: FakeModel, file: FileEntry, origin: string, userId: string, version?: Version) => {
  const current = version ?? file.versions[file.versions.length - 1]
  const root = model.root(file.folderId)
  const room = model.parentRoom(file.folderId)
  const user = model.users.get(userId)
  return {
    id: file.id,
    folderId: file.folderId,
    version: current.version,
    versionGroup: current.version,
    contentLength: sizeString(current.bytes.length),
    pureContentLength: current.bytes.length,
    fileStatus: 0,
    mute: false,
    viewUrl: `${origin}/filehandler.ashx?action=download&fileid=${file.id}`,
    webUrl: `${origin}/doceditor?fileid=${file.id}&version=${current.version}`,
    fileType: fileTypeOf(file.title),
    fileExst: extensionOf(file.title),
    comment: current.comment,
    thumbnailStatus: 3,
    rootFolderId: root.id,
    canShare: true,
    title: file.title,
    access: 0,
    shared: [...model.links.values()].some((l) => l.entryKind === "file" && l.entryId === file.id),
    created: formatDate(file.created),
    createdBy: employee(model, file.ownerId, origin),
    updated: formatDate(version?.created ?? file.updated),
    updatedBy: employee(model, version?.createdBy ?? file.updatedBy, origin),
    rootFolderType: root.folderType,
    parentRoomType: room === undefined ? undefined : room.folderType,
    isFavorite: user?.favorites.has(file.id) === true ? true : undefined,
    fileEntryType: 2
  }
}

export const copyFile = (
  model: FakeModel,
  file: FileEntry,
  destId: number,
  userId: string,
  now: number,
  resolve: number
): FileEntry | undefined => {
  const clash = model.fileByTitle(destId, file.title)
  const bytes = file.versions[file.versions.length - 1].bytes
  if (clash !== undefined && clash.id !== file.id) {
    if (resolve === 0) return undefined // Skip
    if (resolve === 1) { // Overwrite: a new version
      model.checkQuota(bytes.length)
      model.addBytes(bytes.length)
      clash.versions.push({
        version: clash.versions.length + 1,
        bytes,
        created: now,
        createdBy: userId,
        comment: "Copied"
      })
      clash.updated = now
      return clash
    }
  }
  model.checkQuota(bytes.length)
  const copy: FileEntry = {
    kind: "file",
    id: model.id(),
    folderId: destId,
    title: clash === undefined ? file.title : model.freeTitle(destId, file.title, "file"),
    versions: [{ version: 1, bytes, created: now, createdBy: userId, comment: "Copied" }],
    ownerId: userId,
    created: now,
    updated: now,
    updatedBy: userId,
    previousParentId: undefined
  }
  model.addFile(copy)
  model.addBytes(bytes.length)
  model.emit("FileCopied", { file: { id: copy.id, title: copy.title } }, userId)
  return copy
}

// ---------------------------------------------------------------------------------------------------------------
// trash
// ---------------------------------------------------------------------------------------------------------------

/** Removes a file or a folder tree for good. */
export const purge = (model: FakeModel, kind: "file" | "folder", id: number, userId: string): void => {
  if (kind === "file") {
    const file = model.files.get(id)
    if (file === undefined) return
    model.dropFile(file)
    model.emit("FileDeleted", { file: { id: file.id, title: file.title } }, userId)
    return
  }
  const folder = model.folders.get(id)
  if (folder === undefined) return
  for (const f of model.childFiles(id)) model.dropFile(f)
  for (const child of model.childFolders(id)) purge(model, "folder", child.id, userId)
  model.dropFolder(folder)
  model.emit("FolderDeleted", { folder: { id: folder.id, title: folder.title } }, userId)
}

/** Moves to the user's trash, or removes for good when already in a trash or `immediately`. */
export const remove = (
  model: FakeModel,
  kind: "file" | "folder",
  id: number,
  userId: string,
  immediately: boolean,
  now: number
): void => {
  const user = model.users.get(userId)
  const parent = kind === "file" ? model.getFile(id).folderId : model.getFolder(id).parentId
  const inTrash = model.path(parent).some((f) => f.folderType === FolderType.TRASH)
  if (immediately || inTrash || user === undefined) return purge(model, kind, id, userId)
  if (kind === "file") {
    const file = model.getFile(id)
    file.previousParentId = file.folderId
    model.placeFile(file, user.trashFolderId, file.title)
    file.updated = now
    model.emit("FileTrashed", { file: { id: file.id, title: file.title } }, userId)
  } else {
    const folder = model.getFolder(id)
    if (folder.parentId === 0) throw new HttpError(403, "You don't have enough permission to delete the folder")
    folder.previousParentId = folder.parentId
    model.placeFolder(folder, user.trashFolderId)
    folder.updated = now
    model.emit("FolderTrashed", { folder: { id: folder.id, title: folder.title } }, userId)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// sharing links (files, folders, rooms)
// ---------------------------------------------------------------------------------------------------------------

export const linkDto = (ctx: Ctx, link: Link) => ({
  access: link.access,
  sharedLink: {
    id: link.id,
    title: link.title,
    shareLink: `${ctx.origin}/s/${link.token}`,
    expirationDate: link.expires === undefined ? undefined : formatDate(link.expires),
    linkType: 1,
    password: link.password,
    denyDownload: link.denyDownload,
    isExpired: link.expires !== undefined && link.expires <= ctx.now,
    primary: link.primary,
    internal: link.internal,
    requestToken: link.token
  },
  isLocked: false,
  isOwner: false,
  canEditAccess: true,
  canEditInternal: true,
  canEditDenyDownload: true,
  canEditExpirationDate: true,
  canRevoke: !link.primary,
  subjectType: link.primary ? 4 : 1
})

export const linksOf = (ctx: Ctx, kind: "file" | "folder", id: number) =>
  [...ctx.model.links.values()].filter((l) => l.entryKind === kind && l.entryId === id)

const parseExpiration = (value: unknown): number | undefined => {
  if (typeof value === "string" && value !== "") {
    const t = Date.parse(value)
    if (Number.isNaN(t)) throw badRequest("expirationDate is not a date")
    return t
  }
  if (value !== null && typeof value === "object" && typeof (value as any).utcTime === "string") {
    return parseExpiration((value as any).utcTime)
  }
  return undefined
}

const newLink = (ctx: Ctx, kind: "file" | "folder", id: number, body: Record<string, unknown>, primary: boolean) => {
  const link: Link = {
    id: ctx.model.newGuid(),
    entryId: id,
    entryKind: kind,
    title: str(body.title) ?? (primary ? "Shared link" : "Link"),
    access: enumValue(body.access, {}) ?? 2,
    primary,
    internal: bool(body.internal),
    denyDownload: bool(body.denyDownload),
    expires: parseExpiration(body.expirationDate),
    password: str(body.password),
    token: ctx.model.random.hex(24)
  }
  ctx.model.links.set(link.id, link)
  return link
}

export const primaryLink = (ctx: Ctx, kind: "file" | "folder", id: number, create: boolean, body = {}) => {
  const existing = linksOf(ctx, kind, id).find((l) => l.primary)
  if (existing !== undefined || !create) return existing
  return newLink(ctx, kind, id, body, true)
}

/** PUT .../links: update the link named by `linkId`, create one when it does not exist, revoke with access 0. */
export const setLink = (ctx: Ctx, kind: "file" | "folder", id: number): Reply => {
  const body = ctx.json()
  const linkId = str(body.linkId)
  const existing = linkId === undefined ? undefined : ctx.model.links.get(linkId)
  if (existing === undefined || existing.entryId !== id) {
    return json(ctx, linkDto(ctx, newLink(ctx, kind, id, body, linksOf(ctx, kind, id).length === 0)))
  }
  const access = enumValue(body.access, {})
  if (access === 0) {
    ctx.model.links.delete(existing.id)
    return json(ctx, null)
  }
  if (access !== undefined) existing.access = access
  if (str(body.title) !== undefined) existing.title = str(body.title)!
  if (body.internal !== undefined) existing.internal = bool(body.internal)
  if (body.denyDownload !== undefined) existing.denyDownload = bool(body.denyDownload)
  if (body.expirationDate !== undefined) existing.expires = parseExpiration(body.expirationDate)
  if (body.password !== undefined) existing.password = str(body.password)
  return json(ctx, linkDto(ctx, existing))
}

// ---------------------------------------------------------------------------------------------------------------
// routes under /api/2.0
// ---------------------------------------------------------------------------------------------------------------

/** Favorites and recent: listings over the user's sets, shaped like a folder's content. */
export const favoriteRoutes: ReadonlyArray<Route> = [
  {
    method: "GET",
    template: "/api/2.0/files/@favorites",
    handle: (ctx) => {
      const ids = [...ctx.user.favorites]
      return folderContent(ctx, ctx.model.getFolder(ctx.user.myFolderId), {
        folders: ids.flatMap((id) => ctx.model.folders.get(id) ?? []),
        files: ids.flatMap((id) => ctx.model.files.get(id) ?? [])
      })
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/recent",
    handle: (ctx) =>
      folderContent(ctx, ctx.model.getFolder(ctx.user.myFolderId), {
        folders: [],
        files: ctx.user.recent.flatMap((id) => ctx.model.files.get(id) ?? [])
      })
  },
  {
    method: "POST",
    template: "/api/2.0/files/favorites",
    handle: (ctx) => {
      const body = ctx.json()
      for (const id of [...idList(body.fileIds), ...idList(body.folderIds)]) ctx.user.favorites.add(id)
      return json(ctx, true)
    }
  },
  {
    method: "DELETE",
    template: "/api/2.0/files/favorites",
    handle: (ctx) => {
      const body = ctx.json()
      for (const id of [...idList(body.fileIds), ...idList(body.folderIds)]) ctx.user.favorites.delete(id)
      return json(ctx, true)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/files/file/{fileId}/recent",
    handle: (ctx) => {
      const file = fileParam(ctx)
      ctx.user.recent = [file.id, ...ctx.user.recent.filter((id) => id !== file.id)].slice(0, 100)
      return json(ctx, fileDto(ctx.model, file, ctx.origin, ctx.user.id))
    }
  }
]

export const fileRoutes: ReadonlyArray<Route> = [
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const wanted = ctx.query.get("version")
      const version = wanted === null ? undefined : file.versions.find((v) => v.version === Number(wanted))
      if (wanted !== null && version === undefined) throw notFound(FILE_NOT_FOUND)
      return json(ctx, fileDto(ctx.model, file, ctx.origin, ctx.user.id, version))
    }
  },
  {
    method: "PUT",
    template: "/api/2.0/files/file/{fileId}",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const title = str(ctx.json().title)
      if (title !== undefined) {
        if (title.trim() === "") throw badRequest("title is required")
        const ext = file.title.slice(file.title.lastIndexOf("."))
        ctx.model.placeFile(
          file,
          file.folderId,
          title.includes(".") || !file.title.includes(".") ? title : `${title}${ext}`
        )
        file.updated = ctx.now
        file.updatedBy = ctx.user.id
        ctx.model.emit("FileUpdated", summary(file), ctx.user.id)
      }
      return json(ctx, fileDto(ctx.model, file, ctx.origin, ctx.user.id))
    }
  },
  { method: "DELETE", template: "/api/2.0/files/file/{fileId}", handle: (ctx) => deleteOne(ctx, "file") },
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}/history",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const versions = [...file.versions].reverse()
      return json(ctx, versions.map((v) => fileDto(ctx.model, file, ctx.origin, ctx.user.id, v)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}/presigneduri",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const token = ctx.model.random.hex(40)
      ctx.model.presigned.set(token, { fileId: file.id, expires: ctx.now + ctx.model.options.presignedLifetimeMillis })
      return json(ctx, `${ctx.origin}/storage/presigned/${token}`)
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}/presigned",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const token = ctx.model.random.hex(40)
      ctx.model.presigned.set(token, { fileId: file.id, expires: ctx.now + ctx.model.options.presignedLifetimeMillis })
      return json(ctx, {
        filetype: file.title.slice(file.title.lastIndexOf(".")),
        token,
        url: `${ctx.origin}/storage/presigned/${token}`
      })
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/file/{id}/link",
    handle: (ctx) => json(ctx, linkDto(ctx, primaryLink(ctx, "file", fileParam(ctx, "id").id, true)!))
  },
  {
    method: "POST",
    template: "/api/2.0/files/file/{id}/link",
    handle: (ctx) => {
      const id = fileParam(ctx, "id").id
      const body = ctx.req.body.length === 0 ? {} : ctx.json()
      return json(ctx, linkDto(ctx, primaryLink(ctx, "file", id, false) ?? newLink(ctx, "file", id, body, true)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/file/{id}/links",
    handle: (ctx) => json(ctx, linksOf(ctx, "file", fileParam(ctx, "id").id).map((l) => linkDto(ctx, l)))
  },
  {
    method: "PUT",
    template: "/api/2.0/files/file/{id}/links",
    handle: (ctx) => setLink(ctx, "file", fileParam(ctx, "id").id)
  }
]

// ---------------------------------------------------------------------------------------------------------------
// downloads: outside /api/2.0
// ---------------------------------------------------------------------------------------------------------------

/** The headers of a download, whatever serves it (the storage or the portal's handler). */
const downloadHeaders = (fileName: string, contentType: string) => ({
  "content-type": contentType,
  "accept-ranges": "bytes",
  "content-disposition": `attachment; filename="${encodeURIComponent(fileName)}"`
})

/** The whole file: a plain 200. */
const whole = (headers: Readonly<Record<string, string>>, bytes: Uint8Array): Reply => ({
  status: 200,
  headers: { ...headers, "content-length": String(bytes.length) },
  body: bytes
})

/** Serves bytes with `Range: bytes=a-b` support: 206 + Content-Range, or 416 when unsatisfiable. */
export const serveBytes = (
  range: string | undefined,
  bytes: Uint8Array,
  fileName: string,
  contentType = "application/octet-stream"
): Reply => {
  const base = downloadHeaders(fileName, contentType)
  if (range === undefined) return whole(base, bytes)
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
  const size = bytes.length
  let start = -1
  let end = -1
  if (match !== null && (match[1] !== "" || match[2] !== "")) {
    if (match[1] === "") { // suffix: the last N bytes
      const n = Number(match[2])
      start = Math.max(0, size - n)
      end = size - 1
      if (n === 0) start = size
    } else {
      start = Number(match[1])
      end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1)
    }
  }
  if (start < 0 || start >= size || end < start) {
    return {
      status: 416,
      headers: { "content-range": `bytes */${size}`, "content-type": "text/plain" },
      body: new Uint8Array(0)
    }
  }
  const slice = bytes.slice(start, end + 1)
  return {
    status: 206,
    headers: { ...base, "content-range": `bytes ${start}-${end}/${size}`, "content-length": String(slice.length) },
    body: slice
  }
}

// The origin of the storage that downloads redirect to (`FakeDocSpace` option `storageRedirect`), per model.
const storageOrigins = new WeakMap<FakeModel, string>()

/**
 * Makes `GET /filehandler.ashx?action=download|bulk` answer 302 to a presigned URL on `origin`, as a portal whose
 * storage is not local disk does (every Cloud portal): `FileHandler.ashx.cs` `DownloadFile` / `BulkDownloadFile`
 * redirect to `GetPreSignedUriAsync(...)` before reading any `Range`. `undefined` serves the bytes directly.
 */
export const setStorageOrigin = (model: FakeModel, origin: string | undefined): void => {
  if (origin === undefined) storageOrigins.delete(model)
  else storageOrigins.set(model, origin.replace(/\/+$/, ""))
}

/**
 * Serves bytes as the portal's own handler does (`FileHandler.ashx.cs` `ProcessRangeHeader` and
 * `SendStreamByChunksAsync`): `bytes=a-b` / `bytes=a-` is a 206 with `Content-Range: " bytes a-b/total"` (a leading
 * space, as the server writes it) unless it covers the whole file (then a plain 200); the end is clamped to the file.
 * A suffix range (`bytes=-n`), anything unparsable, or an unsatisfiable start is a 400 HTML page (the handler turns
 * every exception into one).
 */
export const serveLikeFileHandler = (
  range: string | undefined,
  bytes: Uint8Array,
  fileName: string,
  contentType = "application/octet-stream"
): Reply => {
  const base = downloadHeaders(fileName, contentType)
  if (range === undefined) return whole(base, bytes)
  const size = bytes.length
  const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim())
  const start = match === null ? Number.NaN : Number(match[1])
  const end = match === null || match[2] === "" || Number(match[2]) >= size ? size - 1 : Number(match[2])
  if (!(end - start + 1 > 0)) {
    return {
      status: 400,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: new TextEncoder().encode(
        match === null ? "Input string was not in a correct format." : "Requested Range Not Satisfiable"
      )
    }
  }
  if (end - start + 1 === size) return whole(base, bytes)
  const slice = bytes.slice(start, end + 1)
  return {
    status: 206,
    headers: { ...base, "content-range": ` bytes ${start}-${end}/${size}`, "content-length": String(slice.length) },
    body: slice
  }
}

const redirectToStorage = (
  ctx: Ctx,
  origin: string,
  entry: { readonly fileId: number } | { readonly archive: string }
) => {
  const token = ctx.model.random.hex(32)
  ctx.model.presigned.set(token, {
    fileId: "fileId" in entry ? entry.fileId : -1,
    expires: ctx.now + ctx.model.options.presignedLifetimeMillis,
    ...("archive" in entry ? { archive: entry.archive } : {})
  } as { readonly fileId: number; readonly expires: number })
  return {
    status: 302,
    headers: { location: `${origin}/storage/presigned/${token}?X-Amz-Expires=3600&X-Amz-Signature=${token}` },
    body: new Uint8Array(0)
  }
}

/** What each format converts to on download (a small part of the portal's `extsConvertible`). */
const convertible: Readonly<Record<string, ReadonlyArray<string>>> = {
  ".docx": [".pdf", ".odt", ".txt", ".rtf", ".docxf"],
  ".xlsx": [".pdf", ".ods", ".csv"],
  ".pptx": [".pdf", ".odp"],
  ".txt": [".pdf", ".docx", ".odt"],
  ".odt": [".pdf", ".docx"]
}

const convertedTypes: Readonly<Record<string, string>> = {
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
}

/**
 * `FileHandler.ashx.cs`: with `outputtype` naming a format the file's converts to, the converted file is sent whole
 * (no Range, no redirect) under the title with the new extension. The fake does not convert: the bytes are the
 * original's. Any other `outputtype` is ignored (the original is served), as on the server.
 */
const converted = (ctx: Ctx, title: string, bytes: Uint8Array): Reply | undefined => {
  const out = (ctx.query.get("outputtype") ?? "").trim()
  const dot = title.lastIndexOf(".")
  const ext = dot < 0 ? "" : title.slice(dot).toLowerCase()
  if (out === "" || !(convertible[ext] ?? []).includes(out)) return undefined
  const name = `${dot < 0 ? title : title.slice(0, dot)}${out}`
  return {
    status: 200,
    headers: {
      "content-type": convertedTypes[out] ?? "application/octet-stream",
      "content-disposition": `attachment; filename="${encodeURIComponent(name)}"`,
      "content-length": String(bytes.length)
    },
    body: bytes
  }
}

export const downloadRoute: Route = {
  method: "GET",
  template: "/filehandler.ashx",
  handle: (ctx) => {
    const action = ctx.query.get("action")
    const storage = storageOrigins.get(ctx.model)
    if (action === "bulk") {
      const id = ctx.query.get("id") ?? ""
      const archive = ctx.model.archives.get(id)
      if (archive === undefined || archive.userId !== ctx.user.id) throw notFound(FILE_NOT_FOUND)
      if (storage !== undefined) return redirectToStorage(ctx, storage, { archive: id })
      return serveLikeFileHandler(ctx.req.headers["range"], archive.bytes, archive.name, "application/zip")
    }
    if (action !== "download") throw badRequest(`Unknown action ${action ?? ""}`)
    const file = ctx.model.getFile(int(ctx.query.get("fileid") ?? undefined, FILE_NOT_FOUND))
    const wanted = ctx.query.get("version")
    const version = wanted === null
      ? file.versions[file.versions.length - 1]
      : file.versions.find((v) => v.version === Number(wanted))
    if (version === undefined) throw notFound(FILE_NOT_FOUND)
    const conversion = converted(ctx, file.title, version.bytes)
    // `isNeedSendAction` parses the range's start (`Convert.ToInt64`) before any redirect: a suffix range or an
    // unparsable one is a 400 even on a portal that redirects
    const range = ctx.req.headers["range"]
    if (storage !== undefined && range !== undefined && !/^\s*\w*=\s*\d+/.test(range)) {
      return serveLikeFileHandler(range, version.bytes, file.title)
    }
    if (conversion !== undefined) return conversion
    if (storage !== undefined && version === file.versions[file.versions.length - 1]) {
      return redirectToStorage(ctx, storage, { fileId: file.id })
    }
    return serveLikeFileHandler(ctx.req.headers["range"], version.bytes, file.title)
  }
}

export const presignedRoute: Route = {
  method: "GET",
  template: "/storage/presigned/{token}",
  anonymous: true,
  handle: (ctx) => {
    const entry = ctx.model.presigned.get(ctx.params.token) as
      | { readonly fileId: number; readonly expires: number; readonly archive?: string }
      | undefined
    if (entry === undefined || entry.expires <= ctx.now) {
      return {
        status: 403,
        headers: { "content-type": "text/plain" },
        body: new TextEncoder().encode("Request has expired")
      }
    }
    if (entry.archive !== undefined) {
      const archive = ctx.model.archives.get(entry.archive)
      if (archive === undefined) throw notFound(FILE_NOT_FOUND)
      return withEtag(
        serveBytes(ctx.req.headers["range"], archive.bytes, archive.name, "application/zip"),
        entry.archive
      )
    }
    const file = ctx.model.getFile(entry.fileId)
    const version = file.versions[file.versions.length - 1]
    return withEtag(serveBytes(ctx.req.headers["range"], version.bytes, file.title), `${file.id}-${version.version}`)
  }
}

const withEtag = (reply: Reply, tag: string): Reply =>
  reply.status < 300 ? { ...reply, headers: { ...reply.headers, etag: `"${tag}"` } } : reply

/**
 * The storage's own origin in front of a handler: only `GET /storage/presigned/...`, and, like S3 with a presigned
 * query, a request that also carries credentials (an `Authorization` header or the portal's `asc_auth_key` cookie)
 * is refused with 400 before anything else.
 */
export const storageHandler = (inner: Handler): Handler => (request) => {
  const refuse = (status: number, text: string) =>
    Effect.succeed({
      status,
      headers: { "content-type": "application/xml" },
      body: Stream.make(new TextEncoder().encode(text))
    })
  if (request.headers["authorization"] !== undefined || /(^|;\s*)asc_auth_key=/.test(request.headers["cookie"] ?? "")) {
    return refuse(
      400,
      "<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>"
    )
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return refuse(405, "<Error><Code>MethodNotAllowed</Code></Error>")
  }
  if (!request.url.pathname.startsWith("/storage/presigned/")) {
    return refuse(404, "<Error><Code>NoSuchKey</Code></Error>")
  }
  return inner(request)
}

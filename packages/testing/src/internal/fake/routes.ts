/**
 * The routes of the fake DocSpace. Each route is a synchronous function of the request context that returns a
 * `Reply` or throws an `HttpError` / `ChunkError`, which the dispatcher turns into the real failure shapes.
 */
import type { FakeRequest } from "../handler.js"
import type { FakeModel, FileEntry, Folder, Link, UploadSession, User, Webhook } from "./state.js"
import { FolderType, roomFolderType, roomTypeNames, summary } from "./state.js"
import type { Reply } from "./util.js"
import {
  badRequest,
  ChunkError,
  envelope,
  FILE_NOT_FOUND,
  fileTypeOf,
  FOLDER_NOT_FOUND,
  formatDate,
  HttpError,
  jsonReply,
  notFound,
  parseMultipart
} from "./util.js"

export interface Ctx {
  readonly model: FakeModel
  readonly req: FakeRequest
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** The authenticated user; anonymous routes see `undefined` here and must not read it. */
  readonly user: User
  readonly now: number
  readonly origin: string
  /** The bearer token or cookie that authenticated the request, when it was a session token. */
  readonly token: string | undefined
  /** The JSON body; `{}` when empty; a 400 when malformed. */
  readonly json: () => Record<string, unknown>
}

export interface Route {
  readonly method: string
  readonly template: string
  readonly anonymous?: boolean
  readonly handle: (ctx: Ctx) => Reply
}

// ---------------------------------------------------------------------------------------------------------------
// small readers
// ---------------------------------------------------------------------------------------------------------------

const int = (value: string | undefined, missing: string): number => {
  if (value === undefined || !/^-?\d+$/.test(value)) throw notFound(missing)
  return Number(value)
}

const folderParam = (ctx: Ctx, name = "folderId"): Folder => {
  const raw = ctx.params[name]
  if (raw === "@my") return ctx.model.getFolder(ctx.user.myFolderId)
  if (raw === "@trash") return ctx.model.getFolder(ctx.user.trashFolderId)
  if (raw === "@rooms") return ctx.model.getFolder(ctx.model.roomsRootId)
  return ctx.model.getFolder(int(raw, FOLDER_NOT_FOUND))
}

const fileParam = (ctx: Ctx, name = "fileId"): FileEntry => ctx.model.getFile(int(ctx.params[name], FILE_NOT_FOUND))

const paging = (ctx: Ctx) => {
  const count = Math.max(0, Math.min(Number(ctx.query.get("count") ?? 100) || 100, 1000))
  const startIndex = Math.max(0, Number(ctx.query.get("startIndex") ?? 0) || 0)
  return { count, startIndex }
}

const idList = (value: unknown): Array<number> =>
  Array.isArray(value) ? value.map((v) => Number(v)).filter((n) => Number.isInteger(n)) : []

const bool = (value: unknown): boolean => value === true || value === "true"

const str = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

/** Integers on the wire; enums also accept their names, case-insensitively (as ASP.NET binds them). */
const enumValue = (value: unknown, names: Record<string, number>): number | undefined => {
  if (typeof value === "number") return value
  if (typeof value !== "string") return undefined
  if (/^\d+$/.test(value)) return Number(value)
  const lower = value.toLowerCase()
  for (const [name, n] of Object.entries(names)) if (name.toLowerCase() === lower) return n
  return undefined
}

/** An enum query parameter: absent is `undefined`; a value that is neither a number nor a name is a 400. */
const enumQuery = (ctx: Ctx, name: string, names: Record<string, number>): number | undefined => {
  const raw = ctx.query.get(name)
  if (raw === null || raw === "") return undefined
  const n = enumValue(raw, names)
  if (n === undefined) throw badRequest(`The value '${raw}' is not valid for ${name}.`)
  return n
}

const json = (_ctx: Ctx, value: unknown, total?: number, status?: number) =>
  envelope(value, { ...(total === undefined ? {} : { total }), ...(status === undefined ? {} : { status }) })

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

const folderContent = (
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
    files: page.flatMap((e) => e.kind === "file" ? [model.fileDto(e, origin, user.id)] : []),
    folders: page.flatMap((e) => e.kind === "folder" ? [model.folderDto(e, origin, user.id)] : []),
    current: model.folderDto(current, origin, user.id),
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
// auth
// ---------------------------------------------------------------------------------------------------------------

const issueToken = (ctx: Ctx, user: User) => {
  const token = ctx.model.random.hex(64)
  const expires = ctx.now + ctx.model.options.tokenLifetimeMillis
  ctx.model.tokens.set(token, { userId: user.id, expires })
  return { token, expires: formatDate(expires), sms: false, tfa: false }
}

const authFailed = () =>
  new HttpError(401, "User authentication failed", "System.Security.Authentication.AuthenticationException")

const login = (ctx: Ctx, code: string | undefined): Reply => {
  const body = ctx.json()
  const user = ctx.model.userByEmail(str(body.userName) ?? "")
  if (user === undefined || user.password === undefined || user.password !== str(body.password)) throw authFailed()
  if (user.tfaCode !== undefined) {
    if (code === undefined) {
      return json(ctx, {
        expires: formatDate(ctx.now),
        sms: false,
        tfa: true,
        tfaKey: undefined,
        confirmUrl: `${ctx.origin}/confirm/TfaAuth?email=${encodeURIComponent(user.email)}`
      })
    }
    if (code !== user.tfaCode) {
      throw new HttpError(401, "Incorrect code", "System.Security.Authentication.AuthenticationException")
    }
  }
  return json(ctx, issueToken(ctx, user))
}

// ---------------------------------------------------------------------------------------------------------------
// uploads
// ---------------------------------------------------------------------------------------------------------------

const sessionData = (ctx: Ctx, session: UploadSession) => ({
  id: session.id,
  path: ctx.model.path(session.folderId).map((f) => f.id),
  created: formatDate(session.created),
  expired: formatDate(session.expires),
  location: `${ctx.origin}/ChunkedUploader.ashx?uid=${session.id}`,
  bytes_uploaded: session.bytesUploaded,
  bytes_total: session.bytesTotal
})

const openSession = (ctx: Ctx): UploadSession => {
  const folder = folderParam(ctx)
  ctx.model.checkWritable(folder)
  const body = ctx.json()
  const fileName = str(body.fileName)
  if (fileName === undefined || fileName.trim() === "") throw badRequest("fileName is required")
  const fileSize = Number(body.fileSize ?? 0)
  if (!Number.isFinite(fileSize) || fileSize < 0) throw badRequest("fileSize must be a non-negative number")
  ctx.model.checkQuota(fileSize)
  const session: UploadSession = {
    id: ctx.model.random.hex(32),
    folderId: folder.id,
    userId: ctx.user.id,
    fileName,
    bytesTotal: fileSize,
    createNewIfExist: bool(body.createNewIfExist),
    created: ctx.now,
    expires: ctx.now + ctx.model.options.uploadSessionLifetimeMillis,
    chunks: new Map(),
    bytesUploaded: 0,
    shortChunkSeen: false
  }
  ctx.model.sessions.set(session.id, session)
  return session
}

const liveSession = (ctx: Ctx, id: string | null | undefined, fail: (m: string) => Error | ChunkError | HttpError) => {
  const session = id === null || id === undefined ? undefined : ctx.model.sessions.get(id)
  if (session === undefined || session.expires <= ctx.now || session.userId !== ctx.user.id) {
    if (session !== undefined && session.expires <= ctx.now) ctx.model.sessions.delete(session.id)
    throw fail("Not authorized or session with specified upload id already expired")
  }
  return session
}

/** The file part of a multipart chunk. */
const chunkBytes = (ctx: Ctx, fail: (m: string) => ChunkError | HttpError): Uint8Array => {
  const parts = parseMultipart(ctx.req.headers["content-type"], ctx.req.body)
  const part = parts?.find((p) => p.fileName !== undefined) ?? parts?.[0]
  if (part === undefined) throw fail("HttpRequest.Files is empty")
  return part.data
}

/**
 * Adds a chunk. Without `number` it is the next in order: a short chunk must be the last one. With a number it is
 * kept by number (numbered REST uploads). Oversize versus the declared size and chunks over `chunkUploadSize` fail.
 */
const addChunk = (
  ctx: Ctx,
  session: UploadSession,
  bytes: Uint8Array,
  number: number | undefined,
  fail: (m: string) => ChunkError | HttpError
) => {
  const limit = ctx.model.options.chunkUploadSize
  if (bytes.length === 0) throw fail("Empty file")
  if (bytes.length > limit) throw fail(`Exceeds the maximum chunk size (${limit} bytes)`)
  if (number === undefined) {
    if (session.shortChunkSeen) {
      throw fail(
        `Chunks must be sent in order: only the last chunk may be smaller than chunkUploadSize (${limit} bytes)`
      )
    }
    number = session.chunks.size + 1
  } else if (number < 1) {
    throw fail("chunkNumber starts at 1")
  }
  const previous = session.chunks.get(number)?.length ?? 0
  const uploaded = session.bytesUploaded - previous + bytes.length
  try {
    ctx.model.checkQuota(bytes.length - previous)
  } catch (e) {
    throw e instanceof HttpError && fail("") instanceof ChunkError ? fail(e.message) : e
  }
  if (uploaded > session.bytesTotal) {
    ctx.model.sessions.delete(session.id)
    throw fail(`The uploaded data (${uploaded} bytes) exceeds the declared file size (${session.bytesTotal} bytes)`)
  }
  session.chunks.set(number, bytes)
  session.bytesUploaded = uploaded
  if (bytes.length < limit && uploaded < session.bytesTotal) session.shortChunkSeen = true
  session.expires = ctx.now + ctx.model.options.uploadSessionLifetimeMillis
}

/** Joins the chunks by number; a gap is a missing chunk. */
const finalizeSession = (ctx: Ctx, session: UploadSession, fail: (m: string) => ChunkError | HttpError) => {
  const numbers = [...session.chunks.keys()].sort((a, b) => a - b)
  for (let i = 0; i < numbers.length; i++) {
    if (numbers[i] !== i + 1) throw fail(`Chunk ${i + 1} is missing`)
  }
  if (session.bytesUploaded !== session.bytesTotal) {
    throw fail(`Uploaded ${session.bytesUploaded} of ${session.bytesTotal} bytes: chunks are missing`)
  }
  const bytes = new Uint8Array(session.bytesTotal)
  let at = 0
  for (const n of numbers) {
    const chunk = session.chunks.get(n)!
    bytes.set(chunk, at)
    at += chunk.length
  }
  ctx.model.sessions.delete(session.id)
  try {
    const { file } = ctx.model.storeUpload(
      session.folderId,
      session.fileName,
      bytes,
      ctx.user.id,
      ctx.now,
      session.createNewIfExist
    )
    return file
  } catch (e) {
    if (e instanceof HttpError && fail("") instanceof ChunkError) throw fail(e.message)
    throw e
  }
}

const uploadResult = (ctx: Ctx, file: FileEntry) => ({
  id: file.id,
  folderId: file.folderId,
  version: file.versions.length,
  title: file.title,
  uploaded: true,
  file: ctx.model.fileDto(file, ctx.origin, ctx.user.id)
})

const chunkFail = (m: string) => new ChunkError(m)
const apiFail = (m: string) => badRequest(m)

const chunkReply = (status: number, data: unknown) => jsonReply(status, { success: true, data, message: "" })

const simpleUpload = (ctx: Ctx, folder: Folder): Reply => {
  const parts = parseMultipart(ctx.req.headers["content-type"], ctx.req.body)
  const files = parts?.filter((p) => p.fileName !== undefined) ?? []
  if (files.length === 0) throw badRequest("No input files")
  const createNew = ctx.query.get("createNewIfExist") === "true"
  const created = files.map((p) =>
    ctx.model.storeUpload(folder.id, p.fileName!, p.data, ctx.user.id, ctx.now, createNew).file
  )
  return json(ctx, created.map((f) => ctx.model.fileDto(f, ctx.origin, ctx.user.id)))
}

// ---------------------------------------------------------------------------------------------------------------
// links
// ---------------------------------------------------------------------------------------------------------------

const linkDto = (ctx: Ctx, link: Link) => ({
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

const linksOf = (ctx: Ctx, kind: "file" | "folder", id: number) =>
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

const primaryLink = (ctx: Ctx, kind: "file" | "folder", id: number, create: boolean, body = {}) => {
  const existing = linksOf(ctx, kind, id).find((l) => l.primary)
  if (existing !== undefined || !create) return existing
  return newLink(ctx, kind, id, body, true)
}

/** PUT .../links: update the link named by `linkId`, create one when it does not exist, revoke with access 0. */
const setLink = (ctx: Ctx, kind: "file" | "folder", id: number): Reply => {
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
// file operations
// ---------------------------------------------------------------------------------------------------------------

type Operation = ReturnType<FakeModel["startOperation"]>

/** Replies with operations; a finished one counts as reported and leaves the user's list, as on the real server. */
const opsReply = (ctx: Ctx, ops: ReadonlyArray<Operation>) => {
  const body = ops.map((op) => ctx.model.operationDto(op, ctx.origin))
  for (const op of ops) if (op.finished) op.reported = true
  return json(ctx, body)
}

/** The user's operations still in their list: unfinished, or finished but not yet reported. */
const activeOperations = (ctx: Ctx): Array<Operation> =>
  ctx.model.operations.filter((op) => op.userId === ctx.user.id && !op.reported)

/** A query parameter by name, case-insensitively (ASP.NET binds query names that way). */
const queryParam = (ctx: Ctx, name: string): string | undefined => {
  for (const [k, v] of ctx.query) if (k.toLowerCase() === name.toLowerCase()) return v
  return undefined
}

/**
 * The reply of an endpoint that starts an operation: every active operation of the user (the real
 * `GetOperationResults`), or only the one just started when the request asks for `returnSingleOperation`.
 */
const startReply = (ctx: Ctx, op: Operation, single: boolean): Reply =>
  opsReply(ctx, single ? [op] : activeOperations(ctx))

/** `returnSingleOperation` of a batch start: a body field (`FileOperationRequestBaseDto`). */
const singleRequested = (body: Record<string, unknown>) => bool(body.returnSingleOperation)

const batch = (ctx: Ctx, type: number): Reply => {
  const body = ctx.json()
  const fileIds = idList(body.fileIds)
  const folderIds = idList(body.folderIds)
  for (const id of fileIds) ctx.model.getFile(id)
  for (const id of folderIds) ctx.model.getFolder(id)
  let destFolderId: number | undefined
  if (type === 0 || type === 1) {
    const raw = body.destFolderId
    if (raw === "@my") destFolderId = ctx.user.myFolderId
    else destFolderId = ctx.model.getFolder(int(raw === undefined ? undefined : String(raw), FOLDER_NOT_FOUND)).id
  }
  if (fileIds.length === 0 && folderIds.length === 0) throw badRequest("No files or folders are selected")
  const op = ctx.model.startOperation({
    type,
    userId: ctx.user.id,
    fileIds,
    folderIds,
    destFolderId,
    conflictResolveType: enumValue(body.conflictResolveType, { Skip: 0, Overwrite: 1, Duplicate: 2 }),
    immediately: bool(body.immediately),
    now: ctx.now,
    origin: ctx.origin
  })
  return startReply(ctx, op, singleRequested(body))
}

/**
 * A single-entry delete (`DELETE /files/file/{id}`, `/files/folder/{id}`) is a Delete operation too. As in the
 * spec, only the file endpoint takes `ReturnSingleOperation`, as a query parameter; the folder endpoint always
 * answers with every active operation (a `returnSingleOperation` body field is ignored, as ASP.NET ignores it).
 */
const deleteOne = (ctx: Ctx, kind: "file" | "folder"): Reply => {
  const body = ctx.req.body.length === 0 ? {} : ctx.json()
  const id = kind === "file" ? fileParam(ctx).id : folderParam(ctx).id
  if (kind === "folder" && ctx.model.getFolder(id).parentId === 0) {
    throw new HttpError(
      403,
      "You don't have enough permission to delete the folder",
      "System.Security.SecurityException"
    )
  }
  const op = ctx.model.startOperation({
    type: 2,
    userId: ctx.user.id,
    fileIds: kind === "file" ? [id] : [],
    folderIds: kind === "folder" ? [id] : [],
    immediately: bool(body.immediately),
    now: ctx.now,
    origin: ctx.origin
  })
  return startReply(ctx, op, kind === "file" && queryParam(ctx, "ReturnSingleOperation")?.toLowerCase() === "true")
}

/** Archive and unarchive are quick moves that the real server still reports as a `FileOperationDto`. */
const archive = (ctx: Ctx, toArchive: boolean): Reply => {
  const room = folderParam(ctx, "id")
  if (room.roomType === undefined) throw notFound(FOLDER_NOT_FOUND)
  const target = toArchive ? ctx.model.archiveRootId : ctx.model.roomsRootId
  const op = ctx.model.startOperation({
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
  return json(ctx, ctx.model.operationDto(op, ctx.origin))
}

// ---------------------------------------------------------------------------------------------------------------
// the table
// ---------------------------------------------------------------------------------------------------------------

const room = (ctx: Ctx): Folder => {
  const folder = folderParam(ctx, "id")
  if (folder.roomType === undefined) throw notFound(FOLDER_NOT_FOUND)
  return folder
}

export const routes: ReadonlyArray<Route> = [
  // authentication -------------------------------------------------------------------------------------------
  { method: "POST", template: "/api/2.0/authentication", anonymous: true, handle: (ctx) => login(ctx, undefined) },
  {
    method: "POST",
    template: "/api/2.0/authentication/logout",
    handle: (ctx) => {
      if (ctx.token !== undefined) ctx.model.tokens.delete(ctx.token)
      return json(ctx, `${ctx.origin}/login`)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/authentication/{code}",
    anonymous: true,
    handle: (ctx) => login(ctx, ctx.params.code)
  },
  {
    method: "GET",
    template: "/api/2.0/authentication",
    anonymous: true,
    handle: (ctx) => json(ctx, ctx.user !== undefined)
  },

  // people and groups ----------------------------------------------------------------------------------------
  {
    method: "GET",
    template: "/api/2.0/people/@self",
    handle: (ctx) => json(ctx, ctx.model.employeeFull(ctx.user, ctx.origin))
  },
  {
    method: "GET",
    template: "/api/2.0/people",
    handle: (ctx) => {
      const search = (ctx.query.get("filterValue") ?? "").toLowerCase()
      const all = [...ctx.model.users.values()].filter((u) =>
        search === "" || u.email.toLowerCase().includes(search) ||
        ctx.model.displayName(u).toLowerCase().includes(search)
      )
      const { count, startIndex } = paging(ctx)
      const page = all.slice(startIndex, startIndex + count).map((u) => ctx.model.employeeFull(u, ctx.origin))
      return json(ctx, page, all.length)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/people/invite",
    handle: (ctx) => {
      const body = ctx.json()
      if (!Array.isArray(body.invitations)) throw badRequest("invitations is required")
      const invited: Array<User> = []
      for (const item of body.invitations as Array<Record<string, unknown>>) {
        const email = str(item?.email) ?? ""
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw badRequest("Incorrect email")
        if (ctx.model.userByEmail(email) !== undefined) continue
        const type = str(item.type) ?? "User"
        const user = ctx.model.addUser({ email, password: "" }, ctx.now, 2, type)
        user.password = undefined
        ctx.model.emit("UserInvited", { id: user.id, email }, ctx.user.id)
        invited.push(user)
      }
      return json(ctx, invited.map((u) => ctx.model.employee(u.id, ctx.origin)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/people/{userid}",
    handle: (ctx) => {
      const user = ctx.model.users.get(ctx.params.userid) ?? ctx.model.userByEmail(ctx.params.userid)
      if (user === undefined) throw new HttpError(404, "The user could not be found", "ASC.Core.Users.UserNotFound")
      return json(ctx, ctx.model.employeeFull(user, ctx.origin))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/group",
    handle: (ctx) => {
      const search = (ctx.query.get("filterValue") ?? "").toLowerCase()
      const all = [...ctx.model.groups.values()].filter((g) => g.name.toLowerCase().includes(search))
      const { count, startIndex } = paging(ctx)
      const page = all.slice(startIndex, startIndex + count).map((g) => ctx.model.group(g, ctx.origin, false))
      return json(ctx, page, all.length)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/group",
    handle: (ctx) => {
      const body = ctx.json()
      const name = str(body.groupName)
      if (name === undefined || name.trim() === "") throw badRequest("groupName is required")
      if ([...ctx.model.groups.values()].some((g) => g.name.toLowerCase() === name.toLowerCase())) {
        throw badRequest("A group with the same name already exists")
      }
      const members = Array.isArray(body.members) ? body.members.map(String) : []
      for (const m of members) if (!ctx.model.users.has(m)) throw badRequest(`The user ${m} could not be found`)
      const manager = str(body.groupManager)
      const group = {
        id: ctx.model.newGuid(),
        name,
        managerId: manager !== undefined && ctx.model.users.has(manager) ? manager : undefined,
        members: new Set<string>(members)
      }
      if (group.managerId !== undefined) group.members.add(group.managerId)
      ctx.model.groups.set(group.id, group)
      ctx.model.emit("GroupCreated", { id: group.id, name }, ctx.user.id)
      return json(ctx, ctx.model.group(group, ctx.origin, true))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/group/{id}",
    handle: (ctx) => {
      const group = ctx.model.groups.get(ctx.params.id)
      if (group === undefined) {
        throw new HttpError(404, "Group not found", "System.Collections.Generic.KeyNotFoundException")
      }
      return json(ctx, ctx.model.group(group, ctx.origin, ctx.query.get("includeMembers") !== "false"))
    }
  },

  // rooms --------------------------------------------------------------------------------------------------------
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
      return json(ctx, ctx.model.folderDto(folder, ctx.origin, ctx.user.id))
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
    handle: (ctx) => json(ctx, ctx.model.folderDto(room(ctx), ctx.origin, ctx.user.id))
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
  { method: "PUT", template: "/api/2.0/files/rooms/{id}/links", handle: (ctx) => setLink(ctx, "folder", room(ctx).id) },

  // folders ----------------------------------------------------------------------------------------------------
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
      return json(ctx, ctx.model.fileDto(file, ctx.origin, ctx.user.id))
    }
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
      return json(ctx, ctx.model.folderDto(folder, ctx.origin, ctx.user.id))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/folder/{folderId}",
    handle: (ctx) => json(ctx, ctx.model.folderDto(folderParam(ctx), ctx.origin, ctx.user.id))
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
      return json(ctx, ctx.model.folderDto(folder, ctx.origin, ctx.user.id))
    }
  },
  { method: "DELETE", template: "/api/2.0/files/folder/{folderId}", handle: (ctx) => deleteOne(ctx, "folder") },
  {
    method: "GET",
    template: "/api/2.0/files/folder/{id}/link",
    handle: (ctx) => json(ctx, linkDto(ctx, primaryLink(ctx, "folder", folderParam(ctx, "id").id, true)!))
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
  },

  // files ---------------------------------------------------------------------------------------------------------
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const wanted = ctx.query.get("version")
      const version = wanted === null ? undefined : file.versions.find((v) => v.version === Number(wanted))
      if (wanted !== null && version === undefined) throw notFound(FILE_NOT_FOUND)
      return json(ctx, ctx.model.fileDto(file, ctx.origin, ctx.user.id, version))
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
      return json(ctx, ctx.model.fileDto(file, ctx.origin, ctx.user.id))
    }
  },
  { method: "DELETE", template: "/api/2.0/files/file/{fileId}", handle: (ctx) => deleteOne(ctx, "file") },
  {
    method: "GET",
    template: "/api/2.0/files/file/{fileId}/history",
    handle: (ctx) => {
      const file = fileParam(ctx)
      const versions = [...file.versions].reverse()
      return json(ctx, versions.map((v) => ctx.model.fileDto(file, ctx.origin, ctx.user.id, v)))
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
  },

  // uploads ---------------------------------------------------------------------------------------------------------
  {
    method: "POST",
    template: "/api/2.0/files/{folderId}/upload",
    handle: (ctx) => simpleUpload(ctx, folderParam(ctx))
  },
  {
    method: "POST",
    template: "/api/2.0/files/@my/upload",
    handle: (ctx) => simpleUpload(ctx, ctx.model.getFolder(ctx.user.myFolderId))
  },
  {
    method: "POST",
    template: "/api/2.0/files/{folderId}/upload/create_session",
    handle: (ctx) => json(ctx, { success: true, data: sessionData(ctx, openSession(ctx)) })
  },
  {
    method: "POST",
    template: "/api/2.0/files/{folderId}/session",
    handle: (ctx) => json(ctx, sessionData(ctx, openSession(ctx)))
  },
  {
    method: "POST",
    template: "/api/2.0/files/{folderId}/session/{sessionId}",
    handle: (ctx) => {
      const session = liveSession(ctx, ctx.params.sessionId, apiFail)
      addChunk(ctx, session, chunkBytes(ctx, apiFail), undefined, apiFail)
      if (session.bytesUploaded < session.bytesTotal) return json(ctx, sessionData(ctx, session))
      return json(ctx, uploadResult(ctx, finalizeSession(ctx, session, apiFail)), undefined, 201)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/files/{folderId}/session/{sessionId}/upload",
    handle: (ctx) => {
      const session = liveSession(ctx, ctx.params.sessionId, apiFail)
      const raw = ctx.query.get("chunkNumber") ?? ctx.query.get("ChunkNumber")
      const number = raw === null ? session.chunks.size + 1 : Number(raw)
      if (!Number.isInteger(number)) throw badRequest("chunkNumber must be an integer")
      addChunk(ctx, session, chunkBytes(ctx, apiFail), number, apiFail)
      return json(ctx, sessionData(ctx, session))
    }
  },
  {
    method: "PUT",
    template: "/api/2.0/files/{folderId}/session/{sessionId}/finalize",
    handle: (ctx) => {
      const session = liveSession(ctx, ctx.params.sessionId, apiFail)
      return json(ctx, uploadResult(ctx, finalizeSession(ctx, session, apiFail)), undefined, 201)
    }
  },
  {
    method: "DELETE",
    template: "/api/2.0/files/{folderId}/session/{sessionId}",
    handle: (ctx) => {
      const session = liveSession(ctx, ctx.params.sessionId, apiFail)
      ctx.model.sessions.delete(session.id)
      return { status: 200, headers: {}, body: new Uint8Array(0) }
    }
  },
  {
    method: "POST",
    template: "/ChunkedUploader.ashx",
    handle: (ctx) => {
      const session = liveSession(ctx, ctx.query.get("uid"), chunkFail)
      if (ctx.query.get("abort") === "true") {
        ctx.model.sessions.delete(session.id)
        return chunkReply(200, undefined)
      }
      if (ctx.query.get("finalize") === "true") {
        return chunkReply(201, uploadResult(ctx, finalizeSession(ctx, session, chunkFail)))
      }
      const numbered = ctx.query.get("upload") === "true"
      const raw = ctx.query.get("chunkNumber")
      const expected = session.chunks.size + 1
      if (!numbered && raw !== null && Number(raw) !== expected) {
        throw new ChunkError(`Chunk ${raw} is out of order: expected chunk ${expected}`)
      }
      addChunk(ctx, session, chunkBytes(ctx, chunkFail), numbered && raw !== null ? Number(raw) : undefined, chunkFail)
      if (numbered || session.bytesUploaded < session.bytesTotal) return chunkReply(200, sessionData(ctx, session))
      return chunkReply(201, uploadResult(ctx, finalizeSession(ctx, session, chunkFail)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/settings",
    handle: (ctx) =>
      json(ctx, {
        chunkUploadSize: ctx.model.options.chunkUploadSize,
        maxUploadThreadCount: 4,
        storeOriginalFiles: true,
        extsUploadable: [".docx", ".xlsx", ".pptx", ".pdf", ".txt", ".png", ".jpg", ".zip", ".bin"],
        recentSection: true,
        favoritesSection: true
      })
  },

  // file operations ---------------------------------------------------------------------------------------------------
  { method: "PUT", template: "/api/2.0/files/fileops/move", handle: (ctx) => batch(ctx, 0) },
  { method: "PUT", template: "/api/2.0/files/fileops/copy", handle: (ctx) => batch(ctx, 1) },
  { method: "PUT", template: "/api/2.0/files/fileops/delete", handle: (ctx) => batch(ctx, 2) },
  { method: "PUT", template: "/api/2.0/files/fileops/bulkdownload", handle: (ctx) => batch(ctx, 3) },
  { method: "PUT", template: "/api/2.0/files/fileops/duplicate", handle: (ctx) => batch(ctx, 7) },
  {
    method: "PUT",
    template: "/api/2.0/files/fileops/emptytrash",
    handle: (ctx) => {
      const trash = ctx.user.trashFolderId
      const op = ctx.model.startOperation({
        type: 2,
        userId: ctx.user.id,
        fileIds: ctx.model.childFiles(trash).map((f) => f.id),
        folderIds: ctx.model.childFolders(trash).map((f) => f.id),
        immediately: true,
        now: ctx.now,
        origin: ctx.origin
      })
      return startReply(ctx, op, queryParam(ctx, "Single")?.toLowerCase() === "true")
    }
  },
  {
    method: "GET",
    template: "/api/2.0/files/fileops",
    handle: (ctx) => {
      const id = ctx.query.get("id")
      return opsReply(ctx, activeOperations(ctx).filter((op) => id === null || id === "" || op.id === id))
    }
  },
  {
    method: "PUT",
    template: "/api/2.0/files/fileops/terminate/{id}",
    handle: (ctx) => {
      const op = ctx.model.operations.find((o) => o.id === ctx.params.id && o.userId === ctx.user.id)
      if (op !== undefined && !op.finished) {
        op.finished = true
        op.status = 3
        op.error = "The operation was canceled"
      }
      return opsReply(ctx, op === undefined ? [] : [op])
    }
  },

  // webhooks --------------------------------------------------------------------------------------------------------
  {
    method: "POST",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) => {
      const body = ctx.json()
      const name = str(body.name)
      const uri = str(body.uri)
      if (name === undefined || name === "" || name.length > 50) throw badRequest("name is required (1..50)")
      if (uri === undefined || !/^https?:\/\//.test(uri)) throw badRequest("uri must be an absolute http(s) URL")
      const webhook = ctx.model.addWebhook({
        name,
        uri,
        secretKey: str(body.secretKey) ?? "",
        enabled: body.enabled === undefined ? true : bool(body.enabled),
        ssl: body.ssl === undefined ? true : bool(body.ssl),
        triggers: Number(body.triggers ?? 0) || 0,
        targetId: str(body.targetId),
        createdBy: ctx.user.id,
        created: ctx.now
      })
      return json(ctx, webhookDto(ctx, webhook))
    }
  },
  {
    method: "PUT",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) => {
      const body = ctx.json()
      const webhook = ctx.model.webhooks.get(Number(body.id))
      if (webhook === undefined) {
        throw new HttpError(404, "Webhook not found", "System.Collections.Generic.KeyNotFoundException")
      }
      if (str(body.name) !== undefined) webhook.name = str(body.name)!
      if (str(body.uri) !== undefined) webhook.uri = str(body.uri)!
      if (str(body.secretKey) !== undefined) webhook.secretKey = str(body.secretKey)!
      if (body.enabled !== undefined) webhook.enabled = bool(body.enabled)
      if (body.ssl !== undefined) webhook.ssl = bool(body.ssl)
      if (body.triggers !== undefined) webhook.triggers = Number(body.triggers) || 0
      webhook.modified = ctx.now
      return json(ctx, webhookDto(ctx, webhook))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) =>
      json(ctx, [...ctx.model.webhooks.values()].map((w) => ({ configs: webhookDto(ctx, w), status: 0 })))
  },
  {
    method: "DELETE",
    template: "/api/2.0/settings/webhook/{id}",
    handle: (ctx) => {
      const webhook = ctx.model.webhooks.get(Number(ctx.params.id))
      if (webhook === undefined) {
        throw new HttpError(404, "Webhook not found", "System.Collections.Generic.KeyNotFoundException")
      }
      ctx.model.webhooks.delete(webhook.id)
      return json(ctx, webhookDto(ctx, webhook))
    }
  }
]

const webhookDto = (ctx: Ctx, w: Webhook) => ({
  id: w.id,
  name: w.name,
  uri: w.uri,
  enabled: w.enabled,
  ssl: w.ssl,
  triggers: w.triggers,
  targetId: w.targetId,
  createdBy: ctx.model.employee(w.createdBy, ctx.origin),
  createdOn: formatDate(w.created),
  modifiedBy: ctx.model.employee(w.createdBy, ctx.origin),
  modifiedOn: formatDate(w.modified)
})

// ---------------------------------------------------------------------------------------------------------------
// downloads: outside /api/2.0
// ---------------------------------------------------------------------------------------------------------------

/** Serves bytes with `Range: bytes=a-b` support: 206 + Content-Range, or 416 when unsatisfiable. */
export const serveBytes = (
  range: string | undefined,
  bytes: Uint8Array,
  fileName: string,
  contentType = "application/octet-stream"
): Reply => {
  const base = {
    "content-type": contentType,
    "accept-ranges": "bytes",
    "content-disposition": `attachment; filename="${encodeURIComponent(fileName)}"`
  }
  if (range === undefined) {
    return { status: 200, headers: { ...base, "content-length": String(bytes.length) }, body: bytes }
  }
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

export const downloadRoute: Route = {
  method: "GET",
  template: "/filehandler.ashx",
  handle: (ctx) => {
    const action = ctx.query.get("action")
    if (action === "bulk") {
      const archive = ctx.model.archives.get(ctx.query.get("id") ?? "")
      if (archive === undefined || archive.userId !== ctx.user.id) throw notFound(FILE_NOT_FOUND)
      return serveBytes(ctx.req.headers["range"], archive.bytes, archive.name, "application/zip")
    }
    if (action !== "download") throw badRequest(`Unknown action ${action ?? ""}`)
    const file = ctx.model.getFile(int(ctx.query.get("fileid") ?? undefined, FILE_NOT_FOUND))
    const wanted = ctx.query.get("version")
    const version = wanted === null
      ? file.versions[file.versions.length - 1]
      : file.versions.find((v) => v.version === Number(wanted))
    if (version === undefined) throw notFound(FILE_NOT_FOUND)
    return serveBytes(ctx.req.headers["range"], version.bytes, file.title)
  }
}

export const presignedRoute: Route = {
  method: "GET",
  template: "/storage/presigned/{token}",
  anonymous: true,
  handle: (ctx) => {
    const entry = ctx.model.presigned.get(ctx.params.token)
    if (entry === undefined || entry.expires <= ctx.now) {
      return {
        status: 403,
        headers: { "content-type": "text/plain" },
        body: new TextEncoder().encode("Request has expired")
      }
    }
    const file = ctx.model.getFile(entry.fileId)
    return serveBytes(ctx.req.headers["range"], file.versions[file.versions.length - 1].bytes, file.title)
  }
}

export const allRoutes: ReadonlyArray<Route> = [...routes, downloadRoute, presignedRoute]

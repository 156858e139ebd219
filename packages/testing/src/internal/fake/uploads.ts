/**
 * Uploads of the fake DocSpace: storing uploaded content (`storeUpload`: a new file or a new version), upload
 * sessions and their chunks for both chunk protocols (the `/api/2.0/files/{folderId}/session` REST routes and
 * `/ChunkedUploader.ashx` with `{ success, data, message }` answers), the simple multipart upload, session expiry,
 * and `GET /api/2.0/files/settings` (`chunkUploadSize`).
 */
import type { Ctx, Route } from "./common.js"
import { bool, folderParam, json, str } from "./common.js"
import { fileDto, summary } from "./files.js"
import type { FakeModel, FileEntry, Folder } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, ChunkError, formatDate, HttpError, jsonReply, parseMultipart } from "./util.js"

export interface UploadSession {
  readonly id: string
  readonly folderId: number
  readonly userId: string
  readonly fileName: string
  readonly bytesTotal: number
  readonly createNewIfExist: boolean
  readonly created: number
  expires: number
  /** Chunks in arrival order (location and sequential REST uploads) or by number (numbered REST uploads). */
  readonly chunks: Map<number, Uint8Array>
  bytesUploaded: number
  /** A chunk shorter than `chunkUploadSize` arrived before the end: any later chunk is out of order. */
  shortChunkSeen: boolean
}

// ---------------------------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------------------------

/**
 * Stores uploaded content: a new file, or a new version of the file with the same title in the folder unless
 * `createNewIfExist`. Checks the quota first.
 */
export const storeUpload = (
  model: FakeModel,
  folderId: number,
  title: string,
  bytes: Uint8Array,
  userId: string,
  now: number,
  createNewIfExist: boolean
): { readonly file: FileEntry; readonly created: boolean } => {
  const folder = model.getFolder(folderId)
  model.checkWritable(folder)
  model.checkQuota(bytes.length)
  const existing = createNewIfExist
    ? undefined
    : model.fileByTitle(folderId, title)
  if (existing !== undefined) {
    model.addBytes(bytes.length)
    existing.versions.push({
      version: existing.versions.length + 1,
      bytes,
      created: now,
      createdBy: userId,
      comment: "Uploaded"
    })
    existing.updated = now
    existing.updatedBy = userId
    model.emit("FileUpdated", summary(existing), userId)
    return { file: existing, created: false }
  }
  const file: FileEntry = {
    kind: "file",
    id: model.id(),
    folderId,
    title: createNewIfExist ? model.freeTitle(folderId, title, "file") : title,
    versions: [{ version: 1, bytes, created: now, createdBy: userId, comment: "Uploaded" }],
    ownerId: userId,
    created: now,
    updated: now,
    updatedBy: userId,
    previousParentId: undefined
  }
  model.addFile(file)
  model.addBytes(bytes.length)
  const user = model.users.get(userId)
  if (user !== undefined) user.recent = [file.id, ...user.recent.filter((id) => id !== file.id)].slice(0, 100)
  model.emit("FileUploaded", summary(file), userId)
  return { file, created: true }
}

/** Drops the upload sessions that expired by `now`. */
export const expireSessions = (model: FakeModel, now: number): void => {
  for (const session of [...model.sessions.values()]) {
    if (session.expires <= now) model.sessions.delete(session.id)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// sessions and chunks
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
    const { file } = storeUpload(
      ctx.model,
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
  file: fileDto(ctx.model, file, ctx.origin, ctx.user.id)
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
    storeUpload(ctx.model, folder.id, p.fileName!, p.data, ctx.user.id, ctx.now, createNew).file
  )
  return json(ctx, created.map((f) => fileDto(ctx.model, f, ctx.origin, ctx.user.id)))
}

// ---------------------------------------------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------------------------------------------

export const uploadRoutes: ReadonlyArray<Route> = [
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
  }
]

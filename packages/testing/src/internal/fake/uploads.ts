/**
 * Uploads of the fake DocSpace: storing uploaded content (`storeUpload`: a new file or a new version), upload
 * sessions and their chunks for both chunk protocols (the `/api/2.0/files/{folderId}/session` REST routes and
 * `/ChunkedUploader.ashx` with `{ success, data, message }` answers), the simple multipart upload, session expiry,
 * and `GET /api/2.0/files/settings` (`chunkUploadSize`).
 *
 * Chunks are counted as the server counts them (DocSpace-server `common/ASC.Data.Storage/ChunkedUploader/
 * CommonChunkedUploadSessionHolder.cs`, `products/ASC.Files/Core/Core/Dao/TeamlabDao/FileDao.cs` `UploadChunkAsync`,
 * `products/ASC.Files/Core/HttpHandlers/ChunkedUploaderHandler.cs`):
 * - a session for a file smaller than `chunkUploadSize` does not use chunks: the first chunk that is not longer than
 *   the declared size IS the file (stored at once, answered 201), even when it is shorter: a client whose chunks are
 *   smaller than the server's gets a truncated file;
 * - otherwise the server expects `ceil(size / chunkUploadSize)` chunks, numbered in arrival order (or by
 *   `chunkNumber`), and finishes when chunks 1..n hold exactly `size` bytes; chunks past n are kept but never
 *   counted, so a client with smaller chunks never finishes (every answer is a 200 with the session);
 * - a chunk longer than `chunkUploadSize` is refused.
 * The session routes take numeric folder ids only: `@my` there is read as a third-party folder id and not found
 * (404), as on the server, whose `UploadControllerInternal` is constrained to `int` ids.
 */
import type { Ctx, Route } from "./common.js"
import { bool, folderParam, json, str } from "./common.js"
import { fileDto, summary } from "./files.js"
import type { FakeModel, FileEntry, Folder } from "./state.js"
import type { Reply } from "./util.js"
import {
  badRequest,
  ChunkError,
  FOLDER_NOT_FOUND,
  formatDate,
  fromUtf8,
  HttpError,
  jsonReply,
  notFound,
  parseMultipart,
  utf8
} from "./util.js"

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
  /** The declared size is at least `chunkUploadSize`: the file is assembled from numbered chunks. */
  readonly useChunks: boolean
  /** Chunks received without a number (their number is the next one). */
  chunksUploaded: number
  /** A session without chunks: the file its first chunk stored. */
  stored: FileEntry | undefined
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
  // no alias on the session routes: "@my" names a third-party folder that does not exist
  if (!/^\d+$/.test(ctx.params.folderId ?? "")) throw notFound(FOLDER_NOT_FOUND)
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
    useChunks: fileSize >= ctx.model.options.chunkUploadSize,
    chunksUploaded: 0,
    stored: undefined
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
 * The chunk length the server's parallel mode computes (`ChunkedRequestType.UploadAsync` in
 * `ChunkedUploaderHandler.cs`): it does not parse the form but takes `Content-Length` minus, for each header of the
 * first section, its name and value lengths in characters plus 2, minus twice `"\r\n--" + boundary` plus 2, minus 6.
 * That is the part's length only for one part with exactly two headers and ASCII header values. A request without
 * `Content-Length` fails there (a null `ContentLength`).
 */
const parallelChunkLength = (ctx: Ctx): number => {
  const raw = ctx.req.headers["content-length"]
  if (raw === undefined) throw new ChunkError("Nullable object must have a value.")
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ctx.req.headers["content-type"] ?? "")
  const b = (boundary?.[1] ?? boundary?.[2] ?? "").trim()
  const text = fromUtf8(ctx.req.body)
  const start = text.indexOf(`--${b}\r\n`)
  const end = text.indexOf("\r\n\r\n", start)
  if (b === "" || start < 0 || end < 0) {
    throw new ChunkError("Unexpected end of Stream, the content may have already been read by another component.")
  }
  let headers = 0
  for (const line of text.slice(start + b.length + 4, end).split("\r\n")) {
    const colon = line.indexOf(":")
    if (colon > 0) headers += line.slice(0, colon).trim().length + line.slice(colon + 1).trim().length + 2
  }
  return Number(raw) - headers - 2 * (utf8(`\r\n--${b}`).length + 2) - 6
}

/** Chunks 1..n (n = the number the server expects) as far as they are contiguous, and their length. */
const counted = (ctx: Ctx, session: UploadSession): ReadonlyArray<Uint8Array> => {
  const expected = Math.ceil(session.bytesTotal / ctx.model.options.chunkUploadSize)
  const chunks: Array<Uint8Array> = []
  for (let i = 1; i <= expected; i++) {
    const chunk = session.chunks.get(i)
    if (chunk === undefined) break
    chunks.push(chunk)
  }
  return chunks
}

/**
 * Adds a chunk as the server does. Without `number` it is the next in arrival order. A session without chunks stores
 * the file from its first chunk that fits the declared size. Returns the file when the chunk stored it.
 */
const addChunk = (
  ctx: Ctx,
  session: UploadSession,
  bytes: Uint8Array,
  number: number | undefined,
  fail: (m: string) => ChunkError | HttpError
): FileEntry | undefined => {
  const limit = ctx.model.options.chunkUploadSize
  if (bytes.length === 0) throw fail("Empty file")
  if (bytes.length > limit) throw fail(`Exceeds the maximum chunk size (${limit} bytes)`)
  if (number !== undefined && number < 1) throw fail("chunkNumber starts at 1")
  session.expires = ctx.now + ctx.model.options.uploadSessionLifetimeMillis
  if (!session.useChunks) {
    try {
      ctx.model.checkQuota(bytes.length)
    } catch (e) {
      throw e instanceof HttpError && fail("") instanceof ChunkError ? fail(e.message) : e
    }
    if (bytes.length > session.bytesTotal) {
      throw fail(
        `The uploaded data (${bytes.length} bytes) exceeds the declared file size (${session.bytesTotal} bytes)`
      )
    }
    if (session.stored === undefined) {
      session.stored = store(ctx, session, bytes, fail)
      session.bytesUploaded = bytes.length
    }
    return session.stored
  }
  if (number === undefined) number = ++session.chunksUploaded
  const previous = session.chunks.get(number)?.length ?? 0
  try {
    ctx.model.checkQuota(bytes.length - previous)
  } catch (e) {
    throw e instanceof HttpError && fail("") instanceof ChunkError ? fail(e.message) : e
  }
  session.chunks.set(number, bytes)
  session.bytesUploaded = counted(ctx, session).reduce((n, c) => n + c.length, 0)
  return undefined
}

const store = (
  ctx: Ctx,
  session: UploadSession,
  bytes: Uint8Array,
  fail: (m: string) => ChunkError | HttpError
): FileEntry => {
  try {
    return storeUpload(
      ctx.model,
      session.folderId,
      session.fileName,
      bytes,
      ctx.user.id,
      ctx.now,
      session.createNewIfExist
    ).file
  } catch (e) {
    if (e instanceof HttpError && fail("") instanceof ChunkError) throw fail(e.message)
    throw e
  }
}

/** Whether the counted chunks hold the whole file (the server then finalizes by itself on a sequential upload). */
const complete = (session: UploadSession) =>
  session.useChunks ? session.bytesUploaded === session.bytesTotal : session.stored !== undefined

/** Joins chunks 1..n; their total must be the declared size ("uploadSize != bytesTotal" on the server). */
const finalizeSession = (ctx: Ctx, session: UploadSession, fail: (m: string) => ChunkError | HttpError) => {
  if (!session.useChunks) {
    if (session.stored === undefined) throw fail("The file has not been uploaded")
    ctx.model.sessions.delete(session.id)
    return session.stored
  }
  const chunks = counted(ctx, session)
  const size = chunks.reduce((n, c) => n + c.length, 0)
  if (size !== session.bytesTotal) throw fail("uploadSize != bytesTotal")
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  ctx.model.sessions.delete(session.id)
  return store(ctx, session, bytes, fail)
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
    // UploadController.CheckUploadAsync: the titles of `filesTitle` that name a file in the folder (int ids only)
    method: "POST",
    template: "/api/2.0/files/{folderId}/upload/check",
    handle: (ctx) => {
      if (!/^\d+$/.test(ctx.params.folderId ?? "")) throw notFound(FOLDER_NOT_FOUND)
      const folder = folderParam(ctx)
      const titles = ctx.json().filesTitle
      if (!Array.isArray(titles)) throw badRequest("Value cannot be null. (Parameter 'filesTitle')")
      ctx.model.checkWritable(folder)
      const found = new Set<string>()
      for (const title of titles) {
        if (typeof title === "string" && ctx.model.fileByTitle(folder.id, title) !== undefined) found.add(title)
      }
      return json(ctx, [...found])
    }
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
      if (!complete(session)) return json(ctx, sessionData(ctx, session))
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
      // a sequential chunk's number is its place in arrival order (a `chunkNumber` is only read with `upload=true`)
      const numbered = ctx.query.get("upload") === "true"
      const raw = ctx.query.get("chunkNumber")
      if (numbered && (raw === null || !Number.isInteger(Number(raw)))) throw new ChunkError("chunkNumber is required")
      const bytes = chunkBytes(ctx, chunkFail)
      if (numbered) {
        // the fake refuses what the server would count wrong (a corrupt or never-finished file there)
        const length = parallelChunkLength(ctx)
        if (length !== bytes.length) {
          throw new ChunkError(
            `the chunk length computed from Content-Length (${length}) is not the part's ${bytes.length} bytes: ` +
              "send one part with exactly two headers (Content-Disposition, Content-Type) and ASCII names"
          )
        }
      }
      addChunk(ctx, session, bytes, numbered ? Number(raw) : undefined, chunkFail)
      if (numbered || !complete(session)) return chunkReply(200, sessionData(ctx, session))
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

/**
 * File operations of the fake DocSpace: the `FileOperation` record, starting one (`startOperation`), its progress
 * as a function of time and its effect when it finishes (move, copy, duplicate, delete, bulk download into a zip),
 * the `FileOperationDto`, report-once listing (`GET /api/2.0/files/fileops`), terminate, and the routes under
 * `/api/2.0/files/fileops` plus the single-entry deletes (`deleteOne`) that `files.ts` and `folders.ts` route.
 *
 * Listing follows DocSpace-server `FileOperationsManagerHolder.GetOperationResults`: every read of the user's
 * operations (`GET /files/fileops[?id=]`, a start answer, terminate) drops the finished ones it sees, and reports a
 * finished one only when its result is held (`holdResult`, which the controllers pass as `!deleteAfter`): an
 * operation started with `deleteAfter: true` leaves the list without ever being reported finished.
 */
import type { Ctx, Route } from "./common.js"
import { bool, enumValue, fileParam, folderParam, idList, int, json, queryParam } from "./common.js"
import { copyFile, fileDto, remove } from "./files.js"
import { copyFolder, folderDto } from "./folders.js"
import type { FakeModel, Folder } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, FOLDER_NOT_FOUND, HttpError, zipStored } from "./util.js"

export interface FileOperation {
  readonly id: string
  /** `FileOperationType`: Move 0, Copy 1, Delete 2, Download 3, MarkAsRead 4, Import 5, Convert 6, Duplicate 7. */
  readonly type: number
  readonly userId: string
  readonly fileIds: ReadonlyArray<number>
  readonly folderIds: ReadonlyArray<number>
  readonly destFolderId: number | undefined
  readonly conflictResolveType: number
  readonly immediately: boolean
  readonly startedAt: number
  readonly durationMillis: number
  /** The origin of the request that started it: where a bulk-download URL points. */
  readonly origin: string
  progress: number
  finished: boolean
  /** `DistributedTaskStatus`: Created 0, Running 1, Completed 2, Canceled 3, Failted 4. */
  status: number
  error: string
  processed: number
  resultFiles: Array<number>
  resultFolders: Array<number>
  url: string | undefined
  /**
   * The operation has left the user's list: a read saw it finished (the real server dequeues it then, so a finished
   * operation is reported at most once), or it was terminated.
   */
  reported: boolean
  /** `holdResult` (`!deleteAfter`): a finished operation is listed to the first reader only when this is true. */
  readonly hold: boolean
}

// ---------------------------------------------------------------------------------------------------------------
// state: progress is a function of time; results land when the operation finishes
// ---------------------------------------------------------------------------------------------------------------

export const advanceOperations = (model: FakeModel, now: number): void => {
  for (const op of model.operations) {
    if (op.finished) continue
    const elapsed = now - op.startedAt
    if (elapsed < op.durationMillis) {
      op.progress = Math.min(99, Math.floor((elapsed * 100) / op.durationMillis))
      op.status = 1
      continue
    }
    try {
      apply(model, op, op.startedAt + op.durationMillis)
      op.status = 2
    } catch (e) {
      op.error = e instanceof HttpError ? e.message : String(e)
      op.status = 4
    }
    op.progress = 100
    op.finished = true
  }
}

const apply = (model: FakeModel, op: FileOperation, now: number): void => {
  const files = op.fileIds.map((id) => model.getFile(id))
  const folders = op.folderIds.map((id) => model.getFolder(id))
  const dest = op.destFolderId === undefined ? undefined : model.getFolder(op.destFolderId)
  switch (op.type) {
    case 0: { // Move
      if (dest === undefined) throw new HttpError(400, FOLDER_NOT_FOUND)
      model.checkWritable(dest)
      for (const folder of folders) {
        if (model.isInside(dest.id, folder.id)) {
          throw new HttpError(400, "The folder cannot be moved into itself or its subfolder")
        }
      }
      for (const file of files) {
        const clash = model.fileByTitle(dest.id, file.title, file)
        if (clash !== undefined && op.conflictResolveType === 0) continue
        model.placeFile(file, dest.id, clash === undefined ? file.title : model.freeTitle(dest.id, file.title, "file"))
        file.updated = now
        op.resultFiles.push(file.id)
        op.processed++
        model.emit("FileMoved", { file: { id: file.id, title: file.title } }, op.userId)
      }
      for (const folder of folders) {
        model.placeFolder(folder, dest.id)
        folder.updated = now
        op.resultFolders.push(folder.id)
        op.processed++
        model.emit("FolderMoved", { folder: { id: folder.id, title: folder.title } }, op.userId)
      }
      return
    }
    case 1:
    case 7: { // Copy, Duplicate
      for (const file of files) {
        const target = dest?.id ?? file.folderId
        if (dest !== undefined) model.checkWritable(dest)
        const copy = copyFile(model, file, target, op.userId, now, op.type === 7 ? 2 : op.conflictResolveType)
        if (copy !== undefined) op.resultFiles.push(copy.id)
        op.processed++
      }
      for (const folder of folders) {
        const target = dest?.id ?? folder.parentId
        const copy = copyFolder(model, folder, target, op.userId, now, op.type === 7 ? 2 : op.conflictResolveType)
        if (copy !== undefined) op.resultFolders.push(copy.id)
        op.processed++
      }
      return
    }
    case 2: { // Delete
      for (const file of files) {
        remove(model, "file", file.id, op.userId, op.immediately, now)
        op.processed++
      }
      for (const folder of folders) {
        remove(model, "folder", folder.id, op.userId, op.immediately, now)
        op.processed++
      }
      return
    }
    case 3: { // Download
      const entries: Array<{ name: string; data: Uint8Array }> = []
      const addFolder = (folder: Folder, prefix: string) => {
        for (const f of model.childFiles(folder.id)) {
          entries.push({ name: `${prefix}${f.title}`, data: f.versions[f.versions.length - 1].bytes })
        }
        for (const child of model.childFolders(folder.id)) addFolder(child, `${prefix}${child.title}/`)
      }
      for (const file of files) {
        entries.push({ name: file.title, data: file.versions[file.versions.length - 1].bytes })
      }
      for (const folder of folders) addFolder(folder, `${folder.title}/`)
      const name = `${op.id}.zip`
      model.archives.set(op.id, { userId: op.userId, name, bytes: zipStored(entries) })
      op.url = `${op.origin}/filehandler.ashx?action=bulk&ext=.zip&id=${op.id}`
      op.processed = entries.length
      return
    }
    default:
      return
  }
}

export const startOperation = (model: FakeModel, input: {
  readonly type: number
  readonly userId: string
  readonly fileIds: ReadonlyArray<number>
  readonly folderIds: ReadonlyArray<number>
  readonly destFolderId?: number | undefined
  readonly conflictResolveType?: number | undefined
  readonly immediately?: boolean | undefined
  readonly now: number
  readonly origin: string
  readonly durationMillis?: number | undefined
  /** `holdResult`: false for `deleteAfter: true`. Default true. */
  readonly hold?: boolean | undefined
}): FileOperation => {
  const op: FileOperation = {
    id: model.random.hex(8) + "-" + model.random.hex(4) + "-" + model.random.hex(4) + "-" + model.random.hex(4) + "-" +
      model.random.hex(12),
    type: input.type,
    userId: input.userId,
    fileIds: input.fileIds,
    folderIds: input.folderIds,
    destFolderId: input.destFolderId,
    conflictResolveType: input.conflictResolveType ?? 0,
    immediately: input.immediately ?? false,
    startedAt: input.now,
    durationMillis: input.durationMillis ?? model.options.fileOperationMillis,
    origin: input.origin,
    progress: 0,
    finished: false,
    status: 0,
    error: "",
    processed: 0,
    resultFiles: [],
    resultFolders: [],
    url: undefined,
    reported: false,
    hold: input.hold ?? true
  }
  model.operations.push(op)
  return op
}

export const operationDto = (model: FakeModel, op: FileOperation, origin: string) => {
  return {
    id: op.id,
    Operation: op.type,
    progress: op.progress,
    error: op.error,
    processed: String(op.processed),
    finished: op.finished,
    url: op.url,
    files: op.finished
      ? op.resultFiles.flatMap((id) => {
        const f = model.files.get(id)
        return f === undefined ? [] : [fileDto(model, f, origin, op.userId)]
      })
      : undefined,
    folders: op.finished
      ? op.resultFolders.flatMap((id) => {
        const f = model.folders.get(id)
        return f === undefined ? [] : [folderDto(model, f, origin, op.userId)]
      })
      : undefined,
    status: op.status
  }
}

// ---------------------------------------------------------------------------------------------------------------
// replies
// ---------------------------------------------------------------------------------------------------------------

/**
 * Reads operations as the real `GetOperationResults` does: a finished one leaves the user's list (it is read now or
 * never), and is in the answer only when its result is held; an unfinished one is in the answer.
 */
export const readOperations = (ops: ReadonlyArray<FileOperation>): Array<FileOperation> => {
  const listed: Array<FileOperation> = []
  for (const op of ops) {
    if (op.reported) continue
    if (op.finished) op.reported = true
    if (!op.finished || op.hold) listed.push(op)
  }
  return listed
}

/** Replies with operations, read (and dropped when finished) as the real server reads them. */
const opsReply = (ctx: Ctx, ops: ReadonlyArray<FileOperation>) =>
  json(ctx, readOperations(ops).map((op) => operationDto(ctx.model, op, ctx.origin)))

/** The user's operations still in their list: unfinished, or finished but not yet reported. */
const activeOperations = (ctx: Ctx): Array<FileOperation> =>
  ctx.model.operations.filter((op) => op.userId === ctx.user.id && !op.reported)

/**
 * The reply of an endpoint that starts an operation: every active operation of the user (the real
 * `GetOperationResults`), or only the one just started when the request asks for `returnSingleOperation`.
 */
const startReply = (ctx: Ctx, op: FileOperation, single: boolean): Reply =>
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
  const op = startOperation(ctx.model, {
    type,
    userId: ctx.user.id,
    fileIds,
    folderIds,
    destFolderId,
    conflictResolveType: enumValue(body.conflictResolveType, { Skip: 0, Overwrite: 1, Duplicate: 2 }),
    immediately: bool(body.immediately),
    now: ctx.now,
    origin: ctx.origin,
    hold: !bool(body.deleteAfter)
  })
  return startReply(ctx, op, singleRequested(body))
}

/**
 * A single-entry delete (`DELETE /files/file/{id}`, `/files/folder/{id}`) is a Delete operation too. As in the
 * spec, only the file endpoint takes `ReturnSingleOperation`, as a query parameter; the folder endpoint always
 * answers with every active operation (a `returnSingleOperation` body field is ignored, as ASP.NET ignores it).
 */
export const deleteOne = (ctx: Ctx, kind: "file" | "folder"): Reply => {
  const body = ctx.req.body.length === 0 ? {} : ctx.json()
  const id = kind === "file" ? fileParam(ctx).id : folderParam(ctx).id
  if (kind === "folder" && ctx.model.getFolder(id).parentId === 0) {
    throw new HttpError(
      403,
      "You don't have enough permission to delete the folder",
      "System.Security.SecurityException"
    )
  }
  const op = startOperation(ctx.model, {
    type: 2,
    userId: ctx.user.id,
    fileIds: kind === "file" ? [id] : [],
    folderIds: kind === "folder" ? [id] : [],
    immediately: bool(body.immediately),
    now: ctx.now,
    origin: ctx.origin,
    hold: !bool(body.deleteAfter)
  })
  return startReply(ctx, op, kind === "file" && queryParam(ctx, "ReturnSingleOperation")?.toLowerCase() === "true")
}

// ---------------------------------------------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------------------------------------------

export const operationRoutes: ReadonlyArray<Route> = [
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
      const op = startOperation(ctx.model, {
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
      // the real `CancelOperations`: the operation is cancelled and dequeued (it is not in the answer), and the
      // answer is every other operation of the user, read like an unfiltered GET (finished ones are dropped)
      const op = ctx.model.operations.find((o) => o.id === ctx.params.id && o.userId === ctx.user.id && !o.reported)
      if (op !== undefined) {
        if (!op.finished) {
          op.finished = true
          op.status = 3
          op.error = "The operation was canceled"
        }
        op.reported = true
      }
      return opsReply(ctx, activeOperations(ctx))
    }
  }
]

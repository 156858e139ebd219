/**
 * The store of the fake DocSpace: `FakeModel` holds every map (users, groups, folders, files, tokens, upload
 * sessions, operations, links, webhooks), the id counters, the folder tree with its indexes, and the byte
 * accounting behind the quota. Each area's logic lives in its own file as functions taking the model:
 * `people.ts` (users, groups), `auth.ts` (tokens, login), `rooms.ts`, `folders.ts` (folder DTOs, listings, folder
 * copy), `files.ts` (file DTOs, copy, trash, links, favorites, downloads), `uploads.ts` (sessions, chunks,
 * `storeUpload`), `operations.ts` (file operations), `webhooks.ts` (events, signed deliveries).
 * Everything here is synchronous; the handler reads the `Clock` once per request and passes `now` in.
 */
import type { Link } from "./files.js"
import { advanceOperations, type FileOperation } from "./operations.js"
import { addUser, type Group, type User, userByEmail, type UserSeed } from "./people.js"
import { expireSessions, storeUpload, type UploadSession } from "./uploads.js"
import {
  extensionOf,
  FILE_NOT_FOUND,
  FOLDER_NOT_FOUND,
  guid,
  HttpError,
  makeRandom,
  notFound,
  quotaExceeded
} from "./util.js"
import type { Delivery, PendingEvent, TriggerKey, Webhook } from "./webhooks.js"

export interface StateOptions {
  readonly seed: number
  readonly users: ReadonlyArray<UserSeed>
  readonly apiKeys: ReadonlyArray<{ readonly key: string; readonly email: string }>
  readonly quotaBytes: number
  readonly chunkUploadSize: number
  readonly tokenLifetimeMillis: number
  readonly presignedLifetimeMillis: number
  readonly fileOperationMillis: number
  readonly uploadSessionLifetimeMillis: number
  readonly now: number
}

export interface Folder {
  readonly kind: "folder"
  readonly id: number
  parentId: number
  title: string
  /** `FolderType`: DEFAULT 0, TRASH 3, USER 5, VirtualRooms 14, Archive 20, rooms 15/16/19/22/29/31. */
  folderType: number
  roomType: number | undefined
  ownerId: string
  created: number
  updated: number
  updatedBy: string
  tags: Array<string>
  /** Where it was before it went to the trash or the archive. */
  previousParentId: number | undefined
}

export interface Version {
  readonly version: number
  readonly bytes: Uint8Array
  readonly created: number
  readonly createdBy: string
  readonly comment: string
}

export interface FileEntry {
  readonly kind: "file"
  readonly id: number
  folderId: number
  title: string
  versions: Array<Version>
  ownerId: string
  created: number
  updated: number
  updatedBy: string
  previousParentId: number | undefined
}

export const FolderType = {
  DEFAULT: 0,
  TRASH: 3,
  USER: 5,
  VirtualRooms: 14,
  Archive: 20
} as const

export class FakeModel {
  readonly random: ReturnType<typeof makeRandom>
  private nextId: number
  private nextGuid = 1
  readonly users = new Map<string, User>()
  readonly groups = new Map<string, Group>()
  readonly folders = new Map<number, Folder>()
  readonly files = new Map<number, FileEntry>()
  readonly tokens = new Map<string, { readonly userId: string; readonly expires: number }>()
  readonly apiKeys = new Map<string, string>()
  readonly sessions = new Map<string, UploadSession>()
  readonly operations: Array<FileOperation> = []
  readonly archives = new Map<string, { readonly userId: string; readonly name: string; readonly bytes: Uint8Array }>()
  readonly presigned = new Map<string, { readonly fileId: number; readonly expires: number }>()
  readonly links = new Map<string, Link>()
  readonly webhooks = new Map<number, Webhook>()
  readonly deliveries: Array<Delivery> = []
  readonly pending: Array<PendingEvent> = []
  nextWebhookId = 1
  nextDeliveryId = 1
  readonly roomsRootId: number
  readonly archiveRootId: number
  readonly ownerId: string

  constructor(readonly options: StateOptions) {
    this.random = makeRandom(options.seed)
    this.nextId = 1
    const system = guid(0)
    this.roomsRootId = this.folderRaw(0, "Rooms", FolderType.VirtualRooms, system, options.now).id
    this.archiveRootId = this.folderRaw(0, "Archive", FolderType.Archive, system, options.now).id
    let owner: string | undefined
    for (const seed of options.users) {
      const user = addUser(this, seed, options.now)
      owner ??= user.id
    }
    this.ownerId = owner ?? system
    const first = this.users.get(this.ownerId)
    if (first !== undefined) first.isOwner = true
    for (const { email, key } of options.apiKeys) {
      const user = this.userByEmail(email)
      if (user !== undefined) this.apiKeys.set(key, user.id)
    }
  }

  id(): number {
    return this.nextId++
  }

  newGuid(): string {
    return guid(this.nextGuid++)
  }

  /** Expires upload sessions and moves file operations on to `now` (see `uploads.ts`, `operations.ts`). */
  advance(now: number): void {
    expireSessions(this, now)
    advanceOperations(this, now)
  }

  /** See `people.ts`; a method because `FakeDocSpace.ts` looks users up through the model. */
  userByEmail(email: string): User | undefined {
    return userByEmail(this, email)
  }

  /** See `uploads.ts`; a method because `FakeDocSpace.seedFile` stores through the model. */
  storeUpload(
    folderId: number,
    title: string,
    bytes: Uint8Array,
    userId: string,
    now: number,
    createNewIfExist: boolean
  ): { readonly file: FileEntry; readonly created: boolean } {
    return storeUpload(this, folderId, title, bytes, userId, now, createNewIfExist)
  }

  /** Queues a webhook event; `webhooks.ts` signs and records the deliveries after the request. */
  emit(trigger: TriggerKey, payload: unknown, userId: string): void {
    this.pending.push({ trigger, payload, userId })
  }

  // -------------------------------------------------------------------------------------------------------------
  // the folder tree
  // -------------------------------------------------------------------------------------------------------------

  folderRaw(parentId: number, title: string, folderType: number, ownerId: string, now: number): Folder {
    const folder: Folder = {
      kind: "folder",
      id: this.id(),
      parentId,
      title,
      folderType,
      roomType: undefined,
      ownerId,
      created: now,
      updated: now,
      updatedBy: ownerId,
      tags: [],
      previousParentId: undefined
    }
    this.folders.set(folder.id, folder)
    this.kidsOf(this.folderKids, parentId).add(folder)
    return folder
  }

  // indexes: children by parent, files by lower-case title, so big folders stay fast -------------------------------
  private readonly folderKids = new Map<number, Set<Folder>>()
  private readonly fileKids = new Map<number, Set<FileEntry>>()
  private readonly fileTitles = new Map<number, Map<string, Set<FileEntry>>>()

  private kidsOf<A>(index: Map<number, Set<A>>, parentId: number): Set<A> {
    let set = index.get(parentId)
    if (set === undefined) index.set(parentId, set = new Set())
    return set
  }

  private indexFile(file: FileEntry): void {
    this.kidsOf(this.fileKids, file.folderId).add(file)
    let titles = this.fileTitles.get(file.folderId)
    if (titles === undefined) this.fileTitles.set(file.folderId, titles = new Map())
    const key = file.title.toLowerCase()
    let same = titles.get(key)
    if (same === undefined) titles.set(key, same = new Set())
    same.add(file)
  }

  private unindexFile(file: FileEntry): void {
    this.fileKids.get(file.folderId)?.delete(file)
    this.fileTitles.get(file.folderId)?.get(file.title.toLowerCase())?.delete(file)
  }

  /** Adds a new file to the model. */
  addFile(file: FileEntry): void {
    this.files.set(file.id, file)
    this.indexFile(file)
  }

  /** Moves and/or renames a file, keeping the indexes right. */
  placeFile(file: FileEntry, folderId: number, title: string): void {
    this.unindexFile(file)
    file.folderId = folderId
    file.title = title
    this.indexFile(file)
  }

  /** Moves a folder under another parent, keeping the index right. */
  placeFolder(folder: Folder, parentId: number): void {
    this.folderKids.get(folder.parentId)?.delete(folder)
    folder.parentId = parentId
    this.kidsOf(this.folderKids, parentId).add(folder)
  }

  /** Removes a file and its versions' bytes from the model. */
  dropFile(file: FileEntry): void {
    this.files.delete(file.id)
    this.unindexFile(file)
    for (const v of file.versions) this.addBytes(-v.bytes.length)
  }

  /** Removes a folder (already emptied) from the model and the index. */
  dropFolder(folder: Folder): void {
    this.folders.delete(folder.id)
    this.folderKids.get(folder.parentId)?.delete(folder)
    this.folderKids.delete(folder.id)
  }

  /** A file of the folder with this title (case-insensitive), other than `except`. */
  fileByTitle(folderId: number, title: string, except?: FileEntry): FileEntry | undefined {
    for (const f of this.fileTitles.get(folderId)?.get(title.toLowerCase()) ?? []) if (f !== except) return f
    return undefined
  }

  getFolder(id: number): Folder {
    const folder = this.folders.get(id)
    if (folder === undefined) throw notFound(FOLDER_NOT_FOUND)
    return folder
  }

  getFile(id: number): FileEntry {
    const file = this.files.get(id)
    if (file === undefined) throw notFound(FILE_NOT_FOUND)
    return file
  }

  /** The chain from the root to the folder, root first. */
  path(folderId: number): Array<Folder> {
    const out: Array<Folder> = []
    let current = this.folders.get(folderId)
    while (current !== undefined) {
      out.unshift(current)
      current = current.parentId === 0 ? undefined : this.folders.get(current.parentId)
    }
    return out
  }

  root(folderId: number): Folder {
    return this.path(folderId)[0] ?? this.getFolder(folderId)
  }

  parentRoom(folderId: number): Folder | undefined {
    return this.path(folderId).find((f) => f.roomType !== undefined)
  }

  isInside(folderId: number, ancestorId: number): boolean {
    return this.path(folderId).some((f) => f.id === ancestorId)
  }

  childFolders(folderId: number): Array<Folder> {
    return [...(this.folderKids.get(folderId) ?? [])]
  }

  childFiles(folderId: number): Array<FileEntry> {
    return [...(this.fileKids.get(folderId) ?? [])]
  }

  /** A title not yet used in the folder: "a.txt" -> "a (1).txt". */
  freeTitle(folderId: number, title: string, kind: "file" | "folder"): string {
    const taken = (candidate: string) =>
      kind === "file"
        ? this.fileByTitle(folderId, candidate) !== undefined
        : this.childFolders(folderId).some((f) => f.title.toLowerCase() === candidate.toLowerCase())
    if (!taken(title)) return title
    const ext = kind === "file" ? extensionOf(title) : ""
    const base = ext.length > 0 ? title.slice(0, title.length - ext.length) : title
    for (let n = 1;; n++) {
      const candidate = `${base} (${n})${ext}`
      if (!taken(candidate)) return candidate
    }
  }

  checkWritable(folder: Folder): void {
    if (
      folder.folderType === FolderType.VirtualRooms || folder.folderType === FolderType.Archive ||
      folder.folderType === FolderType.TRASH || this.root(folder.id).folderType === FolderType.Archive
    ) {
      throw new HttpError(403, "You don't have enough permission to create", "System.Security.SecurityException")
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // bytes and quota
  // -------------------------------------------------------------------------------------------------------------

  fileSize(file: FileEntry): number {
    return file.versions[file.versions.length - 1].bytes.length
  }

  /** Bytes of every stored version, trash included; kept as a running total (see `addBytes`). */
  storedBytes(): number {
    return this.bytesStored
  }

  private bytesStored = 0

  addBytes(delta: number): void {
    this.bytesStored += delta
  }

  /** Bytes held by open upload sessions: they live in memory too, so they count against the bound. */
  sessionBytes(): number {
    let total = 0
    for (const session of this.sessions.values()) total += session.bytesUploaded
    return total
  }

  checkQuota(extra: number): void {
    if (this.storedBytes() + this.sessionBytes() + extra > this.options.quotaBytes) {
      throw quotaExceeded(this.options.quotaBytes)
    }
  }
}

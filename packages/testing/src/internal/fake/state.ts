/**
 * The in-memory model of the fake DocSpace: users, groups, folders (rooms are folders), files with versions,
 * tokens, upload sessions, file operations, links and webhooks, plus the DTO builders that speak the real field
 * names. Everything here is synchronous; the handler reads the `Clock` once per request and passes `now` in.
 */
import { createHmac } from "node:crypto"
import {
  EMPTY_GUID,
  extensionOf,
  FILE_NOT_FOUND,
  fileTypeOf,
  FOLDER_NOT_FOUND,
  formatDate,
  guid,
  HttpError,
  makeRandom,
  notFound,
  quotaExceeded,
  sizeString,
  zipStored
} from "./util.js"

export interface UserSeed {
  readonly email: string
  readonly password: string
  readonly firstName?: string | undefined
  readonly lastName?: string | undefined
  readonly isAdmin?: boolean | undefined
  /** When set, the user has two-factor authentication and must confirm with this code. */
  readonly tfaCode?: string | undefined
}

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

export interface User {
  readonly id: string
  email: string
  password: string | undefined
  firstName: string
  lastName: string
  isAdmin: boolean
  isOwner: boolean
  type: string
  activationStatus: number
  tfaCode: string | undefined
  created: number
  myFolderId: number
  trashFolderId: number
  favorites: Set<number>
  recent: Array<number>
}

export interface Group {
  readonly id: string
  name: string
  managerId: string | undefined
  members: Set<string>
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
   * The user has been shown this operation as finished (by `GET /files/fileops` or a start response): the real
   * server then drops it from the user's list, so a finished operation is reported exactly once.
   */
  reported: boolean
}

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

export interface Webhook {
  readonly id: number
  name: string
  uri: string
  secretKey: string
  enabled: boolean
  ssl: boolean
  triggers: number
  targetId: string | undefined
  readonly createdBy: string
  readonly created: number
  modified: number
}

export interface Delivery {
  readonly id: number
  readonly webhookId: number
  readonly uri: string
  readonly trigger: string
  readonly triggerType: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly timestamp: number
}

export const FolderType = {
  DEFAULT: 0,
  TRASH: 3,
  USER: 5,
  VirtualRooms: 14,
  Archive: 20
} as const

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

/** `WebhookTrigger` flags the fake raises, with their event names. */
export const Trigger = {
  UserInvited: [2, "user.invited"],
  GroupCreated: [16, "group.created"],
  FileCreated: [128, "file.created"],
  FileUploaded: [256, "file.uploaded"],
  FileUpdated: [512, "file.updated"],
  FileTrashed: [1024, "file.trashed"],
  FileDeleted: [2048, "file.deleted"],
  FileCopied: [8192, "file.copied"],
  FileMoved: [16384, "file.moved"],
  FolderCreated: [32768, "folder.created"],
  FolderUpdated: [65536, "folder.updated"],
  FolderTrashed: [131072, "folder.trashed"],
  FolderDeleted: [262144, "folder.deleted"],
  FolderCopied: [1048576, "folder.copied"],
  FolderMoved: [2097152, "folder.moved"],
  RoomCreated: [4194304, "room.created"],
  RoomArchived: [16777216, "room.archived"],
  RoomRestored: [67108864, "room.restored"]
} as const satisfies Record<string, readonly [number, string]>

export type TriggerKey = keyof typeof Trigger

export interface PendingEvent {
  readonly trigger: TriggerKey
  readonly payload: unknown
  readonly userId: string
}

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
  private nextWebhookId = 1
  private nextDeliveryId = 1
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
      const user = this.addUser(seed, options.now)
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

  // -------------------------------------------------------------------------------------------------------------
  // users
  // -------------------------------------------------------------------------------------------------------------

  addUser(seed: UserSeed, now: number, activationStatus = 1, type?: string): User {
    const id = this.newGuid()
    const [first, ...rest] = seed.email.split("@")[0].split(/[._-]/)
    const cap = (s: string) => s.length === 0 ? s : s[0].toUpperCase() + s.slice(1)
    const user: User = {
      id,
      email: seed.email,
      password: seed.password,
      firstName: seed.firstName ?? cap(first ?? "User"),
      lastName: seed.lastName ?? cap(rest.join(" ")),
      isAdmin: seed.isAdmin ?? false,
      isOwner: false,
      type: type ?? (seed.isAdmin ? "DocSpaceAdmin" : "RoomAdmin"),
      activationStatus,
      tfaCode: seed.tfaCode,
      created: now,
      myFolderId: 0,
      trashFolderId: 0,
      favorites: new Set(),
      recent: []
    }
    this.users.set(id, user)
    user.myFolderId = this.folderRaw(0, "My documents", FolderType.USER, id, now).id
    user.trashFolderId = this.folderRaw(0, "Trash", FolderType.TRASH, id, now).id
    return user
  }

  userByEmail(email: string): User | undefined {
    const lower = email.toLowerCase()
    for (const user of this.users.values()) if (user.email.toLowerCase() === lower) return user
    return undefined
  }

  displayName(user: User): string {
    return `${user.firstName} ${user.lastName}`.trim()
  }

  employee(userId: string, origin: string) {
    const user = this.users.get(userId)
    return {
      id: userId,
      displayName: user === undefined ? "System" : this.displayName(user),
      avatar: `${origin}/static/images/default_user_photo_size_82-82.png`,
      avatarSmall: `${origin}/static/images/default_user_photo_size_32-32.png`,
      profileUrl: `${origin}/accounts/view/${user?.email ?? userId}`,
      hasAvatar: false,
      isAnonim: false
    }
  }

  employeeFull(user: User, origin: string) {
    const groups = [...this.groups.values()].filter((g) => g.members.has(user.id))
    return {
      ...this.employee(user.id, origin),
      firstName: user.firstName,
      lastName: user.lastName,
      userName: user.email.split("@")[0],
      email: user.email,
      status: 1,
      activationStatus: user.activationStatus,
      groups: groups.map((g) => ({ id: g.id, name: g.name, manager: g.managerId, isSystem: false })),
      isAdmin: user.isAdmin,
      isRoomAdmin: user.type === "RoomAdmin",
      isLDAP: false,
      isOwner: user.isOwner,
      isVisitor: user.type === "Guest",
      isCollaborator: user.type === "User",
      isSSO: false,
      cultureName: "en-US",
      registrationDate: formatDate(user.created),
      hasPersonalFolder: true,
      tfaAppEnabled: user.tfaCode !== undefined
    }
  }

  group(group: Group, origin: string, withMembers: boolean) {
    const manager = group.managerId === undefined ? undefined : this.users.get(group.managerId)
    return {
      id: group.id,
      name: group.name,
      category: EMPTY_GUID,
      isLDAP: false,
      isSystem: false,
      manager: manager === undefined ? undefined : this.employeeFull(manager, origin),
      members: withMembers
        ? [...group.members].flatMap((id) => {
          const u = this.users.get(id)
          return u === undefined ? [] : [this.employeeFull(u, origin)]
        })
        : undefined,
      membersCount: group.members.size
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // folders and files
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

  fileSize(file: FileEntry): number {
    return file.versions[file.versions.length - 1].bytes.length
  }

  /** Bytes of every stored version, trash included; kept as a running total (see `addBytes`). */
  storedBytes(): number {
    return this.bytesStored
  }

  private bytesStored = 0

  private addBytes(delta: number): void {
    this.bytesStored += delta
  }

  private dropFile(file: FileEntry): void {
    this.files.delete(file.id)
    this.unindexFile(file)
    for (const v of file.versions) this.addBytes(-v.bytes.length)
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

  /**
   * Stores uploaded content: a new file, or a new version of the file with the same title in the folder unless
   * `createNewIfExist`. Checks the quota first.
   */
  storeUpload(
    folderId: number,
    title: string,
    bytes: Uint8Array,
    userId: string,
    now: number,
    createNewIfExist: boolean
  ): { readonly file: FileEntry; readonly created: boolean } {
    const folder = this.getFolder(folderId)
    this.checkWritable(folder)
    this.checkQuota(bytes.length)
    const existing = createNewIfExist
      ? undefined
      : this.fileByTitle(folderId, title)
    if (existing !== undefined) {
      this.addBytes(bytes.length)
      existing.versions.push({
        version: existing.versions.length + 1,
        bytes,
        created: now,
        createdBy: userId,
        comment: "Uploaded"
      })
      existing.updated = now
      existing.updatedBy = userId
      this.emit("FileUpdated", summary(existing), userId)
      return { file: existing, created: false }
    }
    const file: FileEntry = {
      kind: "file",
      id: this.id(),
      folderId,
      title: createNewIfExist ? this.freeTitle(folderId, title, "file") : title,
      versions: [{ version: 1, bytes, created: now, createdBy: userId, comment: "Uploaded" }],
      ownerId: userId,
      created: now,
      updated: now,
      updatedBy: userId,
      previousParentId: undefined
    }
    this.addFile(file)
    this.addBytes(bytes.length)
    const user = this.users.get(userId)
    if (user !== undefined) user.recent = [file.id, ...user.recent.filter((id) => id !== file.id)].slice(0, 100)
    this.emit("FileUploaded", summary(file), userId)
    return { file, created: true }
  }

  checkWritable(folder: Folder): void {
    if (
      folder.folderType === FolderType.VirtualRooms || folder.folderType === FolderType.Archive ||
      folder.folderType === FolderType.TRASH || this.root(folder.id).folderType === FolderType.Archive
    ) {
      throw new HttpError(403, "You don't have enough permission to create", "System.Security.SecurityException")
    }
  }

  fileDto(file: FileEntry, origin: string, userId: string, version?: Version) {
    const current = version ?? file.versions[file.versions.length - 1]
    const root = this.root(file.folderId)
    const room = this.parentRoom(file.folderId)
    const user = this.users.get(userId)
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
      shared: [...this.links.values()].some((l) => l.entryKind === "file" && l.entryId === file.id),
      created: formatDate(file.created),
      createdBy: this.employee(file.ownerId, origin),
      updated: formatDate(version?.created ?? file.updated),
      updatedBy: this.employee(version?.createdBy ?? file.updatedBy, origin),
      rootFolderType: root.folderType,
      parentRoomType: room === undefined ? undefined : room.folderType,
      isFavorite: user?.favorites.has(file.id) === true ? true : undefined,
      fileEntryType: 2
    }
  }

  folderDto(folder: Folder, origin: string, userId: string) {
    const root = this.root(folder.id)
    const room = this.parentRoom(folder.id)
    const user = this.users.get(userId)
    return {
      id: folder.id,
      parentId: folder.parentId,
      filesCount: this.childFiles(folder.id).length,
      foldersCount: this.childFolders(folder.id).length,
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
      shared: [...this.links.values()].some((l) => l.entryKind === "folder" && l.entryId === folder.id),
      created: formatDate(folder.created),
      createdBy: this.employee(folder.ownerId, origin),
      updated: formatDate(folder.updated),
      updatedBy: this.employee(folder.updatedBy, origin),
      rootFolderType: root.folderType,
      parentRoomType: room !== undefined && room.id !== folder.id ? room.folderType : undefined,
      isFavorite: user?.favorites.has(folder.id) === true ? true : undefined,
      fileEntryType: 1
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // trash, copy, move
  // -------------------------------------------------------------------------------------------------------------

  /** Removes a file or a folder tree for good. */
  purge(kind: "file" | "folder", id: number, userId: string): void {
    if (kind === "file") {
      const file = this.files.get(id)
      if (file === undefined) return
      this.dropFile(file)
      this.emit("FileDeleted", { file: { id: file.id, title: file.title } }, userId)
      return
    }
    const folder = this.folders.get(id)
    if (folder === undefined) return
    for (const f of this.childFiles(id)) this.dropFile(f)
    for (const child of this.childFolders(id)) this.purge("folder", child.id, userId)
    this.folders.delete(id)
    this.folderKids.get(folder.parentId)?.delete(folder)
    this.folderKids.delete(id)
    this.emit("FolderDeleted", { folder: { id: folder.id, title: folder.title } }, userId)
  }

  /** Moves to the user's trash, or removes for good when already in a trash or `immediately`. */
  remove(kind: "file" | "folder", id: number, userId: string, immediately: boolean, now: number): void {
    const user = this.users.get(userId)
    const parent = kind === "file" ? this.getFile(id).folderId : this.getFolder(id).parentId
    const inTrash = this.path(parent).some((f) => f.folderType === FolderType.TRASH)
    if (immediately || inTrash || user === undefined) return this.purge(kind, id, userId)
    if (kind === "file") {
      const file = this.getFile(id)
      file.previousParentId = file.folderId
      this.placeFile(file, user.trashFolderId, file.title)
      file.updated = now
      this.emit("FileTrashed", { file: { id: file.id, title: file.title } }, userId)
    } else {
      const folder = this.getFolder(id)
      if (folder.parentId === 0) throw new HttpError(403, "You don't have enough permission to delete the folder")
      folder.previousParentId = folder.parentId
      this.placeFolder(folder, user.trashFolderId)
      folder.updated = now
      this.emit("FolderTrashed", { folder: { id: folder.id, title: folder.title } }, userId)
    }
  }

  copyFile(file: FileEntry, destId: number, userId: string, now: number, resolve: number): FileEntry | undefined {
    const clash = this.fileByTitle(destId, file.title)
    const bytes = file.versions[file.versions.length - 1].bytes
    if (clash !== undefined && clash.id !== file.id) {
      if (resolve === 0) return undefined // Skip
      if (resolve === 1) { // Overwrite: a new version
        this.checkQuota(bytes.length)
        this.addBytes(bytes.length)
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
    this.checkQuota(bytes.length)
    const copy: FileEntry = {
      kind: "file",
      id: this.id(),
      folderId: destId,
      title: clash === undefined ? file.title : this.freeTitle(destId, file.title, "file"),
      versions: [{ version: 1, bytes, created: now, createdBy: userId, comment: "Copied" }],
      ownerId: userId,
      created: now,
      updated: now,
      updatedBy: userId,
      previousParentId: undefined
    }
    this.addFile(copy)
    this.addBytes(bytes.length)
    this.emit("FileCopied", { file: { id: copy.id, title: copy.title } }, userId)
    return copy
  }

  copyFolder(folder: Folder, destId: number, userId: string, now: number, resolve: number): Folder | undefined {
    if (this.isInside(destId, folder.id)) {
      throw new HttpError(400, "The folder cannot be copied into itself or its subfolder")
    }
    let target = this.childFolders(destId).find((f) => f.title.toLowerCase() === folder.title.toLowerCase())
    if (target === undefined || resolve === 2) {
      const title = target === undefined ? folder.title : this.freeTitle(destId, folder.title, "folder")
      target = this.folderRaw(destId, title, FolderType.DEFAULT, userId, now)
      this.emit("FolderCopied", { folder: { id: target.id, title: target.title } }, userId)
    } else if (resolve === 0 && target.id === folder.id) {
      return undefined
    }
    const into = target
    for (const f of this.childFiles(folder.id)) this.copyFile(f, into.id, userId, now, resolve)
    for (const child of this.childFolders(folder.id)) this.copyFolder(child, into.id, userId, now, resolve)
    return into
  }

  // -------------------------------------------------------------------------------------------------------------
  // file operations: progress is a function of time; results land when the operation finishes
  // -------------------------------------------------------------------------------------------------------------

  advance(now: number): void {
    for (const session of [...this.sessions.values()]) {
      if (session.expires <= now) this.sessions.delete(session.id)
    }
    for (const op of this.operations) {
      if (op.finished) continue
      const elapsed = now - op.startedAt
      if (elapsed < op.durationMillis) {
        op.progress = Math.min(99, Math.floor((elapsed * 100) / op.durationMillis))
        op.status = 1
        continue
      }
      try {
        this.apply(op, op.startedAt + op.durationMillis)
        op.status = 2
      } catch (e) {
        op.error = e instanceof HttpError ? e.message : String(e)
        op.status = 4
      }
      op.progress = 100
      op.finished = true
    }
  }

  private apply(op: FileOperation, now: number): void {
    const files = op.fileIds.map((id) => this.getFile(id))
    const folders = op.folderIds.map((id) => this.getFolder(id))
    const dest = op.destFolderId === undefined ? undefined : this.getFolder(op.destFolderId)
    switch (op.type) {
      case 0: { // Move
        if (dest === undefined) throw new HttpError(400, FOLDER_NOT_FOUND)
        this.checkWritable(dest)
        for (const folder of folders) {
          if (this.isInside(dest.id, folder.id)) {
            throw new HttpError(400, "The folder cannot be moved into itself or its subfolder")
          }
        }
        for (const file of files) {
          const clash = this.fileByTitle(dest.id, file.title, file)
          if (clash !== undefined && op.conflictResolveType === 0) continue
          this.placeFile(file, dest.id, clash === undefined ? file.title : this.freeTitle(dest.id, file.title, "file"))
          file.updated = now
          op.resultFiles.push(file.id)
          op.processed++
          this.emit("FileMoved", { file: { id: file.id, title: file.title } }, op.userId)
        }
        for (const folder of folders) {
          this.placeFolder(folder, dest.id)
          folder.updated = now
          op.resultFolders.push(folder.id)
          op.processed++
          this.emit("FolderMoved", { folder: { id: folder.id, title: folder.title } }, op.userId)
        }
        return
      }
      case 1:
      case 7: { // Copy, Duplicate
        for (const file of files) {
          const target = dest?.id ?? file.folderId
          if (dest !== undefined) this.checkWritable(dest)
          const copy = this.copyFile(file, target, op.userId, now, op.type === 7 ? 2 : op.conflictResolveType)
          if (copy !== undefined) op.resultFiles.push(copy.id)
          op.processed++
        }
        for (const folder of folders) {
          const target = dest?.id ?? folder.parentId
          const copy = this.copyFolder(folder, target, op.userId, now, op.type === 7 ? 2 : op.conflictResolveType)
          if (copy !== undefined) op.resultFolders.push(copy.id)
          op.processed++
        }
        return
      }
      case 2: { // Delete
        for (const file of files) {
          this.remove("file", file.id, op.userId, op.immediately, now)
          op.processed++
        }
        for (const folder of folders) {
          this.remove("folder", folder.id, op.userId, op.immediately, now)
          op.processed++
        }
        return
      }
      case 3: { // Download
        const entries: Array<{ name: string; data: Uint8Array }> = []
        const addFolder = (folder: Folder, prefix: string) => {
          for (const f of this.childFiles(folder.id)) {
            entries.push({ name: `${prefix}${f.title}`, data: f.versions[f.versions.length - 1].bytes })
          }
          for (const child of this.childFolders(folder.id)) addFolder(child, `${prefix}${child.title}/`)
        }
        for (const file of files) {
          entries.push({ name: file.title, data: file.versions[file.versions.length - 1].bytes })
        }
        for (const folder of folders) addFolder(folder, `${folder.title}/`)
        const name = `${op.id}.zip`
        this.archives.set(op.id, { userId: op.userId, name, bytes: zipStored(entries) })
        op.url = `${op.origin}/filehandler.ashx?action=bulk&ext=.zip&id=${op.id}`
        op.processed = entries.length
        return
      }
      default:
        return
    }
  }

  startOperation(input: {
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
  }): FileOperation {
    const op: FileOperation = {
      id: this.random.hex(8) + "-" + this.random.hex(4) + "-" + this.random.hex(4) + "-" + this.random.hex(4) + "-" +
        this.random.hex(12),
      type: input.type,
      userId: input.userId,
      fileIds: input.fileIds,
      folderIds: input.folderIds,
      destFolderId: input.destFolderId,
      conflictResolveType: input.conflictResolveType ?? 0,
      immediately: input.immediately ?? false,
      startedAt: input.now,
      durationMillis: input.durationMillis ?? this.options.fileOperationMillis,
      origin: input.origin,
      progress: 0,
      finished: false,
      status: 0,
      error: "",
      processed: 0,
      resultFiles: [],
      resultFolders: [],
      url: undefined,
      reported: false
    }
    this.operations.push(op)
    return op
  }

  operationDto(op: FileOperation, origin: string) {
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
          const f = this.files.get(id)
          return f === undefined ? [] : [this.fileDto(f, origin, op.userId)]
        })
        : undefined,
      folders: op.finished
        ? op.resultFolders.flatMap((id) => {
          const f = this.folders.get(id)
          return f === undefined ? [] : [this.folderDto(f, origin, op.userId)]
        })
        : undefined,
      status: op.status
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // webhooks: events queue up during a request and are signed and recorded after it
  // -------------------------------------------------------------------------------------------------------------

  emit(trigger: TriggerKey, payload: unknown, userId: string): void {
    this.pending.push({ trigger, payload, userId })
  }

  addWebhook(input: Omit<Webhook, "id" | "modified">): Webhook {
    const webhook: Webhook = { ...input, id: this.nextWebhookId++, modified: input.created }
    this.webhooks.set(webhook.id, webhook)
    return webhook
  }

  /** Signs and records a delivery for every enabled webhook subscribed to each pending event. */
  flushEvents(now: number): Array<Delivery> {
    const out: Array<Delivery> = []
    const events = this.pending.splice(0)
    for (const event of events) {
      const [flag, name] = Trigger[event.trigger]
      for (const hook of this.webhooks.values()) {
        if (!hook.enabled) continue
        if (hook.triggers !== 0 && (hook.triggers & flag) === 0) continue
        const id = this.nextDeliveryId++
        const body = JSON.stringify({
          event: { id, createOn: formatDate(now), createBy: event.userId, trigger: name, triggerType: flag },
          payload: event.payload,
          webhook: { id: hook.id, name: hook.name, url: hook.uri }
        })
        const signature = createHmac("sha256", hook.secretKey).update(body, "utf8").digest("hex").toUpperCase()
        const delivery: Delivery = {
          id,
          webhookId: hook.id,
          uri: hook.uri,
          trigger: name,
          triggerType: flag,
          body,
          headers: {
            "content-type": "application/json",
            "x-docspace-signature-256": `sha256=${signature}`
          },
          timestamp: now
        }
        this.deliveries.push(delivery)
        out.push(delivery)
      }
    }
    return out
  }
}

/** What a webhook payload carries about a file: never its bytes. */
export const summary = (file: FileEntry) => ({
  id: file.id,
  title: file.title,
  folderId: file.folderId,
  version: file.versions.length,
  pureContentLength: file.versions[file.versions.length - 1].bytes.length
})

/**
 * Small, lenient schemas for the fields the curated modules return. Unknown extra fields are ignored (core decodes
 * with `onExcessProperty: "ignore"`), `null` is treated as missing, dates stay ISO strings as they come on the
 * wire, and enums are plain numbers so that a value this client does not know never fails a decode.
 */
import * as Schema from "effect/Schema"

/** `X | null | missing` on the wire, `X | undefined` once decoded. */
export const opt = <A, I, R>(schema: Schema.Schema<A, I, R>) => Schema.optionalWith(schema, { nullable: true })

/** An id: numbers for the portal's own storage, strings for third-party storage and users. */
export const Id = Schema.Union(Schema.Number, Schema.String)
export type Id = typeof Id.Type

/** An enum as the wire carries it: a number (unknown values kept as they are). */
export const EnumNumber = Schema.Number

export const UserSummary = Schema.Struct({
  id: Schema.String,
  displayName: opt(Schema.String),
  avatarSmall: opt(Schema.String),
  profileUrl: opt(Schema.String)
})

const entryFields = {
  id: Id,
  title: Schema.String,
  access: opt(EnumNumber),
  shared: opt(Schema.Boolean),
  created: opt(Schema.String),
  updated: opt(Schema.String),
  createdBy: opt(UserSummary),
  updatedBy: opt(UserSummary),
  rootFolderId: opt(Id),
  rootFolderType: opt(EnumNumber),
  providerKey: opt(Schema.String),
  providerItem: opt(Schema.Boolean),
  security: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  fileEntryType: opt(EnumNumber)
}

export const File = Schema.Struct({
  ...entryFields,
  folderId: opt(Id),
  version: opt(Schema.Number),
  versionGroup: opt(Schema.Number),
  contentLength: opt(Schema.String),
  pureContentLength: opt(Schema.Number),
  fileStatus: opt(EnumNumber),
  fileType: opt(EnumNumber),
  fileExst: opt(Schema.String),
  comment: opt(Schema.String),
  viewUrl: opt(Schema.String),
  webUrl: opt(Schema.String),
  thumbnailUrl: opt(Schema.String),
  locked: opt(Schema.Boolean)
})
export interface File extends Schema.Schema.Type<typeof File> {}

export const Folder = Schema.Struct({
  ...entryFields,
  parentId: opt(Id),
  filesCount: opt(Schema.Number),
  foldersCount: opt(Schema.Number),
  new: opt(Schema.Number),
  type: opt(EnumNumber),
  roomType: opt(EnumNumber),
  rootRoomType: opt(EnumNumber),
  private: opt(Schema.Boolean),
  pinned: opt(Schema.Boolean),
  tags: opt(Schema.Array(Schema.String)),
  quotaLimit: opt(Schema.Number),
  usedSpace: opt(Schema.Number)
})
export interface Folder extends Schema.Schema.Type<typeof Folder> {}

export const PathPart = Schema.Union(
  Schema.Struct({ id: Id, title: opt(Schema.String) }),
  Id
)

export const FolderContent = Schema.Struct({
  files: Schema.optionalWith(Schema.Array(File), { nullable: true, default: () => [] }),
  folders: Schema.optionalWith(Schema.Array(Folder), { nullable: true, default: () => [] }),
  current: opt(Folder),
  pathParts: opt(Schema.Array(PathPart)),
  startIndex: opt(Schema.Number),
  count: opt(Schema.Number),
  total: opt(Schema.Number),
  new: opt(Schema.Number)
})
export interface FolderContent extends Schema.Schema.Type<typeof FolderContent> {}

export const Person = Schema.Struct({
  id: Schema.String,
  displayName: opt(Schema.String),
  firstName: opt(Schema.String),
  lastName: opt(Schema.String),
  userName: opt(Schema.String),
  email: opt(Schema.String),
  status: opt(EnumNumber),
  activationStatus: opt(EnumNumber),
  isAdmin: opt(Schema.Boolean),
  isOwner: opt(Schema.Boolean),
  isRoomAdmin: opt(Schema.Boolean),
  isVisitor: opt(Schema.Boolean),
  isCollaborator: opt(Schema.Boolean),
  avatarSmall: opt(Schema.String),
  profileUrl: opt(Schema.String),
  cultureName: opt(Schema.String),
  registrationDate: opt(Schema.String)
})
export interface Person extends Schema.Schema.Type<typeof Person> {}

export const EntryRef = Schema.Struct({ id: Id, title: opt(Schema.String) })

export const FileOperation = Schema.Struct({
  id: Schema.String,
  /** `Operation` (capital O) on the wire. */
  operation: Schema.optionalWith(EnumNumber, { nullable: true }).pipe(Schema.fromKey("Operation")),
  progress: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  error: opt(Schema.String),
  processed: opt(Schema.Union(Schema.String, Schema.Number)),
  finished: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  url: opt(Schema.String),
  files: opt(Schema.Array(EntryRef)),
  folders: opt(Schema.Array(EntryRef)),
  status: opt(EnumNumber)
})
export interface FileOperation extends Schema.Schema.Type<typeof FileOperation> {}

export const Webhook = Schema.Struct({
  id: Schema.Number,
  name: opt(Schema.String),
  uri: opt(Schema.String),
  enabled: opt(Schema.Boolean),
  ssl: opt(Schema.Boolean),
  triggers: opt(Schema.Number),
  targetId: opt(Schema.String),
  createdOn: opt(Schema.String),
  lastSuccessOn: opt(Schema.String),
  lastFailureOn: opt(Schema.String)
})
export interface Webhook extends Schema.Schema.Type<typeof Webhook> {}

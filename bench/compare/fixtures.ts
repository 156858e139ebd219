/**
 * DocSpace-shaped JSON the loopback portal answers: field names and value shapes as the 3.7 server sends them
 * (`EmployeeFullDto`, `FileDto`), including fields the client's schemas do not decode (they are ignored, as on a
 * real portal).
 */

const user = {
  id: "66faa6e4-f133-11ea-b126-00ffeec8b4ef",
  displayName: "Ada Lovelace",
  avatarSmall: "/static/images/default_user_photo_size_32-32.png?hash=1",
  profileUrl: "http://127.0.0.1/accounts/view/ada",
  hasAvatar: false,
  isAnonim: false
}

/** What `GET /api/2.0/people/@self` answers. */
export const person = {
  firstName: "Ada",
  lastName: "Lovelace",
  userName: "ada",
  email: "ada@example.com",
  status: 1,
  activationStatus: 1,
  department: "",
  workFrom: "2024-01-15T10:00:00.0000000+00:00",
  registrationDate: "2024-01-15T10:00:00.0000000+00:00",
  avatarMax: "/static/images/default_user_photo_size_200-200.png?hash=1",
  avatarMedium: "/static/images/default_user_photo_size_48-48.png?hash=1",
  avatar: "/static/images/default_user_photo_size_82-82.png?hash=1",
  isAdmin: true,
  isRoomAdmin: false,
  isLDAP: false,
  listAdminModules: ["files", "people"],
  isOwner: true,
  isVisitor: false,
  isCollaborator: false,
  cultureName: "en-US",
  mobilePhoneActivationStatus: 0,
  isSSO: false,
  quotaLimit: -1,
  usedSpace: 123456789,
  loginEventId: 0,
  ...user
}

/** The `i`-th file of a folder listing, as `FileDto`. */
export const entry = (i: number) => ({
  folderId: 1,
  version: 1,
  versionGroup: 1,
  contentLength: "12.3 KB",
  pureContentLength: 12_345 + i,
  fileStatus: 0,
  mute: false,
  viewUrl: `http://127.0.0.1/filehandler.ashx?action=view&fileid=${100_000 + i}`,
  webUrl: `http://127.0.0.1/doceditor?fileid=${100_000 + i}&version=1`,
  shortWebUrl: "",
  fileType: 7,
  fileExst: ".docx",
  comment: "Created",
  thumbnailStatus: 1,
  thumbnailUrl: `http://127.0.0.1/filehandler.ashx?action=thumb&fileid=${100_000 + i}`,
  viewAccessibility: { ImageView: false, MediaView: false, WebView: true, WebEdit: true, WebReview: true },
  availableExternalRights: { None: true, ReadWrite: true, Editing: true, Review: true, Comment: true, Read: true },
  security: {
    Read: true,
    Comment: true,
    FillForms: true,
    Review: true,
    Edit: true,
    Delete: true,
    Rename: true,
    Copy: true,
    Move: true,
    Download: true,
    Lock: false
  },
  id: 100_000 + i,
  rootFolderId: 1,
  canShare: true,
  title: `Document ${i}.docx`,
  access: 0,
  shared: false,
  created: "2025-03-01T09:30:00.0000000+00:00",
  createdBy: user,
  updated: "2025-03-02T11:45:00.0000000+00:00",
  rootFolderType: 5,
  updatedBy: user,
  providerItem: false,
  fileEntryType: 2
})

/** The API key every contender sends (`sk-` and 64 hex digits, as the portal issues them). */
export const apiKey = `sk-${"0123456789abcdef".repeat(4)}`

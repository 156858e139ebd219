/**
 * People and groups of the fake DocSpace: the `User` and `Group` records, creating users (each with a "My
 * documents" folder and a trash), the employee DTOs every other area embeds (`createdBy`, `updatedBy`), and the
 * routes under `/api/2.0/people` and `/api/2.0/group`.
 */
import type { Route } from "./common.js"
import { json, paging, str } from "./common.js"
import type { FakeModel } from "./state.js"
import { FolderType } from "./state.js"
import { badRequest, EMPTY_GUID, formatDate, HttpError } from "./util.js"

export interface UserSeed {
  readonly email: string
  readonly password: string
  readonly firstName?: string | undefined
  readonly lastName?: string | undefined
  readonly isAdmin?: boolean | undefined
  /** When set, the user has two-factor authentication and must confirm with this code. */
  readonly tfaCode?: string | undefined
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
  /** `EmployeeStatus`: 1 Active, 2 Terminated (disabled) */
  status: number
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

// ---------------------------------------------------------------------------------------------------------------
// state
// ---------------------------------------------------------------------------------------------------------------

export const addUser = (
  model: FakeModel,
  seed: UserSeed,
  now: number,
  activationStatus = 1,
  type?: string
): User => {
  const id = model.newGuid()
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
    status: 1,
    type: type ?? (seed.isAdmin ? "DocSpaceAdmin" : "RoomAdmin"),
    activationStatus,
    tfaCode: seed.tfaCode,
    created: now,
    myFolderId: 0,
    trashFolderId: 0,
    favorites: new Set(),
    recent: []
  }
  model.users.set(id, user)
  user.myFolderId = model.folderRaw(0, "My documents", FolderType.USER, id, now).id
  user.trashFolderId = model.folderRaw(0, "Trash", FolderType.TRASH, id, now).id
  return user
}

export const userByEmail = (model: FakeModel, email: string): User | undefined => {
  const lower = email.toLowerCase()
  for (const user of model.users.values()) if (user.email.toLowerCase() === lower) return user
  return undefined
}

export const displayName = (user: User): string => `${user.firstName} ${user.lastName}`.trim()

// ---------------------------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------------------------

export const employee = (model: FakeModel, userId: string, origin: string) => {
  const user = model.users.get(userId)
  return {
    id: userId,
    displayName: user === undefined ? "System" : displayName(user),
    avatar: `${origin}/static/images/default_user_photo_size_82-82.png`,
    avatarSmall: `${origin}/static/images/default_user_photo_size_32-32.png`,
    profileUrl: `${origin}/accounts/view/${user?.email ?? userId}`,
    hasAvatar: false,
    isAnonim: false
  }
}

export const employeeFull = (model: FakeModel, user: User, origin: string) => {
  const groups = [...model.groups.values()].filter((g) => g.members.has(user.id))
  return {
    ...employee(model, user.id, origin),
    firstName: user.firstName,
    lastName: user.lastName,
    userName: user.email.split("@")[0],
    email: user.email,
    status: user.status,
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

export const groupDto = (model: FakeModel, group: Group, origin: string, withMembers: boolean) => {
  const manager = group.managerId === undefined ? undefined : model.users.get(group.managerId)
  return {
    id: group.id,
    name: group.name,
    category: EMPTY_GUID,
    isLDAP: false,
    isSystem: false,
    manager: manager === undefined ? undefined : employeeFull(model, manager, origin),
    members: withMembers
      ? [...group.members].flatMap((id) => {
        const u = model.users.get(id)
        return u === undefined ? [] : [employeeFull(model, u, origin)]
      })
      : undefined,
    membersCount: group.members.size
  }
}

/** `EmployeeStatus` from a route value: its name or its number (`Active` 1, `Terminated` 2, `LeaveOfAbsence` 4). */
const employeeStatus = (value: string): number | undefined => {
  const named: Record<string, number> = { active: 1, terminated: 2, leaveofabsence: 4 }
  return /^\d+$/.test(value) ? Number(value) : named[value.toLowerCase()]
}

// ---------------------------------------------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------------------------------------------

export const peopleRoutes: ReadonlyArray<Route> = [
  {
    method: "GET",
    template: "/api/2.0/people/@self",
    handle: (ctx) => json(ctx, employeeFull(ctx.model, ctx.user, ctx.origin))
  },
  {
    method: "GET",
    template: "/api/2.0/people",
    handle: (ctx) => {
      const search = (ctx.query.get("filterValue") ?? "").toLowerCase()
      const all = [...ctx.model.users.values()].filter((u) =>
        search === "" || u.email.toLowerCase().includes(search) ||
        displayName(u).toLowerCase().includes(search)
      )
      const { count, startIndex } = paging(ctx)
      const page = all.slice(startIndex, startIndex + count).map((u) => employeeFull(ctx.model, u, ctx.origin))
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
        if (userByEmail(ctx.model, email) !== undefined) continue
        const type = str(item.type) ?? "User"
        const user = addUser(ctx.model, { email, password: "" }, ctx.now, 2, type)
        user.password = undefined
        ctx.model.emit("UserInvited", { id: user.id, email }, ctx.user.id)
        invited.push(user)
      }
      return json(ctx, invited.map((u) => employee(ctx.model, u.id, ctx.origin)))
    }
  },
  {
    // `UserController.UpdateUserStatus`: Active or Terminated only (400 otherwise), an admin's right (403), never
    // the caller, the owner, or (unless the caller is the owner) an admin (403, and nobody is changed); answers the
    // users' full profiles
    method: "PUT",
    template: "/api/2.0/people/status/{status}",
    handle: (ctx) => {
      const status = employeeStatus(ctx.params.status)
      if (status !== 1 && status !== 2) throw badRequest("Incorrect status")
      if (!ctx.user.isAdmin && !ctx.user.isOwner) {
        throw new HttpError(403, "Access denied", "System.Security.SecurityException")
      }
      const body = ctx.json()
      const ids = Array.isArray(body.userIds) ? body.userIds.map(String) : []
      const users = ids.map((id: string) => ctx.model.users.get(id)).filter((u: User | undefined): u is User =>
        u !== undefined
      )
      for (const u of users) {
        if (u.isOwner || u.id === ctx.user.id || (!ctx.user.isOwner && u.isAdmin)) {
          throw new HttpError(403, "Access denied", "System.Security.SecurityException")
        }
      }
      for (const u of users) u.status = status
      return json(ctx, users.map((u: User) => employeeFull(ctx.model, u, ctx.origin)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/people/{userid}",
    handle: (ctx) => {
      const user = ctx.model.users.get(ctx.params.userid) ?? userByEmail(ctx.model, ctx.params.userid)
      if (user === undefined) throw new HttpError(404, "The user could not be found", "ASC.Core.Users.UserNotFound")
      return json(ctx, employeeFull(ctx.model, user, ctx.origin))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/group",
    handle: (ctx) => {
      const search = (ctx.query.get("filterValue") ?? "").toLowerCase()
      const all = [...ctx.model.groups.values()].filter((g) => g.name.toLowerCase().includes(search))
      const { count, startIndex } = paging(ctx)
      const page = all.slice(startIndex, startIndex + count).map((g) => groupDto(ctx.model, g, ctx.origin, false))
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
      const group: Group = {
        id: ctx.model.newGuid(),
        name,
        managerId: manager !== undefined && ctx.model.users.has(manager) ? manager : undefined,
        members: new Set<string>(members)
      }
      if (group.managerId !== undefined) group.members.add(group.managerId)
      ctx.model.groups.set(group.id, group)
      ctx.model.emit("GroupCreated", { id: group.id, name }, ctx.user.id)
      return json(ctx, groupDto(ctx.model, group, ctx.origin, true))
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
      return json(ctx, groupDto(ctx.model, group, ctx.origin, ctx.query.get("includeMembers") !== "false"))
    }
  },
  {
    // `GroupController.DeleteGroup`: a `NoContentResult`, so the envelope has no `response`
    method: "DELETE",
    template: "/api/2.0/group/{id}",
    handle: (ctx) => {
      const group = ctx.model.groups.get(ctx.params.id)
      if (group === undefined) {
        throw new HttpError(404, "Group not found", "System.Collections.Generic.KeyNotFoundException")
      }
      ctx.model.groups.delete(group.id)
      ctx.model.emit("GroupDeleted", { id: group.id, name: group.name }, ctx.user.id)
      return json(ctx, null)
    }
  }
]

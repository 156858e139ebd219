/**
 * The portal of the fake DocSpace: API keys (`/api/2.0/keys`, as DocSpace-server
 * `products/ASC.People/Server/Api/ApiKeysController.cs` and `web/ASC.Web.Core/Users/ApiKeyManager.cs`) and the
 * tenant quota (`GET /api/2.0/portal/quota`, `web/ASC.Web.Api/Api/PortalController.cs`).
 *
 * A created key authenticates at once (it goes into `model.apiKeys`, which `auth.ts` reads) until it is revoked.
 * The key itself is in the answer to its creation only; lists show `sk-***` and its last four characters (the
 * server's `ApiKey.Key`), as the server keeps only a hash.
 */
import type { Ctx, Route } from "./common.js"
import { bool, json, str } from "./common.js"
import { employee } from "./people.js"
import type { FakeModel } from "./state.js"
import { badRequest, forbidden, formatDate, HttpError } from "./util.js"

interface ApiKey {
  readonly id: string
  name: string
  readonly key: string
  permissions: Array<string>
  readonly createdBy: string
  readonly created: number
  readonly expires: number | undefined
  isActive: boolean
}

const keysByModel = new WeakMap<FakeModel, Map<string, ApiKey>>()

const keysOf = (model: FakeModel): Map<string, ApiKey> => {
  let keys = keysByModel.get(model)
  if (keys === undefined) keysByModel.set(model, keys = new Map())
  return keys
}

/** The scopes `GET /keys/permissions` lists (`AuthorizationExtension.ScopesMap` plus the global ones), and `*`. */
export const permissions: ReadonlyArray<string> = [
  "accounts:read",
  "accounts:write",
  "accounts.self:read",
  "accounts.self:write",
  "files:read",
  "files:write",
  "read",
  "rooms:read",
  "rooms:write",
  "write"
]

const keyDto = (ctx: Ctx, key: ApiKey, withSecret: boolean) => ({
  id: key.id,
  name: key.name,
  key: withSecret ? key.key : `sk-***${key.key.slice(-4)}`,
  keyPostfix: key.key.slice(-4),
  permissions: key.permissions,
  createOn: formatDate(key.created),
  createBy: employee(ctx.model, key.createdBy, ctx.origin),
  expiresAt: key.expires === undefined ? undefined : formatDate(key.expires),
  isActive: key.isActive
})

const isAdmin = (ctx: Ctx) => ctx.user.isAdmin || ctx.user.isOwner

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// the `{keyId:guid}` route constraint: anything else matches no route (404)
const keyParam = (ctx: Ctx): ApiKey | undefined => {
  const id = ctx.params.keyId
  if (!guidPattern.test(id)) throw new HttpError(404, "Not Found")
  return keysOf(ctx.model).get(id.toLowerCase())
}

export const portalRoutes: ReadonlyArray<Route> = [
  {
    method: "POST",
    template: "/api/2.0/keys",
    handle: (ctx) => {
      const body = ctx.json()
      if (ctx.user.type === "Guest") {
        throw new HttpError(
          401,
          "This operation unavailable for user with guest role",
          "System.UnauthorizedAccessException"
        )
      }
      const name = str(body.name)
      if (name === undefined || name.trim() === "") throw badRequest("Value cannot be null. (Parameter 'name')")
      const wanted = Array.isArray(body.permissions) ? body.permissions.map(String) : []
      if (!wanted.every((p) => p === "*" || permissions.includes(p))) throw badRequest("Permissions are not valid.")
      const days = body.expiresInDays === undefined || body.expiresInDays === null
        ? undefined
        : Number(body.expiresInDays)
      if (days !== undefined && !Number.isInteger(days)) throw badRequest("expiresInDays must be an integer")
      const key: ApiKey = {
        id: ctx.model.newGuid(),
        name,
        key: `sk-${ctx.model.random.hex(64)}`,
        permissions: wanted,
        createdBy: ctx.user.id,
        created: ctx.now,
        expires: days === undefined ? undefined : ctx.now + days * 86_400_000,
        isActive: true
      }
      keysOf(ctx.model).set(key.id, key)
      ctx.model.apiKeys.set(key.key, ctx.user.id)
      return json(ctx, keyDto(ctx, key, true))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/keys",
    handle: (ctx) => {
      const all = [...keysOf(ctx.model).values()].filter((k) => isAdmin(ctx) || k.createdBy === ctx.user.id)
      return json(ctx, all.map((k) => keyDto(ctx, k, false)))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/keys/permissions",
    handle: (ctx) => json(ctx, [...permissions])
  },
  {
    method: "PUT",
    template: "/api/2.0/keys/{keyId}",
    handle: (ctx) => {
      const key = keyParam(ctx)
      if (key === undefined) throw new HttpError(404, "Api key not found", "ASC.Common.Web.ItemNotFoundException")
      if (!isAdmin(ctx) && key.createdBy !== ctx.user.id) return json(ctx, false)
      const body = ctx.json()
      if (str(body.name) !== undefined) key.name = str(body.name)!
      if (Array.isArray(body.permissions)) key.permissions = body.permissions.map(String)
      if (body.isActive !== undefined) {
        key.isActive = bool(body.isActive)
        if (key.isActive) ctx.model.apiKeys.set(key.key, key.createdBy)
        else ctx.model.apiKeys.delete(key.key)
      }
      return json(ctx, true)
    }
  },
  {
    method: "DELETE",
    template: "/api/2.0/keys/{keyId}",
    handle: (ctx) => {
      const key = keyParam(ctx)
      if (key === undefined) throw new HttpError(404, "Api key not found", "ASC.Common.Web.ItemNotFoundException")
      if (!isAdmin(ctx) && key.createdBy !== ctx.user.id) return json(ctx, false)
      keysOf(ctx.model).delete(key.id)
      ctx.model.apiKeys.delete(key.key)
      return json(ctx, true)
    }
  },
  {
    method: "GET",
    template: "/api/2.0/portal/quota",
    handle: (ctx) => {
      // `PortalController.GetPortalQuota` demands `EditPortalSettings`
      if (!isAdmin(ctx)) throw forbidden("Access denied")
      const max = ctx.model.options.quotaBytes
      return json(ctx, {
        tenantId: 1,
        name: "fake",
        maxTotalSize: Number.isFinite(max) ? max : Number.MAX_SAFE_INTEGER,
        maxFileSize: Number.isFinite(max) ? max : Number.MAX_SAFE_INTEGER,
        countUser: 10_000,
        countRoomAdmin: 10_000,
        countRoom: 10_000,
        usersInRoom: 10_000,
        trial: false,
        free: false,
        nonProfit: false,
        features: `total_size:${max},file_size:${max}`
      })
    }
  }
]

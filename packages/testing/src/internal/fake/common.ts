/**
 * What every area of the fake DocSpace shares: the `Route` and `Ctx` types the dispatcher (`server.ts`) runs, and
 * the small readers of path parameters, query strings and JSON bodies. Each area file (`auth.ts`, `people.ts`,
 * `rooms.ts`, `folders.ts`, `files.ts`, `uploads.ts`, `operations.ts`, `webhooks.ts`) holds that area's routes and
 * its state logic; `routes.ts` assembles the table.
 */
import type { FakeRequest } from "../handler.js"
import type { User } from "./people.js"
import type { FakeModel, FileEntry, Folder } from "./state.js"
import type { Reply } from "./util.js"
import { badRequest, envelope, FILE_NOT_FOUND, FOLDER_NOT_FOUND, notFound } from "./util.js"

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

/**
 * A route: a synchronous function of the request context that returns a `Reply` or throws an `HttpError` /
 * `ChunkError`, which the dispatcher turns into the real failure shapes.
 */
export interface Route {
  readonly method: string
  readonly template: string
  readonly anonymous?: boolean
  readonly handle: (ctx: Ctx) => Reply
}

export const int = (value: string | undefined, missing: string): number => {
  if (value === undefined || !/^-?\d+$/.test(value)) throw notFound(missing)
  return Number(value)
}

export const folderParam = (ctx: Ctx, name = "folderId"): Folder => {
  const raw = ctx.params[name]
  if (raw === "@my") return ctx.model.getFolder(ctx.user.myFolderId)
  if (raw === "@trash") return ctx.model.getFolder(ctx.user.trashFolderId)
  if (raw === "@rooms") return ctx.model.getFolder(ctx.model.roomsRootId)
  return ctx.model.getFolder(int(raw, FOLDER_NOT_FOUND))
}

export const fileParam = (ctx: Ctx, name = "fileId"): FileEntry =>
  ctx.model.getFile(int(ctx.params[name], FILE_NOT_FOUND))

export const paging = (ctx: Ctx) => {
  const count = Math.max(0, Math.min(Number(ctx.query.get("count") ?? 100) || 100, 1000))
  const startIndex = Math.max(0, Number(ctx.query.get("startIndex") ?? 0) || 0)
  return { count, startIndex }
}

export const idList = (value: unknown): Array<number> =>
  Array.isArray(value) ? value.map((v) => Number(v)).filter((n) => Number.isInteger(n)) : []

export const bool = (value: unknown): boolean => value === true || value === "true"

export const str = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

/** Integers on the wire; enums also accept their names, case-insensitively (as ASP.NET binds them). */
export const enumValue = (value: unknown, names: Record<string, number>): number | undefined => {
  if (typeof value === "number") return value
  if (typeof value !== "string") return undefined
  if (/^\d+$/.test(value)) return Number(value)
  const lower = value.toLowerCase()
  for (const [name, n] of Object.entries(names)) if (name.toLowerCase() === lower) return n
  return undefined
}

/** An enum query parameter: absent is `undefined`; a value that is neither a number nor a name is a 400. */
export const enumQuery = (ctx: Ctx, name: string, names: Record<string, number>): number | undefined => {
  const raw = ctx.query.get(name)
  if (raw === null || raw === "") return undefined
  const n = enumValue(raw, names)
  if (n === undefined) throw badRequest(`The value '${raw}' is not valid for ${name}.`)
  return n
}

/** A query parameter by name, case-insensitively (ASP.NET binds query names that way). */
export const queryParam = (ctx: Ctx, name: string): string | undefined => {
  for (const [k, v] of ctx.query) if (k.toLowerCase() === name.toLowerCase()) return v
  return undefined
}

export const json = (_ctx: Ctx, value: unknown, total?: number, status?: number) =>
  envelope(value, { ...(total === undefined ? {} : { total }), ...(status === undefined ? {} : { status }) })

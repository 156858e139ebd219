/**
 * Groups of users: list (a page or a `Stream`), get one with its members, create, delete. Routes under
 * `/api/2.0/group` (DocSpace-server `products/ASC.People/Server/Api/GroupsController.cs`).
 *
 * @example
 * ```ts
 * import { Groups, People } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const me = yield* People.self()
 *   const team = yield* Groups.create({ name: "Legal", manager: me.id })
 *   const names = yield* Groups.stream().pipe(Stream.map((group) => group.name), Stream.runCollect)
 *   yield* Groups.remove(team.id)
 *   return names
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Pagination from "@effect-docspace/core/Pagination"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Schemas from "./internal/schemas.js"

/**
 * A group (`GroupDto`): `id` (a UUID), `name`, its `manager`, `membersCount`, and its `members` when asked for.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Group = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  category: Schemas.opt(Schema.String),
  parent: Schemas.opt(Schema.String),
  isLDAP: Schemas.opt(Schema.Boolean),
  isSystem: Schemas.opt(Schema.Boolean),
  manager: Schemas.opt(Schemas.Person),
  members: Schemas.opt(Schema.Array(Schemas.Person)),
  membersCount: Schemas.opt(Schema.Number),
  shared: Schemas.opt(Schema.Boolean)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Group extends Schema.Schema.Type<typeof Group> {}

/**
 * Filters and sorting for the list of groups.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListFilter {
  /** A text the names must contain. */
  readonly filterValue?: string | undefined
  /** Only the groups of this user. */
  readonly userId?: string | undefined
  /** With `userId`: only the groups this user manages. */
  readonly manager?: boolean | undefined
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ListOptions extends ListFilter {
  /** 1 to 100. */
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

/**
 * One page of the portal's groups (`GET /api/2.0/group`).
 *
 * @since 0.2.0
 * @category getters
 */
export const list = (
  options?: ListOptions
): Effect.Effect<Pagination.Page<Group>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(
    Client.requestEnvelope({
      operation: "getGroups",
      method: "GET",
      path: "/api/2.0/group",
      urlParams: {
        count: options?.count,
        startIndex: options?.startIndex,
        filterValue: options?.filterValue,
        userId: options?.userId,
        manager: options?.manager,
        sortBy: options?.sortBy,
        sortOrder: options?.sortOrder === undefined ? undefined : options.sortOrder === "descending" ? 1 : 0
      }
    }, Schema.Array(Group)),
    (envelope): Pagination.Page<Group> => ({ items: envelope.response, total: envelope.total })
  )

/**
 * Every group of the portal, page by page as the stream is consumed.
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Group, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(({ count, startIndex }) => list({ ...options, count, startIndex }), options)

/**
 * A group with its members (`GET /api/2.0/group/{id}`).
 *
 * @since 0.2.0
 * @category getters
 */
export const get = (
  id: string,
  options?: { readonly includeMembers?: boolean | undefined }
): Effect.Effect<Group, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getGroup",
    method: "GET",
    path: "/api/2.0/group/{id}",
    pathParams: { id },
    urlParams: { includeMembers: options?.includeMembers }
  }, Group)

/**
 * @since 0.2.0
 * @category models
 */
export interface CreateOptions {
  readonly name: string
  /** The manager's user id. */
  readonly manager?: string | undefined
  /** The members' user ids. */
  readonly members?: ReadonlyArray<string> | undefined
}

/**
 * Creates a group (`POST /api/2.0/group`, body `{groupName, groupManager, members}`).
 *
 * @since 0.2.0
 * @category mutations
 */
export const create = (
  options: CreateOptions
): Effect.Effect<Group, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "addGroup",
    method: "POST",
    path: "/api/2.0/group",
    body: Client.jsonBody({
      groupName: options.name,
      ...(options.manager !== undefined ? { groupManager: options.manager } : {}),
      members: options.members ?? []
    })
  }, Group)

/**
 * Deletes a group (`DELETE /api/2.0/group/{id}`); its members stay users of the portal.
 *
 * @since 0.2.0
 * @category mutations
 */
export const remove = (id: string): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "deleteGroup",
    method: "DELETE",
    path: "/api/2.0/group/{id}",
    pathParams: { id }
  }, Schema.Unknown).pipe(Effect.asVoid)

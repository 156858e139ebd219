/**
 * People: who am I, one profile, the portal's users page by page or as a `Stream`, invitations.
 *
 * @example
 * ```ts
 * import { People } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const me = yield* People.self()
 *   const admins = yield* People.stream().pipe(
 *     Stream.filter((person) => person.isAdmin === true),
 *     Stream.runCollect
 *   )
 *   console.log(`${me.displayName}; ${admins.length} admins`)
 * })
 * ```
 *
 * @since 0.1.0
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
 * A user's profile: `id` (a UUID), `displayName`, `email`, `status`, `isAdmin`, `isOwner`, ...
 *
 * @since 0.1.0
 * @category schemas
 */
export const Person = Schemas.Person

/**
 * @since 0.1.0
 * @category models
 */
export interface Person extends Schemas.Person {}

/**
 * The profile of the user the client is authenticated as (`GET /api/2.0/people/@self`).
 *
 * @since 0.1.0
 * @category getters
 */
export const self = (): Effect.Effect<Person, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({ operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" }, Person)

/**
 * Ends the session (`POST /api/2.0/authentication/logout`) and forgets the client's cached token; see
 * `DocSpaceClient.logout`. The server revokes a session only from its `asc_auth_key` cookie, which the client sends:
 * a token from a password login or `Auth.token` is revoked, the next request logs in again (password) or is refused
 * (token). An OAuth2 token is only forgotten; API keys and Basic credentials have no session, and nothing is sent.
 *
 * @example
 * ```ts
 * import { People } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const me = yield* People.self()
 *   yield* People.logout()
 *   return me
 * })
 * ```
 *
 * @since 0.2.0
 * @category auth
 */
export const logout = (): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.logout

/**
 * A user's profile by id, user name or email (`GET /api/2.0/people/{userid}`).
 *
 * @since 0.1.0
 * @category getters
 */
export const get = (
  userId: string
): Effect.Effect<Person, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getProfileByUserId",
    method: "GET",
    path: "/api/2.0/people/{userid}",
    pathParams: { userid: userId }
  }, Person)

/**
 * Filters and sorting for the list of users.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListFilter {
  /** A text names or emails must contain. */
  readonly filterValue?: string | undefined
  /** e.g. `"firstname"`, `"lastname"`, `"email"`. */
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListOptions extends ListFilter {
  /** 1 to 100. */
  readonly count?: number | undefined
  readonly startIndex?: number | undefined
}

/**
 * One page of users, with the number of users in the whole list when the portal says.
 *
 * @since 0.1.0
 * @category models
 */
export type Page = Pagination.Page<Person>

/**
 * One page of the portal's users (`GET /api/2.0/people`).
 *
 * @since 0.1.0
 * @category getters
 */
export const list = (
  options?: ListOptions
): Effect.Effect<Page, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(
    Client.requestEnvelope({
      operation: "getAllProfiles",
      method: "GET",
      path: "/api/2.0/people",
      urlParams: {
        count: options?.count,
        startIndex: options?.startIndex,
        filterValue: options?.filterValue,
        sortBy: options?.sortBy,
        sortOrder: options?.sortOrder === undefined ? undefined : options.sortOrder === "descending" ? 1 : 0
      }
    }, Schema.Array(Person)),
    (envelope): Page => ({ items: envelope.response, total: envelope.total })
  )

/**
 * Every user of the portal, page by page as the stream is consumed.
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = (
  options?: ListFilter & Pagination.Options
): Stream.Stream<Person, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(({ count, startIndex }) => list({ ...options, count, startIndex }), options)

/**
 * The kind of user an invitation creates.
 *
 * @since 0.1.0
 * @category models
 */
export type EmployeeType = "DocSpaceAdmin" | "RoomAdmin" | "User" | "Guest"

/**
 * @since 0.1.0
 * @category models
 */
export interface Invitation {
  readonly email: string
  /** Default `"User"`. */
  readonly type?: EmployeeType | undefined
}

/**
 * Invites people by email (`POST /api/2.0/people/invite`). The portal answers with the pending profiles the caller
 * can see (not only those of this call, and without their emails: `UserController.InviteUsers`, `EmployeeDto`), so do
 * not match the answer to the emails sent. It stops at the first email it finds invalid, after inviting those before.
 *
 * @since 0.1.0
 * @category mutations
 */
export const invite = (
  invitations: ReadonlyArray<Invitation>,
  options?: { readonly culture?: string | undefined }
): Effect.Effect<ReadonlyArray<Person>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "inviteUsers",
    method: "POST",
    path: "/api/2.0/people/invite",
    body: Client.jsonBody({
      invitations: invitations.map((invitation) => ({ email: invitation.email, type: invitation.type ?? "User" })),
      ...(options?.culture !== undefined ? { culture: options.culture } : {})
    })
  }, Schema.Array(Person))

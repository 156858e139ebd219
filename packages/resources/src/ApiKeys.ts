/**
 * API keys of the user (`sk-` and 64 hex characters, sent as `Authorization: Bearer`): create, list, revoke.
 * Routes under `/api/2.0/keys` (DocSpace-server `products/ASC.People/Server/Api/ApiKeysController.cs`).
 *
 * The portal keeps only a hash: the key itself is in the answer to {@link create} only, as a `Redacted`; lists show
 * `sk-***` and its last four characters (`keyPostfix`). Creating a key is one of the portal's sensitive routes
 * (5 requests per 15 minutes). A DocSpace admin lists and revokes every user's keys; other users their own.
 *
 * @example
 * ```ts
 * import { ApiKeys } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
 *
 * const program = Effect.gen(function*() {
 *   const created = yield* ApiKeys.create({ name: "ci", permissions: ["files:read"], expiresInDays: 30 })
 *   // created.key is Redacted: pass it to Auth.apiKey, store it in a secret manager
 *   const keys = yield* ApiKeys.list()
 *   yield* ApiKeys.revoke(created.id)
 *   return keys.length
 * })
 * ```
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Schemas from "./internal/schemas.js"

const fields = {
  id: Schema.String,
  name: Schemas.opt(Schema.String),
  /** The last four characters of the key. */
  keyPostfix: Schemas.opt(Schema.String),
  /** Scopes such as `files:read`; empty or `*` for everything the user may do. */
  permissions: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }),
  createOn: Schemas.opt(Schema.String),
  createBy: Schemas.opt(Schemas.UserSummary),
  expiresAt: Schemas.opt(Schema.String),
  lastUsed: Schemas.opt(Schema.String),
  isActive: Schemas.opt(Schema.Boolean)
}

/**
 * A key as lists show it (`ApiKeyResponseDto`); `key` is the masked form `sk-***` plus its last four characters.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ApiKey = Schema.Struct({ ...fields, key: Schemas.opt(Schema.String) })

/**
 * @since 0.2.0
 * @category models
 */
export interface ApiKey extends Schema.Schema.Type<typeof ApiKey> {}

/**
 * A key just created: the same fields, and the key itself as a `Redacted` (it is never shown again).
 *
 * @since 0.2.0
 * @category schemas
 */
export const CreatedApiKey = Schema.Struct({ ...fields, key: Schema.Redacted(Schema.String) })

/**
 * @since 0.2.0
 * @category models
 */
export interface CreatedApiKey extends Schema.Schema.Type<typeof CreatedApiKey> {}

/**
 * @since 0.2.0
 * @category models
 */
export interface CreateOptions {
  readonly name: string
  /** Scopes (see {@link permissions}); empty (the default) for everything the user may do. */
  readonly permissions?: ReadonlyArray<string> | undefined
  /** Without it the key does not expire. */
  readonly expiresInDays?: number | undefined
}

/**
 * Creates a key (`POST /api/2.0/keys`). Unknown permissions are a `BadRequest` ("Permissions are not valid.").
 *
 * @since 0.2.0
 * @category mutations
 */
export const create = (
  options: CreateOptions
): Effect.Effect<CreatedApiKey, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "createApiKey",
    method: "POST",
    path: "/api/2.0/keys",
    body: Client.jsonBody({
      name: options.name,
      permissions: options.permissions ?? [],
      ...(options.expiresInDays !== undefined ? { expiresInDays: options.expiresInDays } : {})
    })
  }, Schema.Unknown).pipe(
    // decoded here rather than by the client, so that a body that does not fit never puts the new key into a
    // DecodeError's excerpt
    Effect.flatMap((body) =>
      Effect.mapError(decodeCreated(body), (error) =>
        new DocSpaceError.DecodeError({
          operation: "createApiKey",
          method: "POST",
          url: "/api/2.0/keys",
          message: `unexpected response: ${
            ParseResult.TreeFormatter.formatErrorSync(error).replace(secretPattern, "sk-<redacted>")
          }`,
          excerpt: (JSON.stringify(body) ?? "").replace(secretPattern, "sk-<redacted>").slice(0, 500)
        }))
    )
  )

const secretPattern = /sk-[0-9A-Za-z]+/g

const decodeCreated = Schema.decodeUnknown(CreatedApiKey, { onExcessProperty: "ignore" })

/**
 * The keys of the user, or of every user for a DocSpace admin (`GET /api/2.0/keys`).
 *
 * @since 0.2.0
 * @category getters
 */
export const list = (): Effect.Effect<
  ReadonlyArray<ApiKey>,
  DocSpaceError.DocSpaceError,
  DocSpaceClient.DocSpaceClient
> => Client.request({ operation: "getApiKeys", method: "GET", path: "/api/2.0/keys" }, Schema.Array(ApiKey))

/**
 * The scopes a key can be given (`GET /api/2.0/keys/permissions`).
 *
 * @since 0.2.0
 * @category getters
 */
export const permissions = (): Effect.Effect<
  ReadonlyArray<string>,
  DocSpaceError.DocSpaceError,
  DocSpaceClient.DocSpaceClient
> =>
  Client.request(
    { operation: "getAllPermissions", method: "GET", path: "/api/2.0/keys/permissions" },
    Schema.Array(Schema.String)
  )

/**
 * Revokes (deletes) a key by its id (`DELETE /api/2.0/keys/{keyId}`). The portal answers `false` when the key is
 * not the user's own and the user is not an admin: that is a `Forbidden` here, so that a revoke that did nothing
 * never looks like success.
 *
 * @since 0.2.0
 * @category mutations
 */
export const revoke = (
  keyId: string
): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "deleteApiKey",
    method: "DELETE",
    path: "/api/2.0/keys/{keyId}",
    pathParams: { keyId }
  }, Schema.Boolean).pipe(
    Effect.flatMap((deleted) =>
      deleted
        ? Effect.void
        : Effect.fail(
          new DocSpaceError.Forbidden({
            operation: "deleteApiKey",
            method: "DELETE",
            url: "/api/2.0/keys/{keyId}",
            status: 200,
            message:
              "DELETE /api/2.0/keys/{keyId}: the portal did not revoke the key (not yours, and you are not an admin)"
          })
        )
    )
  )

/**
 * Webhooks: verify a delivery's signature, register, list and remove webhooks.
 *
 * The portal signs each delivery with the webhook's secret: header `x-docspace-signature-256:
 * sha256=<HMAC-SHA256(secret, raw body) as upper-case hex>`. Verify the raw bytes of the body as received, before
 * parsing it.
 *
 * @example
 * ```ts
 * import { Webhooks } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const secret = Redacted.make("my-webhook-secret")
 *
 * const handle = (body: Uint8Array, signature: string | undefined) =>
 *   Effect.gen(function*() {
 *     if (!(yield* Webhooks.verify({ secret, body, signature }))) {
 *       return { status: 401 }
 *     }
 *     const event = JSON.parse(new TextDecoder().decode(body))
 *     return { status: 200, event }
 *   })
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createHmac, timingSafeEqual } from "node:crypto"
import { toHex } from "./internal/bytes.js"
import * as Schemas from "./internal/schemas.js"

/**
 * The header a delivery's signature comes in.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "x-docspace-signature-256"

// node:crypto rather than WebCrypto: WebCrypto refuses a zero-length HMAC key, and an empty secret is just a key
const hmac = (secret: Redacted.Redacted<string>, body: Uint8Array | string): Effect.Effect<Uint8Array> =>
  Effect.sync(() => new Uint8Array(createHmac("sha256", Redacted.value(secret)).update(body).digest()))

/**
 * The signature header value the portal sends for a body: `sha256=` and the upper-case hex HMAC-SHA256 (useful to
 * test your own webhook handler).
 *
 * @since 0.1.0
 * @category signatures
 */
export const sign = (options: {
  readonly secret: Redacted.Redacted<string>
  readonly body: Uint8Array | string
}): Effect.Effect<string> =>
  Effect.map(hmac(options.secret, options.body), (mac) => `sha256=${toHex(mac).toUpperCase()}`)

const parseSignature = (header: string): Uint8Array | undefined => {
  const match = /^\s*sha256=([0-9a-fA-F]{64})\s*$/.exec(header)
  if (match === null) return undefined
  const hex = match[1]!
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/**
 * Checks a delivery: true when `signature` (the `x-docspace-signature-256` header value) is the HMAC-SHA256 of
 * the raw `body` with `secret`. Hex case does not matter; the comparison takes the same time wherever the
 * signatures differ. A missing or malformed header is false.
 *
 * @since 0.1.0
 * @category signatures
 */
export const verify = (options: {
  readonly secret: Redacted.Redacted<string>
  readonly body: Uint8Array | string
  readonly signature: string | null | undefined
}): Effect.Effect<boolean> => {
  const given = options.signature === null || options.signature === undefined
    ? undefined
    : parseSignature(options.signature)
  if (given === undefined) return Effect.succeed(false)
  // both are 32 bytes (parseSignature checks the length): a constant-time comparison
  return Effect.map(hmac(options.secret, options.body), (expected) => timingSafeEqual(expected, given))
}

/**
 * A registered webhook.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Webhook = Schemas.Webhook

/**
 * @since 0.1.0
 * @category models
 */
export interface Webhook extends Schemas.Webhook {}

/**
 * @since 0.1.0
 * @category models
 */
export interface RegisterOptions {
  readonly name: string
  /** Where the portal posts deliveries. */
  readonly uri: string
  /** The secret deliveries are signed with (at most 50 characters). */
  readonly secret: Redacted.Redacted<string>
  /** Default true. */
  readonly enabled?: boolean | undefined
  /** Check the receiver's TLS certificate. Default true. */
  readonly ssl?: boolean | undefined
  /** A bit set of `WebhookTrigger`s; 0 (default) is every event. */
  readonly triggers?: number | undefined
}

/**
 * Registers a webhook (`POST /api/2.0/settings/webhook`).
 *
 * @since 0.1.0
 * @category webhooks
 */
export const register = (
  options: RegisterOptions
): Effect.Effect<Webhook, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "createWebhook",
    method: "POST",
    path: "/api/2.0/settings/webhook",
    body: Client.jsonBody({
      name: options.name,
      uri: options.uri,
      secretKey: Redacted.value(options.secret),
      enabled: options.enabled ?? true,
      ssl: options.ssl ?? true,
      triggers: options.triggers ?? 0
    })
  }, Webhook)

const WithStatus = Schema.Union(
  Schema.transform(
    Schema.Struct({ configs: Webhook }),
    Schema.typeSchema(Webhook),
    { strict: true, decode: ({ configs }) => configs, encode: (configs) => ({ configs }) }
  ),
  Webhook
)

/**
 * The portal's webhooks (`GET /api/2.0/settings/webhook`).
 *
 * @since 0.1.0
 * @category webhooks
 */
export const list = (): Effect.Effect<
  ReadonlyArray<Webhook>,
  DocSpaceError.DocSpaceError,
  DocSpaceClient.DocSpaceClient
> =>
  Client.request(
    { operation: "getTenantWebhooks", method: "GET", path: "/api/2.0/settings/webhook" },
    Schema.Array(WithStatus)
  )

/**
 * Removes a webhook (`DELETE /api/2.0/settings/webhook/{id}`).
 *
 * @since 0.1.0
 * @category webhooks
 */
export const remove = (id: number): Effect.Effect<void, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.asVoid(Client.request({
    operation: "removeWebhook",
    method: "DELETE",
    path: "/api/2.0/settings/webhook/{id}",
    pathParams: { id }
  }, Schema.Unknown))

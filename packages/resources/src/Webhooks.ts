/**
 * Webhooks: verify and decode deliveries, register, list and remove webhooks, read the delivery log. To receive
 * deliveries in an HTTP server, see {@link WebhookReceiver}.
 *
 * What the portal does (DocSpace-server `ASC.Web.Studio/WebHooks/WebhookSender.cs`, `ASC.Webhooks.Core/WebhookPayload.cs`,
 * `ASC.Web.Api/Api/Settings/WebhooksController.cs`):
 *
 * - Each delivery is a `POST` of JSON {@link Delivery}: `{event: {id, createOn, createBy, trigger, triggerId}, payload,
 *   webhook: {id, name, url, triggers, target?, retryCount?, retryOn?, lastFailureOn?, lastFailureContent?, ...}}`,
 *   camelCase, with fields at their default value (0, null) left out.
 * - Signed with the webhook's secret: header `x-docspace-signature-256: sha256=<HMAC-SHA256(secret, raw body) as
 *   upper-case hex>`. Verify the raw bytes of the body as received, before parsing it ({@link decodeDelivery} does
 *   both).
 * - A delivery that fails (an error, a timeout or a non-2xx answer) is retried 5 times with exponential backoff
 *   (1, 2, 4, 8, 16 seconds); each retry is a new body (`webhook.retryCount`, `retryOn`, `lastFailureOn`,
 *   `lastFailureContent`) signed again. Redirects are not followed. Answering `410 Gone` deletes the webhook.
 * - Registration sends a `HEAD` to the receiver's URL and is refused (400) unless it answers 2xx; the secret must
 *   be 8 to 30 printable ASCII characters without spaces and pass the portal's password policy (upper case,
 *   digits, special characters, a longer minimum, when the portal's settings ask for them).
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
 *   Webhooks.decodeDelivery({ secret, body, signature }).pipe(
 *     Effect.map((delivery) => ({ status: 200, trigger: delivery.event.trigger, payload: delivery.payload })),
 *     Effect.catchTag("DeliveryRejected", (rejected) =>
 *       Effect.succeed({ status: rejected.reason === "signature" ? 401 : 400 }))
 *   )
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Pagination from "@effect-docspace/core/Pagination"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import { toHex } from "./internal/bytes.js"
import * as Schemas from "./internal/schemas.js"

/**
 * The header a delivery's signature comes in.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "x-docspace-signature-256"

const encoder = new TextEncoder()

const sha256 = (data: Uint8Array): Effect.Effect<Uint8Array> =>
  Effect.map(
    Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>)),
    (digest) => new Uint8Array(digest)
  )

// HMAC-SHA256 (RFC 2104) over WebCrypto's SHA-256, so that it runs on every runtime (no node:crypto in the main
// entry) and takes any key: WebCrypto's own HMAC refuses a zero-length key, and an empty secret is just a key.
const hmac = (secret: Redacted.Redacted<string>, body: Uint8Array | string): Effect.Effect<Uint8Array> =>
  Effect.gen(function*() {
    const blockSize = 64
    const encoded = encoder.encode(Redacted.value(secret))
    const key: Uint8Array = encoded.length > blockSize ? yield* sha256(encoded) : encoded
    const message = typeof body === "string" ? encoder.encode(body) : body
    const inner = new Uint8Array(blockSize + message.length)
    const outer = new Uint8Array(blockSize + 32)
    for (let i = 0; i < blockSize; i++) {
      const k = i < key.length ? key[i]! : 0
      inner[i] = k ^ 0x36
      outer[i] = k ^ 0x5c
    }
    inner.set(message, blockSize)
    outer.set(yield* sha256(inner), blockSize)
    return yield* sha256(outer)
  })

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

// both are 32 bytes: the time taken does not depend on where they differ
const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
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
  return Effect.map(hmac(options.secret, options.body), (expected) => constantTimeEqual(expected, given))
}

const opt = Schemas.opt

/**
 * `event` of a {@link Delivery}: the delivery's id in the portal's webhook log (`id`), when the event happened
 * (`createOn`, ISO UTC to the second), who caused it (`createBy`, a user id), and what it was: `trigger` (e.g.
 * `"file.created"`, `"*"`) and `triggerId` (its `WebhookTrigger` bit; 0 for `*`).
 *
 * @since 0.2.0
 * @category schemas
 */
export const DeliveryEvent = Schema.Struct({
  id: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  createOn: opt(Schema.String),
  createBy: opt(Schema.String),
  trigger: Schema.String,
  triggerId: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 })
})

/**
 * @since 0.2.0
 * @category models
 */
export interface DeliveryEvent extends Schema.Schema.Type<typeof DeliveryEvent> {}

/**
 * `webhook` of a {@link Delivery}: the webhook it was sent for (`id`, `name`, `url`, `triggers` as names, the
 * `target` it watches), and the retry state: `retryCount` (0 on the first attempt, then 1 to 5), `retryOn`,
 * `lastFailureOn`, `lastFailureContent` (why the previous attempt failed) and `lastSuccessOn`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const DeliveryWebhook = Schema.Struct({
  id: Schema.Number,
  name: opt(Schema.String),
  url: opt(Schema.String),
  triggers: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }),
  target: opt(Schema.Struct({ id: opt(Schema.Union(Schema.String, Schema.Number)), type: opt(Schema.String) })),
  lastFailureOn: opt(Schema.String),
  lastFailureContent: opt(Schema.String),
  lastSuccessOn: opt(Schema.String),
  retryCount: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  retryOn: opt(Schema.String)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface DeliveryWebhook extends Schema.Schema.Type<typeof DeliveryWebhook> {}

/**
 * The body of a delivery (DocSpace-server `WebhookPayload`): `event`, `payload` (what the event is about, e.g. the
 * `FileDto` of a created file; decode it with your own schema) and `webhook`. Unknown fields are ignored.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Delivery = Schema.Struct({
  event: DeliveryEvent,
  payload: Schema.optionalWith(Schema.Unknown, { nullable: true, default: () => null }),
  webhook: DeliveryWebhook
})

/**
 * @since 0.2.0
 * @category models
 */
export interface Delivery extends Schema.Schema.Type<typeof Delivery> {}

/**
 * A delivery {@link decodeDelivery} refused: `reason` `"signature"` when the signature header is missing, malformed
 * or does not match the body (answer 401 and do not look at the body), `"body"` when the body is not a delivery
 * (not JSON, or not of the {@link Delivery} shape; `message` says where).
 *
 * @since 0.2.0
 * @category errors
 */
export class DeliveryRejected extends Schema.TaggedError<DeliveryRejected>()("DeliveryRejected", {
  reason: Schema.Literal("signature", "body"),
  message: Schema.String
}) {}

const decodeBody = Schema.decodeUnknownEither(Delivery, { onExcessProperty: "ignore" })

/**
 * Verifies a delivery's signature and then decodes its body into a {@link Delivery}. Pass the raw body as received
 * (bytes, or the exact string) and the `x-docspace-signature-256` header value.
 *
 * @since 0.2.0
 * @category signatures
 */
export const decodeDelivery = (options: {
  readonly secret: Redacted.Redacted<string>
  readonly body: Uint8Array | string
  readonly signature: string | null | undefined
}): Effect.Effect<Delivery, DeliveryRejected> =>
  Effect.flatMap(verify(options), (valid) => {
    if (!valid) {
      return Effect.fail(
        new DeliveryRejected({
          reason: "signature",
          message: `the ${signatureHeader} header is missing, malformed or does not match the body`
        })
      )
    }
    let json: unknown
    try {
      json = JSON.parse(typeof options.body === "string" ? options.body : new TextDecoder().decode(options.body))
    } catch {
      return Effect.fail(new DeliveryRejected({ reason: "body", message: "the delivery body is not JSON" }))
    }
    const decoded = decodeBody(json)
    return decoded._tag === "Right" ? Effect.succeed(decoded.right) : Effect.fail(
      new DeliveryRejected({
        reason: "body",
        message: `the delivery body is not a DocSpace webhook delivery: ${
          ParseResult.TreeFormatter.formatErrorSync(decoded.left)
        }`
      })
    )
  })

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
  /**
   * Where the portal posts deliveries. The portal sends it a `HEAD` when the webhook is registered and refuses the
   * registration (a `BadRequest`) unless it answers 2xx.
   */
  readonly uri: string
  /**
   * The secret deliveries are signed with: 8 to 30 printable ASCII characters without spaces (checked before
   * anything is sent: a `BadRequest` otherwise), which must also pass the portal's password policy (upper case,
   * digits or special characters when its settings ask for them; the portal answers `BadRequest` with its rules).
   */
  readonly secret: Redacted.Redacted<string>
  /** Default true. */
  readonly enabled?: boolean | undefined
  /** Check the receiver's TLS certificate (and require https). Default true. */
  readonly ssl?: boolean | undefined
  /** A bit set of `WebhookTrigger`s; 0 (default) is every event. */
  readonly triggers?: number | undefined
}

/**
 * The shortest and longest secret the portal accepts by default (DocSpace-server `PasswordSettingsManager`:
 * `web:password:min`, 8 unless the server is configured otherwise, and `MaxLength` 30).
 *
 * @since 0.2.0
 * @category constants
 */
export const secretLength = { min: 8, max: 30 } as const

const registerPath = "/api/2.0/settings/webhook"

// the reason a secret is refused, without ever quoting it
const secretProblem = (secret: string): string | undefined => {
  if (secret.length < secretLength.min || secret.length > secretLength.max) {
    return `the webhook secret must be ${secretLength.min} to ${secretLength.max} characters long ` +
      `(it has ${secret.length})`
  }
  // the portal's default allowed characters: printable ASCII, no space (PasswordSettingsManager)
  if (!/^[\x21-\x7E]+$/.test(secret)) {
    return "the webhook secret may contain only printable ASCII characters without spaces"
  }
  return undefined
}

/**
 * Registers a webhook (`POST /api/2.0/settings/webhook`). A secret that is not 8 to 30 printable ASCII characters
 * without spaces is a `BadRequest` before anything is sent; the portal then checks its password policy and sends
 * a `HEAD` to `uri`, and answers `BadRequest` if either fails.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const register = (
  options: RegisterOptions
): Effect.Effect<Webhook, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const problem = secretProblem(Redacted.value(options.secret))
  if (problem !== undefined) {
    return Effect.fail(
      new DocSpaceError.BadRequest({ operation: "createWebhook", method: "POST", url: registerPath, message: problem })
    )
  }
  return Client.request({
    operation: "createWebhook",
    method: "POST",
    path: registerPath,
    body: Client.jsonBody({
      name: options.name,
      uri: options.uri,
      secretKey: Redacted.value(options.secret),
      enabled: options.enabled ?? true,
      ssl: options.ssl ?? true,
      triggers: options.triggers ?? 0
    })
  }, Webhook)
}

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

/**
 * One delivery as the portal's log keeps it (`WebhooksLogDto`), one row per event and webhook: `status` is the
 * receiver's HTTP status to the attempt the portal finished with (0 while it still retries, or when nothing
 * answered), `requestPayload` the body of that attempt.
 *
 * @since 0.2.0
 * @category schemas
 */
export const LogEntry = Schema.Struct({
  id: Schema.Number,
  configName: Schemas.opt(Schema.String),
  /** The `WebhookTrigger` flag. */
  trigger: Schemas.opt(Schema.Number),
  creationTime: Schemas.opt(Schema.String),
  method: Schemas.opt(Schema.String),
  route: Schemas.opt(Schema.String),
  requestHeaders: Schemas.opt(Schema.String),
  requestPayload: Schemas.opt(Schema.String),
  responseHeaders: Schemas.opt(Schema.String),
  responsePayload: Schemas.opt(Schema.String),
  status: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  delivery: Schemas.opt(Schema.String)
})

/**
 * @since 0.2.0
 * @category models
 */
export interface LogEntry extends Schema.Schema.Type<typeof LogEntry> {}

/**
 * The `WebhookGroupStatus` flags of the log filter, by name.
 *
 * @since 0.2.0
 * @category constants
 */
export const LogStatus = { notSent: 1, "2xx": 2, "3xx": 4, "4xx": 8, "5xx": 16 } as const

/**
 * Filters for the delivery log. Admins see every user's deliveries, other users their own.
 *
 * @since 0.2.0
 * @category models
 */
export interface LogFilter {
  /** Only this webhook's deliveries (`configId`). */
  readonly webhookId?: number | undefined
  /** Only this event's attempts. */
  readonly eventId?: number | undefined
  /** Only attempts whose answer is in one of these groups. */
  readonly status?: ReadonlyArray<keyof typeof LogStatus> | undefined
  readonly deliveryFrom?: Date | undefined
  readonly deliveryTo?: Date | undefined
}

/**
 * One page of the portal's webhook delivery log, newest first (`GET /api/2.0/settings/webhooks/log`, DocSpace-server
 * `WebhooksController.GetWebhooksLogs`).
 *
 * @since 0.2.0
 * @category webhooks
 */
export const log = (
  options?: LogFilter & { readonly count?: number | undefined; readonly startIndex?: number | undefined }
): Effect.Effect<Pagination.Page<LogEntry>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(
    Client.requestEnvelope({
      operation: "getWebhooksLogs",
      method: "GET",
      path: "/api/2.0/settings/webhooks/log",
      urlParams: {
        configId: options?.webhookId,
        eventId: options?.eventId,
        groupStatus: options?.status === undefined
          ? undefined
          : options.status.reduce((flags, name) => flags | LogStatus[name], 0),
        deliveryFrom: options?.deliveryFrom,
        deliveryTo: options?.deliveryTo,
        count: options?.count,
        startIndex: options?.startIndex
      }
    }, Schema.Array(LogEntry)),
    (envelope): Pagination.Page<LogEntry> => ({ items: envelope.response, total: envelope.total })
  )

/**
 * Every entry of the delivery log, page by page as the stream is consumed.
 *
 * @since 0.2.0
 * @category webhooks
 */
export const streamLog = (
  options?: LogFilter & Pagination.Options
): Stream.Stream<LogEntry, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Pagination.stream(({ count, startIndex }) => log({ ...options, count, startIndex }), options)

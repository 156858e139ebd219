/**
 * Webhooks of the fake DocSpace: the `Webhook` and `Delivery` records, the `WebhookTrigger` flags the fake raises,
 * events queued during a request (`model.emit`) and signed and recorded after it (`flushEvents`, HMAC-SHA256 of
 * the body in `x-docspace-signature-256`), the delivery body in the real `WebhookPayload` shape (`deliveryBody`), the
 * receiver check on registration (`withReceiverCheck`: a `HEAD` that must answer 2xx, as `WebhooksController`
 * does), and the routes under `/api/2.0/settings/webhook`. Posting deliveries to subscribers, with the sender's
 * retries, is `deliver.ts`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { createHmac } from "node:crypto"
import type { FakeRequest, Handler } from "../handler.js"
import { authenticate } from "./auth.js"
import type { Ctx, Route } from "./common.js"
import { bool, json, paging, str } from "./common.js"
import { employee } from "./people.js"
import type { FakeModel } from "./state.js"
import { badRequest, formatDate, fromUtf8, HttpError } from "./util.js"

export interface Webhook {
  readonly id: number
  name: string
  uri: string
  secretKey: string
  enabled: boolean
  ssl: boolean
  triggers: number
  targetId: string | undefined
  readonly createdBy: string
  readonly created: number
  modified: number
  /** When a delivery last succeeded / last failed for good (after its retries), and why. */
  lastSuccessOn?: number | undefined
  lastFailureOn?: number | undefined
  lastFailureContent?: string | undefined
}

export interface Delivery {
  readonly id: number
  readonly webhookId: number
  readonly uri: string
  readonly trigger: string
  readonly triggerType: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly timestamp: number
  /** 0 for the first attempt, then 1 to 5 for the sender's retries (each a new body, signed again). */
  readonly attempt: number
}

/** `WebhookTrigger` flags the fake raises, with their event names. */
export const Trigger = {
  UserInvited: [2, "user.invited"],
  GroupCreated: [16, "group.created"],
  GroupDeleted: [64, "group.deleted"],
  FileCreated: [128, "file.created"],
  FileUploaded: [256, "file.uploaded"],
  FileUpdated: [512, "file.updated"],
  FileTrashed: [1024, "file.trashed"],
  FileDeleted: [2048, "file.deleted"],
  FileCopied: [8192, "file.copied"],
  FileMoved: [16384, "file.moved"],
  FolderCreated: [32768, "folder.created"],
  FolderUpdated: [65536, "folder.updated"],
  FolderTrashed: [131072, "folder.trashed"],
  FolderDeleted: [262144, "folder.deleted"],
  FolderCopied: [1048576, "folder.copied"],
  FolderMoved: [2097152, "folder.moved"],
  RoomCreated: [4194304, "room.created"],
  RoomArchived: [16777216, "room.archived"],
  RoomDeleted: [33554432, "room.deleted"],
  RoomRestored: [67108864, "room.restored"]
} as const satisfies Record<string, readonly [number, string]>

export type TriggerKey = keyof typeof Trigger

export interface PendingEvent {
  readonly trigger: TriggerKey
  readonly payload: unknown
  readonly userId: string
}

// ---------------------------------------------------------------------------------------------------------------
// state: events queue up during a request and are signed and recorded after it
// ---------------------------------------------------------------------------------------------------------------

export const addWebhook = (model: FakeModel, input: Omit<Webhook, "id" | "modified">): Webhook => {
  const webhook: Webhook = { ...input, id: model.nextWebhookId++, modified: input.created }
  model.webhooks.set(webhook.id, webhook)
  return webhook
}

/** UTC to the second, as `WebhookPayload.GetShortUtcNow` and System.Text.Json write it: `2026-11-27T04:00:00Z`. */
export const shortUtc = (millis: number): string => `${new Date(millis).toISOString().slice(0, 19)}Z`

/** The trigger names of a webhook's `triggers` bit set: `["*"]` for 0 (all), else each flag the fake knows. */
const triggerNames = (triggers: number): Array<string> =>
  triggers === 0 ? ["*"] : Object.values(Trigger).filter(([flag]) => (triggers & flag) !== 0).map(([, name]) => name)

/** The sender's retry state, as `WebhookSender` sets it before each retry. */
export interface RetryState {
  readonly retryCount: number
  readonly retryOn: number
  readonly lastFailureOn: number
  readonly lastFailureContent: string
  readonly lastSuccessOn: number | undefined
}

/**
 * A delivery body in the shape of DocSpace-server's `WebhookPayload` serialized with camelCase names and
 * `DefaultIgnoreCondition = WhenWritingDefault`: fields at their default (0, null) are left out, so `triggerId` is
 * absent for `*`, `target` without a `targetId`, and the retry fields on the first attempt.
 */
export const deliveryBody = (input: {
  readonly id: number
  readonly createOn: number
  readonly createBy: string
  readonly trigger: string
  readonly triggerId: number
  readonly payload: unknown
  readonly hook: Webhook
  readonly targetId?: unknown
  readonly retry?: RetryState | undefined
}): string => {
  const { hook, retry } = input
  const event: Record<string, unknown> = {
    id: input.id,
    createOn: shortUtc(input.createOn),
    createBy: input.createBy,
    trigger: input.trigger
  }
  if (input.triggerId !== 0) event.triggerId = input.triggerId
  const webhook: Record<string, unknown> = {
    id: hook.id,
    name: hook.name,
    url: hook.uri,
    triggers: triggerNames(hook.triggers)
  }
  if (hook.targetId !== undefined && hook.targetId !== "") {
    // the id of what the event is about, and the trigger name's first word (`WebhookTrigger.GetTargetType`)
    const payloadId = (input.payload as { readonly id?: unknown } | null)?.id
    webhook.target = { id: input.targetId ?? payloadId ?? hook.targetId, type: input.trigger.split(".")[0] }
  }
  if (retry !== undefined) {
    webhook.lastFailureOn = shortUtc(retry.lastFailureOn)
    if (retry.lastFailureContent !== "") webhook.lastFailureContent = retry.lastFailureContent
    if (retry.lastSuccessOn !== undefined) webhook.lastSuccessOn = shortUtc(retry.lastSuccessOn)
    webhook.retryCount = retry.retryCount
    webhook.retryOn = shortUtc(retry.retryOn)
  }
  return JSON.stringify({ event, payload: input.payload, webhook })
}

/** `sha256=` and the upper-case hex HMAC-SHA256 of the body's UTF-8 bytes (`WebhookSender.GetSecretHash`). */
export const signatureOf = (secretKey: string, body: string): string =>
  `sha256=${createHmac("sha256", secretKey).update(body, "utf8").digest("hex").toUpperCase()}`

/** Records a signed delivery attempt. */
export const recordDelivery = (
  model: FakeModel,
  input: Omit<Delivery, "headers" | "body"> & { readonly body: string; readonly secretKey: string }
): Delivery => {
  const { secretKey, ...rest } = input
  const delivery: Delivery = {
    ...rest,
    headers: {
      accept: "*/*",
      "content-type": "application/json; charset=utf-8",
      "x-docspace-signature-256": signatureOf(secretKey, input.body)
    }
  }
  model.deliveries.push(delivery)
  return delivery
}

/** What the subscriber answered to a delivery attempt: its status (0: no answer), when, and whether it was the last. */
const outcomes = new WeakMap<
  Delivery,
  { readonly status: number; readonly at: number; readonly final: boolean }
>()

/** Records the subscriber's answer to an attempt, for the delivery log (`GET /settings/webhooks/log`). */
export const recordOutcome = (delivery: Delivery, status: number, at: number, final: boolean): void => {
  outcomes.set(delivery, { status, at, final })
}

interface JournalRow {
  readonly delivery: Delivery
  readonly status: number
  readonly at: number | undefined
}

/**
 * The delivery journal as DocSpace-server keeps it (`common/ASC.Webhooks.Core/DbWorker.cs`, `web/ASC.Web.Studio/
 * WebHooks/WebhookSender.cs`): one row per event and webhook, written when the event is raised (status 0) and
 * updated once, after the sender's last attempt (`UpdateWebhookJournal`), with that attempt's status and body. While
 * retries are pending the row still reads 0. Newest first (`OrderByDescending(Id)`).
 */
const journal = (model: FakeModel): Array<JournalRow> => {
  const rows = new Map<string, Delivery>()
  for (const d of model.deliveries) {
    const key = `${d.webhookId}:${d.id}`
    const previous = rows.get(key)
    // the attempt the sender finished with, or (while it retries) the first one, which the row was written from
    const outcome = outcomes.get(d)
    if (previous === undefined || outcome?.final === true) rows.set(key, d)
  }
  return [...rows.values()].map((delivery) => {
    const outcome = outcomes.get(delivery)
    return outcome?.final === true
      ? { delivery, status: outcome.status, at: outcome.at }
      : { delivery, status: 0, at: undefined }
  }).reverse()
}

/**
 * A `WebhooksLogDto` (`web/ASC.Web.Api/Api/Settings/WebhooksController.GetWebhooksLogs`). Without a webhook client
 * (an in-process fake that only records) nothing is sent and every row reads 0.
 */
const logDto = (model: FakeModel, row: JournalRow) => ({
  id: row.delivery.id,
  configName: model.webhooks.get(row.delivery.webhookId)?.name,
  trigger: row.delivery.triggerType,
  creationTime: formatDate(row.delivery.timestamp),
  method: "POST",
  route: row.delivery.uri,
  requestHeaders: JSON.stringify(row.delivery.headers),
  requestPayload: row.delivery.body,
  responseHeaders: undefined,
  responsePayload: undefined,
  status: row.status,
  delivery: row.at === undefined ? undefined : formatDate(row.at)
})

/** `groupStatus` (`WebhookGroupStatus`): 0 none, 1 not sent, 2 2xx, 4 3xx, 8 4xx, 16 5xx; flags. */
const inGroup = (status: number, group: number): boolean =>
  group === 0 ||
  ((group & 1) !== 0 && status === 0) ||
  ((group & 2) !== 0 && status >= 200 && status < 300) ||
  ((group & 4) !== 0 && status >= 300 && status < 400) ||
  ((group & 8) !== 0 && status >= 400 && status < 500) ||
  ((group & 16) !== 0 && status >= 500)

/** Signs and records a delivery (its first attempt) for every enabled webhook subscribed to each pending event. */
export const flushEvents = (model: FakeModel, now: number): Array<Delivery> => {
  const out: Array<Delivery> = []
  const events = model.pending.splice(0)
  for (const event of events) {
    const [flag, name] = Trigger[event.trigger]
    for (const hook of model.webhooks.values()) {
      if (!hook.enabled) continue
      if (hook.triggers !== 0 && (hook.triggers & flag) === 0) continue
      const id = model.nextDeliveryId++
      const body = deliveryBody({
        id,
        createOn: now,
        createBy: event.userId,
        trigger: name,
        triggerId: flag,
        payload: event.payload,
        hook
      })
      out.push(recordDelivery(model, {
        id,
        webhookId: hook.id,
        uri: hook.uri,
        trigger: name,
        triggerType: flag,
        body,
        secretKey: hook.secretKey,
        timestamp: now,
        attempt: 0
      }))
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// registration: the secret rules and the receiver check
// ---------------------------------------------------------------------------------------------------------------

/**
 * The portal's default password rules, which a webhook secret must pass (`PasswordSettingsManager.CheckPassword`
 * with the default settings): 8 to 30 printable ASCII characters, no space.
 */
const secretProblem = (secret: string): string | undefined =>
  /^[\x21-\x7E]{8,30}$/.test(secret)
    ? undefined
    : "Password must contain from 8 to 30 characters, only latin letters, no spaces"

/** What `WebhooksController` answers when the receiver's `HEAD` is not 2xx (`Resource.ErrorWebhookUrlNotAvaliable`). */
export const RECEIVER_NOT_AVAILABLE = "Webhook URL is not available. HEAD request is not response 200 http status."

/** The status of the receiver's answer to the registration `HEAD`, per request: the route reads it. */
const receiverChecks = new WeakMap<FakeRequest, number>()

const registrationInput = (req: FakeRequest): { readonly uri: string } | undefined => {
  const method = req.method.toUpperCase()
  const path = req.url.pathname.replace(/\/+$/, "").toLowerCase()
  if ((method !== "POST" && method !== "PUT") || path !== "/api/2.0/settings/webhook") return undefined
  try {
    const body = JSON.parse(fromUtf8(req.body)) as Record<string, unknown>
    const uri = str(body.uri)
    const secret = str(body.secretKey)
    if (str(body.name) === undefined || uri === undefined || !/^https?:\/\//.test(uri)) return undefined
    // as CheckWebhook's UrlValidator (before the receiver is called): `ssl` requires https
    if (bool(body.ssl ?? false) && !uri.toLowerCase().startsWith("https://")) return undefined
    // as CheckWebhook: the secret is checked before the receiver is called (on update only when one is given)
    if (method === "POST" || (secret !== undefined && secret !== "")) {
      if (secret === undefined || secretProblem(secret) !== undefined) return undefined
    }
    return { uri }
  } catch {
    return undefined
  }
}

/**
 * Sends the receiver a `HEAD` before a webhook is registered or updated, as `WebhooksController.CheckWebhook` does,
 * for authenticated requests whose input is otherwise valid; the route then refuses the registration (400) unless
 * the receiver answered 2xx (a failure to connect counts as status 0). Without a client nothing is checked.
 */
export const withReceiverCheck = (
  model: FakeModel,
  inner: Handler,
  client: HttpClient.HttpClient | undefined
): Handler =>
  client === undefined ? inner : (req) =>
    Effect.gen(function*() {
      const input = registrationInput(req)
      if (input !== undefined && authenticate(model, req, yield* Clock.currentTimeMillis) !== undefined) {
        const status = yield* HttpClientRequest.head(input.uri).pipe(
          client.execute,
          Effect.map((response) => response.status),
          Effect.scoped,
          Effect.orElseSucceed(() => 0)
        )
        receiverChecks.set(req, status)
      }
      return yield* inner(req)
    })

// UrlValidator with `RequireHttps = ssl`
const checkUri = (uri: string, ssl: boolean) => {
  if (ssl && !uri.toLowerCase().startsWith("https://")) throw badRequest("HTTPS is required")
}

const checkReceiver = (ctx: Ctx) => {
  const status = receiverChecks.get(ctx.req)
  if (status !== undefined && (status < 200 || status > 299)) throw badRequest(RECEIVER_NOT_AVAILABLE)
}

const webhookDto = (ctx: Ctx, w: Webhook) => ({
  id: w.id,
  name: w.name,
  uri: w.uri,
  enabled: w.enabled,
  ssl: w.ssl,
  triggers: w.triggers,
  targetId: w.targetId,
  createdBy: employee(ctx.model, w.createdBy, ctx.origin),
  createdOn: formatDate(w.created),
  modifiedBy: employee(ctx.model, w.createdBy, ctx.origin),
  modifiedOn: formatDate(w.modified),
  lastFailureOn: w.lastFailureOn === undefined ? undefined : formatDate(w.lastFailureOn),
  lastFailureContent: w.lastFailureContent,
  lastSuccessOn: w.lastSuccessOn === undefined ? undefined : formatDate(w.lastSuccessOn)
})

// ---------------------------------------------------------------------------------------------------------------
// routes
// ---------------------------------------------------------------------------------------------------------------

export const webhookRoutes: ReadonlyArray<Route> = [
  {
    method: "POST",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) => {
      const body = ctx.json()
      const name = str(body.name)
      const uri = str(body.uri)
      if (name === undefined || name === "" || name.length > 50) throw badRequest("name is required (1..50)")
      if (uri === undefined || !/^https?:\/\//.test(uri)) throw badRequest("uri must be an absolute http(s) URL")
      const secretKey = str(body.secretKey)
      if (secretKey === undefined) throw badRequest("Value cannot be null. (Parameter 'secret')")
      const problem = secretProblem(secretKey)
      if (problem !== undefined) throw badRequest(problem)
      // `enabled` and `ssl` are plain bools (WebhooksConfigRequestsDto): omitted, they are false
      const ssl = bool(body.ssl ?? false)
      checkUri(uri, ssl)
      checkReceiver(ctx)
      // DbWorker.AddWebhookConfig
      if ([...ctx.model.webhooks.values()].some((w) => w.uri === uri && w.name === name)) {
        throw badRequest("Webhook with the same name and payload URL already exists")
      }
      const webhook = addWebhook(ctx.model, {
        name,
        uri,
        secretKey,
        enabled: bool(body.enabled ?? false),
        ssl,
        triggers: Number(body.triggers ?? 0) || 0,
        targetId: str(body.targetId),
        createdBy: ctx.user.id,
        created: ctx.now
      })
      return json(ctx, webhookDto(ctx, webhook))
    }
  },
  {
    method: "PUT",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) => {
      const body = ctx.json()
      const webhook = ctx.model.webhooks.get(Number(body.id))
      if (webhook === undefined) {
        throw new HttpError(404, "Webhook not found", "System.Collections.Generic.KeyNotFoundException")
      }
      // UpdateWebhook replaces every field but the secret (kept when empty): name and uri are required, `enabled`,
      // `ssl`, `triggers` and `targetId` omitted are false, 0 and null
      const name = str(body.name)
      const uri = str(body.uri)
      if (name === undefined || name === "" || name.length > 50) throw badRequest("name is required (1..50)")
      if (uri === undefined || !/^https?:\/\//.test(uri)) throw badRequest("uri must be an absolute http(s) URL")
      const secretKey = str(body.secretKey)
      if (secretKey !== undefined && secretKey !== "") {
        const problem = secretProblem(secretKey)
        if (problem !== undefined) throw badRequest(problem)
      }
      const ssl = bool(body.ssl ?? false)
      checkUri(uri, ssl)
      checkReceiver(ctx)
      webhook.name = name
      webhook.uri = uri
      if (secretKey !== undefined && secretKey !== "") webhook.secretKey = secretKey
      webhook.enabled = bool(body.enabled ?? false)
      webhook.ssl = ssl
      webhook.triggers = Number(body.triggers ?? 0) || 0
      webhook.targetId = str(body.targetId)
      webhook.modified = ctx.now
      return json(ctx, webhookDto(ctx, webhook))
    }
  },
  {
    method: "GET",
    template: "/api/2.0/settings/webhook",
    handle: (ctx) =>
      json(ctx, [...ctx.model.webhooks.values()].map((w) => ({ configs: webhookDto(ctx, w), status: 0 })))
  },
  {
    method: "GET",
    template: "/api/2.0/settings/webhooks/log",
    handle: (ctx) => {
      const configId = ctx.query.get("configId")
      const eventId = ctx.query.get("eventId")
      const group = Number(ctx.query.get("groupStatus") ?? 0) || 0
      const all = journal(ctx.model).filter((row) =>
        (configId === null || configId === "" || String(row.delivery.webhookId) === configId) &&
        (eventId === null || eventId === "" || String(row.delivery.id) === eventId) &&
        inGroup(row.status, group)
      )
      const { count, startIndex } = paging(ctx)
      return json(ctx, all.slice(startIndex, startIndex + count).map((row) => logDto(ctx.model, row)), all.length)
    }
  },
  {
    method: "DELETE",
    template: "/api/2.0/settings/webhook/{id}",
    handle: (ctx) => {
      const webhook = ctx.model.webhooks.get(Number(ctx.params.id))
      if (webhook === undefined) {
        throw new HttpError(404, "Webhook not found", "System.Collections.Generic.KeyNotFoundException")
      }
      ctx.model.webhooks.delete(webhook.id)
      return json(ctx, webhookDto(ctx, webhook))
    }
  }
]

/**
 * Webhooks of the fake DocSpace: the `Webhook` and `Delivery` records, the `WebhookTrigger` flags the fake raises,
 * events queued during a request (`model.emit`) and signed and recorded after it (`flushEvents`, HMAC-SHA256 of
 * the body in `x-docspace-signature-256`), and the routes under `/api/2.0/settings/webhook`. Posting deliveries to
 * subscribers is `deliver.ts`.
 */
import { createHmac } from "node:crypto"
import type { Ctx, Route } from "./common.js"
import { bool, json, str } from "./common.js"
import { employee } from "./people.js"
import type { FakeModel } from "./state.js"
import { badRequest, formatDate, HttpError } from "./util.js"

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
}

/** `WebhookTrigger` flags the fake raises, with their event names. */
export const Trigger = {
  UserInvited: [2, "user.invited"],
  GroupCreated: [16, "group.created"],
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

/** Signs and records a delivery for every enabled webhook subscribed to each pending event. */
export const flushEvents = (model: FakeModel, now: number): Array<Delivery> => {
  const out: Array<Delivery> = []
  const events = model.pending.splice(0)
  for (const event of events) {
    const [flag, name] = Trigger[event.trigger]
    for (const hook of model.webhooks.values()) {
      if (!hook.enabled) continue
      if (hook.triggers !== 0 && (hook.triggers & flag) === 0) continue
      const id = model.nextDeliveryId++
      const body = JSON.stringify({
        event: { id, createOn: formatDate(now), createBy: event.userId, trigger: name, triggerType: flag },
        payload: event.payload,
        webhook: { id: hook.id, name: hook.name, url: hook.uri }
      })
      const signature = createHmac("sha256", hook.secretKey).update(body, "utf8").digest("hex").toUpperCase()
      const delivery: Delivery = {
        id,
        webhookId: hook.id,
        uri: hook.uri,
        trigger: name,
        triggerType: flag,
        body,
        headers: {
          "content-type": "application/json",
          "x-docspace-signature-256": `sha256=${signature}`
        },
        timestamp: now
      }
      model.deliveries.push(delivery)
      out.push(delivery)
    }
  }
  return out
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
  modifiedOn: formatDate(w.modified)
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
      const webhook = addWebhook(ctx.model, {
        name,
        uri,
        secretKey: str(body.secretKey) ?? "",
        enabled: body.enabled === undefined ? true : bool(body.enabled),
        ssl: body.ssl === undefined ? true : bool(body.ssl),
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
      if (str(body.name) !== undefined) webhook.name = str(body.name)!
      if (str(body.uri) !== undefined) webhook.uri = str(body.uri)!
      if (str(body.secretKey) !== undefined) webhook.secretKey = str(body.secretKey)!
      if (body.enabled !== undefined) webhook.enabled = bool(body.enabled)
      if (body.ssl !== undefined) webhook.ssl = bool(body.ssl)
      if (body.triggers !== undefined) webhook.triggers = Number(body.triggers) || 0
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

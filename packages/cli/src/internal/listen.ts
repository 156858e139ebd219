/**
 * `docspace webhooks listen`: the library's `WebhookReceiver` served on a local port; each verified delivery is
 * printed as it arrives, refused requests (bad signature, not a delivery) are noted on stderr and never printed.
 */
import * as WebhookReceiver from "@effect-docspace/resources/WebhookReceiver"
import type * as Webhooks from "@effect-docspace/resources/Webhooks"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as Http from "node:http"

/** The local port could not be opened (in use, no permission, a bad host). */
export class ListenError extends Schema.TaggedError<ListenError>("@effect-docspace/cli/ListenError")("ListenError", {
  message: Schema.String
}) {}

/** A running listener: where it listens and the verified deliveries, in the order they arrived. */
export interface Listener {
  readonly url: string
  readonly deliveries: Stream.Stream<Webhooks.Delivery>
}

/**
 * Serves a receiver on `host:port` (port 0 picks a free one) for the life of the scope. `onRejected` hears about
 * each refused request (its status and reason, never the secret).
 */
export const listen = (options: {
  readonly secret: Redacted.Redacted<string>
  readonly port: number
  readonly host: string
  readonly onRejected?: ((rejection: WebhookReceiver.Rejection) => Effect.Effect<void>) | undefined
}): Effect.Effect<Listener, ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const { app, deliveries } = yield* WebhookReceiver.stream({
      secret: options.secret,
      onRejected: options.onRejected
    })
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: options.port, host: options.host })
      .pipe(
        Effect.mapError((error) =>
          new ListenError({
            message: `cannot listen on ${options.host}:${options.port}: ${
              error.cause instanceof Error ? error.cause.message : String(error.cause)
            }`
          })
        )
      )
    yield* server.serve(app)
    const address = server.address
    const url = address._tag === "TcpAddress"
      ? `http://${address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname}:${address.port}`
      : HttpServer.formatAddress(address)
    return { url, deliveries }
  })

/** One line for people: when, what, which webhook, the attempt, and the payload's id and title when it has them. */
export const formatDelivery = (delivery: Webhooks.Delivery): string => {
  const payload = delivery.payload
  const about = payload !== null && typeof payload === "object"
    ? [
      "id" in payload ? `id=${String((payload as { id: unknown }).id)}` : undefined,
      "title" in payload ? `title=${JSON.stringify((payload as { title: unknown }).title)}` : undefined
    ].filter((s) => s !== undefined).join(" ")
    : ""
  const retry = delivery.webhook.retryCount > 0 ? ` (retry ${delivery.webhook.retryCount})` : ""
  return [
    delivery.event.createOn ?? "-",
    delivery.event.trigger,
    `event=${delivery.event.id}`,
    `webhook=${delivery.webhook.id}${delivery.webhook.name !== undefined ? `:${delivery.webhook.name}` : ""}${retry}`,
    about
  ].filter((s) => s !== "").join("  ")
}

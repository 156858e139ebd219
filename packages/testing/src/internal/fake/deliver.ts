/**
 * Posts webhook deliveries through an `HttpClient`, the way the portal calls a subscriber: `postWith` sends one
 * recorded delivery as it is; `sendWithRetries` is DocSpace-server's `WebhookSender` (a POST, then up to 5 retries
 * with exponential backoff from 1 s on the `Clock`, each a new body carrying the retry state and signed again;
 * answering 410 Gone deletes the webhook; redirects are not followed).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { FakeModel } from "./state.js"
import type { Delivery, RetryState } from "./webhooks.js"
import { recordDelivery, recordOutcome } from "./webhooks.js"

/** POSTs the raw body with the signature header; the subscriber's answer and any failure are ignored. */
export const postWith = (client: HttpClient.HttpClient) => (delivery: Delivery): Effect.Effect<void> =>
  Effect.ignore(logged(delivery, post(client, delivery), () => true))

// records the answer's status (0 when there was none) for the delivery log; `final` says whether the sender is done
// with this delivery after this answer (the log's row shows an answer only then)
const logged = <E>(
  delivery: Delivery,
  sent: Effect.Effect<number, E>,
  final: (status: number) => boolean
): Effect.Effect<number, E> =>
  Effect.tapBoth(sent, {
    onFailure: () =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => recordOutcome(delivery, 0, now, final(0)))),
    onSuccess: (status) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => Effect.sync(() => recordOutcome(delivery, status, now, final(status)))
      )
  })

/** The status of the subscriber's answer, or the transport failure's message. */
const post = (client: HttpClient.HttpClient, delivery: Delivery): Effect.Effect<number, string> =>
  HttpClientRequest.post(delivery.uri).pipe(
    HttpClientRequest.setHeaders(delivery.headers),
    HttpClientRequest.bodyText(delivery.body, "application/json; charset=utf-8"),
    client.execute,
    Effect.tap((response) => Effect.ignore(response.text)),
    Effect.map((response) => response.status),
    Effect.scoped,
    Effect.mapError((error) => error.message)
  )

/** The delays before each retry: 1, 2, 4, 8 and 16 seconds (`webhooks:repeatcount` 5, Polly exponential from 1 s). */
export const retryDelays: ReadonlyArray<Duration.Duration> = [1, 2, 4, 8, 16].map((s) => Duration.seconds(s))

// what HttpResponseMessage.EnsureSuccessStatusCode says, which becomes lastFailureContent
const failureMessage = (status: number) => `Response status code does not indicate success: ${status}.`

// the stored body with the retry state set, as WebhookSender re-serializes its payload before each retry
const retryBody = (first: string, retry: RetryState, shortUtc: (millis: number) => string): string => {
  const parsed = JSON.parse(first) as { webhook: Record<string, unknown> }
  const webhook = parsed.webhook
  delete webhook.lastFailureOn
  delete webhook.lastFailureContent
  delete webhook.lastSuccessOn
  delete webhook.retryCount
  delete webhook.retryOn
  webhook.lastFailureOn = shortUtc(retry.lastFailureOn)
  if (retry.lastFailureContent !== "") webhook.lastFailureContent = retry.lastFailureContent
  if (retry.lastSuccessOn !== undefined) webhook.lastSuccessOn = shortUtc(retry.lastSuccessOn)
  webhook.retryCount = retry.retryCount
  webhook.retryOn = shortUtc(retry.retryOn)
  return JSON.stringify(parsed)
}

/**
 * Delivers a recorded first attempt as the portal does, with retries on the `Clock`; every retry is recorded too
 * (`attempt` 1 to 5). Never fails.
 */
export const sendWithRetries = (
  model: FakeModel,
  client: HttpClient.HttpClient,
  first: Delivery,
  shortUtc: (millis: number) => string
): Effect.Effect<void> =>
  Effect.gen(function*() {
    let delivery = first
    let previousAt = first.timestamp
    for (let attempt = 0;; attempt++) {
      const last = attempt === retryDelays.length
      const outcome = yield* Effect.either(
        logged(delivery, post(client, delivery), (status) => last || (status >= 200 && status <= 299))
      )
      const hook = model.webhooks.get(first.webhookId)
      const ok = outcome._tag === "Right" && outcome.right >= 200 && outcome.right <= 299
      const now = yield* Clock.currentTimeMillis
      if (hook === undefined) return
      if (ok) {
        hook.lastSuccessOn = now
        return
      }
      const message = outcome._tag === "Left" ? outcome.left : failureMessage(outcome.right)
      if (attempt === retryDelays.length) {
        hook.lastFailureOn = now
        hook.lastFailureContent = message
        // 410 Gone: the subscriber asks to be removed
        if (outcome._tag === "Right" && outcome.right === 410) model.webhooks.delete(hook.id)
        return
      }
      yield* Effect.sleep(retryDelays[attempt]!)
      const retryOn = yield* Clock.currentTimeMillis
      const body = retryBody(first.body, {
        retryCount: attempt + 1,
        retryOn,
        lastFailureOn: previousAt,
        lastFailureContent: message,
        lastSuccessOn: hook.lastSuccessOn
      }, shortUtc)
      previousAt = retryOn
      const current = model.webhooks.get(first.webhookId)
      if (current === undefined) return
      delivery = recordDelivery(model, {
        id: first.id,
        webhookId: first.webhookId,
        uri: first.uri,
        trigger: first.trigger,
        triggerType: first.triggerType,
        body,
        secretKey: current.secretKey,
        timestamp: retryOn,
        attempt: attempt + 1
      })
    }
  })

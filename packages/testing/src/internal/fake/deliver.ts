/**
 * Posts recorded webhook deliveries through an `HttpClient`, the way the portal calls a subscriber.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type { Delivery } from "./webhooks.js"

/** POSTs the raw body with the signature header; the subscriber's answer and any failure are ignored. */
export const postWith = (client: HttpClient.HttpClient) => (delivery: Delivery): Effect.Effect<void> =>
  HttpClientRequest.post(delivery.uri).pipe(
    HttpClientRequest.setHeaders(delivery.headers),
    HttpClientRequest.bodyText(delivery.body, "application/json"),
    client.execute,
    Effect.flatMap((response) => response.text),
    Effect.scoped,
    Effect.ignore
  )

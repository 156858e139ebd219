/**
 * Parallel chunk upload end to end over real sockets: Uploads -> DocSpaceClient -> Node's HTTP client (undici) ->
 * FakeDocSpace.serve on 127.0.0.1, whose sessions take numbered chunks in any order. Real time.
 */
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

const chunkUploadSize = 64 * 1024
const size = 7 * chunkUploadSize + 999 // eight server chunks
const content = Uint8Array.from({ length: size }, (_, i) => (i * 13 + 5) % 251)

// counts the requests in flight on the client side: sent and not yet answered
const inFlight = { now: 0, peak: 0 }
const counting = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) =>
    HttpClient.transform(client, (effect) =>
      Effect.acquireUseRelease(
        Effect.sync(() => {
          inFlight.now++
          inFlight.peak = Math.max(inFlight.peak, inFlight.now)
        }),
        () => effect,
        () => Effect.sync(() => inFlight.now--)
      )))
).pipe(Layer.provide(NodeHttpClient.layerUndici))

describe("integration over loopback: parallel uploads", () => {
  it.live("both protocols, parts sent several at once, are stored whole", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.serve({ chunkUploadSize })
      const client = DocSpace.layer({
        baseUrl: fake.url,
        auth: Auth.apiKey(fake.apiKey),
        rateLimit: RateLimitPolicy.unlimited
      }).pipe(Layer.provide(counting))
      for (const protocol of ["location", "session"] as const) {
        yield* fake.state.resetCounts
        inFlight.peak = 0
        const file = yield* Effect.provide(
          Uploads.upload({
            folderId: "@my",
            fileName: `${protocol}.bin`,
            size,
            content: Stream.fromIterable(
              Array.from({ length: 60 }, (_, i) => content.subarray(i * 8000, (i + 1) * 8000))
            ).pipe(Stream.filter((b) => b.length > 0)),
            protocol,
            parallel: 4
          }),
          client
        )
        const stored = Option.getOrThrow(yield* fake.state.fileContent(Number(file.id)))
        expect(Buffer.compare(Buffer.from(stored), Buffer.from(content))).toBe(0)
        const counts = yield* fake.state.counts
        expect(inFlight.peak).toBeGreaterThan(1)
        expect(inFlight.peak).toBeLessThanOrEqual(4)
        if (protocol === "location") expect(counts.byRoute["POST /ChunkedUploader.ashx"]).toBe(9)
        else expect(counts.byRoute["POST /api/2.0/files/{folderId}/session/{sessionId}/upload"]).toBe(8)
      }
    }).pipe(Effect.scoped), 60_000)
})

// Webhooks: signatures (HMAC-SHA256 over WebCrypto's SHA-256, checked against node:crypto), the secret rules checked
// before registering, and deliveries decoded after their signature is verified, against FakeDocSpace's sender.
import { Folders, Webhooks } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import { envelope, fakeUrl, make, onFake } from "./curated-mock.js"

const nodeSignature = (secret: string, body: string | Uint8Array) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex").toUpperCase()}`

// a webhook receiver: HEAD answers `head`, POSTs are recorded and answered `post(index)`
const receiver = (head: number, post: (index: number) => number = () => 200) => {
  const posts: Array<{ readonly body: string; readonly signature: string | undefined }> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      if (request.method === "HEAD") return HttpClientResponse.fromWeb(request, new Response(null, { status: head }))
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      posts.push({ body, signature: request.headers["x-docspace-signature-256"] })
      return HttpClientResponse.fromWeb(request, new Response("ok", { status: post(posts.length - 1) }))
    })
  )
  return { client, posts }
}

const secret = Redacted.make("hook-secret-1")

describe("Webhooks signatures", () => {
  it.effect("sign is node:crypto's HMAC-SHA256 for empty, short, block-sized and long keys and any body", () =>
    Effect.gen(function*() {
      const keys = ["", "k", "a".repeat(64), "b".repeat(65), "ключ-🔑".repeat(20)]
      const bodies = ["", "{\"a\":1}", "é".repeat(1000), new Uint8Array([0, 255, 1, 254])]
      for (const key of keys) {
        for (const body of bodies) {
          const signature = yield* Webhooks.sign({ secret: Redacted.make(key), body })
          expect(signature).toBe(nodeSignature(key, body))
          expect(yield* Webhooks.verify({ secret: Redacted.make(key), body, signature })).toBe(true)
        }
      }
    }))
})

describe("Webhooks.register", () => {
  it.effect("a secret that is not 8 to 30 printable ASCII characters is a BadRequest; nothing is sent", () => {
    const portal = make(() => envelope({ id: 1, name: "h" }))
    return Effect.gen(function*() {
      for (const value of ["short", "x".repeat(31), "with space1", "naïve-secret"]) {
        const error = yield* Effect.flip(
          Webhooks.register({ name: "h", uri: "https://h.example.com", secret: Redacted.make(value) })
        )
        expect(error._tag).toBe("BadRequest")
        expect(error.message).not.toContain(value)
      }
      expect(portal.requests).toHaveLength(0)
      const ok = yield* Webhooks.register({
        name: "h",
        uri: "https://h.example.com",
        secret: Redacted.make("x".repeat(30))
      })
      expect(ok.id).toBe(1)
      expect(portal.requests).toHaveLength(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the portal sends the receiver a HEAD: a receiver that does not answer 2xx is a BadRequest", () =>
    Effect.gen(function*() {
      const down = receiver(404)
      const { exit } = yield* onFake(Effect.flip(
        Webhooks.register({ name: "h", uri: "https://hooks.example.com/in", secret })
      )).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, webhookClient: down.client })))
      const error = yield* exit
      expect(error._tag).toBe("BadRequest")
      // the server's message comes first; the client appends the request and a hint after it
      expect(error.message.startsWith("Webhook URL is not available. HEAD request is not response 200 http status.:"))
        .toBe(true)
    }))
})

describe("Webhooks.decodeDelivery", () => {
  it.effect("a delivery from the portal decodes after its signature is checked; a retry carries retryCount", () =>
    Effect.gen(function*() {
      // the receiver fails the first attempt: the portal retries after 1 s with a new, re-signed body
      const hooks = receiver(200, (i) => i === 0 ? 500 : 200)
      const { exit } = yield* onFake(Effect.gen(function*() {
        const hook = yield* Webhooks.register({ name: "ci", uri: "https://hooks.example.com/in", secret })
        yield* Folders.create(Folders.my, "Hooked")
        yield* TestClock.adjust("2 seconds")
        return hook
      })).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, webhookClient: hooks.client })))
      const hook = yield* exit
      expect(hooks.posts).toHaveLength(2)
      const [first, retry] = yield* Effect.forEach(
        hooks.posts,
        (post) =>
          Webhooks.decodeDelivery({ secret, body: new TextEncoder().encode(post.body), signature: post.signature })
      )
      expect(first.event).toMatchObject({ trigger: "folder.created", triggerId: 32768 })
      expect(first.webhook).toMatchObject({
        id: hook.id,
        name: "ci",
        url: "https://hooks.example.com/in",
        retryCount: 0
      })
      expect(first.webhook.triggers).toEqual(["*"])
      expect(first.payload).toMatchObject({ title: "Hooked" })
      expect(retry.event.id).toBe(first.event.id)
      expect(retry.webhook).toMatchObject({ retryCount: 1 })
      expect(retry.webhook.lastFailureContent).toMatch(/500/)
    }))

  it.effect("a wrong signature, a body that is not JSON, or not a delivery: DeliveryRejected with the reason", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({
        event: { id: 7, createOn: "2026-12-02T10:00:00Z", createBy: "u", trigger: "file.created", triggerId: 128 },
        payload: { id: 1, title: "a.txt" },
        webhook: { id: 3, name: "n", url: "https://h.example.com", triggers: ["file.created"] }
      })
      const signature = nodeSignature("hook-secret-1", body)
      expect((yield* Webhooks.decodeDelivery({ secret, body, signature })).event.id).toBe(7)
      const tampered = yield* Effect.flip(
        Webhooks.decodeDelivery({ secret, body: body.replace("a.txt", "b.txt"), signature })
      )
      expect(tampered).toMatchObject({ _tag: "DeliveryRejected", reason: "signature" })
      const missing = yield* Effect.flip(Webhooks.decodeDelivery({ secret, body, signature: undefined }))
      expect(missing.reason).toBe("signature")
      const notJson = "not json"
      const bad = yield* Effect.flip(
        Webhooks.decodeDelivery({ secret, body: notJson, signature: nodeSignature("hook-secret-1", notJson) })
      )
      expect(bad).toMatchObject({ reason: "body", message: "the delivery body is not JSON" })
      const wrongShape = JSON.stringify({ event: { id: "x" } })
      const shape = yield* Effect.flip(
        Webhooks.decodeDelivery({ secret, body: wrongShape, signature: nodeSignature("hook-secret-1", wrongShape) })
      )
      expect(shape.reason).toBe("body")
      expect(shape.message).toMatch(/not a DocSpace webhook delivery/)
    }))
})

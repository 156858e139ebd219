// The fake's webhooks as DocSpace-server does them: registration checks the secret (8-30 printable ASCII) and sends
// the receiver a HEAD that must answer 2xx (WebhooksController.CheckWebhook); deliveries have the WebhookPayload
// shape and are retried 5 times with exponential backoff from 1 s, each retry re-signed (WebhookSender).
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

interface Received {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly at: number
}

// a webhook receiver: answers each request with `status(request, index)`
const receiver = (status: (method: string, index: number) => number) => {
  const received: Array<Received> = []
  const client = HttpClient.make((request) =>
    Effect.gen(function*() {
      const at = yield* TestClock.currentTimeMillis
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      received.push({ method: request.method, url: request.url, headers: request.headers, body, at })
      const code = status(request.method, received.filter((r) => r.method === request.method).length - 1)
      return HttpClientResponse.fromWeb(
        request,
        new Response(request.method === "HEAD" ? null : "ok", { status: code })
      )
    })
  )
  return { client, received, posts: () => received.filter((r) => r.method === "POST") }
}

const make = (webhookClient?: HttpClient.HttpClient) =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.makeHandler(webhookClient === undefined ? {} : { webhookClient })
    const key = Redacted.value(fake.state.apiKey)
    const call = (method: string, path: string, json?: unknown) =>
      Effect.gen(function*() {
        const body = json === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(json))
        const response = yield* Effect.orDie(fake.handler({
          method,
          url: new URL(path, "http://fake.test"),
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body
        }))
        const bytes = Buffer.concat([...(yield* Stream.runCollect(response.body))])
        return { status: response.status, json: JSON.parse(bytes.toString("utf8")) }
      })
    const myId = yield* fake.state.myFolderId()
    return { ...fake, call, myId }
  })

const register = (secretKey: string | undefined, extra?: Record<string, unknown>) => ({
  name: "hook",
  uri: "https://hooks.example.com/in",
  enabled: true,
  ...(secretKey === undefined ? {} : { secretKey }),
  ...extra
})

const signatureOf = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex").toUpperCase()}`

// lets the forked delivery fibers run
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve))).pipe(Effect.repeatN(20))

describe("FakeDocSpace webhooks like the server", () => {
  it.effect("registration sends the receiver a HEAD and is refused unless it answers 2xx", () =>
    Effect.gen(function*() {
      const down = receiver((method) => method === "HEAD" ? 404 : 200)
      const { call } = yield* make(down.client)
      const refused = yield* call("POST", "/api/2.0/settings/webhook", register("secret-123"))
      expect(refused.status).toBe(400)
      expect(refused.json.error.message).toBe(
        "Webhook URL is not available. HEAD request is not response 200 http status."
      )
      expect(down.received.map((r) => [r.method, r.url])).toEqual([["HEAD", "https://hooks.example.com/in"]])
      expect((yield* call("GET", "/api/2.0/settings/webhook")).json.response).toEqual([])

      const up = receiver(() => 200)
      const ok = yield* make(up.client)
      const created = yield* ok.call("POST", "/api/2.0/settings/webhook", register("secret-123"))
      expect(created.status).toBe(200)
      expect(created.json.response).toMatchObject({ id: 1, name: "hook", uri: "https://hooks.example.com/in" })
      expect(up.received.map((r) => r.method)).toEqual(["HEAD"])
    }))

  it.effect("the secret must be 8 to 30 printable ASCII characters without spaces (checked before the HEAD)", () =>
    Effect.gen(function*() {
      const up = receiver(() => 200)
      const { call } = yield* make(up.client)
      for (const secret of [undefined, "short", "a".repeat(31), "has a space", "naïve-secret"]) {
        const answer = yield* call("POST", "/api/2.0/settings/webhook", register(secret))
        expect(answer.status).toBe(400)
      }
      expect(up.received).toEqual([])
      expect((yield* call("POST", "/api/2.0/settings/webhook", register("a".repeat(30)))).status).toBe(200)
      expect((yield* call("POST", "/api/2.0/settings/webhook", register("12345678", { name: "other" }))).status)
        .toBe(200)
    }))

  it.effect("a delivery has the WebhookPayload shape (defaults left out) and is signed with the secret", () =>
    Effect.gen(function*() {
      const up = receiver(() => 200)
      const { call, myId } = yield* make(up.client)
      yield* call("POST", "/api/2.0/settings/webhook", register("secret-123", { triggers: 32768 }))
      yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "Hooked" })
      yield* settle
      const [post] = up.posts()
      expect(post.url).toBe("https://hooks.example.com/in")
      expect(post.headers["x-docspace-signature-256"]).toBe(signatureOf("secret-123", post.body))
      const body = JSON.parse(post.body)
      expect(Object.keys(body)).toEqual(["event", "payload", "webhook"])
      expect(body.event).toEqual({
        id: 1,
        createOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        createBy: expect.any(String),
        trigger: "folder.created",
        triggerId: 32768
      })
      expect(body.webhook).toEqual({
        id: 1,
        name: "hook",
        url: "https://hooks.example.com/in",
        triggers: ["folder.created"]
      })
      expect(body.payload).toMatchObject({ title: "Hooked" })
    }))

  it.effect("a failed delivery is retried 5 times after 1, 2, 4, 8, 16 s, each a new body signed again", () =>
    Effect.gen(function*() {
      const failing = receiver((method) => method === "HEAD" ? 200 : 500)
      const { call, myId, state } = yield* make(failing.client)
      yield* call("POST", "/api/2.0/settings/webhook", register("secret-123"))
      const start = yield* TestClock.currentTimeMillis
      yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "A" })
      for (let i = 0; i < 40; i++) {
        yield* settle
        yield* TestClock.adjust("1 second")
      }
      const posts = failing.posts()
      expect(posts.map((p) => (p.at - start) / 1000)).toEqual([0, 1, 3, 7, 15, 31])
      const bodies = posts.map((p) => JSON.parse(p.body))
      expect(bodies.map((b) => b.webhook.retryCount)).toEqual([undefined, 1, 2, 3, 4, 5])
      expect(bodies[1].webhook).toMatchObject({
        lastFailureContent: "Response status code does not indicate success: 500.",
        lastFailureOn: expect.stringMatching(/Z$/),
        retryOn: expect.stringMatching(/Z$/)
      })
      // the same event each time, every body signed on its own
      expect(new Set(bodies.map((b) => b.event.id)).size).toBe(1)
      for (const p of posts) expect(p.headers["x-docspace-signature-256"]).toBe(signatureOf("secret-123", p.body))
      expect(new Set(posts.map((p) => p.headers["x-docspace-signature-256"])).size).toBe(6)
      expect((yield* state.webhookDeliveries).map((d) => d.attempt)).toEqual([0, 1, 2, 3, 4, 5])
      const [hook] = (yield* call("GET", "/api/2.0/settings/webhook")).json.response
      expect(hook.configs.lastFailureContent).toBe("Response status code does not indicate success: 500.")
    }))

  it.effect("a receiver that recovers stops the retries; one that answers 410 Gone has the webhook deleted", () =>
    Effect.gen(function*() {
      const flaky = receiver((method, i) => method === "HEAD" || i >= 2 ? 200 : 503)
      const one = yield* make(flaky.client)
      yield* one.call("POST", "/api/2.0/settings/webhook", register("secret-123"))
      yield* one.call("POST", `/api/2.0/files/folder/${one.myId}`, { title: "A" })
      for (let i = 0; i < 40; i++) {
        yield* settle
        yield* TestClock.adjust("1 second")
      }
      expect(flaky.posts()).toHaveLength(3)
      expect((yield* one.call("GET", "/api/2.0/settings/webhook")).json.response[0].configs.lastSuccessOn)
        .toBeDefined()

      const gone = receiver((method) => method === "HEAD" ? 200 : 410)
      const two = yield* make(gone.client)
      yield* two.call("POST", "/api/2.0/settings/webhook", register("secret-123"))
      yield* two.call("POST", `/api/2.0/files/folder/${two.myId}`, { title: "A" })
      for (let i = 0; i < 40; i++) {
        yield* settle
        yield* TestClock.adjust("1 second")
      }
      expect(gone.posts()).toHaveLength(6)
      expect((yield* two.call("GET", "/api/2.0/settings/webhook")).json.response).toEqual([])
    }))

  it.effect("enabled and ssl omitted are false: the webhook is created disabled and delivers nothing", () =>
    Effect.gen(function*() {
      const up = receiver(() => 200)
      const { call, myId } = yield* make(up.client)
      const created = yield* call("POST", "/api/2.0/settings/webhook", {
        name: "hook",
        uri: "https://hooks.example.com/in",
        secretKey: "secret-123"
      })
      expect(created.status).toBe(200)
      expect(created.json.response).toMatchObject({ enabled: false, ssl: false })
      yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "Quiet" })
      yield* settle
      expect(up.posts()).toEqual([])
    }))

  it.effect("ssl: true refuses an http:// uri before the HEAD; ssl: false accepts it", () =>
    Effect.gen(function*() {
      const up = receiver(() => 200)
      const { call } = yield* make(up.client)
      const plain = { name: "hook", uri: "http://hooks.example.com/in", secretKey: "secret-123" }
      const refused = yield* call("POST", "/api/2.0/settings/webhook", { ...plain, ssl: true })
      expect(refused.status).toBe(400)
      expect(refused.json.error.message).toBe("HTTPS is required")
      expect(up.received).toEqual([])
      const accepted = yield* call("POST", "/api/2.0/settings/webhook", { ...plain, ssl: false })
      expect(accepted.status).toBe(200)
      expect(accepted.json.response).toMatchObject({ uri: "http://hooks.example.com/in", ssl: false })
      const secure = yield* call("POST", "/api/2.0/settings/webhook", register("secret-123", { ssl: true }))
      expect(secure.json.response).toMatchObject({ enabled: true, ssl: true })
    }))

  it.effect("a second webhook with the same name and URL is refused; another name or URL is not", () =>
    Effect.gen(function*() {
      const { call } = yield* make(receiver(() => 200).client)
      expect((yield* call("POST", "/api/2.0/settings/webhook", register("secret-123"))).status).toBe(200)
      const again = yield* call("POST", "/api/2.0/settings/webhook", register("secret-456"))
      expect(again.status).toBe(400)
      expect(again.json.error.message).toBe("Webhook with the same name and payload URL already exists")
      expect((yield* call("POST", "/api/2.0/settings/webhook", register("secret-123", { name: "two" }))).status)
        .toBe(200)
      const otherUri = register("secret-123", { uri: "https://hooks.example.com/other" })
      expect((yield* call("POST", "/api/2.0/settings/webhook", otherUri)).status).toBe(200)
      expect((yield* call("GET", "/api/2.0/settings/webhook")).json.response).toHaveLength(3)
    }))

  it.effect("PUT replaces every field but an empty secret: omitted enabled, ssl and triggers become false and 0", () =>
    Effect.gen(function*() {
      const up = receiver(() => 200)
      const { call, myId } = yield* make(up.client)
      yield* call("POST", "/api/2.0/settings/webhook", register("secret-123", { ssl: true, triggers: 32768 }))
      const updated = yield* call("PUT", "/api/2.0/settings/webhook", {
        id: 1,
        name: "renamed",
        uri: "https://hooks.example.com/in"
      })
      expect(updated.status).toBe(200)
      expect(updated.json.response).toMatchObject({ name: "renamed", enabled: false, ssl: false, triggers: 0 })
      // name and uri are required; ssl: true still refuses http://
      expect((yield* call("PUT", "/api/2.0/settings/webhook", { id: 1, enabled: true })).status).toBe(400)
      const http = { id: 1, name: "renamed", uri: "http://hooks.example.com/in", enabled: true, ssl: true }
      const refused = yield* call("PUT", "/api/2.0/settings/webhook", http)
      expect(refused.status).toBe(400)
      expect(refused.json.error.message).toBe("HTTPS is required")
      // re-enabled with the secret kept (an omitted secretKey does not change it)
      yield* call("PUT", "/api/2.0/settings/webhook", {
        id: 1,
        name: "renamed",
        uri: "https://hooks.example.com/in",
        enabled: true
      })
      yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "Again" })
      yield* settle
      const [post] = up.posts()
      expect(post.headers["x-docspace-signature-256"]).toBe(signatureOf("secret-123", post.body))
    }))
})

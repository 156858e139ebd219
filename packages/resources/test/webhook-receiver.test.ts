// WebhookReceiver: the HttpApp's answers (HEAD, signatures, bodies, limits, handler failures), the Stream variant,
// FakeDocSpace delivering to it in process (retries on the TestClock), and end to end over real sockets: the fake
// served on loopback registers the receiver (its HEAD check), and delivers signed events to it over HTTP.
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Folders, Rooms, WebhookReceiver, Webhooks } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createServer } from "node:http"
import { fakeUrl, onFake } from "./curated-mock.js"

const secret = Redacted.make("hook-secret-1")

const deliveryBody = JSON.stringify({
  event: {
    id: 7,
    createOn: "2026-11-27T04:00:00Z",
    createBy: "00000000-0000-4000-8000-000000000001",
    trigger: "file.created"
  },
  payload: { id: 1, title: "a.txt" },
  webhook: { id: 1, name: "ci", url: "https://hooks.example.com/in", triggers: ["*"] }
})

// runs an HttpApp on a web Request, in the test's runtime
const call = (
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, any>,
  init: { readonly method: string; readonly body?: string; readonly headers?: Record<string, string> }
) =>
  Effect.flatMap(Effect.runtime<never>(), (runtime) =>
    Effect.promise(async () => {
      const response = await HttpApp.toWebHandlerRuntime(runtime)(app as any)(
        new Request("http://receiver.test/hooks", {
          method: init.method,
          ...(init.body !== undefined ? { body: init.body } : {}),
          headers: init.headers ?? {}
        })
      )
      return { status: response.status, text: await response.text() }
    }))

const signed = (body: string) =>
  Effect.map(Webhooks.sign({ secret, body }), (signature) => ({
    method: "POST",
    body,
    headers: { [Webhooks.signatureHeader]: signature, "content-type": "application/json" }
  }))

describe("WebhookReceiver.make", () => {
  it.effect("HEAD 200; a valid delivery reaches the handler, 200; other methods 405", () =>
    Effect.gen(function*() {
      const seen = yield* Ref.make<Array<Webhooks.Delivery>>([])
      const app = WebhookReceiver.make({ secret, handle: (d) => Ref.update(seen, (all) => [...all, d]) })
      expect((yield* call(app, { method: "HEAD" })).status).toBe(200)
      const ok = yield* call(app, yield* signed(deliveryBody))
      expect(ok.status).toBe(200)
      const put = yield* call(app, { method: "PUT", body: deliveryBody })
      expect(put.status).toBe(405)
      const deliveries = yield* Ref.get(seen)
      expect(deliveries.map((d) => [d.event.id, d.event.trigger])).toEqual([[7, "file.created"]])
      expect(deliveries[0]!.payload).toEqual({ id: 1, title: "a.txt" })
    }))

  it.effect("refused without calling the handler: bad or missing signature 401, not a delivery 400, too large 413", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const rejected = yield* Ref.make<Array<number>>([])
      const app = WebhookReceiver.make({
        secret,
        handle: () => Ref.update(calls, (n) => n + 1),
        maxBodyBytes: 2000,
        onRejected: (r) => Ref.update(rejected, (all) => [...all, r.status])
      })
      const tampered = yield* signed(deliveryBody)
      const statuses = [
        (yield* call(app, { ...tampered, body: deliveryBody.replace("a.txt", "b.txt") })).status,
        (yield* call(app, { method: "POST", body: deliveryBody })).status,
        (yield* call(app, yield* signed("{\"not\": \"a delivery\"}"))).status,
        (yield* call(app, yield* signed("not json"))).status,
        (yield* call(app, yield* signed(JSON.stringify({ pad: "x".repeat(3000) })))).status
      ]
      expect(statuses).toEqual([401, 401, 400, 400, 413])
      expect(yield* Ref.get(rejected)).toEqual(statuses)
      expect(yield* Ref.get(calls)).toBe(0)
    }))

  it.effect("a failing handler answers 500 (the portal retries) without leaking the secret", () =>
    Effect.gen(function*() {
      const app = WebhookReceiver.make({ secret, handle: () => Effect.fail("database down") })
      const answer = yield* call(app, yield* signed(deliveryBody))
      expect(answer.status).toBe(500)
      expect(answer.text).not.toContain(Redacted.value(secret))
    }))

  it.scoped("stream: deliveries come out in order; when the queue is full the answer is 503", () =>
    Effect.gen(function*() {
      const rejected = yield* Ref.make<Array<number>>([])
      const { app, deliveries } = yield* WebhookReceiver.stream({
        secret,
        capacity: 1,
        onRejected: (r) => Ref.update(rejected, (all) => [...all, r.status])
      })
      const first = yield* call(app, yield* signed(deliveryBody))
      const second = yield* call(app, yield* signed(deliveryBody.replace("\"id\":7", "\"id\":8")))
      expect([first.status, second.status]).toEqual([200, 503])
      expect(yield* Ref.get(rejected)).toEqual([503])
      const taken = yield* deliveries.pipe(Stream.take(1), Stream.runCollect)
      expect(Chunk.toReadonlyArray(taken).map((d) => d.event.id)).toEqual([7])
    }))
})

describe("WebhookReceiver with FakeDocSpace in process", () => {
  it.effect("registration passes the HEAD check; a failed delivery is retried after 1 s and handled again", () =>
    Effect.gen(function*() {
      const handled = yield* Ref.make<Array<Webhooks.Delivery>>([])
      const failures = yield* Ref.make(1)
      const app = WebhookReceiver.make({
        secret,
        handle: (d) =>
          Effect.flatMap(
            Ref.getAndUpdate(failures, (n) => n - 1),
            (left) => left > 0 ? Effect.fail("not yet") : Ref.update(handled, (all) => [...all, d])
          )
      })
      const runtime = yield* Effect.runtime<never>()
      const handler = HttpApp.toWebHandlerRuntime(runtime)(app as any)
      // the portal's HTTP client, reaching the receiver's handler directly
      const toReceiver = HttpClient.make((request) =>
        Effect.promise(() =>
          handler(
            new Request(request.url, {
              method: request.method,
              headers: request.headers,
              ...(request.body._tag === "Uint8Array" ? { body: request.body.body as Uint8Array<ArrayBuffer> } : {})
            })
          )
        ).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
      )
      const { exit } = yield* onFake(Effect.gen(function*() {
        yield* Webhooks.register({ name: "ci", uri: "https://receiver.test/hooks", secret })
        yield* Rooms.create({ title: "Hooked", roomType: "CustomRoom" })
        // the receiver answers asynchronously (a web handler): move the clock on until the retry's answer is logged
        for (let i = 0; i < 50; i++) {
          const log = yield* Webhooks.log()
          if (log.items.some((entry) => entry.status === 200)) return log
          yield* TestClock.adjust("500 millis")
          yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
        }
        return yield* Webhooks.log()
      })).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, webhookClient: toReceiver })))
      const log = yield* exit
      const deliveries = yield* Ref.get(handled)
      expect(deliveries.map((d) => [d.event.trigger, d.webhook.retryCount ?? 0])).toEqual([["room.created", 1]])
      // one row per event, with the status of the attempt the portal finished with
      expect(log.items.map((entry) => entry.status)).toEqual([200])
    }))
})

describe("WebhookReceiver end to end over real sockets", () => {
  it.live(
    "the fake served on loopback HEAD-checks the receiver, then POSTs signed deliveries it decodes",
    () =>
      Effect.gen(function*() {
        const received = yield* Queue.unbounded<Webhooks.Delivery>()
        const receiver = WebhookReceiver.make({ secret, handle: (d) => Queue.offer(received, d) })
        const server = yield* HttpServer.HttpServer
        yield* HttpServer.serveEffect(HttpRouter.empty.pipe(HttpRouter.all("/hooks/docspace", receiver)))
        const address = server.address as HttpServer.TcpAddress
        const uri = `http://127.0.0.1:${address.port}/hooks/docspace`
        const http = yield* HttpClient.HttpClient
        const fake = yield* FakeDocSpace.serve({ webhookClient: http })
        const client = DocSpace.layer({
          baseUrl: fake.url,
          auth: Auth.apiKey(fake.apiKey),
          rateLimit: RateLimitPolicy.unlimited
        })
          .pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)))
        const result = yield* Effect.gen(function*() {
          // a receiver that is not there: the portal's HEAD fails, registration is refused
          // a plain http:// receiver needs `ssl: false` (the portal requires https otherwise)
          const refused = yield* Effect.flip(
            Webhooks.register({
              name: "gone",
              uri: `http://127.0.0.1:${address.port}/nothing-here`,
              secret,
              ssl: false
            })
          )
          const insecure = yield* Effect.flip(Webhooks.register({ name: "e2e", uri, secret }))
          const hook = yield* Webhooks.register({ name: "e2e", uri, secret, ssl: false })
          const folder = yield* Folders.create(Folders.my, "Over the wire")
          const delivery = yield* Queue.take(received)
          const log = yield* Webhooks.log({ webhookId: hook.id })
          return { refused, insecure, hook, folder, delivery, log }
        }).pipe(Effect.provide(client))
        expect(result.refused._tag).toBe("BadRequest")
        expect(result.refused.message).not.toContain("HTTPS")
        expect(result.insecure._tag).toBe("BadRequest")
        expect(result.insecure.message).toMatch(/^HTTPS is required/)
        expect([result.hook.enabled, result.hook.ssl]).toEqual([true, false])
        expect(result.delivery.event.trigger).toBe("folder.created")
        expect(result.delivery.webhook).toMatchObject({ id: result.hook.id, name: "e2e", url: uri })
        expect(result.delivery.payload).toMatchObject({ id: result.folder.id, title: "Over the wire" })
        expect(result.log.items.map((entry) => [entry.status, entry.route])).toEqual([[200, uri]])
      }).pipe(
        Effect.scoped,
        Effect.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
        Effect.provide(NodeHttpClient.layerUndici)
      ),
    30_000
  )
})

import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { inspect } from "node:util"
import * as MockTransport from "../src/MockTransport.js"

const base = "https://portal.example.com"

describe("MockTransport", () => {
  it.effect("answers a route with the DocSpace envelope and passes path params", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(`${base}/api/2.0/files/42?count=10`)
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(yield* response.json, {
        response: { folderId: "42", count: "10" },
        count: 1,
        status: 0,
        statusCode: 200
      })
      const list = yield* client.get(`${base}/api/2.0/people`).pipe(Effect.flatMap((_) => _.json))
      assert.deepStrictEqual(list, {
        response: [{ id: "a" }, { id: "b" }],
        count: 2,
        total: 7,
        status: 0,
        statusCode: 200
      })
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /api/2.0/files/{folderId}": (request) =>
        MockTransport.json({ folderId: request.params.folderId, count: request.query.get("count") }),
      "GET /api/2.0/people": MockTransport.json([{ id: "a" }, { id: "b" }], { total: 7 })
    }))))

  it.effect("the most specific pattern wins whatever the declaration order", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const my = yield* client.get(`${base}/api/2.0/files/@my`).pipe(Effect.flatMap((_) => _.json))
      const other = yield* client.get(`${base}/api/2.0/files/7`).pipe(Effect.flatMap((_) => _.json))
      const any = yield* client.del(`${base}/api/2.0/anything/else/here`)
      assert.deepStrictEqual((my as any).response, "my")
      assert.deepStrictEqual((other as any).response, "7")
      assert.strictEqual(any.status, 204)
    }).pipe(Effect.provide(MockTransport.layer({
      "* /api/2.0/*": MockTransport.empty(),
      "GET /api/2.0/files/{folderId}": (r) => MockTransport.json(r.params.folderId),
      "GET /api/2.0/files/@my": MockTransport.json("my")
    }))))

  it.effect("an unknown route gets a 404 envelope naming the method and path", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.post(`${base}/api/2.0/nope/1`)
      assert.strictEqual(response.status, 404)
      const body = (yield* response.json) as any
      assert.strictEqual(body.status, 1)
      assert.strictEqual(body.statusCode, 404)
      assert.include(body.error.message, "POST /api/2.0/nope/1")
      assert.include(body.error.message, "GET /api/2.0/people")
      const recorded = yield* MockTransport.requests
      assert.strictEqual(recorded.length, 1)
      assert.strictEqual(recorded[0].route, undefined)
    }).pipe(Effect.provide(MockTransport.layer({ "GET /api/2.0/people": MockTransport.json([]) }))))

  it.effect("records method, url, headers and body; Authorization is redacted when printed", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      yield* client.execute(
        HttpClientRequest.post(`${base}/api/2.0/files/folder/5`).pipe(
          HttpClientRequest.bearerToken("sk-secret-value"),
          HttpClientRequest.bodyUnsafeJson({ title: "Reports" })
        )
      )
      yield* client.get(`${base}/api/2.0/files/folder/5`)
      const [first, second] = yield* MockTransport.requests
      assert.strictEqual(first.method, "POST")
      assert.strictEqual(first.url, `${base}/api/2.0/files/folder/5`)
      assert.strictEqual(first.route, "* /api/2.0/files/folder/{id}")
      assert.deepStrictEqual(first.json(), { title: "Reports" })
      assert.strictEqual(first.headers["content-type"], "application/json")
      assert.strictEqual(first.headers["authorization"], "<redacted>")
      assert.strictEqual(first.header("Authorization"), "Bearer sk-secret-value")
      for (
        const printed of [JSON.stringify(first), String(first), inspect(first, { depth: 5 }), inspect(first.headers)]
      ) {
        assert.notInclude(printed, "sk-secret-value")
      }
      assert.strictEqual(second.method, "GET")
      assert.strictEqual(second.body, "")
      assert.strictEqual((yield* MockTransport.requestsTo("POST /api/2.0/files/folder/{id}")).length, 1)
      yield* MockTransport.clear
      assert.strictEqual((yield* MockTransport.requests).length, 0)
    }).pipe(Effect.provide(MockTransport.layer({
      "* /api/2.0/files/folder/{id}": MockTransport.json({ ok: true })
    }))))

  it.effect("secret-looking body fields and query parameters are redacted in every printed form", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const login = { userName: "me@example.com", password: "P@ss-SECRET-1" }
      const hook = {
        name: "w",
        config: { secretKey: "whsec-SECRET-2", token: "tok-SECRET-3" },
        keys: [{ key: "k-SECRET-4" }]
      }
      yield* client.execute(
        HttpClientRequest.post(`${base}/api/2.0/authentication`).pipe(
          HttpClientRequest.bodyUnsafeJson(login)
        )
      )
      yield* client.execute(
        HttpClientRequest.post(`${base}/api/2.0/settings/webhook?access_token=q-SECRET-5&x=1`).pipe(
          HttpClientRequest.bodyUnsafeJson(hook)
        )
      )
      yield* client.execute(
        HttpClientRequest.post(`${base}/form`).pipe(
          HttpClientRequest.bodyUrlParams({ user: "me", password: "form-SECRET-6" })
        )
      )
      const form = new FormData()
      form.append("apiKey", "mp-SECRET-7")
      form.append("title", "visible")
      form.append("file", new Blob([new TextEncoder().encode("file-bytes")]), "a.bin")
      yield* client.execute(HttpClientRequest.post(`${base}/form`).pipe(HttpClientRequest.bodyFormData(form)))
      const recorded = yield* MockTransport.requests
      const secrets = ["P@ss-SECRET-1", "whsec-SECRET-2", "tok-SECRET-3", "k-SECRET-4", "q-SECRET-5", "form-SECRET-6"]
      secrets.push("mp-SECRET-7")
      for (const r of recorded) {
        for (const printed of [JSON.stringify(r), String(r), inspect(r, { depth: 10 }), `${r.redactedBody}`]) {
          for (const secret of secrets) assert.notInclude(printed, secret)
        }
      }
      const [a, b, c, d] = recorded
      assert.deepStrictEqual(JSON.parse(a.redactedBody), { userName: "me@example.com", password: "<redacted>" })
      assert.deepStrictEqual(JSON.parse(b.redactedBody), {
        name: "w",
        config: { secretKey: "<redacted>", token: "<redacted>" },
        keys: [{ key: "<redacted>" }]
      })
      assert.include((b.toJSON() as any).url, "x=1")
      assert.strictEqual(c.redactedBody, "user=me&password=%3Credacted%3E")
      assert.include(d.redactedBody, "visible")
      assert.include(d.redactedBody, "file-bytes")
      // the raw body stays available through the explicit accessors
      assert.deepStrictEqual(a.json(), login)
      assert.deepStrictEqual(b.json(), hook)
      assert.include(b.url, "q-SECRET-5")
      assert.include(c.body, "form-SECRET-6")
      assert.include(new TextDecoder().decode(d.bodyBytes), "mp-SECRET-7")
    }).pipe(Effect.provide(MockTransport.layer({ "POST /*": MockTransport.json(true) }))))

  it.effect("reads multipart and stream request bodies", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const form = new FormData()
      form.append("file", new Blob([new TextEncoder().encode("chunk-bytes")]), "a.bin")
      yield* client.execute(HttpClientRequest.post(`${base}/upload`).pipe(HttpClientRequest.bodyFormData(form)))
      yield* client.execute(
        HttpClientRequest.post(`${base}/upload`).pipe(
          HttpClientRequest.setBody(
            HttpBody.stream(Stream.make(new Uint8Array([104, 105]), new Uint8Array([33])), "application/octet-stream")
          )
        )
      )
      const [multipart, streamed] = yield* MockTransport.requests
      assert.match(multipart.headers["content-type"], /^multipart\/form-data; boundary=/)
      assert.include(multipart.body, "chunk-bytes")
      assert.include(multipart.body, "filename=\"a.bin\"")
      assert.strictEqual(streamed.body, "hi!")
      assert.strictEqual(streamed.headers["content-length"], "3")
    }).pipe(Effect.provide(MockTransport.layer({ "POST /upload": MockTransport.empty(201) }))))

  it.effect("scripts a sequence: 503 with Retry-After, then 200, then the last answer repeats", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const first = yield* client.get(`${base}/api/2.0/people/@self`)
      assert.strictEqual(first.status, 503)
      assert.strictEqual(first.headers["retry-after"], "1")
      const second = yield* client.get(`${base}/api/2.0/people/@self`)
      assert.strictEqual(second.status, 200)
      const third = yield* client.get(`${base}/api/2.0/people/@self`)
      assert.strictEqual(third.status, 200)
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /api/2.0/people/@self": MockTransport.sequence([
        MockTransport.error(503, "Service Unavailable", { retryAfter: 1 }),
        MockTransport.json({ id: "me" })
      ])
    }))))

  it.effect("a sequence with whenExhausted: fail answers 500 after the script", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      assert.strictEqual((yield* client.get(`${base}/x`)).status, 200)
      const extra = yield* client.get(`${base}/x`)
      assert.strictEqual(extra.status, 500)
      assert.include(((yield* extra.json) as any).error.message, "exhausted")
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /x": MockTransport.sequence([MockTransport.json(1)], { whenExhausted: "fail" })
    }))))

  it.effect("each layer build starts sequences over", () =>
    Effect.gen(function*() {
      const routes = { "GET /x": MockTransport.sequence([MockTransport.empty(201), MockTransport.empty(202)]) }
      const status = HttpClient.HttpClient.pipe(
        Effect.flatMap((c) => c.get(`${base}/x`)),
        Effect.map((r) => r.status),
        Effect.provide(MockTransport.layer(routes))
      )
      assert.strictEqual(yield* status, 201)
      assert.strictEqual(yield* status, 201)
    }))

  it.effect("an Effect answer follows TestClock", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const fiber = yield* Effect.fork(client.get(`${base}/slow`))
      yield* TestClock.adjust("4 seconds")
      assert.isTrue(fiber.unsafePoll() === null)
      yield* TestClock.adjust("1 second")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /slow": () => Effect.as(Effect.sleep("5 seconds"), MockTransport.json("late"))
    }))))

  it.effect("an Effect as the answer runs on every call", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const fiber = yield* Effect.fork(client.get(`${base}/later`))
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fiber)).status, 202)
      const again = yield* Effect.fork(client.get(`${base}/later`))
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(again)).status, 202)
      const seq = yield* Effect.fork(client.get(`${base}/seq`))
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(seq)).status, 503)
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /later": Effect.as(Effect.sleep("1 second"), MockTransport.empty(202)),
      "GET /seq": MockTransport.sequence([Effect.as(Effect.sleep("1 second"), MockTransport.error(503, "busy"))])
    }))))

  it.effect("raw, html, text and connection reset answers", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const raw = yield* client.get(`${base}/raw`)
      assert.strictEqual(raw.status, 418)
      assert.strictEqual(raw.headers["x-custom"], "yes")
      assert.strictEqual(yield* raw.text, "teapot")
      const html = yield* client.get(`${base}/html`)
      assert.strictEqual(html.status, 502)
      assert.strictEqual(html.headers["content-type"], "text/html")
      assert.include(yield* html.text, "<html>")
      const text = yield* client.get(`${base}/text`)
      assert.strictEqual(yield* text.text, "plain")
      const reset = yield* Effect.flip(client.get(`${base}/reset`))
      assert.strictEqual(reset._tag, "RequestError")
      assert.strictEqual(reset.reason, "Transport")
    }).pipe(Effect.provide(MockTransport.layer({
      "GET /raw": MockTransport.raw({ status: 418, headers: { "X-Custom": "yes" }, body: "teapot" }),
      "GET /html": MockTransport.html(502, "<html><body>502 Bad Gateway</body></html>"),
      "GET /text": MockTransport.text(200, "plain"),
      "GET /reset": MockTransport.connectionReset()
    }))))

  it.effect("a route function sees the call index and the JSON body", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const post = (n: number) =>
        client.execute(HttpClientRequest.post(`${base}/echo`).pipe(HttpClientRequest.bodyUnsafeJson({ n })))
      const five: any = yield* Effect.flatMap(post(5), (_) => _.json)
      assert.deepStrictEqual(five.response, [0, 5])
      const six: any = yield* Effect.flatMap(post(6), (_) => _.json)
      assert.deepStrictEqual(six.response, [1, 6])
    }).pipe(Effect.provide(MockTransport.layer({
      "POST /echo": (r) => MockTransport.json([r.callIndex, (r.json as any).n])
    }))))
})

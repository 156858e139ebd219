import { Auth } from "@effect-docspace/core"
import { People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Socket } from "node:net"
import * as Undici from "../src/internal/undici.js"

/** Whether Node's own bundled undici (behind the lazy globals `fetch`, `Response`, `Headers`...) has been loaded. */
const nodeUndiciLoaded = () =>
  (process as unknown as { readonly moduleLoadList: ReadonlyArray<string> }).moduleLoadList.some((name) =>
    name.includes("deps/undici")
  )

// NodeDocSpace's own transport (undici's agent and `request`, without the rest of undici) over a real socket: what the
// platform's undici client did, it must do.

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

const serve = Effect.acquireRelease(
  Effect.promise(async () => {
    const seen: Array<Seen> = []
    const sockets = new Set<Socket>()
    let closed = 0
    const server: Server = createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("latin1")
        seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body })
        if (req.url === "/hang") return
        if (req.url === "/text") {
          // the request's body back as it is, whatever it holds
          res.writeHead(200, { "content-type": "text/plain" })
          return void res.end(body)
        }
        if (req.url === "/bytes") {
          res.writeHead(200, { "content-type": "application/octet-stream" })
          // three writes of 64 KiB, each a different byte
          for (let i = 0; i < 3; i++) res.write(Buffer.alloc(64 * 1024, i + 1))
          return void res.end()
        }
        res.writeHead(201, [
          ["content-type", "application/json"],
          ["x-twice", "a"],
          ["set-cookie", "one=1; Path=/"],
          ["set-cookie", "two=2; Path=/"]
        ])
        res.end(JSON.stringify({ echo: body, method: req.method }))
      })
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => {
        sockets.delete(socket)
        closed++
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    return {
      server,
      seen,
      open: () => sockets.size,
      closed: () => closed,
      url: (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`
    }
  }),
  ({ server }) =>
    Effect.promise(() =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    )
)

const withClient = <A, E>(f: (client: HttpClient.HttpClient) => Effect.Effect<A, E>) =>
  Effect.flatMap(HttpClient.HttpClient, f).pipe(Effect.provide(Undici.layer))

describe("NodeDocSpace's undici transport", () => {
  // first in the file: nothing else has loaded Node's bundled undici yet in this process
  it.scoped("a request through NodeDocSpace.layer never loads Node's bundled undici (8 MiB, 20 ms)", () =>
    Effect.gen(function*() {
      expect(nodeUndiciLoaded()).toBe(false)
      const portal = yield* serve
      const live = NodeDocSpace.layer({ baseUrl: portal.url(""), auth: Auth.apiKey(Redacted.make("sk-test")) })
      // the portal's echo is not a person: the request, its answer and its body read are what this is about
      const result = yield* Effect.either(Effect.provide(People.self(), live))
      expect(Either.isLeft(result) && result.left._tag).toBe("DecodeError")
      expect(portal.seen[0]).toMatchObject({ method: "GET", url: "/api/2.0/people/@self" })
      expect(nodeUndiciLoaded()).toBe(false)
    }))

  it.scoped("an answer's text parsed: malformed JSON is a Decode error, an empty body null, a form its params", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      const answer = (body: string) =>
        withClient((client) =>
          client.execute(HttpClientRequest.post(portal.url("/text")).pipe(HttpClientRequest.bodyText(body)))
        )
      const malformed = yield* Effect.scoped(
        Effect.flatMap(answer("{not json"), (response) => Effect.flip(response.json))
      )
      expect(malformed).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
      expect(yield* Effect.scoped(Effect.flatMap(answer(""), (response) => response.json))).toBeNull()
      const params = yield* Effect.scoped(Effect.flatMap(answer("a=1&b=two"), (response) => response.urlParamsBody))
      expect(params).toEqual([["a", "1"], ["b", "two"]])
    }))

  it.scoped("sends a method, headers and a byte body; answers status, headers, cookies and JSON", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      const answer = yield* withClient((client) =>
        Effect.scoped(Effect.gen(function*() {
          const response = yield* client.execute(
            HttpClientRequest.post(portal.url("/echo?x=1")).pipe(
              HttpClientRequest.setHeader("x-custom", "yes"),
              HttpClientRequest.bodyUint8Array(new TextEncoder().encode("héllo"), "text/plain")
            )
          )
          return {
            status: response.status,
            type: response.headers["content-type"],
            cookies: Object.keys(response.cookies.cookies).sort(),
            json: yield* response.json,
            // the body is read once and kept: a second read is the same
            again: yield* response.text
          }
        }))
      )
      expect(answer.status).toBe(201)
      expect(answer.type).toBe("application/json")
      expect(answer.cookies).toEqual(["one", "two"])
      expect(answer.json).toEqual({ echo: Buffer.from("héllo").toString("latin1"), method: "POST" })
      expect(JSON.parse(answer.again)).toEqual(answer.json)
      expect(portal.seen[0]).toMatchObject({ method: "POST", url: "/echo?x=1" })
      expect(portal.seen[0]!.headers["x-custom"]).toBe("yes")
      expect(portal.seen[0]!.headers["content-length"]).toBe("6")
    }))

  it.scoped("streams a request body from an Effect stream, and a response body as an Effect stream", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      const [echo, bytes] = yield* withClient((client) =>
        Effect.scoped(Effect.gen(function*() {
          const echo = yield* client.execute(
            HttpClientRequest.put(portal.url("/stream")).pipe(
              HttpClientRequest.bodyStream(
                Stream.make("a", "b", "c").pipe(Stream.map((s) => new TextEncoder().encode(s.repeat(3)))),
                { contentType: "text/plain" }
              )
            )
          ).pipe(Effect.flatMap((response) => response.json))
          const chunks = yield* client.execute(HttpClientRequest.get(portal.url("/bytes"))).pipe(
            Effect.flatMap((response) => Stream.runCollect(response.stream))
          )
          return [echo, Chunk.toReadonlyArray(chunks)] as const
        }))
      )
      expect(echo).toEqual({ echo: "aaabbbccc", method: "PUT" })
      const all = Buffer.concat(bytes)
      expect(all.length).toBe(3 * 64 * 1024)
      expect([all[0], all[64 * 1024], all[all.length - 1]]).toEqual([1, 2, 3])
    }))

  it.scoped("sends a FormData body as multipart (fields alone, and with a file)", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      const fields = new FormData()
      fields.append("title", "report")
      const form = new FormData()
      form.append("title", "report")
      form.append("file", new Blob(["xyz"], { type: "text/plain" }), "a.txt")
      yield* withClient((client) =>
        Effect.scoped(
          Effect.flatMap(
            client.execute(HttpClientRequest.post(portal.url("/form")).pipe(HttpClientRequest.bodyFormData(fields))),
            (response) => response.text
          )
        )
      )
      yield* withClient((client) =>
        Effect.scoped(
          Effect.flatMap(
            client.execute(HttpClientRequest.post(portal.url("/form")).pipe(HttpClientRequest.bodyFormData(form))),
            (response) => response.text
          )
        )
      )
      for (const seen of portal.seen) {
        expect(seen.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
        expect(seen.body).toContain("name=\"title\"\r\n\r\nreport\r\n")
      }
      expect(portal.seen[0]!.headers["content-length"]).toBe(String(portal.seen[0]!.body.length))
      expect(portal.seen[1]!.body).toContain("filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nxyz\r\n")
    }))

  it.scoped("a refused connection is a RequestError of the transport", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      const url = portal.url("/gone")
      yield* Effect.promise(() =>
        new Promise<void>((resolve) => {
          portal.server.closeAllConnections()
          portal.server.close(() => resolve())
        })
      )
      const result = yield* withClient((client) => Effect.either(Effect.scoped(client.get(url))))
      expect(Either.isLeft(result) && result.left._tag).toBe("RequestError")
      expect(Either.isLeft(result) && result.left.reason).toBe("Transport")
    }))

  it.scoped("interrupting a request aborts it: the connection is closed", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      yield* withClient((client) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(Effect.scoped(client.get(portal.url("/hang"))))
          while (portal.seen.length === 0) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
          yield* Fiber.interrupt(fiber)
          while (portal.closed() === 0) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
        })
      )
      expect(portal.closed()).toBe(1)
    }))

  it.scoped("releasing the layer destroys its agent: kept-alive connections are closed", () =>
    Effect.gen(function*() {
      const portal = yield* serve
      yield* Effect.scoped(Effect.gen(function*() {
        const context = yield* Layer.build(Undici.layer)
        const client = yield* Effect.provide(HttpClient.HttpClient, context)
        yield* Effect.scoped(Effect.flatMap(client.get(portal.url("/echo")), (response) => response.text))
        // kept alive after the answer
        expect(portal.open()).toBe(1)
      }))
      while (portal.closed() === 0) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      expect(portal.open()).toBe(0)
    }))
})

import { Auth, DocSpaceClient } from "@effect-docspace/core"
import { People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

// The client reads an undici answer's body natively (not through the platform's `text`), whether or not the answer
// declares its length: that read must behave as the platform's did. A real socket and NodeDocSpace's undici.
const person = { id: "7c2c", displayName: "Ada", email: "ada@example.com" }

const serve = (chunked: boolean) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const server: Server = createServer((req, res) => {
        if (req.url?.startsWith("/empty")) {
          // a declared length of zero: no body at all
          res.writeHead(200, { "content-type": "application/json", "content-length": "0" })
          return void res.end()
        }
        if (req.url?.startsWith("/malformed")) {
          // a length that is not a number
          res.writeHead(200, { "content-type": "application/json", "content-length": "twelve" })
          return void res.end("{\"response\":{}}")
        }
        const body = req.url?.startsWith("/cut")
          ? undefined
          : JSON.stringify({ response: person, count: 1, status: 0, statusCode: 200 })
        if (body === undefined) {
          // declares more than it sends, then closes: a truncated body
          res.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
          res.write("{\"response\":")
          setTimeout(() => res.socket?.destroy(), 5)
          return
        }
        res.writeHead(200, {
          "content-type": "application/json",
          ...(chunked ? {} : { "content-length": String(Buffer.byteLength(body)) })
        })
        if (chunked) {
          res.write(body.slice(0, 10))
          res.end(body.slice(10))
        } else res.end(body)
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      return server
    }),
    (server) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )

const layerFor = (server: Server) =>
  NodeDocSpace.layer({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth: Auth.apiKey(Redacted.make("sk-test"))
  })

describe("NodeDocSpace: an answer's body read natively", () => {
  for (const chunked of [false, true]) {
    const what = chunked ? "chunked" : "with a Content-Length"
    it.live(`a JSON answer ${what} decodes`, () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* serve(chunked)
        const self = yield* Effect.provide(People.self(), layerFor(server))
        expect(self.displayName).toBe("Ada")
      })))

    it.live(`a raw answer ${what} gives the same text twice, and to two readers at once`, () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* serve(chunked)
        const [first, second, third] = yield* Effect.provide(
          Effect.scoped(Effect.flatMap(
            DocSpaceClient.raw({ operation: "getSelf", method: "GET", path: "/api/2.0/people/@self" }),
            (response) =>
              Effect.flatMap(
                Effect.all([response.text, response.text], { concurrency: 2 }),
                ([a, b]) => Effect.map(response.text, (c) => [a, b, c] as const)
              )
          )),
          layerFor(server)
        )
        expect(JSON.parse(first).response).toEqual(person)
        expect(second).toBe(first)
        expect(third).toBe(first)
      })))

    it.live(`a raw answer ${what} read as text, then as JSON, gives both`, () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* serve(chunked)
        const [text, json] = yield* Effect.provide(
          Effect.scoped(Effect.flatMap(
            DocSpaceClient.raw({ operation: "getSelf", method: "GET", path: "/api/2.0/people/@self" }),
            (response) => Effect.all([response.text, response.json])
          )),
          layerFor(server)
        )
        expect(JSON.parse(text).response).toEqual(person)
        expect((json as { readonly response: unknown }).response).toEqual(person)
      })))
  }

  // POSTs: a GET whose body is cut is sent again, with backoff, before its error stands
  const failureOf = (path: string) =>
    Effect.scoped(Effect.gen(function*() {
      const server = yield* serve(false)
      const result = yield* Effect.either(
        Effect.provide(
          DocSpaceClient.request({ operation: "postBroken", method: "POST", path }, People.Person),
          layerFor(server)
        )
      )
      return Either.isLeft(result) ? result.left._tag : "decoded"
    }))

  it.live("a body cut short of its Content-Length is a TransportError, not a decoded value", () =>
    Effect.map(failureOf("/cut"), (tag) => expect(tag).toBe("TransportError")))

  it.live("an answer declaring a length of zero is a DecodeError for a schema that wants a value", () =>
    Effect.map(failureOf("/empty"), (tag) => expect(tag).toBe("DecodeError")))

  it.live("an answer whose Content-Length is not a number is a TransportError, not a hang or a defect", () =>
    Effect.map(failureOf("/malformed"), (tag) => expect(tag).toBe("TransportError")))
})

import { DocSpaceClient, Multipart } from "@effect-docspace/core"
import { NodeHttpClient } from "@effect/platform-node"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as http from "node:http"

/** The body's bytes, whatever its kind. */
const bytesOf = (body: HttpBody.HttpBody) =>
  Effect.gen(function*() {
    if (body._tag === "Uint8Array") return body.body
    if (body._tag !== "Stream") throw new Error(`unexpected body ${body._tag}`)
    const chunks = yield* Stream.runCollect(body.stream)
    const out = new Uint8Array(Chunk.reduce(chunks, 0, (n, c) => n + c.length))
    let offset = 0
    for (const chunk of chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  })

/** Parses a multipart body with the platform's own (WHATWG) parser: the body must be well-formed. */
const parse = (body: HttpBody.HttpBody) =>
  Effect.flatMap(
    bytesOf(body),
    (bytes) =>
      Effect.promise(() =>
        new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { "content-type": body.contentType ?? "" } })
          .formData()
      )
  )

const payload = new Uint8Array(70_000).map((_, i) => (i * 7) % 256)

describe("Multipart", () => {
  it.effect("fields and in-memory files give a Uint8Array body (re-sendable) that parses back exactly", () =>
    Effect.gen(function*() {
      const body = Multipart.body([
        Multipart.field("title", "Ünïcode \"quoted\" value"),
        Multipart.field("count", 3),
        Multipart.file("file", payload, { fileName: "répört \"q\".bin", contentType: "application/x-test" })
      ])
      expect(body._tag).toBe("Uint8Array")
      expect(body.contentType).toMatch(/^multipart\/form-data; boundary=----effect-docspace-[0-9a-f]{32}$/)
      const form = yield* parse(body)
      expect(form.get("title")).toBe("Ünïcode \"quoted\" value")
      expect(form.get("count")).toBe("3")
      const file = form.get("file") as File
      expect(file.type).toBe("application/x-test")
      expect(new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))).toEqual(payload)
    }))

  it.effect("a streamed file is sent as a stream, pulled lazily, and parses back exactly", () =>
    Effect.gen(function*() {
      let pulled = 0
      const content = Stream.fromIterable([payload.subarray(0, 30_000), payload.subarray(30_000)]).pipe(
        Stream.tap(() => Effect.sync(() => pulled++))
      )
      const body = Multipart.body([Multipart.field("a", "1"), Multipart.file("file", content, { fileName: "s.bin" })])
      expect(body._tag).toBe("Stream")
      expect(pulled).toBe(0)
      const form = yield* parse(body)
      expect(pulled).toBe(2)
      expect(new Uint8Array(yield* Effect.promise(() => (form.get("file") as File).arrayBuffer()))).toEqual(payload)
    }))

  it.effect("a FormData (with a Blob) becomes a body every client can send", () =>
    Effect.gen(function*() {
      const form = new FormData()
      form.append("file", new Blob([payload], { type: "image/png" }), "pic.png")
      form.append("note", "hello")
      const body = DocSpaceClient.formDataBody(form)
      const parsed = yield* parse(body)
      expect(parsed.get("note")).toBe("hello")
      const file = parsed.get("file") as File
      expect(file.name).toBe("pic.png")
      expect(file.type).toBe("image/png")
      expect(file.size).toBe(payload.length)
    }))

  it.live("goes through the real undici client over a loopback socket (Node's FormData does not)", () =>
    Effect.gen(function*() {
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          new Request("http://x/", {
            method: "POST",
            headers: { "content-type": req.headers["content-type"] ?? "" },
            body: Buffer.concat(chunks)
          }).formData().then(
            (form) => res.end(`${(form.get("file") as File).size} ${form.get("note")}`),
            (error) => {
              res.statusCode = 400
              res.end(String(error))
            }
          )
        })
      })
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => {
          server.listen(0, "127.0.0.1", () => resume(Effect.void))
        }),
        () => Effect.sync(() => server.close())
      )
      const port = (server.address() as { port: number }).port
      const form = new FormData()
      form.append("file", new Blob([payload]), "a.bin")
      form.append("note", "hi")
      const text = yield* Effect.flatMap(HttpClient.HttpClient, (client) =>
        client.execute(
          HttpClientRequest.post(`http://127.0.0.1:${port}/`).pipe(
            HttpClientRequest.setBody(DocSpaceClient.formDataBody(form))
          )
        )).pipe(Effect.flatMap((response) => response.text), Effect.provide(NodeHttpClient.layerUndici))
      expect(text).toBe(`${payload.length} hi`)
    }).pipe(Effect.scoped, Effect.timeout("10 seconds")))

  it.effect("frame: a one-file body written in place around bytes in a buffer, the same parse, no copy", () =>
    Effect.gen(function*() {
      const frame = Multipart.frame("file", { fileName: "répört \"q\".bin", contentType: "application/x-test" })
      const buffer = new Uint8Array(frame.headLength + payload.length + frame.tailLength + 10)
      buffer.set(payload, frame.headLength)
      const body = frame.body(buffer, payload.length)
      expect(body._tag).toBe("Uint8Array")
      const bytes = (body as HttpBody.Uint8Array).body
      // a view of the caller's buffer: the file's bytes were not copied
      expect(bytes.buffer).toBe(buffer.buffer)
      expect(bytes.length).toBe(frame.headLength + payload.length + frame.tailLength)
      const form = yield* parse(body)
      const file = form.get("file") as File
      expect(file.name).toBe("répört \"q\".bin")
      expect(file.type).toBe("application/x-test")
      expect(new Uint8Array(yield* Effect.promise(() => file.arrayBuffer()))).toEqual(payload)
      // a shorter part in the same buffer (the last part of an upload): the tail follows it
      const short = yield* parse(frame.body(buffer, 5))
      expect(new Uint8Array(yield* Effect.promise(() => (short.get("file") as File).arrayBuffer()))).toEqual(
        payload.subarray(0, 5)
      )
      expect(() => frame.body(buffer, buffer.length)).toThrow(RangeError)
    }))
})

// Parallel chunk upload (issue 12): numbered parts sent `parallel` at a time, then one finalize, for both protocols.
import * as Client from "@effect-docspace/core/DocSpaceClient"
import * as Multipart from "@effect-docspace/core/Multipart"
import { Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpBody from "@effect/platform/HttpBody"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { baseUrl, envelope, fakeUrl, make, onFake, partBytes, type Recorded, sameBytes } from "./curated-mock.js"

const CHUNK = 1000
const myId = Effect.flatMap(Client.DocSpaceClient, (client) =>
  Effect.map(
    client.request(
      { operation: "getMy", method: "GET", path: "/api/2.0/files/@my" },
      Schema.Struct({ current: Schema.Struct({ id: Schema.Number }) })
    ),
    (c) => c.current.id
  ))
const pattern = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 251)

// A location-protocol portal that records numbered parts and how many are in flight at once; `refuse` makes part n
// answer `success: false`.
const parallelPortal = (
  options: { readonly refuse?: number; readonly threads?: number; readonly pulled?: Ref.Ref<number> } = {}
) => {
  const state = {
    numbers: [] as Array<number>,
    parts: new Map<number, Uint8Array>(),
    inFlight: 0,
    peak: 0,
    pulledAt: new Map<number, number>()
  }
  const log: Array<string> = []
  const transport = make((request: Recorded) =>
    Effect.gen(function*() {
      const path = request.url.pathname
      const query = request.url.searchParams
      if (path === "/api/2.0/files/settings") {
        return envelope({ chunkUploadSize: CHUNK, maxUploadThreadCount: options.threads ?? 15 })
      }
      if (path.endsWith("/upload/create_session")) {
        return envelope({ success: true, data: { id: "s1", location: `${baseUrl}/ChunkedUploader.ashx?uid=s1` } })
      }
      if (path === "/ChunkedUploader.ashx") {
        if (query.get("abort") === "true") {
          log.push("abort")
          return { json: { success: true } }
        }
        if (query.get("finalize") === "true") {
          log.push("finalize")
          return {
            status: 201,
            json: { success: true, data: { id: 77, uploaded: true, title: "p.bin", file: { id: 77, title: "p.bin" } } }
          }
        }
        expect(query.get("upload")).toBe("true")
        const n = Number(query.get("chunkNumber"))
        state.numbers.push(n)
        state.parts.set(n, yield* partBytes(request))
        if (options.pulled) state.pulledAt.set(n, yield* Ref.get(options.pulled))
        state.inFlight++
        state.peak = Math.max(state.peak, state.inFlight)
        // let the other parts' fibers run meanwhile
        yield* Effect.repeatN(Effect.yieldNow(), 20)
        state.inFlight--
        if (options.refuse === n) return { json: { success: false, message: "Quota exceeded" } }
        return { json: { success: true, data: { id: "s1" } } }
      }
      return { status: 404, json: { statusCode: 404 } }
    })
  )
  return { ...transport, state, log }
}

describe("Uploads parallel", () => {
  it.effect("location protocol: numbered parts, at most `parallel` at once, read lazily, then finalize", () => {
    const pulled = Ref.unsafeMake(0)
    const portal = parallelPortal({ pulled })
    const content = pattern(10 * CHUNK + 5)
    return Effect.gen(function*() {
      const progress: Array<number> = []
      const file = yield* Uploads.upload({
        folderId: 5,
        fileName: "p.bin",
        size: content.length,
        content: Stream.range(0, 100).pipe(
          Stream.map((i) => content.subarray(i * 100, (i + 1) * 100)),
          Stream.filter((b) => b.length > 0),
          Stream.tap((b) => Ref.update(pulled, (n) => n + b.length))
        ),
        parallel: 3,
        onProgress: ({ bytesSent }) => Effect.sync(() => progress.push(bytesSent))
      })
      expect(file.id).toBe(77)
      expect(portal.state.peak).toBe(3)
      expect([...portal.state.numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
      const joined = Buffer.concat(Array.from({ length: 11 }, (_, i) => portal.state.parts.get(i + 1)!))
      expect(sameBytes(joined, content)).toBe(true)
      expect(portal.log).toEqual(["finalize"])
      expect(progress.at(-1)).toBe(content.length)
      // constant memory: when part n arrives, at most `parallel` parts after it have been read, plus one read ahead
      for (const [n, at] of portal.state.pulledAt) expect(at).toBeLessThanOrEqual((n + 3 + 1) * CHUNK)
      expect(portal.state.pulledAt.get(1)).toBeLessThan(content.length)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the portal's maxUploadThreadCount with parallel: \"portal\"", () => {
    const portal = parallelPortal({ threads: 2 })
    const content = pattern(6 * CHUNK)
    return Effect.gen(function*() {
      yield* Uploads.upload({
        folderId: 5,
        fileName: "p.bin",
        size: content.length,
        content: Stream.make(content),
        parallel: "portal"
      })
      expect(portal.state.peak).toBe(2)
      expect(yield* Uploads.maxUploadThreads).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a refused part fails with the portal's message; no finalize; the session is aborted", () => {
    const portal = parallelPortal({ refuse: 2 })
    const content = pattern(6 * CHUNK)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({
          folderId: 5,
          fileName: "p.bin",
          size: content.length,
          content: Stream.make(content),
          parallel: 3
        })
      )
      expect(error._tag).toBe("BadRequest")
      expect(error.message).toContain("Quota exceeded")
      expect(portal.log).toEqual(["abort"])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an invalid parallel is a BadRequest before any upload request", () => {
    const portal = parallelPortal()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "p.bin", size: 5000, content: Stream.make(pattern(5000)), parallel: 0 })
      )
      expect(error._tag).toBe("BadRequest")
      expect(portal.requests.filter((r) => r.url.pathname !== "/api/2.0/files/settings")).toEqual([])
    }).pipe(Effect.provide(portal.layer))
  })
})

const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl, chunkUploadSize: CHUNK })

describe("Uploads parallel on FakeDocSpace", () => {
  it.effect("both protocols store the file whole", () =>
    Effect.gen(function*() {
      const content = pattern(7 * CHUNK + 11)
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const files = []
        for (const protocol of ["location", "session"] as const) {
          files.push(
            yield* Uploads.upload({
              folderId: "@my",
              fileName: `${protocol}.bin`,
              size: content.length,
              content: Stream.make(content),
              protocol,
              parallel: "portal"
            })
          )
        }
        return files
      }))
      const files = yield* exit
      for (const file of files) {
        const stored = yield* fake.state.fileContent(Number(file.id))
        expect(stored._tag === "Some" && sameBytes(stored.value, content)).toBe(true)
      }
      const counts = yield* fake.state.counts
      expect(counts.byRoute["POST /ChunkedUploader.ashx"]).toBe(9)
      expect(counts.byRoute["POST /api/2.0/files/{folderId}/session/{sessionId}/upload"]).toBe(8)
      expect(counts.byRoute["PUT /api/2.0/files/{folderId}/session/{sessionId}/finalize"]).toBe(1)
    }).pipe(Effect.provide(Fake)))

  it.effect("a non-ASCII name: the parts carry an ASCII one, so the portal's length arithmetic holds", () =>
    Effect.gen(function*() {
      const content = pattern(3 * CHUNK + 7)
      const { exit, fake } = yield* onFake(
        Uploads.upload({
          folderId: "@my",
          fileName: "отчёт «итог».bin",
          size: content.length,
          content: Stream.make(content),
          parallel: 2
        })
      )
      const file = yield* exit
      expect(file.title).toBe("отчёт «итог».bin")
      const stored = yield* fake.state.fileContent(Number(file.id))
      expect(stored._tag === "Some" && sameBytes(stored.value, content)).toBe(true)
    }).pipe(Effect.provide(Fake)))

  it.effect("the fake refuses a numbered part whose length the portal would compute wrong (three headers)", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const client = yield* Client.DocSpaceClient
        const session = yield* client.request({
          operation: "createUploadSession",
          method: "POST",
          path: "/api/2.0/files/@my/upload/create_session".replace("@my", String(yield* myId)),
          body: Client.jsonBody({ fileName: "h.bin", fileSize: 2 * CHUNK })
        }, Schema.Struct({ data: Schema.Struct({ location: Schema.String }) }))
        const location = session.data.location.replace(/^https?:\/\/[^/]+/, "")
        const b = "xyz"
        const head = `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n` +
          `Content-Type: application/octet-stream\r\nX-Extra: 1\r\n\r\n`
        const body = Buffer.concat([Buffer.from(head), Buffer.from(pattern(CHUNK)), Buffer.from(`\r\n--${b}--\r\n`)])
        return yield* client.request({
          operation: "uploadChunk",
          method: "POST",
          path: `${location}&upload=true&chunkNumber=1`,
          envelope: false,
          body: HttpBody.uint8Array(body, `multipart/form-data; boundary=${b}`)
        }, Schema.Struct({ success: Schema.Boolean, message: Schema.String }))
      }))
      const reply = yield* exit
      expect(reply.success).toBe(false)
      expect(reply.message).toContain("Content-Length")
    }).pipe(Effect.provide(Fake)))

  it.effect("the fake takes numbered parts out of order, as the server does", () =>
    Effect.gen(function*() {
      const content = pattern(3 * CHUNK)
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const client = yield* Client.DocSpaceClient
        const folderId = yield* Effect.map(
          client.request(
            { operation: "x", method: "GET", path: "/api/2.0/files/@my" },
            Schema.Struct({
              current: Schema.Struct({ id: Schema.Number })
            })
          ),
          (c) => c.current.id
        )
        const session = yield* client.request({
          operation: "createUploadSession",
          method: "POST",
          path: `/api/2.0/files/${folderId}/upload/create_session`,
          body: Client.jsonBody({ fileName: "o.bin", fileSize: content.length })
        }, Schema.Struct({ data: Schema.Struct({ location: Schema.String }) }))
        const location = session.data.location.replace(/^https?:\/\/[^/]+/, "")
        for (const n of [3, 1, 2]) {
          yield* client.request({
            operation: "uploadChunk",
            method: "POST",
            path: `${location}&upload=true&chunkNumber=${n}`,
            envelope: false,
            body: Multipart.body([Multipart.file("file", content.subarray((n - 1) * CHUNK, n * CHUNK))])
          }, Schema.Struct({ success: Schema.Literal(true) }))
        }
        return yield* client.request({
          operation: "uploadChunk",
          method: "POST",
          path: `${location}&finalize=true`,
          envelope: false
        }, Schema.Struct({ data: Schema.Struct({ id: Schema.Number, uploaded: Schema.Literal(true) }) }))
      }))
      const done = yield* exit
      const stored = yield* fake.state.fileContent(done.data.id)
      expect(stored._tag === "Some" && sameBytes(stored.value, content)).toBe(true)
    }).pipe(Effect.provide(Fake)))
})

import { Auth } from "@effect-docspace/core"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { DocSpace, Uploads } from "@effect-docspace/resources"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { rechunk } from "../src/internal/bytes.js"
import { baseUrl, envelope, make, partBytes, type Recorded, type Reply, sameBytes } from "./curated-mock.js"

const CHUNK = 1000

// bytes 0..n-1 of a recognisable pattern
const pattern = (from: number, length: number) => Uint8Array.from({ length }, (_, i) => (from + i) % 251)

// a content stream of `pieces` arrays of `pieceSize` bytes, counting what has been pulled
const counted = (pulled: Ref.Ref<number>, pieces: number, pieceSize: number) =>
  Stream.range(0, pieces - 1).pipe(
    Stream.mapEffect((i) => Effect.as(Ref.update(pulled, (n) => n + pieceSize), pattern(i * pieceSize, pieceSize)))
  )

interface Portal {
  readonly parts: Array<Uint8Array>
  /** Bytes pulled from the content when each part arrived. */
  readonly pulledAt: Array<number>
}

// A portal with the location protocol that counts parts as the server does (ChunkedUploaderHandler,
// CommonChunkedUploadSessionHolder): a file smaller than its chunk size (`serverChunk`, default CHUNK) is stored from
// the first part (201); a bigger one is finalized once the parts numbered 1..ceil(size / serverChunk) hold `size`
// bytes. `refuse(n)` makes part n answer `success: false`; `lastReply` replaces the answer that would store the file.
const uploadPortal = (
  options: {
    readonly pulled?: Ref.Ref<number>
    readonly refuse?: number
    /** What part n (from 1) is answered with instead of the portal's answer. */
    readonly answers?: ReadonlyMap<number, unknown>
    readonly serverChunk?: number
    readonly location?: string
    readonly lastReply?: Reply
    readonly onAbort?: () => Effect.Effect<Reply>
    readonly onCreate?: () => Effect.Effect<void>
  } = {}
) => {
  const state: Portal = { parts: [], pulledAt: [] }
  const serverChunk = options.serverChunk ?? CHUNK
  let total = 0
  let fileName = ""
  let done = false
  const transport = make((request: Recorded): Effect.Effect<Reply> =>
    Effect.gen(function*() {
      const path = request.url.pathname
      if (path === "/api/2.0/files/settings") return envelope({ chunkUploadSize: CHUNK, extsDocument: [".docx"] })
      if (path === "/api/2.0/files/@my") return envelope({ current: { id: 42, title: "My documents" }, files: [] })
      if (path.endsWith("/upload/create_session")) {
        if (options.onCreate) yield* options.onCreate()
        const body = request.json as { fileName: string; fileSize: number }
        total = body.fileSize
        fileName = body.fileName
        done = false
        return envelope({
          success: true,
          data: { id: "s1", location: options.location ?? `${baseUrl}/ChunkedUploader.ashx?uid=s1`, bytes_total: total }
        })
      }
      if (path === "/api/2.0/files/42/session/s1" && request.method === "DELETE") {
        return options.onAbort ? yield* options.onAbort() : envelope(null)
      }
      if (path === "/ChunkedUploader.ashx") {
        if (request.url.searchParams.get("abort") === "true") {
          return options.onAbort ? yield* options.onAbort() : { json: { success: true, message: "" } }
        }
        if (done) {
          return {
            json: { success: false, message: "Not authorized or session with specified upload id already expired" }
          }
        }
        const bytes = yield* partBytes(request)
        state.parts.push(bytes)
        if (options.pulled) state.pulledAt.push(yield* Ref.get(options.pulled))
        if (options.refuse === state.parts.length) {
          return { json: { success: false, message: "Quota exceeded" } }
        }
        if (options.answers?.has(state.parts.length)) return { json: options.answers.get(state.parts.length) }
        const count = Math.ceil(total / serverChunk)
        const received = state.parts.slice(0, count).reduce((n, p) => n + p.length, 0)
        const stored = total < serverChunk ? bytes.length <= total : received === total
        if (!stored) return { json: { success: true, data: { id: "s1", bytes_uploaded: received } } }
        done = true
        return options.lastReply ?? {
          status: 201,
          json: {
            success: true,
            message: "",
            data: {
              id: 77,
              folderId: 5,
              version: 1,
              title: fileName,
              uploaded: true,
              file: { id: 77, title: fileName, folderId: 5, version: 1, pureContentLength: bytes.length }
            }
          }
        }
      }
      return { status: 404, json: { error: { message: `no route ${path}` }, statusCode: 404 } }
    })
  )
  return { ...transport, state }
}

const concat = (parts: ReadonlyArray<Uint8Array>) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

describe("Uploads", () => {
  it.effect("sends exact chunk-sized parts in order; the last is shorter; the chunk size is asked once", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const pulled = yield* Ref.make(0)
      const file = yield* Uploads.upload({
        folderId: 5,
        fileName: "a.bin",
        size: 3500,
        content: counted(pulled, 10, 350)
      })
      expect(file).toMatchObject({ id: 77, title: "a.bin", folderId: 5 })
      expect(portal.state.parts.map((p) => p.length)).toEqual([1000, 1000, 1000, 500])
      expect(sameBytes(concat(portal.state.parts), pattern(0, 3500))).toBe(true)
      const session = portal.requests.find((r) => r.url.pathname.endsWith("create_session"))!
      expect(session.json).toEqual({ fileName: "a.bin", fileSize: 3500 })
      expect(session.url.pathname).toBe("/api/2.0/files/5/upload/create_session")

      // a second upload with the same client: no second settings request
      yield* Uploads.upload({ folderId: 5, fileName: "b.bin", size: 10, content: Stream.make(pattern(0, 10)) })
      expect(portal.requests.filter((r) => r.url.pathname === "/api/2.0/files/settings").length).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("pulls the content lazily: at most one part ahead of what was sent", () => {
    const pulled = Effect.runSync(Ref.make(0))
    const portal = uploadPortal({ pulled })
    return Effect.gen(function*() {
      // 100 parts from 400 pieces of 250 bytes
      yield* Uploads.upload({ folderId: 5, fileName: "big.bin", size: 100_000, content: counted(pulled, 400, 250) })
      expect(portal.state.parts.length).toBe(100)
      portal.state.pulledAt.forEach((pulledBytes, i) => {
        // part i is sent once part i+1 has been assembled (the look-ahead that detects the end), never more
        expect(pulledBytes).toBeLessThanOrEqual(Math.min(100_000, (i + 2) * CHUNK))
        expect(pulledBytes).toBeGreaterThanOrEqual((i + 1) * CHUNK)
      })
    }).pipe(Effect.provide(portal.layer))
  }, 30_000)

  it.effect("a longer stream than the size fails with BadRequest before the file is complete, and aborts", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3000, content: Stream.make(pattern(0, 3500)) })
      )
      expect(error._tag).toBe("BadRequest")
      expect(error.message).toContain("longer than the declared size of 3000")
      // the third part would have completed the file: it was never sent
      expect(portal.state.parts.length).toBeLessThan(3)
      expect(portal.requests.some((r) => r.url.searchParams.get("abort") === "true")).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a shorter stream than the size fails with BadRequest before its last part", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 4000, content: Stream.make(pattern(0, 3500)) })
      )
      expect(error._tag).toBe("BadRequest")
      expect(error.message).toContain("3500 bytes but the declared size is 4000")
      expect(portal.state.parts.map((p) => p.length)).toEqual([1000, 1000, 1000])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a part answered with HTTP 200 and success:false is a typed BadRequest with the portal's message", () => {
    const portal = uploadPortal({ refuse: 2 })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3500, content: Stream.make(pattern(0, 3500)) })
      )
      expect(error._tag).toBe("BadRequest")
      expect(error).toMatchObject({ message: "Quota exceeded", status: 200, operation: "uploadChunk" })
      // the location's query (the upload id) is not in the error
      expect(error._tag === "BadRequest" && error.url).toBe(`${baseUrl}/ChunkedUploader.ashx`)
      expect(portal.state.parts.length).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a part's answer of another shape is a DecodeError; a null success or message counts as missing", () =>
    Effect.gen(function*() {
      const upload = (answer: unknown) => {
        const portal = uploadPortal({ answers: new Map([[2, answer]]) })
        return Effect.map(
          Effect.either(
            Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3500, content: Stream.make(pattern(0, 3500)) }).pipe(
              Effect.provide(portal.layer)
            )
          ),
          (result) => [result, portal.state.parts.length] as const
        )
      }
      for (const answer of [{ success: "yes" }, { success: true, message: 5 }, [], "ok", null, 1]) {
        const [result, parts] = yield* upload(answer)
        expect(result._tag, JSON.stringify(answer)).toBe("Left")
        if (result._tag === "Left") {
          expect(result.left).toMatchObject({
            _tag: "DecodeError",
            message: "unexpected answer to a part",
            status: 200
          })
        }
        // the upload stops at the part whose answer it cannot read
        expect(parts).toBe(2)
      }
      // null is missing: a success; the upload goes on to the file
      const [stored, parts] = yield* upload({ success: null, message: null, data: null })
      expect(stored._tag).toBe("Right")
      expect(parts).toBe(4)
      // success: false with a null message is refused with the client's own message
      const [refused] = yield* upload({ success: false, message: null })
      expect(refused._tag === "Left" && refused.left).toMatchObject({
        _tag: "BadRequest",
        message: "the portal refused the part"
      })
    }))

  it.effect("an invalid size is a BadRequest before any request", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 1.5, content: Stream.empty })
      )
      expect(error._tag).toBe("BadRequest")
      expect(portal.requests.length).toBe(0)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a chunkSize that is not a positive safe integer is a BadRequest before any request", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      for (const chunkSize of [Infinity, Number.NaN, 0.5, 0, -1, 1.5, 2 ** 60]) {
        const exit = yield* Effect.exit(
          Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3, content: Stream.make(pattern(0, 3)), chunkSize })
        )
        expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail", error: { _tag: "BadRequest" } } })
      }
      expect(portal.requests.length).toBe(0)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a chunkSize other than the portal's is a BadRequest before any upload request; equal to it is fine", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      for (const chunkSize of [1, 999, 1001]) {
        const error = yield* Effect.flip(
          Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3, content: Stream.make(pattern(0, 3)), chunkSize })
        )
        expect(error._tag).toBe("BadRequest")
        expect(error.message).toContain(`chunkSize ${chunkSize} is not the portal's chunk size 1000`)
      }
      // only the settings were read
      expect(portal.requests.map((r) => r.url.pathname)).toEqual(["/api/2.0/files/settings"])
      const file = yield* Uploads.upload({
        folderId: 5,
        fileName: "a.bin",
        size: 2500,
        content: Stream.make(pattern(0, 2500)),
        chunkSize: 1000
      })
      expect(file.id).toBe(77)
      expect(portal.state.parts.map((p) => p.length)).toEqual([1000, 1000, 500])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a last answer that does not prove the file (no 201, the session's id) fails and aborts the session", () => {
    const replies: ReadonlyArray<Reply> = [
      // what the portal answers while it still waits for parts
      { json: { success: true, data: { id: "s1", bytes_uploaded: 2500, bytes_total: 2500 } } },
      { status: 201, json: { success: true, data: { id: "s1", uploaded: true } } },
      { status: 201, json: { success: true, data: { uploaded: false, id: 77 } } },
      { status: 201, json: { success: true, data: {} } }
    ]
    return Effect.forEach(replies, (lastReply) => {
      const portal = uploadPortal({ lastReply })
      return Effect.gen(function*() {
        const error = yield* Effect.flip(
          Uploads.upload({ folderId: 5, fileName: "a.bin", size: 2500, content: Stream.make(pattern(0, 2500)) })
        )
        expect(error._tag).toBe("ServerError")
        expect(portal.requests.at(-1)!.url.searchParams.get("abort")).toBe("true")
      }).pipe(Effect.provide(portal.layer))
    })
  })

  it.effect("a portal that stores the file from a part before the last one is a typed error, not a truncated success", () => {
    // its real chunk size is 4000 while its settings say 1000: it stores the file from the first part
    const portal = uploadPortal({ serverChunk: 4000 })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 2500, content: Stream.make(pattern(0, 2500)) })
      )
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("stored the file after 1000 of 2500 bytes")
      expect(portal.state.parts.length).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("@my is resolved to its folder id first: the session routes have no alias", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const file = yield* Uploads.upload({
        folderId: "@my",
        fileName: "a.bin",
        size: 1500,
        content: Stream.make(pattern(0, 1500))
      })
      expect(file.id).toBe(77)
      const paths = portal.requests.map((r) => r.url.pathname)
      expect(paths.slice(0, 3)).toEqual([
        "/api/2.0/files/settings",
        "/api/2.0/files/@my",
        "/api/2.0/files/42/upload/create_session"
      ])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an abort the portal never answers is bounded by the timeout (it runs in a finalizer)", () => {
    // the portal answers the abort's headers, then its body never comes
    const silent = (): Reply => ({
      headers: { "content-type": "application/json" },
      body: new ReadableStream<Uint8Array>({ pull: () => new Promise<void>(() => {}) })
    })
    const portal = uploadPortal({ refuse: 2, onAbort: () => Effect.succeed(silent()) })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 3500, content: Stream.make(pattern(0, 3500)) })
      )
      for (let i = 0; i < 20 && !portal.requests.some((r) => r.url.searchParams.get("abort") === "true"); i++) {
        yield* Effect.yieldNow()
        yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      }
      expect(portal.requests.some((r) => r.url.searchParams.get("abort") === "true")).toBe(true)
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      // the client's timeout is 30 s by default
      yield* TestClock.adjust("31 seconds")
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      const exit = yield* Fiber.poll(fiber)
      expect(Option.isSome(exit)).toBe(true)
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "BadRequest", message: "Quota exceeded" })
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a malformed upload location is a typed error; the session is aborted through the REST route", () => {
    const portal = uploadPortal({ location: "http://[::1" })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: "@my", fileName: "a.bin", size: 1500, content: Stream.make(pattern(0, 1500)) })
      )
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("location")
      const last = portal.requests.at(-1)!
      expect([last.method, last.url.pathname]).toEqual(["DELETE", "/api/2.0/files/42/session/s1"])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an interruption while the session is being opened aborts the session once the portal answers", () => {
    const gate = Effect.runSync(Deferred.make<void>())
    const arrived = Effect.runSync(Deferred.make<void>())
    const portal = uploadPortal({
      onCreate: () => Effect.zipRight(Deferred.succeed(arrived, undefined), Deferred.await(gate))
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 1500, content: Stream.make(pattern(0, 1500)) })
      )
      yield* Deferred.await(arrived)
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* Effect.yieldNow()
      yield* Deferred.succeed(gate, undefined)
      const exit = yield* Fiber.join(interrupting)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(portal.state.parts.length).toBe(0)
      expect(portal.requests.at(-1)!.url.searchParams.get("abort")).toBe("true")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an interruption while create_session waits for a rate-limit permit leaves no fiber to open it later", () => {
    // one create_session per 10 minutes: the second upload's create waits for a permit, which the request timeout
    // (30 s) does not bound, so the clean-up's bounded wait ends first
    let creates = 0
    const client = HttpClient.make((request, url) =>
      Effect.sync(() => {
        const json = (body: unknown) =>
          HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } })
          )
        if (url.pathname === "/api/2.0/files/settings") return json(envelope({ chunkUploadSize: CHUNK }).json)
        if (url.pathname.endsWith("/upload/create_session")) {
          creates++
          return json(envelope({ success: true, data: { id: "s1", location: `${baseUrl}/ChunkedUploader.ashx` } }).json)
        }
        // every part and every abort fails: the first upload ends with an aborted session
        return json({ success: false, message: "refused" })
      })
    )
    const layer = DocSpace.layer({
      baseUrl,
      auth: Auth.apiKey(Redacted.make("key")),
      rateLimit: {
        ...RateLimitPolicy.unlimited,
        maxWait: Duration.hours(1),
        routes: [{
          route: "POST /api/2.0/files/*/upload/create_session",
          windows: [{ limit: 1, interval: Duration.minutes(10), kind: "fixed" }]
        }]
      }
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.orDie)
    const upload = Uploads.upload({
      folderId: 5,
      fileName: "a.bin",
      size: 1500,
      content: Stream.make(pattern(0, 1500))
    })
    return Effect.gen(function*() {
      yield* Effect.flip(upload)
      expect(creates).toBe(1)
      const fiber = yield* Effect.fork(upload)
      for (let i = 0; i < 5; i++) yield* Effect.yieldNow()
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* TestClock.adjust("61 seconds")
      expect(Exit.isInterrupted(yield* Fiber.join(interrupting))).toBe(true)
      // the permit comes back: nothing is left to open a session nobody aborts
      yield* TestClock.adjust("20 minutes")
      for (let i = 0; i < 5; i++) yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      expect(creates).toBe(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("rechunk refuses a part size under one byte instead of looping", () =>
    Effect.gen(function*() {
      for (const size of [Number.NaN, 0, 0.5, -1]) {
        const exit = yield* Effect.exit(Stream.runCollect(rechunk(size)(Stream.make(pattern(0, 3)))))
        expect(exit._tag).toBe("Failure")
      }
      const parts = yield* Stream.runCollect(rechunk(2)(Stream.make(pattern(0, 3))))
      expect([...parts].map((p) => p.length)).toEqual([2, 1])
    }))

  it.effect("each part is a well-formed multipart body carrying the exact file name", () => {
    const portal = uploadPortal()
    return Effect.gen(function*() {
      const fileName = "отчёт \"Q3\"; final.bin"
      yield* Uploads.upload({ folderId: 5, fileName, size: 1500, content: Stream.make(pattern(0, 1500)) })
      const parts = portal.requests.filter((r) => r.url.pathname === "/ChunkedUploader.ashx")
      expect(parts.map((r) => r.file?.fileName)).toEqual([fileName, fileName])
      expect(parts[0]!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an empty file goes through the simple multipart upload, not an empty part", () => {
    const portal = make((request) => {
      if (request.method === "POST" && request.url.pathname === "/api/2.0/files/5/upload") {
        return envelope([{ id: 79, title: request.file?.fileName, folderId: 5, pureContentLength: 0 }])
      }
      return { status: 404, json: { error: { message: `no route ${request.url.pathname}` } } }
    })
    return Effect.gen(function*() {
      for (const protocol of ["location", "session"] as const) {
        const file = yield* Uploads.upload({
          folderId: 5,
          fileName: "empty.txt",
          size: 0,
          content: Stream.empty,
          protocol,
          createNewIfExist: true
        })
        expect(file).toMatchObject({ id: 79, title: "empty.txt" })
      }
      expect(portal.requests.map((r) => r.url.pathname)).toEqual(["/api/2.0/files/5/upload", "/api/2.0/files/5/upload"])
      expect(portal.requests[0]!.file).toMatchObject({ fileName: "empty.txt" })
      expect(portal.requests[0]!.file!.bytes.length).toBe(0)
      expect(portal.requests[0]!.url.searchParams.get("createNewIfExist")).toBe("true")
      // content that is not empty after all is refused before anything is sent
      const error = yield* Effect.flip(
        Uploads.upload({ folderId: 5, fileName: "e.txt", size: 0, content: Stream.make(new Uint8Array(1)) })
      )
      expect(error._tag).toBe("BadRequest")
      expect(portal.requests.length).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the 3.7 REST session protocol: numbered parts, then finalize", () => {
    const parts: Array<[string | null, number]> = []
    const portal = make((request) =>
      Effect.gen(function*() {
        const path = request.url.pathname
        if (path === "/api/2.0/files/settings") return envelope({ chunkUploadSize: CHUNK })
        if (path === "/api/2.0/files/5/session") return envelope({ id: "abc", bytes_total: 2500 })
        if (path === "/api/2.0/files/5/session/abc/upload") {
          parts.push([request.url.searchParams.get("chunkNumber"), (yield* partBytes(request)).length])
          return envelope({ id: "abc" })
        }
        if (path === "/api/2.0/files/5/session/abc/finalize" && request.method === "PUT") {
          return envelope({ id: 78, title: "r.bin", uploaded: true, file: { id: 78, title: "r.bin" } })
        }
        return { status: 404, json: { error: { message: "no route" } } }
      })
    )
    return Effect.gen(function*() {
      const file = yield* Uploads.upload({
        folderId: 5,
        fileName: "r.bin",
        size: 2500,
        content: Stream.make(pattern(0, 2500)),
        protocol: "session"
      })
      expect(file).toMatchObject({ id: 78, title: "r.bin" })
      expect(parts).toEqual([["1", 1000], ["2", 1000], ["3", 500]])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the REST session protocol aborts the session when finalize fails", () => {
    const portal = make((request) =>
      Effect.gen(function*() {
        const path = request.url.pathname
        if (path === "/api/2.0/files/settings") return envelope({ chunkUploadSize: CHUNK })
        if (path === "/api/2.0/files/5/session") return envelope({ id: "abc", bytes_total: 1500 })
        if (path === "/api/2.0/files/5/session/abc/upload") {
          yield* partBytes(request)
          return envelope({ id: "abc" })
        }
        if (path === "/api/2.0/files/5/session/abc/finalize") {
          return { status: 500, json: { error: { message: "storage unavailable" }, statusCode: 500 } }
        }
        if (path === "/api/2.0/files/5/session/abc" && request.method === "DELETE") return envelope(null)
        return { status: 404, json: { error: { message: "no route" } } }
      })
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Uploads.upload({
        folderId: 5,
        fileName: "r.bin",
        size: 1500,
        content: Stream.make(pattern(0, 1500)),
        protocol: "session"
      }))
      expect(error._tag).toBe("ServerError")
      const last = portal.requests.at(-1)!
      expect([last.method, last.url.pathname]).toEqual(["DELETE", "/api/2.0/files/5/session/abc"])
    }).pipe(Effect.provide(portal.layer))
  })
})

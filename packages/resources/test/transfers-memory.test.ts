/**
 * Uploads in bounded memory, without a copy per part (issue 13): the parts are cut into a few pooled buffers, reused
 * once their request is over, whatever the content's chunking; the multipart frame is written around the part in
 * place. A retried part is sent again with the same bytes.
 */
import { Auth } from "@effect-docspace/core"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { DocSpace, Uploads } from "@effect-docspace/resources"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { cut, LengthMismatch } from "../src/internal/bytes.js"

const CHUNK = 1000
const baseUrl = "https://portal.example.com"
const pattern = (from: number, length: number) => Uint8Array.from({ length }, (_, i) => (from + i) % 251)

/** The file bytes of a multipart body (one part): what lies between the head's blank line and the closing boundary. */
const fileOf = (body: Uint8Array, contentType: string) => {
  const boundary = /boundary=(.+)$/.exec(contentType)![1]!
  const text = Buffer.from(body).toString("latin1")
  const start = text.indexOf("\r\n\r\n") + 4
  const end = text.length - `\r\n--${boundary}--\r\n`.length
  expect(text.startsWith(`--${boundary}\r\n`)).toBe(true)
  expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true)
  return body.slice(start, end)
}

/**
 * A portal with the location protocol (sequential parts, or numbered ones and `finalize`) that records each part's
 * bytes (copied as it arrives) and the `ArrayBuffer` the body was a view of; `refuseOnce(n)` answers part n's first
 * attempt with a 429.
 */
const portal = (options: { readonly refuseOnce?: number } = {}) => {
  const buffers = new Set<ArrayBufferLike>()
  const parts = new Map<number, Uint8Array>()
  let size = 0
  let sequential = 0
  let refused = false
  const reply = (request: Parameters<Parameters<typeof HttpClient.make>[0]>[0], status: number, json: unknown) =>
    HttpClientResponse.fromWeb(
      request,
      new Response(json === undefined ? null : JSON.stringify(json), {
        status,
        headers: json === undefined ? {} : { "content-type": "application/json" }
      })
    )
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const path = url.pathname
      if (path === "/api/2.0/files/settings") {
        return reply(request, 200, { response: { chunkUploadSize: CHUNK, maxUploadThreadCount: 3 }, status: 0 })
      }
      if (path.endsWith("/upload/create_session")) {
        const body = request.body as { readonly body: Uint8Array }
        size = JSON.parse(new TextDecoder().decode(body.body)).fileSize
        return reply(request, 200, {
          response: { success: true, data: { id: "s1", location: `${baseUrl}/ChunkedUploader.ashx?uid=s1` } },
          status: 0
        })
      }
      if (path !== "/ChunkedUploader.ashx") return reply(request, 404, { error: { message: "no route" }, status: 1 })
      const params = url.searchParams
      const file = { id: 77, title: "a.bin", folderId: 5, version: 1 }
      const done = { success: true, data: { ...file, uploaded: true, file } }
      if (params.get("abort") === "true") return reply(request, 200, { success: true })
      if (params.get("finalize") === "true") return reply(request, 201, done)
      const n = params.get("chunkNumber") !== null ? Number(params.get("chunkNumber")) : ++sequential
      if (options.refuseOnce === n && !refused) {
        refused = true
        return reply(request, 429, undefined)
      }
      const body = request.body as { readonly body: Uint8Array; readonly contentType: string }
      buffers.add(body.body.buffer)
      parts.set(n, fileOf(body.body, body.contentType))
      const received = [...parts.values()].reduce((total, part) => total + part.length, 0)
      if (params.get("upload") === "true" || received < size) {
        return reply(request, 200, { success: true, data: { bytes_uploaded: received } })
      }
      return reply(request, 201, done)
    })
  )
  const layer = DocSpace.layer({
    baseUrl,
    auth: Auth.apiKey(Redacted.make(`sk-${"0".repeat(64)}`)),
    rateLimit: RateLimitPolicy.unlimited
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.orDie)
  const stored = () => {
    const ordered = [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part)
    return Buffer.concat(ordered)
  }
  return { buffers, parts, layer, stored }
}

// 10 parts of content given as ONE chunk of 100 arrays of 100 bytes (as `Stream.fromIterable` or a range does)
const oneChunk = (size: number, piece: number) =>
  Stream.fromIterable(Array.from({ length: size / piece }, (_, i) => pattern(i * piece, piece)))

describe("Uploads: bounded memory, one copy per part", () => {
  it.effect("sequential parts reuse one buffer, whatever the content's chunking, and carry the right bytes", () => {
    const p = portal()
    return Effect.gen(function*() {
      const file = yield* Uploads.upload({
        folderId: 5,
        fileName: "a.bin",
        size: 10_000,
        content: oneChunk(10_000, 100)
      })
      expect(file.id).toBe(77)
      expect(p.parts.size).toBe(10)
      expect(Buffer.compare(p.stored(), Buffer.from(pattern(0, 10_000)))).toBe(0)
      // before: a fresh buffer per part (and the whole content cut at once from a single chunk)
      expect(p.buffers.size).toBe(1)
    }).pipe(Effect.provide(p.layer))
  })

  it.effect("parallel parts use at most `parallel` buffers", () => {
    const p = portal()
    return Effect.gen(function*() {
      yield* Uploads.upload({
        folderId: 5,
        fileName: "a.bin",
        size: 20_500,
        content: oneChunk(20_500, 500),
        parallel: 3
      })
      expect(p.parts.size).toBe(21)
      expect(Buffer.compare(p.stored(), Buffer.from(pattern(0, 20_500)))).toBe(0)
      expect(p.buffers.size).toBeLessThanOrEqual(3)
    }).pipe(Effect.provide(p.layer))
  })

  it.effect("a part refused with 429 is sent again with the same bytes (its buffer is not reused meanwhile)", () => {
    const p = portal({ refuseOnce: 2 })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Uploads.upload({ folderId: 5, fileName: "a.bin", size: 5000, content: oneChunk(5000, 250), parallel: 2 })
      )
      for (let i = 0; i < 60 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
      expect(Exit.isSuccess(yield* Fiber.await(fiber))).toBe(true)
      expect(Buffer.compare(p.stored(), Buffer.from(pattern(0, 5000)))).toBe(0)
    }).pipe(Effect.provide(p.layer))
  })
})

describe("cut", () => {
  it.effect("cuts exact parts with room around them, from any chunking, lazily", () =>
    Effect.gen(function*() {
      const content = Stream.fromIterable([pattern(0, 7), pattern(7, 1), pattern(8, 25)]).pipe(Stream.rechunk(2))
      const parts = yield* Stream.runCollect(
        content.pipe(
          cut({ size: 10, before: 3, after: 2, buffers: 1, total: 33 }),
          Stream.mapEffect((part) => {
            const bytes = part.buffer.slice(3, 3 + part.length)
            expect(part.buffer.length).toBe(15)
            return Effect.as(part.release, bytes)
          })
        )
      )
      expect(Chunk.toReadonlyArray(parts).map((p) => p.length)).toEqual([10, 10, 10, 3])
      expect(Chunk.toReadonlyArray(parts).length).toBe(4)
      expect(Buffer.compare(Buffer.concat(Chunk.toReadonlyArray(parts)), Buffer.from(pattern(0, 33)))).toBe(0)
    }))

  it.effect("a content smaller than a part gets a buffer its own size (a 200-byte file, not 10 MiB)", () =>
    Effect.gen(function*() {
      const parts = yield* Stream.runCollect(
        Stream.make(pattern(0, 200)).pipe(
          cut({ size: 10 * 1024 * 1024, before: 3, after: 2, buffers: 4, total: 200 }),
          Stream.mapEffect((part) => Effect.as(part.release, part.buffer.length))
        )
      )
      expect(Chunk.toReadonlyArray(parts)).toEqual([205])
    }))

  it.effect("waits for a buffer while all of them are held, and goes on once one is released", () =>
    Effect.gen(function*() {
      const pull = yield* Stream.toPull(
        Stream.make(pattern(0, 30)).pipe(cut({ size: 10, before: 0, after: 0, buffers: 2, total: 30 }))
      )
      const first = Chunk.unsafeHead(yield* pull)
      const second = Chunk.unsafeHead(yield* pull)
      expect(second.buffer).not.toBe(first.buffer)
      const third = yield* Effect.fork(pull)
      yield* Effect.yieldNow()
      expect(third.unsafePoll()).toBeNull()
      yield* first.release
      yield* first.release // a second release does nothing
      const got = Chunk.unsafeHead(yield* Fiber.join(third))
      expect(got.buffer).toBe(first.buffer)
      expect(Array.from(got.buffer.subarray(0, 10))).toEqual(Array.from(pattern(20, 10)))
      yield* second.release
      yield* got.release
      const end = yield* Effect.either(pull)
      expect(end._tag === "Left" && Option.isNone(end.left)).toBe(true)
    }).pipe(Effect.scoped))

  it.effect("a content longer than the total fails before the last part; a shorter one instead of its short part", () =>
    Effect.gen(function*() {
      const cutAll = (content: Stream.Stream<Uint8Array>, total: number) => {
        const seen: Array<readonly [number, boolean]> = []
        return Effect.map(
          Effect.exit(Stream.runForEach(
            content.pipe(cut({ size: 10, before: 0, after: 0, buffers: 1, total })),
            (part) => Effect.zipRight(Effect.sync(() => seen.push([part.end, part.last])), part.release)
          )),
          (exit) => ({ exit, seen })
        )
      }
      const exact = yield* cutAll(Stream.make(pattern(0, 25)), 25)
      expect(Exit.isSuccess(exact.exit)).toBe(true)
      expect(exact.seen).toEqual([[10, false], [20, false], [25, true]])
      // one byte more, even in an array of its own after the declared end: the last part is never handed out
      const longer = yield* cutAll(Stream.make(pattern(0, 25), pattern(25, 1)), 25)
      expect(longer.exit).toStrictEqual(Exit.fail(new LengthMismatch(26, false)))
      expect(longer.seen).toEqual([[10, false], [20, false]])
      const shorter = yield* cutAll(Stream.make(pattern(0, 23)), 25)
      expect(shorter.exit).toStrictEqual(Exit.fail(new LengthMismatch(23, true)))
      expect(shorter.seen).toEqual([[10, false], [20, false]])
      // ending on a part boundary before the total
      const boundary = yield* cutAll(Stream.make(pattern(0, 20)), 25)
      expect(boundary.exit).toStrictEqual(Exit.fail(new LengthMismatch(20, true)))
      // an empty content of total 0: no part; with bytes: longer
      expect((yield* cutAll(Stream.empty, 0)).seen).toEqual([])
      expect((yield* cutAll(Stream.make(pattern(0, 1)), 0)).exit).toStrictEqual(Exit.fail(new LengthMismatch(1, false)))
    }))

  it.effect("an invalid part size is a defect, not an endless loop", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Stream.runDrain(Stream.make(pattern(0, 3)).pipe(cut({ size: 0, before: 0, after: 0, buffers: 1, total: 3 })))
      )
      expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Die")
    }))
})

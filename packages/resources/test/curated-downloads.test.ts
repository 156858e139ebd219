import { Downloads, Webhooks } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { envelope, make, sameBytes } from "./curated-mock.js"

const content = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256)

// serves `content` in 4 KiB pieces, honouring `Range: bytes=a-b` unless `ignoreRange`
const filePortal = (options: { readonly ignoreRange?: boolean } = {}) =>
  make((request) => {
    if (request.url.pathname === "/api/2.0/files/file/101/presigneduri") {
      return envelope("https://portal.example.com/storage/presigned/t0k3n")
    }
    if (request.url.pathname !== "/filehandler.ashx" || request.url.searchParams.get("fileid") !== "101") {
      return { status: 404, json: { error: { message: "The file was not found" }, statusCode: 404 } }
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "")
    const [status, bytes] = range === null || options.ignoreRange
      ? [200, content]
      : [206, content.subarray(Number(range[1]), range[2] === "" ? undefined : Number(range[2]) + 1)]
    let offset = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) return controller.close()
        controller.enqueue(bytes.slice(offset, offset + 4096))
        offset += 4096
      }
    })
    return { status, headers: { "content-type": "application/octet-stream" }, body }
  })

const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => {
    const parts = Chunk.toReadonlyArray(chunks)
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
    let offset = 0
    for (const p of parts) {
      out.set(p, offset)
      offset += p.length
    }
    return out
  })

describe("Downloads", () => {
  it.effect("stream gives the file's bytes through filehandler.ashx with auth", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const bytes = yield* collect(Downloads.stream(101))
      expect(sameBytes(bytes, content)).toBe(true)
      const request = portal.requests[0]!
      expect(request.url.pathname).toBe("/filehandler.ashx")
      expect(request.url.searchParams.get("action")).toBe("download")
      expect(request.headers.authorization).toMatch(/^Bearer /)
      expect(request.headers.range).toBeUndefined()
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a range sends the Range header and gives those bytes (end inclusive)", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const bytes = yield* collect(Downloads.stream(101, { range: { start: 5000, end: 9999 } }))
      expect(portal.requests[0]!.headers.range).toBe("bytes=5000-9999")
      expect(sameBytes(bytes, content.subarray(5000, 10_000))).toBe(true)
      const tail = yield* collect(Downloads.stream(101, { range: { start: 99_990 } }))
      expect(portal.requests[1]!.headers.range).toBe("bytes=99990-")
      expect(sameBytes(tail, content.subarray(99_990))).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a portal that ignores Range is cut to the range by the client", () => {
    const portal = filePortal({ ignoreRange: true })
    return Effect.gen(function*() {
      const bytes = yield* collect(Downloads.stream(101, { range: { start: 4000, end: 8500 } }))
      expect(sameBytes(bytes, content.subarray(4000, 8501))).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an invalid range is a BadRequest without a request; a missing file is NotFound", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const invalid = yield* Effect.flip(Stream.runDrain(Downloads.stream(101, { range: { start: 10, end: 5 } })))
      expect(invalid._tag).toBe("BadRequest")
      expect(portal.requests.length).toBe(0)
      const missing = yield* Effect.flip(Stream.runDrain(Downloads.stream(999)))
      expect(missing._tag).toBe("NotFound")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("bytes and presignedUri", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      expect((yield* Downloads.bytes(101)).length).toBe(content.length)
      expect(yield* Downloads.presignedUri(101)).toBe("https://portal.example.com/storage/presigned/t0k3n")
    }).pipe(Effect.provide(portal.layer))
  })
})

describe("Webhooks", () => {
  const secret = Redacted.make("webhook-secret")
  const body = JSON.stringify({ event: { trigger: "file.uploaded" }, payload: { id: 101 } })

  it.effect("verify accepts the portal's signature, in either hex case, of a string or the raw bytes", () =>
    Effect.gen(function*() {
      const signature = yield* Webhooks.sign({ secret, body })
      expect(signature).toMatch(/^sha256=[0-9A-F]{64}$/)
      expect(yield* Webhooks.verify({ secret, body, signature })).toBe(true)
      expect(yield* Webhooks.verify({ secret, body: new TextEncoder().encode(body), signature })).toBe(true)
      expect(yield* Webhooks.verify({ secret, body, signature: signature.toLowerCase() }))
        .toBe(true)
    }))

  it.effect("verify matches an HMAC computed independently (node:crypto)", () =>
    Effect.gen(function*() {
      const { createHmac } = yield* Effect.promise(() => import("node:crypto"))
      const expected = createHmac("sha256", "webhook-secret").update(body).digest("hex").toUpperCase()
      expect(yield* Webhooks.sign({ secret, body })).toBe(`sha256=${expected}`)
    }))

  it.effect("verify rejects a tampered body, another secret, and a missing or malformed header", () =>
    Effect.gen(function*() {
      const signature = yield* Webhooks.sign({ secret, body })
      expect(yield* Webhooks.verify({ secret, body: body.replace("101", "102"), signature })).toBe(false)
      expect(yield* Webhooks.verify({ secret: Redacted.make("other"), body, signature })).toBe(false)
      expect(yield* Webhooks.verify({ secret, body, signature: undefined })).toBe(false)
      expect(yield* Webhooks.verify({ secret, body, signature: signature.slice(7) })).toBe(false)
      expect(yield* Webhooks.verify({ secret, body, signature: `${signature}00` })).toBe(false)
      expect(yield* Webhooks.verify({ secret, body, signature: signature.replace(/.$/, "G") })).toBe(false)
    }))

  it.effect("an empty secret is just a key: sign and verify work, never die", () =>
    Effect.gen(function*() {
      const empty = Redacted.make("")
      const { createHmac } = yield* Effect.promise(() => import("node:crypto"))
      const expected = `sha256=${createHmac("sha256", "").update(body).digest("hex").toUpperCase()}`
      expect(yield* Webhooks.sign({ secret: empty, body })).toBe(expected)
      expect(yield* Webhooks.verify({ secret: empty, body, signature: expected })).toBe(true)
      expect(yield* Webhooks.verify({ secret: empty, body, signature: `sha256=${"A".repeat(64)}` })).toBe(false)
    }))

  it.effect("register sends the secret only in the body and decodes the webhook", () => {
    const portal = make(() => envelope({ id: 3, name: "hook", uri: "https://example.com/hook", enabled: true }))
    return Effect.gen(function*() {
      const hook = yield* Webhooks.register({ name: "hook", uri: "https://example.com/hook", secret })
      expect(hook).toMatchObject({ id: 3, enabled: true })
      expect(portal.requests[0]!.json).toMatchObject({ secretKey: "webhook-secret", triggers: 0 })
    }).pipe(Effect.provide(portal.layer))
  })
})

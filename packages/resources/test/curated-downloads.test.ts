import * as Client from "@effect-docspace/core/DocSpaceClient"
import { Downloads, Webhooks } from "@effect-docspace/resources"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Internal from "../src/internal/download.js"
import { baseUrl, envelope, make, sameBytes } from "./curated-mock.js"

const content = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7) % 256)

// Serves `content` in 4 KiB pieces as the portal's FileHandler does (ProcessRangeHeader, SendStreamByChunksAsync):
// `Range: bytes=a-b` / `bytes=a-` is a 206 with `Content-Range: " bytes a-b/total"` (the portal writes a leading
// space), or a 200 when it covers the whole file; a suffix or unsatisfiable range is a 400 HTML page. Options: ignore
// Range, answer a wrong Content-Range, break the body off after `breakAfter` bytes (once per entry), change the ETag.
const filePortal = (
  options: {
    readonly ignoreRange?: boolean
    readonly wrongContentRange?: boolean
    readonly breakAfter?: Array<number>
    readonly etags?: Array<string>
  } = {}
) =>
  make((request) => {
    if (request.url.pathname === "/api/2.0/files/file/101/presigneduri") {
      return envelope("https://portal.example.com/storage/presigned/t0k3n")
    }
    if (request.url.pathname !== "/filehandler.ashx" || request.url.searchParams.get("fileid") !== "101") {
      return { status: 404, json: { error: { message: "The file was not found" }, statusCode: 404 } }
    }
    const header = request.headers.range
    const etag = options.etags?.shift() ?? "\"v1\""
    let status = 200
    let bytes = content
    const headers: Record<string, string> = { "content-type": "application/octet-stream", etag }
    if (header !== undefined && !options.ignoreRange) {
      const range = /^bytes=(\d+)-(\d*)$/.exec(header)
      const start = range === null ? Number.NaN : Number(range[1])
      const end = range === null || range[2] === ""
        ? content.length - 1
        : Math.min(Number(range[2]), content.length - 1)
      if (range === null || !(end - start + 1 > 0)) {
        return {
          status: 400,
          headers: { "content-type": "text/html; charset=utf-8" },
          body: "Input string was not in a correct format."
        }
      }
      if (end - start + 1 !== content.length) {
        status = 206
        bytes = content.subarray(start, end + 1)
        headers["content-range"] = options.wrongContentRange
          ? ` bytes 0-${end - start}/${content.length}`
          : ` bytes ${start}-${end}/${content.length}`
      }
    }
    headers["content-length"] = String(bytes.length)
    const breakAt = options.breakAfter?.shift()
    let offset = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (breakAt !== undefined && offset >= breakAt) return controller.error(new Error("connection reset"))
        if (offset >= bytes.length) return controller.close()
        controller.enqueue(bytes.slice(offset, Math.min(offset + 4096, breakAt ?? Infinity)))
        offset = Math.min(offset + 4096, breakAt ?? Infinity)
      }
    })
    return { status, headers, body }
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

  it.effect("a 206 is checked against the range asked: `bytes 0-...` for `bytes=N-` is a typed error, not a wrong file", () => {
    const portal = filePortal({ wrongContentRange: true })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(collect(Downloads.stream(101, { range: { start: 5000 } })))
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("asked for bytes=5000- but the answer holds bytes 0-94999")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the portal's Content-Range (leading space, end clamped to the file) is accepted; bytes=0- is a 200", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const tail = yield* collect(Downloads.stream(101, { range: { start: 99_000, end: 200_000 } }))
      expect(sameBytes(tail, content.subarray(99_000))).toBe(true)
      const whole = yield* collect(Downloads.stream(101, { range: { start: 0 } }))
      expect(sameBytes(whole, content)).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an unsatisfiable range is the portal's 400: a typed BadRequest", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(collect(Downloads.stream(101, { range: { start: 100_000 } })))
      expect(error._tag).toBe("BadRequest")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a body that breaks off is resumed with a Range from the bytes received, bounded", () => {
    const portal = filePortal({ breakAfter: [30_000, 20_000] })
    return Effect.gen(function*() {
      const bytes = yield* collect(Downloads.stream(101))
      expect(sameBytes(bytes, content)).toBe(true)
      expect(portal.requests.map((r) => r.headers.range)).toEqual([undefined, "bytes=30000-", "bytes=50000-"])
      // a range is resumed within itself
      const ranged = filePortal({ breakAfter: [1000] })
      const part = yield* collect(Downloads.stream(101, { range: { start: 10_000, end: 19_999 } })).pipe(
        Effect.provide(ranged.layer)
      )
      expect(sameBytes(part, content.subarray(10_000, 20_000))).toBe(true)
      expect(ranged.requests.map((r) => r.headers.range)).toEqual(["bytes=10000-19999", "bytes=11000-19999"])
      // out of attempts: the transport error
      const broken = filePortal({ breakAfter: [10_000, 10_000, 10_000] })
      const error = yield* Effect.flip(collect(Downloads.stream(101, { resumeAttempts: 2 }))).pipe(
        Effect.provide(broken.layer)
      )
      expect(error._tag).toBe("TransportError")
      expect(broken.requests.length).toBe(3)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a resumption that finds another file (another ETag) fails instead of splicing two files", () => {
    const portal = filePortal({ breakAfter: [30_000], etags: ["\"v1\"", "\"v2\""] })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(collect(Downloads.stream(101)))
      expect(error._tag).toBe("ServerError")
      expect(error.message).toContain("changed")
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

// The hops after the portal's first answer (internal: the client's raw hop hands a 3xx back only once core passes
// redirects through; see Downloads' docs). A storage on another origin that records what it receives.
describe("Downloads redirects", () => {
  const storageRequests: Array<{ url: string; headers: Record<string, string> }> = []
  const storage = (reply: (url: URL) => Response) =>
    HttpClient.make((request, url) => {
      storageRequests.push({ url: url.href, headers: request.headers as unknown as Record<string, string> })
      return Effect.succeed(HttpClientResponse.fromWeb(request, reply(url)))
    })
  const presigned = "https://storage.example.net/bucket/101?X-Amz-Signature=s3cr3t"
  const redirect = (location: string, url = `${baseUrl}/filehandler.ashx`): Internal.Hop => ({
    status: 302,
    headers: { location },
    body: Stream.empty,
    url
  })
  const follow = (first: Internal.Hop, headers: Record<string, string>, client: HttpClient.HttpClient) =>
    Effect.gen(function*() {
      const docspace = yield* Client.DocSpaceClient
      return yield* Effect.scoped(
        Effect.flatMap(
          Internal.follow(docspace, "downloadFile", first, headers),
          (hop) => Effect.map(collect(hop.body), (bytes) => ({ status: hop.status, bytes }))
        )
      )
    }).pipe(Effect.provideService(Internal.StorageClient, client))

  it.effect("a redirect to the storage's origin is followed with the Range and without any credential", () => {
    const portal = filePortal()
    storageRequests.length = 0
    return Effect.gen(function*() {
      const client = storage(() =>
        new Response(content.subarray(10, 20), { status: 206, headers: { "content-range": "bytes 10-19/100000" } })
      )
      const result = yield* follow(redirect(presigned), { range: "bytes=10-19" }, client)
      expect(result.status).toBe(206)
      expect(sameBytes(result.bytes, content.subarray(10, 20))).toBe(true)
      expect(storageRequests.map((r) => r.url)).toEqual([presigned])
      const headers = storageRequests[0]!.headers
      expect(headers.range).toBe("bytes=10-19")
      expect(headers.authorization).toBeUndefined()
      expect(headers.cookie).toBeUndefined()
      expect(portal.requests.length).toBe(0)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a redirect back to the portal's origin goes through the client, with its auth", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      const result = yield* follow(
        redirect(`${baseUrl}/filehandler.ashx?action=download&fileid=101`, "https://storage.example.net/x"),
        { range: "bytes=0-99" },
        storage(() => new Response(null, { status: 500 }))
      )
      expect(sameBytes(result.bytes, content.subarray(0, 100))).toBe(true)
      expect(portal.requests[0]!.headers.authorization).toMatch(/^Bearer /)
      expect(portal.requests[0]!.headers.range).toBe("bytes=0-99")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a redirect loop, a missing Location, https to http: typed errors that never quote the signature", () => {
    const portal = filePortal()
    storageRequests.length = 0
    return Effect.gen(function*() {
      const loop = yield* Effect.flip(
        follow(
          redirect(presigned),
          {},
          storage((url) => new Response(null, { status: 302, headers: { location: url.href } }))
        )
      )
      expect(loop).toMatchObject({ _tag: "ServerError", message: expect.stringContaining("redirect loop") })
      expect(storageRequests.length).toBe(Internal.maxRedirects)
      const missing = yield* Effect.flip(
        follow({ ...redirect(presigned), headers: {} }, {}, storage(() => new Response()))
      )
      expect(missing).toMatchObject({ _tag: "ServerError", message: expect.stringContaining("Location") })
      const downgrade = yield* Effect.flip(
        follow(redirect("http://storage.example.net/x"), {}, storage(() => new Response()))
      )
      expect(downgrade).toMatchObject({ _tag: "ServerError", message: expect.stringContaining("plain http") })
      for (const error of [loop, missing, downgrade]) expect(JSON.stringify(error)).not.toContain("s3cr3t")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("the storage's 416 or 400 is a BadRequest, its 403 Forbidden, its 404 NotFound", () => {
    const portal = filePortal()
    return Effect.gen(function*() {
      for (
        const [status, tag] of [[416, "BadRequest"], [400, "BadRequest"], [403, "Forbidden"], [
          404,
          "NotFound"
        ]] as const
      ) {
        const error = yield* Effect.flip(
          follow(redirect(presigned), {}, storage(() => new Response("<Error/>", { status })))
        )
        expect(error._tag).toBe(tag)
        expect(JSON.stringify(error)).not.toContain("s3cr3t")
      }
    }).pipe(Effect.provide(portal.layer))
  })
})

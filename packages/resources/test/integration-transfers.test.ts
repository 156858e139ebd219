/**
 * Uploads and downloads end to end over real sockets: Uploads / Downloads -> DocSpaceClient -> Node's HTTP client
 * -> FakeDocSpace.serve on 127.0.0.1, whose downloads redirect (302) to a presigned URL on a second loopback listener
 * that refuses credentials, as a Cloud portal's storage does, and whose upload sessions count chunks as the server
 * does (`ceil(size / chunkUploadSize)`). Real time; nothing depends on the machine's speed.
 */
import { Auth } from "@effect-docspace/core"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Downloads, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

const chunkUploadSize = 64 * 1024
const size = 3 * chunkUploadSize + 1234 // four server chunks
const content = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 251)

// Node's fetch follows the portal's redirect itself and drops Authorization and cookies on the way to another origin
const clientFor = (fake: FakeDocSpace.Running, transport: "fetch" | "undici" = "fetch") =>
  DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey), rateLimit: RateLimitPolicy.unlimited }).pipe(
    Layer.provide(transport === "undici" ? NodeHttpClient.layerUndici : FetchHttpClient.layer)
  )

const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(Chunk.toReadonlyArray(chunks)))

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0

const run = <A, E>(fake: FakeDocSpace.Running, program: Effect.Effect<A, E, DocSpaceClient.DocSpaceClient>) =>
  Effect.provide(program, clientFor(fake))

describe("integration over loopback: transfers", () => {
  it.live(
    "an upload spanning four server chunks, both protocols, is stored whole; another chunkSize sends nothing",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve({ chunkUploadSize })
        const folderId = yield* fake.state.myFolderId()
        for (const protocol of ["location", "session"] as const) {
          const file = yield* run(
            fake,
            Uploads.upload({
              folderId: "@my",
              fileName: `${protocol}.bin`,
              size,
              // pieces that do not line up with the chunks
              content: Stream.fromIterable(
                Array.from({ length: 41 }, (_, i) => content.subarray(i * 5000, (i + 1) * 5000))
              ),
              protocol
            })
          )
          expect(file.folderId).toBe(folderId)
          const stored = Option.getOrThrow(yield* fake.state.fileContent(Number(file.id)))
          expect(stored.length).toBe(size)
          expect(same(stored, content)).toBe(true)
        }
        const counts = yield* fake.state.counts
        expect(counts.byRoute["POST /ChunkedUploader.ashx"]).toBe(4)
        expect(counts.byRoute["POST /api/2.0/files/{folderId}/session/{sessionId}/upload"]).toBe(4)
        // a chunk size other than the server's: refused before any session or chunk
        const before = (yield* fake.state.counts).writes
        const error = yield* Effect.flip(run(
          fake,
          Uploads.upload({ folderId, fileName: "x.bin", size, content: Stream.make(content), chunkSize: 32 * 1024 })
        ))
        expect(error._tag).toBe("BadRequest")
        expect((yield* fake.state.counts).writes).toBe(before)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a download redirects to the storage's origin without credentials, keeps the Range, and resumes",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve({
          faults: {
            // the storage's connection is reset once, 100 000 bytes into a body
            rules: [{
              route: "GET /storage/presigned/{token}",
              fault: FakeServer.resetMidBody({ afterBytes: 100_000 }),
              skip: 1,
              times: 1
            }]
          }
        })
        expect(fake.storageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(fake.storageUrl).not.toBe(fake.url)
        const folderId = yield* fake.state.myFolderId()
        const file = yield* fake.state.seedFile({ folderId, title: "d.bin", content })
        // a range: the portal redirects, the storage answers 206 with exactly those bytes
        const part = yield* run(fake, collect(Downloads.stream(file.id, { range: { start: 1000, end: 70_999 } })))
        expect(same(part, content.subarray(1000, 71_000))).toBe(true)
        // the whole file, its body reset once: resumed from the bytes received
        const whole = yield* run(fake, collect(Downloads.stream(file.id)))
        expect(same(whole, content)).toBe(true)
        const counts = yield* fake.state.counts
        expect(counts.byRoute["GET /filehandler.ashx"]).toBe(3)
        expect(counts.byRoute["GET /storage/presigned/{token}"]).toBe(3)
        // a range the file cannot satisfy: the storage's 416 is a typed BadRequest
        const unsatisfiable = yield* Effect.flip(
          run(fake, collect(Downloads.stream(file.id, { range: { start: size + 10 } })))
        )
        expect(unsatisfiable._tag).toBe("BadRequest")
        // the storage refuses credentials outright (so the client cannot have sent any)
        const withAuth = yield* Effect.promise(() =>
          fetch(`${fake.storageUrl}/storage/presigned/x`, { headers: { authorization: "Bearer sk-x" } })
        )
        expect(withAuth.status).toBe(400)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a transport that does not follow redirects itself (undici) still downloads through the storage redirect",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve()
        const file = yield* fake.state.seedFile({ folderId: yield* fake.state.myFolderId(), title: "d.bin", content })
        // the client hands the portal's 302 back (redirect: "manual") and follows it to the storage without credentials
        const bytes = yield* collect(Downloads.stream(file.id, { range: { start: 5 } })).pipe(
          Effect.provide(clientFor(fake, "undici"))
        )
        expect(same(bytes, content.subarray(5))).toBe(true)
        // a portal on local disk answers the bytes itself over the same transport
        const local = yield* FakeDocSpace.serve({ storageRedirect: false })
        const again = yield* local.state.seedFile({
          folderId: yield* local.state.myFolderId(),
          title: "d.bin",
          content
        })
        const whole = yield* collect(Downloads.stream(again.id)).pipe(Effect.provide(clientFor(local, "undici")))
        expect(same(whole, content)).toBe(true)
      }).pipe(Effect.scoped),
    60_000
  )
})

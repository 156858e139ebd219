// The curated modules against FakeDocSpace: an in-memory portal with the real upload handler, Range downloads and
// file operations that progress with the clock.
import { Downloads, FileOperations, Folders, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { fakeUrl, onFake, sameBytes } from "./curated-mock.js"

const MiB = 1024 * 1024
const bytesOf = (size: number, seed = 1) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256)
// the content in uneven pieces
const piecewise = (bytes: Uint8Array, piece = 300_001) =>
  Stream.range(0, Math.ceil(bytes.length / piece) - 1).pipe(
    Stream.map((i) => bytes.subarray(i * piece, (i + 1) * piece))
  )
const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => {
    const out = new Uint8Array(Chunk.reduce(chunks, 0, (n, c) => n + c.length))
    let offset = 0
    for (const c of chunks) {
      out.set(c, offset)
      offset += c.length
    }
    return out
  })

const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl, chunkUploadSize: MiB, fileOperationMillis: 2000 })

describe("on FakeDocSpace", () => {
  it.effect("upload (both protocols) then download, whole and by range", () =>
    Effect.gen(function*() {
      const content = bytesOf(2 * MiB + 777)
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const folder = yield* Folders.create(Folders.my, "up")
        const viaLocation = yield* Uploads.upload({
          folderId: folder.id,
          fileName: "a.bin",
          size: content.length,
          content: piecewise(content)
        })
        const viaSession = yield* Uploads.upload({
          folderId: folder.id,
          fileName: "b.bin",
          size: content.length,
          content: piecewise(content),
          protocol: "session"
        })
        const whole = yield* collect(Downloads.stream(viaSession.id))
        const part = yield* collect(Downloads.stream(viaLocation.id, { range: { start: MiB - 10, end: MiB + 9 } }))
        const listed = yield* Stream.runCollect(Folders.stream(folder.id))
        return { viaLocation, whole, part, listed }
      }))
      const result = yield* exit
      expect(result.viaLocation.title).toBe("a.bin")
      expect(sameBytes(result.whole, content)).toBe(true)
      expect(sameBytes(result.part, content.subarray(MiB - 10, MiB + 10))).toBe(true)
      expect(Chunk.toReadonlyArray(result.listed).map((e) => e.title).sort()).toEqual(["a.bin", "b.bin"])
      const counts = yield* fake.state.counts
      expect(counts.byRoute["POST /ChunkedUploader.ashx"]).toBe(3)
      expect(counts.byRoute["POST /api/2.0/files/{folderId}/session/{sessionId}/upload"]).toBe(3)
    }).pipe(Effect.provide(Fake)))

  it.effect("an empty file uploads (simple upload) and downloads empty", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const file = yield* Uploads.uploadBytes({
          folderId: Folders.my,
          fileName: "empty.txt",
          bytes: new Uint8Array(0)
        })
        const bytes = yield* collect(Downloads.stream(file.id))
        return { file, bytes }
      }))
      const result = yield* exit
      expect(result.file.title).toBe("empty.txt")
      expect(result.bytes.length).toBe(0)
    }).pipe(Effect.provide(Fake)))

  it.effect("a size mismatch stores nothing", () =>
    Effect.gen(function*() {
      const content = bytesOf(MiB + 5)
      const { exit, fake } = yield* onFake(
        Uploads.upload({
          folderId: Folders.my,
          fileName: "short.bin",
          size: content.length + 1,
          content: piecewise(content)
        })
      )
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("BadRequest")
      expect((yield* fake.state.files).some((f) => f.title === "short.bin")).toBe(false)
    }).pipe(Effect.provide(Fake)))

  it.effect("copy reports progress until finished; the copy has the same bytes", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const source = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "c.txt", bytes: bytesOf(1000) })
        const dest = yield* Folders.create(Folders.my, "dest")
        const progress: Array<number> = []
        const ops = yield* FileOperations.copy({
          fileIds: [source.id],
          destFolderId: dest.id,
          onProgress: (op) => Effect.sync(() => progress.push(op.progress))
        })
        return { ops, progress, dest }
      }))
      const { ops, progress } = yield* exit
      expect(ops[0]).toMatchObject({ finished: true, progress: 100 })
      expect(progress.length).toBeGreaterThan(2)
      expect(progress[progress.length - 1]).toBe(100)
      const copies = (yield* fake.state.files).filter((f) => f.title === "c.txt")
      expect(copies.length).toBe(2)
    }).pipe(Effect.provide(Fake)))
})

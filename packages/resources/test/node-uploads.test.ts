// NodeUploads.fromFile (issue 12) on FakeDocSpace: size from stat, the content read as the upload goes, a file that
// changes while uploading is a typed FileError and the session is aborted.
import { NodeUploads } from "@effect-docspace/resources/node"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { fakeUrl, onFake, sameBytes } from "./curated-mock.js"

const CHUNK = 1000
const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl, chunkUploadSize: CHUNK })
const bytesOf = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 17 + 1) % 251)

const tempFile = (name: string, bytes: Uint8Array) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "docspace-up-"))
      const path = Path.join(dir, name)
      await Fs.writeFile(path, bytes)
      return path
    }),
    (path) => Effect.promise(() => Fs.rm(Path.dirname(path), { recursive: true, force: true }))
  )

describe("NodeUploads.fromFile", () => {
  it.scoped("uploads the file whole under its base name, in parallel too", () =>
    Effect.gen(function*() {
      const content = bytesOf(5 * CHUNK + 321)
      const path = yield* tempFile("report.bin", content)
      const { exit, fake } = yield* onFake(Effect.all([
        NodeUploads.fromFile(path, { folderId: "@my" }),
        NodeUploads.fromFile(path, { folderId: "@my", fileName: "copy.bin", parallel: 3, protocol: "session" })
      ]))
      const [first, second] = yield* exit
      expect(first.title).toBe("report.bin")
      expect(second.title).toBe("copy.bin")
      for (const file of [first, second]) {
        const stored = Option.getOrThrow(yield* fake.state.fileContent(Number(file.id)))
        expect(sameBytes(stored, content)).toBe(true)
      }
    }).pipe(Effect.provide(Fake)))

  it.scoped("a file that grows while uploading is FileError \"changed\"; nothing stored; the session is aborted", () =>
    Effect.gen(function*() {
      const content = bytesOf(600 * CHUNK)
      const path = yield* tempFile("grows.bin", content)
      const { exit, fake } = yield* onFake(NodeUploads.fromFile(path, {
        folderId: "@my",
        protocol: "session",
        onProgress: ({ bytesSent }) =>
          bytesSent === CHUNK ? Effect.promise(() => Fs.appendFile(path, new Uint8Array(10))) : Effect.void
      }))
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("FileError")
      expect(error._tag === "FileError" && error.reason).toBe("changed")
      const counts = yield* fake.state.counts
      expect(counts.byRoute["DELETE /api/2.0/files/{folderId}/session/{sessionId}"]).toBe(1)
      expect(counts.byRoute["PUT /api/2.0/files/{folderId}/session/{sessionId}/finalize"]).toBeUndefined()
      expect((yield* fake.state.files).filter((f) => f.title === "grows.bin")).toEqual([])
    }).pipe(Effect.provide(Fake)))

  it.scoped("a file that shrinks while uploading is FileError \"changed\"", () =>
    Effect.gen(function*() {
      const path = yield* tempFile("shrinks.bin", bytesOf(600 * CHUNK))
      const { exit } = yield* onFake(NodeUploads.fromFile(path, {
        folderId: "@my",
        onProgress: ({ bytesSent }) =>
          bytesSent === CHUNK ? Effect.promise(() => Fs.truncate(path, 400 * CHUNK)) : Effect.void
      }))
      const error = yield* Effect.flip(exit)
      expect(error._tag === "FileError" && error.reason).toBe("changed")
    }).pipe(Effect.provide(Fake)))

  it.scoped("a missing file is FileError \"filesystem\"", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(NodeUploads.fromFile("/nonexistent/x.bin", { folderId: "@my" }))
      const error = yield* Effect.flip(exit)
      expect(error._tag === "FileError" && error.reason).toBe("filesystem")
    }).pipe(Effect.provide(Fake)))
})

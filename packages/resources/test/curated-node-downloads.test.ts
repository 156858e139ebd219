import { NodeDownloads } from "@effect-docspace/resources/node"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { make } from "./curated-mock.js"

const content = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 13 + 5) % 256)
const sha256 = Crypto.createHash("sha256").update(content).digest("hex")

// the portal's FileHandler: ranges as 206 with its leading-space Content-Range; `breakAfter[n]` resets the n-th body
// after that many bytes; `stallAfter` never sends the rest
const portal = (options: { readonly breakAfter?: Array<number>; readonly stallAfter?: number } = {}) =>
  make((request) => {
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "")
    const start = range === null ? 0 : Number(range[1])
    const bytes = content.subarray(start)
    const breakAt = options.breakAfter?.shift()
    let offset = 0
    return {
      status: start === 0 ? 200 : 206,
      headers: {
        "content-length": String(bytes.length),
        ...(start === 0 ? {} : { "content-range": ` bytes ${start}-${content.length - 1}/${content.length}` })
      },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          if (options.stallAfter !== undefined && offset >= options.stallAfter) return new Promise<void>(() => {})
          if (breakAt !== undefined && offset >= breakAt) return controller.error(new Error("connection reset"))
          if (offset >= bytes.length) return controller.close()
          const end = Math.min(offset + 8192, bytes.length, breakAt ?? Infinity, options.stallAfter ?? Infinity)
          controller.enqueue(bytes.slice(offset, end))
          offset = end
        }
      })
    }
  })

const tempDir = Effect.acquireRelease(
  Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "docspace-tofile-"))),
  (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
)

const old = new TextEncoder().encode("an older complete copy")

const listing = (dir: string) => Effect.promise(() => Fs.readdir(dir))
const read = (path: string) => Effect.promise(() => Fs.readFile(path))

describe("NodeDownloads.toFile", () => {
  it.scoped("saves through a temporary file and a rename: the content, its size and hash, progress", () => {
    const mock = portal()
    return Effect.gen(function*() {
      const dir = yield* tempDir
      const target = Path.join(dir, "a.bin")
      yield* Effect.promise(() => Fs.writeFile(target, old))
      const progress: Array<number> = []
      const saved = yield* NodeDownloads.toFile(101, target, {
        expectedSize: content.length,
        sha256: sha256.toUpperCase(),
        onProgress: ({ bytesWritten }) => Effect.sync(() => progress.push(bytesWritten))
      })
      expect(saved).toEqual({ path: target, size: content.length, sha256 })
      expect(Buffer.compare(yield* read(target), Buffer.from(content))).toBe(0)
      expect(yield* listing(dir)).toEqual(["a.bin"])
      expect(progress.at(-1)).toBe(content.length)
      expect(progress).toEqual([...progress].sort((a, b) => a - b))
    }).pipe(Effect.provide(mock.layer))
  })

  it.scoped("a dropped connection is resumed from the bytes written", () => {
    const mock = portal({ breakAfter: [50_000, 60_000] })
    return Effect.gen(function*() {
      const dir = yield* tempDir
      const saved = yield* NodeDownloads.toFile(101, Path.join(dir, "a.bin"), { sha256 })
      expect(saved.size).toBe(content.length)
      expect(mock.requests.map((r) => r.headers.range)).toEqual([undefined, "bytes=50000-", "bytes=110000-"])
    }).pipe(Effect.provide(mock.layer))
  })

  it.scoped("a failure (reset, wrong size or hash) leaves the older copy untouched and no temporary file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const target = Path.join(dir, "a.bin")
      yield* Effect.promise(() => Fs.writeFile(target, old))
      const reset = yield* Effect.flip(
        NodeDownloads.toFile(101, target, { resumeAttempts: 0 }).pipe(
          Effect.provide(portal({ breakAfter: [70_000] }).layer)
        )
      )
      expect(reset._tag).toBe("TransportError")
      const size = yield* Effect.flip(
        NodeDownloads.toFile(101, target, { expectedSize: 1000 }).pipe(Effect.provide(portal().layer))
      )
      expect(size).toMatchObject({ _tag: "SaveError", reason: "size" })
      const hash = yield* Effect.flip(
        NodeDownloads.toFile(101, target, { sha256: "0".repeat(64) }).pipe(Effect.provide(portal().layer))
      )
      expect(hash).toMatchObject({ _tag: "SaveError", reason: "sha256" })
      expect(Buffer.from(yield* read(target)).toString()).toBe("an older complete copy")
      expect(yield* listing(dir)).toEqual(["a.bin"])
    }))

  it.scoped("an interruption mid-download removes the temporary file and keeps the older copy", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const target = Path.join(dir, "a.bin")
      yield* Effect.promise(() => Fs.writeFile(target, old))
      const started = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        NodeDownloads.toFile(101, target, {
          onProgress: () => Deferred.succeed(started, undefined).pipe(Effect.asVoid)
        }).pipe(Effect.provide(portal({ stallAfter: 40_000 }).layer))
      )
      yield* Deferred.await(started)
      expect((yield* listing(dir)).length).toBe(2)
      yield* Fiber.interrupt(fiber)
      expect(yield* listing(dir)).toEqual(["a.bin"])
      expect(Buffer.from(yield* read(target)).toString()).toBe("an older complete copy")
    }))

  it.scoped("bad options are a SaveError before anything is sent", () => {
    const mock = portal()
    return Effect.gen(function*() {
      const dir = yield* tempDir
      for (const options of [{ expectedSize: -1 }, { expectedSize: 1.5 }, { sha256: "abc" }]) {
        const error = yield* Effect.flip(NodeDownloads.toFile(101, Path.join(dir, "a.bin"), options))
        expect(error._tag).toBe("SaveError")
      }
      expect(mock.requests.length).toBe(0)
      const missing = yield* Effect.flip(NodeDownloads.toFile(101, Path.join(dir, "no", "such", "dir", "a.bin")))
      expect(missing).toMatchObject({ _tag: "SaveError", reason: "filesystem" })
    }).pipe(Effect.provide(mock.layer))
  })
})

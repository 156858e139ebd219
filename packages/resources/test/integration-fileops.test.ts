/**
 * File operations end to end over real sockets: curated modules -> DocSpaceClient -> undici -> a FakeDocSpace served
 * on 127.0.0.1 that lists operations as DocSpace-server's GetOperationResults does (each finish reported once, to
 * the first reader; deleteAfter operations never reported finished). Real time, bounded: a few seconds.
 */
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, FileOperations, Files, Folders, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"

const clientFor = (fake: FakeDocSpace.Running) =>
  DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey), rateLimit: RateLimitPolicy.unlimited }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

const bytes = new TextEncoder().encode("content")

describe("file operations over loopback", () => {
  it.live(
    "deleteAfter, concurrent copies and removes, a report taken by another reader, a reported failure",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve({ fileOperationMillis: 300 })
        const fast = Schedule.spaced("50 millis")
        const program = Effect.gen(function*() {
          const a = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "a.txt", bytes })
          const b = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "b.txt", bytes })
          const c = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "c.txt", bytes })
          const dest = yield* Folders.create(Folders.my, "dest")
          const doomed = yield* Folders.create(Folders.my, "doomed")
          // 1. a move with deleteAfter: never reported finished, still a success
          const moved = yield* FileOperations.move({
            fileIds: [a.id],
            destFolderId: dest.id,
            deleteAfter: true,
            schedule: fast
          })
          // 2. two copies, a folder delete and a file delete at the same time: each gets its own report
          const together = yield* Effect.all([
            FileOperations.copy({ fileIds: [b.id], destFolderId: dest.id, schedule: fast }),
            FileOperations.copy({ fileIds: [b.id], destFolderId: dest.id, schedule: Schedule.spaced("70 millis") }),
            Folders.remove(doomed.id, { schedule: fast }),
            Files.remove(c.id, { schedule: fast })
          ], { concurrency: "unbounded" })
          // 3. the web UI polls the whole list every 20 ms; this copy is polled at 0 s and 1 s: the UI takes the report
          const webUi = FileOperations.statuses().pipe(Effect.repeat(Schedule.spaced("20 millis")), Effect.fork)
          const ui = yield* webUi
          const stolen = yield* FileOperations.copy({
            fileIds: [b.id],
            destFolderId: dest.id,
            schedule: Schedule.spaced("1 second")
          })
          yield* Fiber.interrupt(ui)
          // 4. a failure the server reports
          const child = yield* Folders.create(dest.id, "child")
          const failed = yield* Effect.flip(FileOperations.move({ folderIds: [dest.id], destFolderId: child.id }))
          return { a, dest, moved, together, stolen, failed }
        })
        const result = yield* Effect.provide(program, clientFor(fake))
        expect(result.moved).toMatchObject([{ finished: true, reported: false }])
        expect((yield* fake.state.files).find((f) => f.id === result.a.id)?.folderId).toBe(result.dest.id)
        for (const ops of result.together) {
          expect(ops).toMatchObject([{ finished: true, reported: true, progress: 100 }])
        }
        expect(result.stolen).toMatchObject([{ finished: true, reported: false }])
        expect(result.failed).toMatchObject({
          _tag: "FileOperationFailed",
          message: "The folder cannot be moved into itself or its subfolder"
        })
        // only the web UI read the unfiltered list
        const counts = yield* fake.state.counts
        expect(counts.byRoute["DELETE /api/2.0/files/folder/{folderId}"]).toBeUndefined()
      }).pipe(Effect.scoped, Effect.timeout("30 seconds")),
    40_000
  )

  it.live(
    "a portal that stops answering: the timeout fires during the start, and the terminate is bounded",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeDocSpace.serve({
          fileOperationMillis: 60_000,
          faults: {
            rules: [
              { route: "PUT /api/2.0/files/fileops/duplicate", fault: FakeServer.latency("20 seconds") },
              { route: "PUT /api/2.0/files/fileops/terminate/*", fault: FakeServer.latency("20 seconds") }
            ]
          }
        })
        const program = Effect.gen(function*() {
          const a = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "a.txt", bytes })
          const startedAt = Date.now()
          // the interrupted start waits for the portal's answer, at most cleanupTimeout
          const duringStart = yield* FileOperations.duplicate({ fileIds: [a.id], cleanupTimeout: "500 millis" }).pipe(
            Effect.timeout("300 millis"),
            Effect.flip
          )
          const afterStart = Date.now() - startedAt
          const pollingFrom = Date.now()
          const duringCleanup = yield* FileOperations.copy({
            fileIds: [a.id],
            destFolderId: Folders.my,
            cleanupTimeout: "500 millis"
          }).pipe(Effect.timeout("300 millis"), Effect.flip)
          return { duringStart, afterStart, duringCleanup, afterCleanup: Date.now() - pollingFrom }
        })
        const result = yield* Effect.provide(program, clientFor(fake))
        expect(result.duringStart._tag).toBe("TimeoutException")
        expect(result.afterStart).toBeLessThan(2000)
        expect(result.duringCleanup._tag).toBe("TimeoutException")
        // 300 ms of polling, then at most 500 ms for the terminate that gets no answer
        expect(result.afterCleanup).toBeLessThan(2500)
      }).pipe(Effect.scoped, Effect.timeout("30 seconds")),
    40_000
  )
})

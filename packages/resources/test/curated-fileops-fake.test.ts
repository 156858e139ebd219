// FileOperations against FakeDocSpace, which lists operations as DocSpace-server's GetOperationResults does: each
// finished operation is reported once, to the first reader, and an operation started with deleteAfter never is.
import { FileOperations, Files, Folders, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { fakeUrl, onFake } from "./curated-mock.js"

// every operation takes 2 s on the fake
const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl, fileOperationMillis: 2000 })
const bytes = new TextEncoder().encode("content")

describe("FileOperations on FakeDocSpace (report-once operations)", () => {
  it.effect("a move with deleteAfter succeeds: the operation leaves the list without a report", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const file = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "m.txt", bytes })
        const dest = yield* Folders.create(Folders.my, "dest")
        const ops = yield* FileOperations.move({ fileIds: [file.id], destFolderId: dest.id, deleteAfter: true })
        return { ops, file, dest }
      }))
      const { dest, file, ops } = yield* exit
      expect(ops).toMatchObject([{ operation: FileOperations.OperationType.Move, finished: true, reported: false }])
      expect((yield* fake.state.files).find((f) => f.id === file.id)?.folderId).toBe(dest.id)
    }).pipe(Effect.provide(Fake)))

  it.effect("two concurrent copies both succeed, each with its own report", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const a = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "a.txt", bytes })
        const b = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "b.txt", bytes })
        const dest = yield* Folders.create(Folders.my, "dest")
        return yield* Effect.all([
          FileOperations.copy({ fileIds: [a.id], destFolderId: dest.id }),
          FileOperations.copy({ fileIds: [b.id], destFolderId: dest.id, schedule: Schedule.spaced("700 millis") })
        ], { concurrency: "unbounded" })
      }))
      const [first, second] = yield* exit
      expect(first).toMatchObject([{ finished: true, reported: true, progress: 100 }])
      expect(second).toMatchObject([{ finished: true, reported: true, progress: 100 }])
      expect((yield* fake.state.files).filter((f) => f.title === "a.txt" || f.title === "b.txt")).toHaveLength(4)
    }).pipe(Effect.provide(Fake)))

  it.effect("a copy alongside Folders.remove and Files.remove: no one takes another's report", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const a = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "a.txt", bytes })
        const b = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "b.txt", bytes })
        const dest = yield* Folders.create(Folders.my, "dest")
        const doomed = yield* Folders.create(Folders.my, "doomed")
        // the copy is polled at 0 s and 3 s; it finishes at 2 s; the removes start at 2.5 s, in between
        const copy = FileOperations.copy({
          fileIds: [a.id],
          destFolderId: dest.id,
          schedule: Schedule.spaced("3 seconds")
        })
        const removes = Effect.zip(Folders.remove(doomed.id), Files.remove(b.id), { concurrent: true }).pipe(
          Effect.delay("2500 millis")
        )
        return yield* Effect.all([copy, removes], { concurrency: "unbounded" })
      }))
      const [copied, [folder, file]] = yield* exit
      expect(copied).toMatchObject([{ finished: true, reported: true, progress: 100 }])
      expect(folder).toMatchObject([{ operation: FileOperations.OperationType.Delete, finished: true, reported: true }])
      expect(file).toMatchObject([{ operation: FileOperations.OperationType.Delete, finished: true, reported: true }])
    }).pipe(Effect.provide(Fake)))

  it.effect("another reader (the web UI) takes the report: still a success, with the result unknown", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const a = yield* Uploads.uploadBytes({ folderId: Folders.my, fileName: "a.txt", bytes })
        const dest = yield* Folders.create(Folders.my, "dest")
        // the web UI reads the unfiltered list at 2.5 s, after the copy finished (2 s), before it is polled (3 s)
        const webUi = FileOperations.statuses().pipe(Effect.delay("2500 millis"))
        const copy = FileOperations.copy({
          fileIds: [a.id],
          destFolderId: dest.id,
          schedule: Schedule.spaced("3 seconds")
        })
        return yield* Effect.all([copy, webUi], { concurrency: "unbounded" })
      }))
      const [ops, seenByUi] = yield* exit
      expect(seenByUi).toMatchObject([{ finished: true, progress: 100 }])
      // finished; what it did is unknown to this caller (the fields are as last seen)
      expect(ops).toMatchObject([{ finished: true, reported: false, progress: 0 }])
    }).pipe(Effect.provide(Fake)))

  it.effect("a failure the server reports is FileOperationFailed with its message", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const parent = yield* Folders.create(Folders.my, "parent")
        const child = yield* Folders.create(parent.id, "child")
        return yield* Effect.flip(FileOperations.move({ folderIds: [parent.id], destFolderId: child.id }))
      }))
      const error = yield* exit
      expect(error._tag).toBe("FileOperationFailed")
      expect(error.message).toBe("The folder cannot be moved into itself or its subfolder")
    }).pipe(Effect.provide(Fake)))
})

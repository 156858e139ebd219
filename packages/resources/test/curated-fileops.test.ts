import { FileOperations, Files, Rooms } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { envelope, make } from "./curated-mock.js"

interface OpState {
  readonly progress: number
  readonly finished: boolean
  readonly error?: string
}

// a portal whose operation "op1" goes through `states`, one per status poll (the last one repeats)
const opsPortal = (states: ReadonlyArray<OpState | "gone">, options?: { readonly startGate?: Effect.Effect<void> }) => {
  let polls = 0
  const dto = (s: OpState) => ({
    id: "op1",
    Operation: 1,
    progress: s.progress,
    error: s.error ?? "",
    processed: "0",
    finished: s.finished,
    url: null
  })
  // another operation of the same user, already listed before this call starts anything: it failed
  const foreign = { id: "someone-else", Operation: 2, progress: 5, error: "Access denied", finished: true }
  let started = false
  const portal = make((request) => {
    const path = request.url.pathname
    if (request.method === "PUT" && path.startsWith("/api/2.0/files/fileops/terminate/")) {
      return envelope([dto({ progress: 10, finished: true })])
    }
    if (request.method === "PUT" && path.startsWith("/api/2.0/files/fileops/")) {
      started = true
      // like DocSpace: every active operation of the user unless the body asks for the one it started
      const single = (request.json as { returnSingleOperation?: boolean }).returnSingleOperation === true
      const mine = dto({ progress: 0, finished: false })
      const reply = envelope(single ? [mine] : [foreign, mine])
      return options?.startGate === undefined ? reply : Effect.as(options.startGate, reply)
    }
    if (request.method === "PUT" && path.startsWith("/api/2.0/files/rooms/")) {
      return envelope(dto({ progress: 0, finished: false }))
    }
    if (request.method === "DELETE" && path.startsWith("/api/2.0/files/file/")) {
      started = true
      return envelope([foreign, dto({ progress: 0, finished: false })])
    }
    if (request.method === "GET" && path === "/api/2.0/files/fileops") {
      if (!started) return envelope([foreign])
      const state = states[Math.min(polls, states.length - 1)]!
      polls++
      return envelope(state === "gone" ? [foreign] : [dto(state), foreign])
    }
    return { status: 404, json: { error: { message: `no route ${path}` } } }
  })
  const count = (f: (r: { method: string; url: URL }) => boolean) => portal.requests.filter(f).length
  return {
    ...portal,
    polls: () => polls,
    terminates: () => count((r) => r.url.pathname === "/api/2.0/files/fileops/terminate/op1")
  }
}

// event-loop turns: lets forked fibers and the mock's promises run; no time passes
const turn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
const turns = (n: number) => Effect.forEach(Array.from({ length: n }), () => turn, { discard: true })

// turns until `condition` holds (at most 1000)
const until = (condition: () => boolean, left = 1000): Effect.Effect<void> =>
  Effect.suspend(() =>
    condition()
      ? Effect.void
      : left === 0
      ? Effect.dieMessage("condition never held")
      : Effect.zipRight(turn, until(condition, left - 1))
  )

const tick = (times: number) => Effect.forEach(Array.from({ length: times }), () => TestClock.adjust("500 millis"))

describe("FileOperations", () => {
  it.effect("copy polls every 500 ms until finished and reports progress", () => {
    const portal = opsPortal([
      { progress: 30, finished: false },
      { progress: 60, finished: false },
      { progress: 100, finished: true }
    ])
    return Effect.gen(function*() {
      const seen: Array<number> = []
      const fiber = yield* Effect.fork(FileOperations.copy({
        fileIds: [101],
        destFolderId: 456,
        conflictResolveType: "Overwrite",
        onProgress: (op) => Effect.sync(() => seen.push(op.progress))
      }))
      // started, and polled once right away: the next poll waits for the clock
      yield* until(() => portal.polls() === 1)
      yield* turns(50)
      expect(portal.polls()).toBe(1)
      yield* tick(1)
      yield* until(() => portal.polls() === 2)
      expect(portal.polls()).toBe(2)
      yield* tick(5)
      const ops = yield* Fiber.join(fiber)
      expect(ops).toMatchObject([{
        id: "op1",
        operation: FileOperations.OperationType.Copy,
        progress: 100,
        finished: true
      }])
      expect(seen).toEqual([0, 30, 60, 100])
      // no poll after it finished
      expect(portal.polls()).toBe(3)
      expect(portal.terminates()).toBe(0)
      const start = portal.requests.find((r) => r.url.pathname === "/api/2.0/files/fileops/copy")!
      expect(start.method).toBe("PUT")
      expect(start.json).toEqual({
        fileIds: [101],
        folderIds: [],
        destFolderId: 456,
        conflictResolveType: "Overwrite",
        returnSingleOperation: true
      })
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an operation that finishes with an error is a typed FileOperationFailed", () => {
    const portal = opsPortal([{ progress: 40, finished: false }, {
      progress: 50,
      finished: true,
      error: "File not found"
    }])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(FileOperations.move({ fileIds: [1], destFolderId: 2 })))
      yield* tick(4)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("FileOperationFailed")
      expect(error).toMatchObject({ id: "op1", message: "File not found", progress: 50 })
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("interrupting the wait terminates the operation on the portal", () => {
    const portal = opsPortal([{ progress: 10, finished: false }])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(FileOperations.copy({ fileIds: [1], destFolderId: 2 }))
      yield* tick(3)
      expect(portal.polls()).toBeGreaterThanOrEqual(3)
      expect(portal.terminates()).toBe(0)
      yield* Fiber.interrupt(fiber)
      expect(portal.terminates()).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a timeout around the wait terminates too", () => {
    const portal = opsPortal([{ progress: 10, finished: false }])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        FileOperations.copy({ fileIds: [1], destFolderId: 2 }).pipe(Effect.timeout("2 seconds"), Effect.flip)
      )
      yield* tick(6)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TimeoutException")
      expect(portal.terminates()).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("track streams a snapshot per change", () => {
    const portal = opsPortal([
      { progress: 50, finished: false },
      { progress: 50, finished: false },
      { progress: 100, finished: true }
    ])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Stream.runCollect(FileOperations.track(FileOperations.start("duplicate", { fileIds: [3] })))
      )
      yield* tick(4)
      const snapshots = [...(yield* Fiber.join(fiber))].map((ops) => ops[0]!.progress)
      // the unchanged second poll is not a snapshot
      expect(snapshots).toEqual([0, 50, 100])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("Files.remove and Rooms.archive wait for their operation", () => {
    const portal = opsPortal([{ progress: 100, finished: true }])
    return Effect.gen(function*() {
      const removed = yield* Files.remove(101, { immediately: true })
      // the DELETE answers with the user's other (failed) operation too: only the new one is followed
      expect(removed).toMatchObject([{ id: "op1", finished: true }])
      const deleted = portal.requests.find((r) => r.method === "DELETE")!
      expect(deleted.json).toEqual({ deleteAfter: false, immediately: true })
      expect(deleted.url.searchParams.get("ReturnSingleOperation")).toBe("true")
      const archived = yield* Rooms.archive(9)
      expect(archived).toMatchObject({ id: "op1", finished: true })
      expect(portal.requests.some((r) => r.url.pathname === "/api/2.0/files/rooms/9/archive")).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an interruption while the start request is in flight terminates the operation once the portal answers", () =>
    Effect.gen(function*() {
      const answer = yield* Deferred.make<void>()
      const portal = opsPortal([{ progress: 10, finished: false }], { startGate: Deferred.await(answer) })
      yield* Effect.gen(function*() {
        const fiber = yield* Effect.fork(FileOperations.copy({ fileIds: [1], destFolderId: 2 }))
        yield* until(() => portal.requests.length === 1)
        // the interruption arrives before the portal answers the start
        const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
        yield* turns(20)
        yield* Deferred.succeed(answer, undefined)
        yield* Fiber.join(interrupting)
        expect(portal.terminates()).toBe(1)
        expect(portal.polls()).toBe(0)
      }).pipe(Effect.provide(portal.layer))
    }))

  it.effect("an operation that vanishes from the list before it was seen finished is a failure, not a success", () => {
    const portal = opsPortal([{ progress: 40, finished: false }, "gone"])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(FileOperations.copy({ fileIds: [1], destFolderId: 2 })))
      yield* tick(4)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("FileOperationFailed")
      expect(error).toMatchObject({ id: "op1", progress: 40 })
      expect(error.message).toMatch(/vanished .* outcome is unknown/)
      // it is gone: nothing to terminate
      expect(portal.terminates()).toBe(0)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an operation seen finished before it left the list is that result", () => {
    const portal = opsPortal([{ progress: 100, finished: true }, "gone"])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(FileOperations.copy({ fileIds: [1], destFolderId: 2 }))
      yield* tick(4)
      const ops = yield* Fiber.join(fiber)
      expect(ops).toMatchObject([{ id: "op1", progress: 100, finished: true }])
      expect(portal.polls()).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("only the operations this call started are followed, failed on or terminated", () => {
    const portal = opsPortal([{ progress: 10, finished: false }])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(FileOperations.move({ fileIds: [1], destFolderId: 2 }))
      yield* tick(3)
      // the user's other operation finished with an error: that is not this move's failure
      expect(fiber.unsafePoll()).toBeNull()
      yield* Fiber.interrupt(fiber)
      expect(portal.terminates()).toBe(1)
      const terminated = portal.requests.filter((r) => r.url.pathname.startsWith("/api/2.0/files/fileops/terminate/"))
      expect(terminated.map((r) => r.url.pathname)).toEqual(["/api/2.0/files/fileops/terminate/op1"])
    }).pipe(Effect.provide(portal.layer))
  })
})

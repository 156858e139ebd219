import { FileOperations, Files, Folders, Rooms } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { envelope, make } from "./curated-mock.js"

interface OpState {
  readonly progress: number
  readonly finished: boolean
  readonly error?: string
}

// a portal whose operation "op1" goes through `states`, one per status poll (the last one repeats)
const opsPortal = (
  states: ReadonlyArray<OpState | "gone">,
  options?: {
    readonly startGate?: Effect.Effect<void>
    /** Requests the portal never answers (a portal that stopped answering). */
    readonly silent?: (request: { readonly method: string; readonly url: URL }) => boolean
  }
) => {
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
    if (options?.silent?.(request) === true) return Effect.never
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
      started = true
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

  it.effect("Files.remove and Folders.remove start a single-operation delete, with no read before it", () => {
    const portal = opsPortal([{ progress: 100, finished: true }])
    return Effect.gen(function*() {
      const removed = yield* Files.remove(101, { immediately: true })
      expect(removed).toMatchObject([{ id: "op1", finished: true, reported: true }])
      const folder = yield* Folders.remove(7)
      expect(folder).toMatchObject([{ id: "op1", finished: true, reported: true }])
      const starts = portal.requests.filter((r) => r.method === "PUT")
      expect(starts.map((r) => r.url.pathname)).toEqual(Array(2).fill("/api/2.0/files/fileops/delete"))
      expect(starts.map((r) => r.json)).toEqual([
        { fileIds: [101], folderIds: [], deleteAfter: false, immediately: true, returnSingleOperation: true },
        { fileIds: [], folderIds: [7], deleteAfter: false, immediately: false, returnSingleOperation: true }
      ])
      // no unfiltered read of the user's operations (it would take the reports of others): only polls of op1
      const reads = portal.requests.filter((r) => r.method === "GET")
      expect(reads.every((r) => r.url.searchParams.get("id") === "op1")).toBe(true)
      expect(portal.requests[0]!.method).toBe("PUT")
      expect(portal.requests.some((r) => r.method === "DELETE")).toBe(false)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("Rooms.archive waits for its operation", () => {
    const portal = opsPortal([{ progress: 100, finished: true }])
    return Effect.gen(function*() {
      const archived = yield* Rooms.archive(9)
      expect(archived).toMatchObject({ id: "op1", finished: true, reported: true })
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
        // the interruption waits for the answer (its client may close as soon as the caller returns)
        expect(interrupting.unsafePoll()).toBeNull()
        expect(portal.terminates()).toBe(0)
        yield* Deferred.succeed(answer, undefined)
        // once the answer names the operation, it is terminated, and then the interruption completes
        yield* until(() => interrupting.unsafePoll() !== null)
        expect(portal.terminates()).toBe(1)
        expect(portal.polls()).toBe(0)
      }).pipe(Effect.provide(portal.layer))
    }))

  it.effect("a client provided to the interrupted caller alone is still open when the operation is terminated", () =>
    Effect.gen(function*() {
      const answer = yield* Deferred.make<void>()
      // like undici's dispatcher under `Effect.provide(copy, layer)`: the transport closes with the caller's layer,
      // and a request sent afterwards (the old background terminate) never reaches the portal
      let open = false
      const openWhenTerminated: Array<boolean> = []
      const portal = make((request) => {
        const path = request.url.pathname
        if (path.startsWith("/api/2.0/files/fileops/terminate/")) {
          openWhenTerminated.push(open)
          return envelope([{ id: "op1", Operation: 1, progress: 10, error: "", finished: true }])
        }
        return Effect.as(
          Deferred.await(answer),
          envelope([{ id: "op1", Operation: 1, progress: 0, error: "", finished: false }])
        )
      })
      const transport = Layer.scopedDiscard(Effect.acquireRelease(
        Effect.sync(() => {
          open = true
        }),
        () =>
          Effect.sync(() => {
            open = false
          })
      ))
      const fiber = yield* Effect.fork(
        Effect.provide(FileOperations.copy({ fileIds: [1], destFolderId: 2 }), Layer.merge(portal.layer, transport))
      )
      yield* until(() => portal.requests.length === 1)
      const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
      yield* turns(20)
      yield* Deferred.succeed(answer, undefined)
      yield* until(() => interrupting.unsafePoll() !== null && openWhenTerminated.length > 0)
      expect(openWhenTerminated).toEqual([true])
      expect(open).toBe(false)
    }))

  it.effect("an operation that leaves the list before it was seen finished has finished, result not reported", () => {
    const portal = opsPortal([{ progress: 40, finished: false }, "gone"])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(FileOperations.copy({ fileIds: [1], destFolderId: 2 }))
      yield* tick(4)
      const ops = yield* Fiber.join(fiber)
      // as last seen, but finished; `reported: false` says the portal's final state is unknown
      expect(ops).toMatchObject([{ id: "op1", progress: 40, finished: true, reported: false }])
      // it is gone: nothing to terminate
      expect(portal.terminates()).toBe(0)
      expect(portal.polls()).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an operation last seen with the portal's error that then leaves the list is FileOperationFailed", () => {
    const portal = opsPortal([{ progress: 40, finished: false, error: "Access denied" }, "gone"])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(FileOperations.move({ fileIds: [1], destFolderId: 2 })))
      yield* tick(4)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("FileOperationFailed")
      expect(error).toMatchObject({ id: "op1", message: "Access denied", progress: 40 })
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("polls ask for this operation only (?id=), never for the user's whole list", () => {
    const portal = opsPortal([{ progress: 10, finished: false }, { progress: 100, finished: true }])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(FileOperations.copy({ fileIds: [1], destFolderId: 2 }))
      yield* tick(4)
      yield* Fiber.join(fiber)
      const reads = portal.requests.filter((r) => r.method === "GET")
      expect(reads.length).toBe(2)
      expect(reads.map((r) => r.url.searchParams.get("id"))).toEqual(["op1", "op1"])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("nothing selected: nothing is sent (the portal would answer with every operation of the user)", () => {
    const portal = opsPortal([{ progress: 100, finished: true }])
    return Effect.gen(function*() {
      expect(yield* FileOperations.copy({ fileIds: [], destFolderId: 2 })).toEqual([])
      expect(yield* FileOperations.remove({})).toEqual([])
      expect(portal.requests.length).toBe(0)
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

describe("FileOperations against a portal that stops answering: every request is bounded", () => {
  const never = (method: string, prefix: string) => (r: { readonly method: string; readonly url: URL }) =>
    r.method === method && r.url.pathname.startsWith(prefix)

  it.effect("copy(...).pipe(Effect.timeout(\"3 seconds\")) ends within cleanupTimeout when the start gets no answer", () => {
    const portal = opsPortal([{ progress: 10, finished: false }], { silent: never("PUT", "/api/2.0/files/fileops/") })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        FileOperations.copy({ fileIds: [1], destFolderId: 2, cleanupTimeout: "1 second" }).pipe(
          Effect.timeout("3 seconds"),
          Effect.flip
        )
      )
      yield* until(() => portal.requests.length === 1)
      yield* TestClock.adjust("3 seconds")
      yield* turns(20)
      // the interrupted start waits for the portal's answer, at most cleanupTimeout
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 second")
      yield* until(() => fiber.unsafePoll() !== null)
      expect((yield* Fiber.join(fiber))._tag).toBe("TimeoutException")
      // the start never answered and was given up: nothing to terminate, nothing sent afterwards
      yield* TestClock.adjust("30 seconds")
      yield* turns(20)
      expect(portal.terminates()).toBe(0)
      expect(portal.requests.length).toBe(1)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("without a timeout of its own, a start that gets no answer fails with the client's Timeout", () => {
    const portal = opsPortal([{ progress: 10, finished: false }], { silent: never("PUT", "/api/2.0/files/fileops/") })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(FileOperations.copy({ fileIds: [1], destFolderId: 2 })))
      yield* until(() => portal.requests.length === 1)
      yield* TestClock.adjust("30 seconds")
      yield* until(() => fiber.unsafePoll() !== null)
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("Timeout")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("Files.remove and Folders.remove under a timeout return when the portal does not answer", () => {
    const portal = opsPortal([{ progress: 10, finished: false }], { silent: () => true })
    return Effect.gen(function*() {
      const files = yield* Effect.fork(Files.remove(1).pipe(Effect.timeout("3 seconds"), Effect.flip))
      const folders = yield* Effect.fork(Folders.remove(2).pipe(Effect.timeout("3 seconds"), Effect.flip))
      yield* until(() => portal.requests.length === 2)
      yield* TestClock.adjust("3 seconds")
      // then the interrupted starts wait for an answer for the default cleanupTimeout (10 s)
      yield* TestClock.adjust(FileOperations.defaultCleanupTimeout)
      yield* until(() => files.unsafePoll() !== null && folders.unsafePoll() !== null)
      expect((yield* Fiber.join(files))._tag).toBe("TimeoutException")
      expect((yield* Fiber.join(folders))._tag).toBe("TimeoutException")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a poll timeout followed by a terminate that gets no answer: the clean-up is bounded (10 s)", () => {
    const portal = opsPortal([{ progress: 10, finished: false }], {
      silent: never("PUT", "/api/2.0/files/fileops/terminate/")
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        FileOperations.copy({ fileIds: [1], destFolderId: 2 }).pipe(Effect.timeout("2 seconds"), Effect.flip)
      )
      yield* tick(4)
      yield* until(() => portal.terminates() === 1)
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("10 seconds")
      yield* until(() => fiber.unsafePoll() !== null)
      expect((yield* Fiber.join(fiber))._tag).toBe("TimeoutException")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("cleanupTimeout bounds the terminate", () => {
    const portal = opsPortal([{ progress: 10, finished: false }], {
      silent: never("PUT", "/api/2.0/files/fileops/terminate/")
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        FileOperations.copy({ fileIds: [1], destFolderId: 2, cleanupTimeout: "1 second" }).pipe(
          Effect.timeout("2 seconds"),
          Effect.flip
        )
      )
      yield* tick(4)
      yield* until(() => portal.terminates() === 1)
      yield* TestClock.adjust("1 second")
      yield* until(() => fiber.unsafePoll() !== null)
      expect((yield* Fiber.join(fiber))._tag).toBe("TimeoutException")
    }).pipe(Effect.provide(portal.layer))
  })
})

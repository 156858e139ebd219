import { Pagination } from "@effect-docspace/core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

/** A server holding `size` items; `withTotal` says whether it reports the total. Records each page asked. */
const server = (size: number, options: { readonly withTotal: boolean } = { withTotal: true }) =>
  Effect.map(Ref.make<ReadonlyArray<Pagination.PageRequest>>([]), (asked) => ({
    asked,
    fetch: (request: Pagination.PageRequest) =>
      Effect.as(Ref.update(asked, (all) => [...all, request]), {
        items: Array.from(
          { length: Math.max(0, Math.min(request.count, size - request.startIndex)) },
          (_, i) => request.startIndex + i
        ),
        ...(options.withTotal ? { total: size } : {})
      })
  }))

describe("Pagination.stream", () => {
  const cases: ReadonlyArray<readonly [string, number, boolean, ReadonlyArray<number>]> = [
    ["total 0", 0, true, [0]],
    ["an exact multiple of the page size stops on total without an extra request", 200, true, [0, 100]],
    ["a short last page", 250, true, [0, 100, 200]],
    ["a missing total: stops on the short page", 250, false, [0, 100, 200]],
    ["a missing total and an exact multiple: one empty page ends it", 200, false, [0, 100, 200]]
  ]
  for (const [name, size, withTotal, starts] of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const { asked, fetch } = yield* server(size, { withTotal })
        const items = yield* Stream.runCollect(Pagination.stream(fetch))
        expect(Chunk.toReadonlyArray(items)).toEqual(Array.from({ length: size }, (_, i) => i))
        expect((yield* Ref.get(asked)).map((r) => r.startIndex)).toEqual(starts)
        expect((yield* Ref.get(asked)).every((r) => r.count === 100)).toBe(true)
      }))
  }

  it.effect("a server that caps its pages below the size asked for: continues until total", () =>
    Effect.gen(function*() {
      const capped = (request: Pagination.PageRequest) =>
        Effect.succeed({
          items: Array.from(
            { length: Math.max(0, Math.min(50, request.count, 120 - request.startIndex)) },
            (_, i) => request.startIndex + i
          ),
          total: 120
        })
      const items = yield* Stream.runCollect(Pagination.stream(capped))
      expect(Chunk.toReadonlyArray(items)).toEqual(Array.from({ length: 120 }, (_, i) => i))
    }))

  it.effect("takes only the pages it needs", () =>
    Effect.gen(function*() {
      const { asked, fetch } = yield* server(10_000)
      const items = yield* Stream.runCollect(Stream.take(Pagination.stream(fetch, { pageSize: 50 }), 120))
      expect(Chunk.size(items)).toBe(120)
      expect((yield* Ref.get(asked)).map((r) => r.startIndex)).toEqual([0, 50, 100])
    }))

  it.effect("clamps the page size to the portal's 1..100", () =>
    Effect.gen(function*() {
      const { asked, fetch } = yield* server(5)
      yield* Stream.runDrain(Pagination.stream(fetch, { pageSize: 1000 }))
      yield* Stream.runDrain(Pagination.stream(fetch, { pageSize: 0 }))
      expect((yield* Ref.get(asked)).map((r) => r.count)).toEqual([100, 1, 1, 1, 1, 1])
    }))

  it.effect("a server that answers the same page twice fails with PaginationError instead of looping", () =>
    Effect.gen(function*() {
      let calls = 0
      const stuck = () => {
        calls++
        return Effect.succeed({ items: Array.from({ length: 100 }, (_, i) => i), total: 1000 })
      }
      const result = yield* Effect.either(Stream.runCollect(Pagination.stream(stuck)))
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "PaginationError", startIndex: 100 })
      expect(calls).toBe(2)
    }))

  it.effect("prefetch yields the same items", () =>
    Effect.gen(function*() {
      const { fetch } = yield* server(345)
      const items = yield* Stream.runCollect(Pagination.stream(fetch, { prefetch: true, startIndex: 5 }))
      expect(Chunk.toReadonlyArray(items)).toEqual(Array.from({ length: 340 }, (_, i) => i + 5))
    }))

  it.effect("a failing page fails the stream with its error", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        Stream.runCollect(Pagination.stream((r) =>
          r.startIndex === 0
            ? Effect.succeed({ items: Array.from({ length: 100 }, () => 1) })
            : Effect.fail("boom" as const)
        ))
      )
      expect(result).toEqual(Either.left("boom"))
    }))

  it.effect("a portal that ignores startIndex and changes a field on every read: caught by ids, not looping", () =>
    Effect.gen(function*() {
      let reads = 0
      const fetch = () =>
        Effect.sync(() => {
          reads++
          // same entries, a changing `updated`, no total: whole-page comparison never matches
          return { items: Array.from({ length: 100 }, (_, i) => ({ id: i, updated: `t${reads}` })) }
        })
      const result = yield* Effect.either(Stream.runDrain(Pagination.stream(fetch)))
      expect(Either.isLeft(result) && result.left._tag).toBe("PaginationError")
      expect(reads).toBe(2)
    }))

  it.effect("a portal that cycles between pages without progress is stopped after a bounded number of pages", () =>
    Effect.gen(function*() {
      let reads = 0
      const fetch = () =>
        Effect.sync(() => {
          reads++
          const base = reads % 2 === 0 ? 0 : 100
          return { items: Array.from({ length: 100 }, (_, i) => ({ id: base + i })) }
        })
      const result = yield* Effect.either(Stream.runDrain(Pagination.stream(fetch)))
      expect(Either.isLeft(result) && result.left._tag).toBe("PaginationError")
      expect(reads).toBeLessThanOrEqual(2 + Pagination.maxPagesWithoutProgress)
    }))

  it.effect("items of two kinds whose ids overlap (400 folders and 400 files, ids 1-400 each) are all listed", () =>
    Effect.gen(function*() {
      const folders = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, foldersCount: 0 }))
      const files = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, fileExst: ".docx" }))
      const tagged = [
        ...folders.map((f) => ({ ...f, _tag: "Folder" })),
        ...files.map((f) => ({ ...f, _tag: "File" }))
      ]
      const list = <A>(all: ReadonlyArray<A>, withTotal: boolean) => (request: Pagination.PageRequest) =>
        Effect.succeed({
          items: all.slice(request.startIndex, request.startIndex + request.count),
          ...(withTotal ? { total: all.length } : {})
        })
      // untagged DTOs with the portal's total; tagged entries (the default key tells the kinds apart) with or without
      for (
        const [all, withTotal] of [[[...folders, ...files], true], [tagged, true], [tagged, false]] as const
      ) {
        const items = yield* Stream.runCollect(Pagination.stream(list<unknown>(all, withTotal)))
        expect(Chunk.size(items)).toBe(800)
      }
    }))

  it.effect("NaN, Infinity and unsafe numbers for pageSize or startIndex are refused before anything is sent", () =>
    Effect.gen(function*() {
      for (
        const options of [
          { pageSize: NaN },
          { pageSize: Infinity },
          { startIndex: NaN },
          { startIndex: -Infinity },
          { startIndex: 1e300 },
          { pageSize: 2 ** 60 }
        ]
      ) {
        let sent = 0
        const fetch = () => Effect.sync(() => (sent++, { items: [] as Array<number> }))
        const result = yield* Effect.either(Stream.runDrain(Pagination.stream(fetch, options)))
        expect(Either.isLeft(result) && result.left._tag).toBe("PaginationError")
        expect(sent).toBe(0)
      }
    }))
})

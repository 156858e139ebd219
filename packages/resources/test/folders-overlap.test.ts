import { Folders } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { envelope, make } from "./curated-mock.js"

// subfolders and files are separate id sequences on the portal: here both run 1..n
const overlappingPortal = (n: number, withTotal: boolean) =>
  make((request) => {
    const startIndex = Number(request.url.searchParams.get("startIndex") ?? 0)
    const count = Number(request.url.searchParams.get("count") ?? 100)
    const all = [
      ...Array.from({ length: n }, (_, i) => ({ kind: "folder", id: i + 1 })),
      ...Array.from({ length: n }, (_, i) => ({ kind: "file", id: i + 1 }))
    ]
    const page = all.slice(startIndex, startIndex + count)
    return envelope({
      folders: page.filter((e) => e.kind === "folder").map(({ id }) => ({ id, title: `folder ${id}`, filesCount: 0 })),
      files: page.filter((e) => e.kind === "file").map(({ id }) => ({ id, title: `file ${id}.txt`, version: 1 })),
      current: { id: 7, title: "f" },
      startIndex,
      count: page.length,
      ...(withTotal ? { total: all.length } : {})
    })
  })

describe("Folders.stream, subfolders and files with the same ids", () => {
  for (const withTotal of [true, false]) {
    it.effect(`400 subfolders and 400 files, ids 1-400 each, are all listed (${withTotal ? "" : "no "}total)`, () => {
      const portal = overlappingPortal(400, withTotal)
      return Effect.gen(function*() {
        const entries = Chunk.toReadonlyArray(yield* Stream.runCollect(Folders.stream(7)))
        expect(entries.length).toBe(800)
        expect(entries.filter((e) => e._tag === "File").map((e) => e.id)).toEqual(
          Array.from({ length: 400 }, (_, i) => i + 1)
        )
      }).pipe(Effect.provide(portal.layer))
    })
  }
})

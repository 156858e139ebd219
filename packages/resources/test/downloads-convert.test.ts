// Downloads.stream with outType (issue 12): conversion on download through filehandler.ashx `outputtype`.
import { Downloads, Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { fakeUrl, make, onFake, sameBytes } from "./curated-mock.js"

const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(Chunk.toReadonlyArray(chunks)))

const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 3) % 251)

describe("Downloads.stream outType", () => {
  it.effect("asks filehandler.ashx for outputtype=.pdf and takes the converted file", () => {
    const portal = make(() => ({
      headers: { "content-disposition": "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf" },
      body: new Uint8Array([37, 80, 68, 70])
    }))
    return Effect.gen(function*() {
      const pdf = yield* collect(Downloads.stream(7, { outType: "PDF" }))
      expect([...pdf]).toEqual([37, 80, 68, 70])
      const url = portal.requests[0]!.url
      expect(url.pathname).toBe("/filehandler.ashx")
      expect(url.searchParams.get("outputtype")).toBe(".pdf")
      expect(url.searchParams.get("fileid")).toBe("7")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("an outType that is not an extension is a BadRequest before any request", () => {
    const portal = make(() => ({ body: new Uint8Array(1) }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(collect(Downloads.stream(7, { outType: "p/df" })))
      expect(error._tag).toBe("BadRequest")
      expect(portal.requests).toEqual([])
    }).pipe(Effect.provide(portal.layer))
  })

  for (const storageRedirect of [false, true]) {
    it.effect(`on FakeDocSpace (storageRedirect ${storageRedirect}): converted under the new name; no conversion is a BadRequest`, () =>
      Effect.gen(function*() {
        const { exit } = yield* onFake(Effect.gen(function*() {
          const file = yield* Uploads.uploadBytes({ folderId: "@my", fileName: "report.docx", bytes })
          const pdf = yield* collect(Downloads.stream(file.id, { outType: "pdf" }))
          const part = yield* collect(Downloads.stream(file.id, { outType: ".pdf", range: { start: 10, end: 19 } }))
          const refused = yield* Effect.flip(collect(Downloads.stream(file.id, { outType: "png" })))
          return { pdf, part, refused }
        }))
        const result = yield* exit
        expect(sameBytes(result.pdf, bytes)).toBe(true)
        expect(sameBytes(result.part, bytes.subarray(10, 20))).toBe(true)
        expect(result.refused._tag).toBe("BadRequest")
        expect(result.refused.message).toContain(storageRedirect ? "redirected to the original" : "report.docx")
      }).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, storageRedirect }))))
  }
})

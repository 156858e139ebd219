// Uploads.check (issue 12): the names that already exist in a folder, before uploading.
import { Uploads } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { fakeUrl, onFake } from "./curated-mock.js"

const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl })

describe("Uploads.check on FakeDocSpace", () => {
  it.effect("answers the names that exist in the folder; @my is resolved; no names, no request", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        yield* Uploads.uploadBytes({ folderId: "@my", fileName: "a.txt", bytes: new Uint8Array([1, 2, 3]) })
        const existing = yield* Uploads.check({ folderId: "@my", fileNames: ["a.txt", "b.txt", "a.txt"] })
        const none = yield* Uploads.check({ folderId: "@my", fileNames: [] })
        return { existing, none }
      }))
      const result = yield* exit
      expect(result.existing).toEqual(["a.txt"])
      expect(result.none).toEqual([])
      const counts = yield* fake.state.counts
      expect(counts.byRoute["POST /api/2.0/files/{folderId}/upload/check"]).toBe(1)
    }).pipe(Effect.provide(Fake)))

  it.effect("an unknown folder is a typed NotFound", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Uploads.check({ folderId: 999_999, fileNames: ["a.txt"] }))
      const error = yield* Effect.flip(exit)
      expect(error._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake)))
})

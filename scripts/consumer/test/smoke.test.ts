// The consumer smoke test's test file (see src/main.ts): @effect/vitest against FakeDocSpace in-process and
// MockTransport, as a user's own tests would be written.
import { Auth } from "@effect-docspace/core"
import { DocSpace, Folders, People } from "@effect-docspace/resources"
import { FakeDocSpace, MockTransport } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

const ClientOnFake = Layer.unwrapEffect(
  Effect.map(FakeDocSpace.Server, (fake) => DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey) }))
)
const OnFake = ClientOnFake.pipe(Layer.provideMerge(FakeDocSpace.layer()))

describe("a consumer project", () => {
  it.effect("creates and lists a folder on FakeDocSpace", () =>
    Effect.gen(function*() {
      yield* Folders.create(Folders.my, "from a test")
      const titles = yield* Folders.stream(Folders.my).pipe(Stream.map((entry) => entry.title), Stream.runCollect)
      expect(Chunk.toReadonlyArray(titles)).toContain("from a test")
      const counts = yield* Effect.flatMap(FakeDocSpace.Server, (fake) => fake.state.counts)
      expect(counts.writes).toBe(1)
    }).pipe(Effect.provide(OnFake)))

  it.effect("a wrong key is a typed Unauthorized with MockTransport", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(People.self())
      expect(error._tag).toBe("Unauthorized")
    }).pipe(
      Effect.provide(
        DocSpace.layer({
          baseUrl: "https://portal.example.com",
          auth: Auth.apiKey(Redacted.make(`sk-${"0".repeat(64)}`))
        }).pipe(
          Layer.provide(MockTransport.layer({ "GET /api/2.0/people/@self": MockTransport.error(401, "Unauthorized") }))
        )
      )
    ))
})

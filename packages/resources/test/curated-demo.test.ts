import { Auth } from "@effect-docspace/core"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { DocSpace } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { createHash } from "node:crypto"

// examples/ is outside this project's `include` (tsconfig.test.json lists test and bench), so the demo is loaded by
// a computed specifier and typed here; `examples/demo.ts` itself is type-checked against the package's sources.
interface DemoModule {
  readonly makeDemo: (options?: { readonly size?: number }) => Effect.Effect<
    {
      readonly bytes: number
      readonly sha256: string
      readonly entriesListed: number
      readonly copyProgress: ReadonlyArray<number>
    },
    unknown,
    DocSpaceClient.DocSpaceClient
  >
}
const demoPath = "../examples/demo.js"
const loadDemo = Effect.promise(() => import(/* @vite-ignore */ demoPath) as Promise<DemoModule>)

const baseUrl = "https://fake.docspace.test"

// the demo against an in-process FakeDocSpace: the client layer is built from the fake's own API key
const run = <A, E>(program: Effect.Effect<A, E, DocSpaceClient.DocSpaceClient>) =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.Server
    const client = DocSpace.layer({ baseUrl, auth: Auth.apiKey(fake.apiKey), rateLimit: RateLimitPolicy.unlimited })
    const http = yield* HttpClient.HttpClient
    const fiber = yield* Effect.fork(
      program.pipe(Effect.provide(client.pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)))))
    )
    // file operations progress with the clock: move it until the demo is done
    for (let i = 0; i < 10_000; i++) {
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      yield* TestClock.adjust("100 millis")
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
    }
    return { result: yield* Fiber.join(fiber), fake }
  })

describe("demo", () => {
  it.effect("uploads, lists, downloads (same sha256) and copies on FakeDocSpace", () =>
    Effect.gen(function*() {
      const size = 3 * 1024 * 1024 + 12_345
      const { makeDemo } = yield* loadDemo
      const { fake, result } = yield* run(makeDemo({ size }))
      expect(result.bytes).toBe(size)
      // listed right after the upload: the file alone
      expect(result.entriesListed).toBe(1)
      expect(result.copyProgress[result.copyProgress.length - 1]).toBe(100)
      const files = yield* fake.state.files
      const stored = files.filter((f) => f.title === "generated.bin")
      // the upload and its copy
      expect(stored.length).toBe(2)
      const content = yield* fake.state.fileContent(stored[0]!.id)
      expect(Option.isSome(content) && createHash("sha256").update(content.value).digest("hex")).toBe(result.sha256)
      const counts = yield* fake.state.counts
      // 1 MiB chunks: 4 parts
      expect(counts.byRoute["POST /ChunkedUploader.ashx"]).toBe(4)
    }).pipe(
      Effect.provide(FakeDocSpace.layer({ baseUrl, chunkUploadSize: 1024 * 1024, fileOperationMillis: 1000 })),
      Effect.provide(Logger.remove(Logger.defaultLogger))
    ))
})

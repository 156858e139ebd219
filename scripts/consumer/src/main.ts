// The consumer smoke test's program (scripts/consumer-smoke.mjs copies it into a fresh project outside the
// workspace, where the packages come from their packed tarballs): the Node entry, the rate limiter, typed errors and
// paginated streams, against FakeDocSpace served on a loopback port.
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { Folders, People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const program = Effect.gen(function*() {
  const me = yield* People.self()
  yield* Console.log(`signed in as ${me.displayName}`)
  const created = yield* Folders.create(Folders.my, "consumer smoke")
  yield* Console.log(`created folder "${created.title}" (id ${created.id})`)
  const titles = yield* Folders.stream(Folders.my).pipe(Stream.map((entry) => entry.title), Stream.runCollect)
  const first: string | undefined = Chunk.toReadonlyArray(titles)[0] // noUncheckedIndexedAccess: string | undefined
  yield* Console.log(`My documents: ${Chunk.size(titles)} entries, the first is "${first ?? "(none)"}"`)
  const missing = yield* Folders.info(987654321).pipe(
    Effect.as("found?!"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(`NotFound as expected: ${error.message}`))
  )
  yield* Console.log(missing)
  if (!missing.startsWith("NotFound")) return yield* Effect.die("a missing folder was not a NotFound")
})

const main = Effect.gen(function*() {
  const fake = yield* FakeDocSpace.serve({ port: 0 })
  yield* Console.log(`fake DocSpace listening on ${fake.url}`)
  yield* program.pipe(
    Effect.provide(
      NodeDocSpace.layer({
        baseUrl: fake.url,
        auth: Auth.apiKey(fake.apiKey),
        rateLimit: RateLimitPolicy.docSpaceCloud
      })
    )
  )
  const counts = yield* fake.state.counts
  yield* Console.log(`the fake answered ${counts.total} requests; program OK`)
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})

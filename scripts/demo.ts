/**
 * The README's demo: starts the embedded fake DocSpace on a loopback port, connects to it with the real client over
 * Node's HTTP stack (rate limiter included), and runs the resources package's demo program against it.
 *
 *   npm run demo
 */
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { demo } from "../packages/resources/examples/demo.ts"

const main = Effect.gen(function*() {
  const fake = yield* FakeDocSpace.serve({ port: 0 })
  yield* Console.log(`fake DocSpace listening on ${fake.url}`)
  const live = DocSpace.layer({
    baseUrl: fake.url,
    auth: Auth.apiKey(fake.apiKey),
    rateLimit: RateLimitPolicy.docSpaceCloud
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  yield* demo.pipe(Effect.provide(live))
  const counts = yield* fake.state.counts
  yield* Console.log(
    `the fake received ${counts.total} requests (${counts.writes} writes, peak ${counts.peakInFlight} in flight); done`
  )
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exit(1)
})

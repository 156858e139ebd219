// Serves FakeDocSpace on a loopback port for the runtime checks of scripts/consumer-smoke.mjs: prints one JSON line
// { url, apiKey } and runs until killed. The key is the fake's own, made up in this process.
import { FakeDocSpace } from "@effect-docspace/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

Effect.runFork(Effect.scoped(Effect.gen(function*() {
  const fake = yield* FakeDocSpace.serve({ port: 0 })
  console.log(JSON.stringify({ url: fake.url, apiKey: Redacted.value(fake.apiKey) }))
  yield* Effect.never
})))

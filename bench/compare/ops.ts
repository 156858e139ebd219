/**
 * Effect operations per request: the decoded GET of the profile, counted with a `Supervisor` under the runtime's
 * `OpSupervision` flag (every step the fiber runtime evaluates), for `@effect/platform`'s HttpClient alone and for the
 * client with `docSpaceCloud` (its window raised as in `policy.ts`) and `unlimited`. A structural figure, steady on a
 * noisy machine, beside the CPU times of `pnpm bench:compare`:
 *
 *   node --import tsx bench/compare/ops.ts [requests]
 *
 * Starts the loopback portal (`server.ts`) itself. Prints one line per contender: operations and forked fibers per
 * request. Then the same per 10 MiB part of a 100 MiB `Uploads.upload` (64 KiB pieces, the portal's 10 MiB parts),
 * sequential and with `parallel: 2`, and for the content stream alone (the floor under the parts).
 */
import * as Auth from "@effect-docspace/core/Auth"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as DocSpace from "@effect-docspace/resources/DocSpace"
import * as People from "@effect-docspace/resources/People"
import * as Uploads from "@effect-docspace/resources/Uploads"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as RuntimeFlagsPatch from "effect/RuntimeFlagsPatch"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Supervisor from "effect/Supervisor"
import { apiKey } from "./fixtures.js"
import { cloudPolicy } from "./policy.js"
import { startPortal } from "./portal.js"

const requests = Number(process.argv[2] ?? 100)
const portal = await startPortal()
const base = portal.base

class Counter extends Supervisor.AbstractSupervisor<void> {
  ops = 0
  forks = 0
  readonly value = Effect.void
  override onStart() {
    this.forks++
  }
  override onEffect() {
    this.ops++
  }
}

const count = async (
  name: string,
  runtime: ManagedRuntime.ManagedRuntime<never, never>,
  one: Effect.Effect<unknown, unknown>
) => {
  await runtime.runPromise(one) // warm-up: connections, compiled decoders
  const counter = new Counter()
  await runtime.runPromise(
    Effect.repeatN(one, requests - 1).pipe(
      Effect.supervised(counter),
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
  )
  console.log(
    `${name.padEnd(34)} ${(counter.ops / requests).toFixed(1)} ops, ${
      (counter.forks / requests).toFixed(2)
    } forks per request`
  )
}

const decodePerson = Schema.decodeUnknownSync(People.Person)
const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
await count(
  "@effect/platform HttpClient",
  platform as unknown as ManagedRuntime.ManagedRuntime<never, never>,
  Effect.provide(
    Effect.flatMap(HttpClient.HttpClient, (client) =>
      Effect.scoped(
        Effect.flatMap(
          HttpClient.filterStatusOk(client).execute(
            HttpClientRequest.get(`${base}/api/2.0/people/@self`).pipe(
              HttpClientRequest.setHeaders({ authorization: `Bearer ${apiKey}`, accept: "application/json" })
            )
          ),
          (response) => Effect.map(response.json, (json) => decodePerson((json as { response: unknown }).response))
        )
      )),
    await platform.runtime()
  )
)
await platform.dispose()

for (
  const [name, policy] of [["effect-docspace (docSpaceCloud)", cloudPolicy], [
    "effect-docspace (unlimited)",
    RateLimitPolicy.unlimited
  ]] as const
) {
  const runtime = ManagedRuntime.make(
    DocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make(apiKey)), rateLimit: policy }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
  await count(
    name,
    runtime as unknown as ManagedRuntime.ManagedRuntime<never, never>,
    Effect.provide(People.self(), await runtime.runtime())
  )
  await runtime.dispose()
}
// uploads: operations per part (the whole upload of 10 parts: settings, session, parts, its answers)
const MiB = 1024 * 1024
const piece = new Uint8Array(64 * 1024)
const uploadSize = 100 * MiB
const content = Stream.range(1, uploadSize / piece.length).pipe(Stream.as(piece))
const uploads = ManagedRuntime.make(
  DocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make(apiKey)), rateLimit: cloudPolicy }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )
)
const perPart = async (name: string, upload: Effect.Effect<unknown, unknown, never>) => {
  await uploads.runPromise(upload)
  const counter = new Counter()
  await uploads.runPromise(
    upload.pipe(
      Effect.supervised(counter),
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
  )
  console.log(
    `${name.padEnd(34)} ${(counter.ops / 10).toFixed(1)} ops, ${(counter.forks / 10).toFixed(2)} forks per part`
  )
}
const uploadRuntime = await uploads.runtime()
await perPart("content stream alone", Stream.runDrain(content))
for (const parallel of [1, 2]) {
  await perPart(
    `Uploads.upload, parallel ${parallel}`,
    Effect.provide(
      Uploads.upload({ folderId: 1, fileName: "big.bin", size: uploadSize, content, parallel }),
      uploadRuntime
    )
  )
}
await uploads.dispose()
portal.stop()

/**
 * Where the CPU of a decoded GET goes, layer by layer, over a real loopback socket: `@effect/platform`'s HttpClient
 * alone, then with what the client adds, one layer at a time (its timer, its span and settings without a rate
 * limiter, the limiter with `unlimited`, with `docSpaceCloud`), plus for reference a plain `Effect.fork` and a timer
 * by abort signal (a scope of the request's own, no fiber). The layers run in one process, in an order shuffled anew
 * each round (`order.ts`), paired by round; CPU time per request (`process.cpuUsage`) and the garbage collector's time
 * per request (`PerformanceObserver` "gc" entries) are medians over the rounds.
 *
 *   node --expose-gc --import tsx bench/compare/layers.ts [concurrency=16] [requests=5000] [rounds=5]
 *
 * An in-process transport hides most of this (a request that never suspends needs no second trip through the
 * scheduler): the socket is what makes the request's own fiber cost what it costs.
 */
import * as Auth from "@effect-docspace/core/Auth"
import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as DocSpace from "@effect-docspace/resources/DocSpace"
import * as People from "@effect-docspace/resources/People"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { PerformanceObserver } from "node:perf_hooks"
import { boundedTimeout } from "../../packages/core/src/internal/timeout.js"
import { apiKey } from "./fixtures.js"
import { orderOf } from "./order.js"
import { cloudPolicy } from "./policy.js"
import { startPortal } from "./portal.js"

const concurrency = Number(process.argv[2] ?? 16)
const requests = Number(process.argv[3] ?? 5000)
const rounds = Number(process.argv[4] ?? 5)

const portal = await startPortal()
const base = portal.base

const many = <R>(one: Effect.Effect<unknown, unknown, R>) =>
  Effect.forEach(Array.from({ length: requests }), () => one, { concurrency, discard: true })

// the platform alone: the request, its status checked, its JSON decoded with the same schema
const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
const client = HttpClient.filterStatusOk(await platform.runPromise(HttpClient.HttpClient))
const decodePerson = Schema.decodeUnknownSync(People.Person)
const profile = HttpClientRequest.get(`${base}/api/2.0/people/@self`).pipe(
  HttpClientRequest.setHeaders({ authorization: `Bearer ${apiKey}`, accept: "application/json" })
)
const decoded = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(response.json, (json) => decodePerson((json as { response: unknown }).response))
const plain = Effect.scoped(Effect.flatMap(client.execute(profile), decoded))

// A timer by abort signal, as the client has it for transports known to honour it (`DocSpaceClient.TransportAborts`):
// the request tied to a scope of its own through `withScope`, the timer closing that scope (which aborts the
// request's signal) instead of interrupting a fiber; a request that ends in time leaves its scope open, unaborted.
const scopedClient = HttpClient.withScope(client)
const aborting = Effect.flatMap(Scope.make(), (scope) =>
  Effect.suspend(() => {
    const timer = setTimeout(() => Effect.runFork(Scope.close(scope, Exit.void)), 30_000)
    return Effect.ensuring(
      Scope.extend(Effect.flatMap(scopedClient.execute(profile), decoded), scope),
      Effect.sync(() => clearTimeout(timer))
    )
  }))

const docSpace = (policy: RateLimitPolicy.RateLimitPolicy, limiter?: Layer.Layer<RateLimiter.RateLimiter>) => {
  const layer = DocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make(apiKey)), rateLimit: policy }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )
  const runtime = ManagedRuntime.make(limiter === undefined ? layer : Layer.provide(layer, limiter))
  return () => runtime.runPromise(many(People.self()))
}
// a limiter that lets every request through untouched: the client's own layers without any limiting
const passThrough = Layer.succeed(
  RateLimiter.RateLimiter,
  RateLimiter.RateLimiter.of({
    policy: RateLimitPolicy.unlimited,
    apply: (inner) => inner,
    stats: Effect.die("not used")
  })
)

const layers: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ["@effect/platform HttpClient", () => platform.runPromise(many(plain))],
  [
    "+ the client's timer (boundedTimeout)",
    () => platform.runPromise(many(boundedTimeout(plain, "30 seconds", () => "timeout", { inherit: false })))
  ],
  ["+ a timer by abort signal (reference)", () => platform.runPromise(many(aborting))],
  [
    "+ Effect.fork and await (reference)",
    () => platform.runPromise(many(Effect.flatMap(Effect.fork(plain), Fiber.join)))
  ],
  ["effect-docspace, no rate limiter", docSpace(RateLimitPolicy.unlimited, passThrough)],
  ["effect-docspace, unlimited", docSpace(RateLimitPolicy.unlimited)],
  ["effect-docspace, docSpaceCloud", docSpace(cloudPolicy)]
]

let gcMillis = 0
let gcCount = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMillis += entry.duration
    gcCount++
  }
}).observe({ entryTypes: ["gc"] })
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

const cpu: Array<Array<number>> = layers.map(() => [])
const gc: Array<Array<number>> = layers.map(() => [])
const gcs: Array<Array<number>> = layers.map(() => [])
for (const [, run] of layers) await run() // warm-up: connections, compiled code
for (let round = 0; round < rounds; round++) {
  for (const index of orderOf(layers.map((_, index) => index), round)) {
    collect()
    gcMillis = 0
    gcCount = 0
    const start = process.cpuUsage()
    await layers[index][1]()
    const used = process.cpuUsage(start)
    cpu[index].push((used.user + used.system) / requests)
    gc[index].push((gcMillis * 1000) / requests)
    gcs[index].push((gcCount * 1000) / requests)
  }
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const baseline = median(cpu[0])
console.log(
  `${concurrency} in flight, ${rounds} rounds x ${requests} requests; medians of CPU time per request (us), and ` +
    "the garbage collector's share of it"
)
console.log(
  `${"layer".padEnd(40)} ${"CPU us".padStart(7)} ${"vs platform".padStart(12)} ${"GC us".padStart(6)} GCs/1000`
)
layers.forEach(([name], index) => {
  const value = median(cpu[index])
  console.log(
    `${name.padEnd(40)} ${value.toFixed(0).padStart(7)} ${
      `${value >= baseline ? "+" : ""}${(value - baseline).toFixed(0)}`.padStart(12)
    } ${median(gc[index]).toFixed(1).padStart(6)} ${median(gcs[index]).toFixed(1)}`
  )
})
portal.stop()
process.exit(0)

#!/usr/bin/env node
/**
 * The `docspace-fake` bin of `@effect-docspace/testing` (`npx docspace-fake`; `pnpm fake` in this repository runs
 * it through `bin/fake.ts`): runs FakeDocSpace on a loopback port until Ctrl-C, and prints its URL and a ready API
 * key (the fake's own key: it exists only in this process). Needs the optional peer `@effect/platform-node`.
 *
 * Environment:
 *   PORT               port to listen on (default 0: a free port)
 *   FAKE_SEED          seed of ids, tokens and the API key (default 1)
 *   FAKE_LIMITS        legacy | cloud (default: no limits)
 *   FAKE_TIME_SCALE    multiplies every limit window (e.g. 0.01: a minute lasts 600 ms; default 1)
 *   FAKE_FAULT_RATE    share of requests that get a random fault, 0..1 (default 0)
 *   FAKE_FAULT_SEED    seed of the random faults (default 1)
 *   FAKE_FAULTS        comma-separated kinds to pick from (default all): latency, reset, reset-mid, truncated,
 *                      truncated-json, proxy-502, proxy-503, malformed-json, error-envelope, slow-drip
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as FakeDocSpace from "../FakeDocSpace.js"
import * as FakeServer from "../FakeServer.js"

class EnvError extends Error {}

const faultKinds: Record<string, FakeServer.Fault> = {
  latency: FakeServer.latency("1 second"),
  reset: FakeServer.resetBeforeResponse(),
  "reset-mid": FakeServer.resetMidBody(),
  truncated: FakeServer.truncatedBody("content-length"),
  "truncated-json": FakeServer.truncatedBody("json"),
  "proxy-502": FakeServer.proxyError(502),
  "proxy-503": FakeServer.proxyError(503),
  "malformed-json": FakeServer.malformedJson,
  "error-envelope": FakeServer.errorEnvelope(),
  "slow-drip": FakeServer.slowDrip()
}

const number = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isFinite(n)) throw new EnvError(`${name} must be a number, got "${raw}"`)
  return n
}

const readOptions = (): Parameters<typeof FakeDocSpace.serve>[0] => {
  const port = number("PORT", 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EnvError(`PORT must be 0..65535, got ${port}`)
  const regime = process.env.FAKE_LIMITS
  if (regime !== undefined && regime !== "" && regime !== "legacy" && regime !== "cloud") {
    throw new EnvError(`FAKE_LIMITS must be legacy or cloud, got "${regime}"`)
  }
  const timeScale = number("FAKE_TIME_SCALE", 1)
  const rate = number("FAKE_FAULT_RATE", 0)
  const kinds = (process.env.FAKE_FAULTS ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")
  const unknown = kinds.filter((k) => !(k in faultKinds))
  if (unknown.length > 0) {
    throw new EnvError(`FAKE_FAULTS: unknown ${unknown.join(", ")} (known: ${Object.keys(faultKinds).join(", ")})`)
  }
  return {
    port,
    seed: number("FAKE_SEED", 1),
    ...(regime === "legacy" || regime === "cloud" ? { limits: { regime, timeScale } } : {}),
    ...(rate > 0
      ? {
        faults: {
          random: {
            seed: number("FAKE_FAULT_SEED", 1),
            rate,
            ...(kinds.length > 0 ? { faults: kinds.map((k) => faultKinds[k]) } : {})
          }
        }
      }
      : {})
  }
}

const main = Effect.gen(function*() {
  const options = yield* Effect.try({
    try: readOptions,
    catch: (e) => (e instanceof EnvError ? e : new EnvError(String(e)))
  })
  const fake = yield* FakeDocSpace.serve(options)
  const lines = [
    `FakeDocSpace listening on ${fake.url}`,
    `  limits: ${options?.limits ? `${options.limits.regime} (time scale ${options.limits.timeScale ?? 1})` : "off"}`,
    `  faults: ${
      options?.faults?.random
        ? `${options.faults.random.rate * 100}% at random, seed ${options.faults.random.seed}`
        : "off"
    }`,
    "",
    `DOCSPACE_URL=${fake.url}`,
    `DOCSPACE_API_KEY=${Redacted.value(fake.apiKey)}`,
    "",
    "Ctrl-C to stop."
  ]
  console.log(lines.join("\n"))
  yield* Effect.addFinalizer(() =>
    Effect.gen(function*() {
      const counts = yield* fake.state.counts
      const limits = Option.isSome(fake.limits) ? yield* fake.limits.value.stats : undefined
      const faults = Option.isSome(fake.faults) ? yield* fake.faults.value.stats : undefined
      console.log(
        `\nFakeDocSpace stopped: ${counts.total} requests served (${counts.writes} writes, peak ${counts.peakInFlight} in flight)` +
          (limits ? `, ${limits.rejected.total} refused by limits` : "") +
          (faults ? `, ${faults.faulted} faulted` : "")
      )
    })
  )
  return yield* Effect.never
}).pipe(
  Effect.scoped,
  Effect.catchAll((error) =>
    Effect.sync(() => {
      console.error(`docspace-fake: ${error.message}`)
      process.exitCode = 1
    })
  )
)

NodeRuntime.runMain(main, { disableErrorReporting: true })

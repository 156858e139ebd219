/**
 * CPU per request of the limiter itself: N requests through `limiter.apply` around a no-op HttpClient (an answer
 * with a small body, read whole), measured with `process.cpuUsage()`. Prints microseconds of CPU per request for
 * each policy, sequential and 16 at a time, the median of REPEAT runs (after one warm-up run).
 *
 * `pnpm --filter @effect-docspace/rate-limit exec tsx bench/cpu.ts [N] [REPEAT]`; with `LIMITER_SRC=<path to another
 * copy's src/index.ts>` it measures that copy (to compare before and after a change). With `COMPARE_SRC=<path to
 * another copy's src/index.ts>` it measures both in this process, alternating run by run (paired: a slow minute of
 * the machine weighs on both), and prints the median of the per-run ratios too.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import type * as Limits from "../src/index.js"

// LIMITER_SRC=<path to another copy's src/index.ts> measures that copy instead (before/after comparisons)
const { RateLimiter, RateLimitPolicy }: typeof Limits = await import(process.env.LIMITER_SRC ?? "../src/index.js")
const other: typeof Limits | undefined = process.env.COMPARE_SRC === undefined ?
  undefined :
  await import(process.env.COMPARE_SRC)

const N = Number(process.argv[2] ?? 20_000)
const REPEAT = Number(process.argv[3] ?? 5)
const body = new TextEncoder().encode("{\"response\":{\"id\":1}}")

const noop = HttpClient.make((request) =>
  Effect.sync(() =>
    HttpClientResponse.fromWeb(
      request,
      new Response(body, { status: 200, headers: { "content-type": "application/json" } })
    )
  )
)

// the window and daily cap are lifted so that 20k requests never wait: only the limiter's own work is measured
const policies: Record<string, Limits.RateLimitPolicy.RateLimitPolicy> = {
  docSpaceCloud: {
    ...RateLimitPolicy.docSpaceCloud,
    windows: [RateLimitPolicy.window(10_000_000, "1 minute")],
    writesPerDay: 10_000_000
  },
  unlimited: RateLimitPolicy.unlimited
}

const run = (
  policy: Limits.RateLimitPolicy.RateLimitPolicy,
  concurrency: number,
  make: typeof RateLimiter.make = RateLimiter.make
) =>
  Effect.gen(function*() {
    const limiter = yield* make(policy)
    const client = limiter.apply(noop)
    const url = "https://portal.test/api/2.0/files/file/1"
    const before = process.cpuUsage()
    yield* Effect.forEach(
      Array.from({ length: N }),
      () => Effect.flatMap(client.get(url), (r) => r.arrayBuffer),
      { concurrency, discard: true }
    )
    const used = process.cpuUsage(before)
    return (used.user + used.system) / N
  }).pipe(Effect.scoped)

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const main = Effect.gen(function*() {
  console.log(`limiter CPU per request (us), ${N} requests, median of ${REPEAT} runs, node ${process.version}`)
  if (other !== undefined) {
    console.log(`  A = ${process.env.LIMITER_SRC ?? "../src"}, B = ${process.env.COMPARE_SRC}, alternating`)
    for (const [name, policy] of Object.entries(policies)) {
      for (const concurrency of [1, 16]) {
        yield* run(policy, concurrency)
        yield* run(policy, concurrency, other.RateLimiter.make)
        const a: Array<number> = []
        const b: Array<number> = []
        for (let i = 0; i < REPEAT; i++) {
          a.push(yield* run(policy, concurrency))
          b.push(yield* run(policy, concurrency, other.RateLimiter.make))
        }
        console.log(
          `  ${name.padEnd(14)} concurrency ${String(concurrency).padStart(2)}: A ${median(a).toFixed(1)} us, B ${
            median(b).toFixed(1)
          } us, A/B ${median(a.map((x, i) => x / b[i])).toFixed(2)}`
        )
      }
    }
    return
  }
  for (const [name, policy] of Object.entries(policies)) {
    for (const concurrency of [1, 16]) {
      yield* run(policy, concurrency) // warm-up
      const samples: Array<number> = []
      for (let i = 0; i < REPEAT; i++) samples.push(yield* run(policy, concurrency))
      console.log(
        `  ${name.padEnd(14)} concurrency ${String(concurrency).padStart(2)}: ${median(samples).toFixed(1)} us ` +
          `(runs: ${samples.map((x) => x.toFixed(1)).join(" ")})`
      )
    }
  }
  // the no-op client alone, for reference
  const before = process.cpuUsage()
  yield* Effect.forEach(
    Array.from({ length: N }),
    () => Effect.flatMap(noop.get("https://portal.test/api/2.0/files/file/1"), (r) => r.arrayBuffer),
    { discard: true }
  )
  const used = process.cpuUsage(before)
  console.log(`  no limiter (the no-op client alone): ${((used.user + used.system) / N).toFixed(1)} us`)
})

Effect.runPromise(main)

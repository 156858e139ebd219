/**
 * Decoded GETs of the profile, every contender in this one process, paired and repeated:
 *
 *   node --expose-gc --import tsx bench/compare/requests.ts <baseUrl> <concurrency> <rounds> <requests> [name...]
 *
 * Each round runs every contender (in an order shuffled anew each round, `order.ts`) for `requests` requests after a
 * collection, and records the process CPU time (user + system, `process.cpuUsage`) and the wall time per request.
 * Before the first round each contender runs a warm-up of the same size. With names, only those contenders run
 * (used for the CPU profile). Prints one JSON line: `{ results: { [name]: Array<{ cpuUs, wallUs }> }, skipped }`.
 *
 * With `BENCH_CPU_PROFILE=<file>`, V8's sampling CPU profiler (the one behind `node --cpu-prof`) runs from the end
 * of the warm-up to the end of the last round, so the profile holds the measured requests and not the module loading,
 * and is written to that file.
 */
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { contenders } from "./clients.js"
import { orderOf } from "./order.js"

const [base, concurrencyArg, roundsArg, requestsArg, ...only] = process.argv.slice(2)
const concurrency = Number(concurrencyArg)
const rounds = Number(roundsArg)
const requests = Number(requestsArg)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

const { all, skipped } = contenders(base)
const chosen = all.filter((c) => c.self !== undefined && (only.length === 0 || only.includes(c.name)))
const results: Record<string, Array<{ cpuUs: number; wallUs: number }>> = {}

for (const contender of chosen) {
  results[contender.name] = []
  await contender.self!(requests, concurrency)
}
const profileFile = process.env.BENCH_CPU_PROFILE
const session = profileFile === undefined ? undefined : new Session()
if (session !== undefined) {
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 250 })
  await session.post("Profiler.start")
}
for (let round = 0; round < rounds; round++) {
  for (const contender of orderOf(chosen, round)) {
    gc()
    const cpu = process.cpuUsage()
    const start = performance.now()
    await contender.self!(requests, concurrency)
    const wall = performance.now() - start
    const used = process.cpuUsage(cpu)
    results[contender.name].push({ cpuUs: (used.user + used.system) / requests, wallUs: (wall * 1000) / requests })
  }
}
if (session !== undefined) {
  const { profile } = await session.post("Profiler.stop")
  writeFileSync(profileFile!, JSON.stringify(profile))
  session.disconnect()
}
for (const contender of chosen) await contender.close?.()
console.log(JSON.stringify({ results, skipped }))
process.exit(0)

/**
 * A folder of `entries` entries listed 100 a page, every contender in this one process, paired and repeated:
 *
 *   node --expose-gc --import tsx bench/compare/listing.ts <baseUrl> <entries> <rounds>
 *
 * Records CPU and wall time per listing, and, for each contender, the heap in use after a full collection
 * following each of its listings: a client that keeps nothing has the same retained heap after its last listing as
 * after its first. Prints one JSON line: `{ results: { [name]: Array<{ cpuMs, wallMs, heapMiB }> }, skipped }`.
 */
import { contenders } from "./clients.js"
import { orderOf } from "./order.js"

const [base, entriesArg, roundsArg] = process.argv.slice(2)
const entries = Number(entriesArg)
const rounds = Number(roundsArg)
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})
const MiB = 1024 * 1024

const { all, skipped } = contenders(base)
const listers = all.filter((c) => c.list !== undefined)
const results: Record<string, Array<{ cpuMs: number; wallMs: number; heapMiB: number }>> = {}

for (const contender of listers) {
  results[contender.name] = []
  const n = await contender.list!(entries)
  if (n !== entries) throw new Error(`${contender.name} listed ${n} entries, not ${entries}`)
}
for (let round = 0; round < rounds; round++) {
  for (const contender of orderOf(listers, round)) {
    gc()
    const cpu = process.cpuUsage()
    const start = performance.now()
    const n = await contender.list!(entries)
    const wallMs = performance.now() - start
    const used = process.cpuUsage(cpu)
    if (n !== entries) throw new Error(`${contender.name} listed ${n} entries, not ${entries}`)
    gc()
    results[contender.name].push({
      cpuMs: (used.user + used.system) / 1000,
      wallMs,
      heapMiB: process.memoryUsage().heapUsed / MiB
    })
  }
}
for (const contender of all) await contender.close?.()
console.log(JSON.stringify({ results, skipped }))
process.exit(0)

/**
 * CPU per permit of the memory store's sliding window with a long log: one take and one settle a millisecond (of
 * store time) against a window of 10^9 a minute, so that from the 60,000th permit on each take also drops an expired
 * one. Prints microseconds per permit for three runs.
 *
 *   tsx packages/rate-limit/bench/store.ts [permits]
 */
import { unsafeMemoryOps } from "../src/internal/memoryStore.js"
import * as RateLimitStore from "../src/RateLimitStore.js"

const permits = Number(process.argv[2] ?? 150_000)
const windows = [{ key: "w", limit: 1_000_000_000, intervalMillis: 60_000, kind: "sliding" as const }]
const T = 1_700_000_000_000

for (let run = 0; run < 3; run++) {
  const store = unsafeMemoryOps.get(RateLimitStore.makeMemoryUnsafe())!
  const before = process.cpuUsage()
  for (let i = 0; i < permits; i++) {
    store.take({ windows, gateKey: "g", now: T + i, dryRun: false, permitId: String(i) })
    store.settle({ windows, permitId: String(i), at: T + i })
  }
  const used = process.cpuUsage(before)
  console.log(`${((used.user + used.system) / permits).toFixed(2)} us per permit (${permits} permits)`)
}

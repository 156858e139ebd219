/**
 * `pnpm bench` for resources: the memory of uploads and downloads through the full client (auth, rate limiter,
 * envelope), against the same path with a pass-through limiter as the baseline, side by side. Constant memory
 * means the peak does not grow with the file: it is printed for two sizes, with the ratios.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("memory.ts", import.meta.url))
const sizes = (process.env.BENCH_MIB ?? "256,1024").split(",").map(Number)

interface Result {
  readonly peakMiB: number
  readonly millis: number
}
const run = (mode: string, mib: number, baseline: boolean): Result =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", script, mode, String(mib), ...(baseline ? ["--baseline"] : [])],
      { encoding: "utf8" }
    ).trim().split("\n").pop()!
  )

console.log("memory: peak heap + array buffers while streaming (10 MiB upload parts, 64 KiB pieces)")
console.log("mode      size      client    baseline  client/baseline  client/size  throughput")
for (const mode of ["upload", "download"]) {
  for (const mib of sizes) {
    const client = run(mode, mib, false)
    const base = run(mode, mib, true)
    console.log(
      [
        mode.padEnd(9),
        `${mib} MiB`.padEnd(9),
        `${client.peakMiB.toFixed(0)} MiB`.padEnd(9),
        `${base.peakMiB.toFixed(0)} MiB`.padEnd(9),
        (client.peakMiB / base.peakMiB).toFixed(2).padEnd(16),
        (client.peakMiB / mib).toFixed(3).padEnd(12),
        `${(mib / (client.millis / 1000)).toFixed(0)} MiB/s`
      ].join(" ")
    )
  }
}

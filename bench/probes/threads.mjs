// A preload: at exit, the CPU time of the process's main thread and of all its other threads (V8's compiler and
// collector workers, libuv's pool), from /proc/self/task, in ms (whole process, imports included).
//   node --import ./bench/probes/threads.mjs node_modules/.cache/bench-compare/transfer.js <portal> upload 1024 <contender>
import { readdirSync, readFileSync } from "node:fs"
process.on("exit", () => {
  const rows = []
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8")
    const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim()
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    const ms = (Number(f[11]) + Number(f[12])) * 10
    rows.push([String(tid) === String(process.pid) ? "main" : "other", ms])
  }
  const by = {}
  for (const [n, ms] of rows) by[n] = (by[n] ?? 0) + ms
  process.stderr.write("threads cpu ms: " + JSON.stringify(by) + "\n")
})

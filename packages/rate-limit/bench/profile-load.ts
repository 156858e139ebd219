/**
 * One scenario of the bench in this process, for a CPU profile: `node --cpu-prof --import tsx bench/profile-load.ts
 * [redis://...]` (with a Redis URL, one process of the Redis scenario; the server is started here).
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as inspector from "node:inspector"
import * as path from "node:path"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"
import { benchPolicy, runLoad } from "./load.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const server = spawn(process.execPath, ["--import", "tsx", path.join(here, "server.ts")], {
  stdio: ["ignore", "pipe", "inherit"]
})
const line = await new Promise<string>((resolve) =>
  readline.createInterface({ input: server.stdout }).once("line", resolve)
)
const { port } = JSON.parse(line) as { port: number }
const baseUrl = `http://127.0.0.1:${port}`
await fetch(`${baseUrl}/__config`, {
  method: "POST",
  body: JSON.stringify({ mode: "cloud", limit: 200, windowMs: 1000, read: 10, write: 3, latencyMs: [2, 8] })
})
const redisUrl = process.argv[2]
// a warm-up run first (module loading, JIT), then the measured one
for (let round = 0; round < Number(process.env.ROUNDS ?? 2) - 1; round++) {
  await fetch(`${baseUrl}/__config`, { method: "POST", body: "{}" })
  await runLoad({
    baseUrl,
    n: Number(process.env.N ?? 1000),
    policy: benchPolicy(200, 1000, 10, 3),
    redis: redisUrl === undefined ? undefined : { url: redisUrl, prefix: `profile:${Date.now()}` }
  })
}
// PROFILE=<file>: V8's sampling profile of the measured run only
const session = process.env.PROFILE === undefined ? undefined : new inspector.Session()
const post = (method: string, params?: object) =>
  new Promise<any>((resolve, reject) =>
    session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)))
  )
if (session !== undefined) {
  session.connect()
  await post("Profiler.enable")
  await post("Profiler.setSamplingInterval", { interval: 100 })
  await post("Profiler.start")
}
await fetch(`${baseUrl}/__config`, { method: "POST", body: "{}" })
const result = await runLoad({
  baseUrl,
  n: Number(process.env.N ?? 1000),
  policy: benchPolicy(200, 1000, 10, 3),
  redis: redisUrl === undefined ? undefined : { url: redisUrl, prefix: `profile:${Date.now()}` }
})
if (session !== undefined) {
  const { profile } = await post("Profiler.stop")
  fs.writeFileSync(process.env.PROFILE!, JSON.stringify(profile))
}
if (process.env.SENDS !== undefined) fs.writeFileSync(process.env.SENDS, JSON.stringify(result.sends))
console.log(JSON.stringify({ ...result, sends: result.sends.length, stats: undefined }))
server.kill("SIGTERM")
process.exit(0)

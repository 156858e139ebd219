/**
 * Rate limiter benchmark (prints figures; not a test). `pnpm --filter @effect-docspace/rate-limit bench`
 *
 * A separate loopback server (bench/server.ts, no code shared with src/) enforces LIMIT requests per WINDOW_MS
 * (sliding), READ concurrent GET and WRITE concurrent non-GET, rejecting at once with 429 or 503 + Retry-After.
 */
import { spawn, spawnSync } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as net from "node:net"
import * as path from "node:path"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"
import type { LoadResult } from "./load.js"
import { benchPolicy, runLoad } from "./load.js"

const LIMIT = 200
const WINDOW_MS = 1000
const READ = 10
const WRITE = 3
const N = 2000
const here = path.dirname(fileURLToPath(import.meta.url))
const children: Array<ChildProcess> = []

const spawnTs = (file: string, args: Array<string> = []) => {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, file), ...args], {
    stdio: ["ignore", "pipe", "inherit"]
  })
  children.push(child)
  return child
}

const firstLine = (child: ChildProcess) =>
  new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! })
    rl.once("line", (line) => {
      rl.close()
      resolve(line)
    })
    child.once("exit", (code) => reject(new Error(`${child.spawnargs.join(" ")} exited with ${code}`)))
  })

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer()
    s.listen(0, "127.0.0.1", () => {
      const a = s.address()
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0))
    })
  })

const ping = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1")
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once("error", () => done(false))
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (d) => done(d.toString().startsWith("+PONG")))
  })

const startRedis = async (): Promise<string | undefined> => {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) return undefined
  const port = await freePort()
  const child = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no"
  ], {
    stdio: "ignore"
  })
  children.push(child)
  for (let i = 0; i < 100; i++) {
    if (await ping(port)) return `redis://127.0.0.1:${port}`
    await new Promise((r) => setTimeout(r, 50))
  }
  return undefined
}

interface ServerStats {
  accepted: number
  refusedWindow: number
  refusedConcurrency: number
  firstAcceptedAt: number
  lastAcceptedAt: number
  firstRefusalAt: number
  lastRefusalAt: number
  peakRead: number
  peakWrite: number
  times: Array<number>
  refusals: Array<number>
}

const configure = (baseUrl: string, config: object) =>
  fetch(`${baseUrl}/__config`, { method: "POST", body: JSON.stringify(config) }).then((r) => r.text())
const serverStats = (baseUrl: string) => fetch(`${baseUrl}/__stats`).then((r) => r.json() as Promise<ServerStats>)

const goodput = (s: ServerStats) => {
  // whole windows from the first acceptance: in k windows a sliding-window server allows at most k * LIMIT
  const span = s.lastAcceptedAt - s.firstAcceptedAt
  const k = Math.max(1, Math.floor(span / WINDOW_MS))
  const inWindows = s.times.filter((t) => t < s.firstAcceptedAt + k * WINDOW_MS).length
  return { span, k, inWindows, goodput: inWindows / (k * LIMIT) }
}

const report = (title: string, s: ServerStats, clients: ReadonlyArray<LoadResult>) => {
  const g = goodput(s)
  const ok = clients.reduce((n, c) => n + c.ok, 0)
  const failures: Record<string, number> = {}
  for (const c of clients) for (const [k, v] of Object.entries(c.failures)) failures[k] = (failures[k] ?? 0) + v
  const refusals = s.refusedWindow + s.refusedConcurrency
  console.log(`\n== ${title}`)
  console.log(
    `  requests ok: ${ok}/${N}${Object.keys(failures).length ? `, failures ${JSON.stringify(failures)}` : ""}`
  )
  console.log(
    `  goodput: ${
      g.goodput.toFixed(3)
    } of the allowed rate (${g.inWindows} accepted in the first ${g.k} whole windows, which allow ${
      g.k * LIMIT
    }; all ${s.accepted} in ${(g.span / 1000).toFixed(2)} s)`
  )
  console.log(
    `  rejections seen by the server: ${refusals} (window ${s.refusedWindow}, concurrency ${s.refusedConcurrency})`
  )
  if (refusals > 0) {
    console.log(
      `  first rejection ${s.firstRefusalAt - s.firstAcceptedAt} ms after start, last ${
        s.lastRefusalAt - s.firstRefusalAt
      } ms after the first`
    )
    console.log(`  rejections at (ms after the first): ${s.refusals.map((t) => t - s.firstRefusalAt).join(" ")}`)
  }
  console.log(`  server peak in flight: GET ${s.peakRead}/${READ}, non-GET ${s.peakWrite}/${WRITE}`)
  const st = clients.map((c) => c.stats)
  console.log(
    `  client: retries ${st.reduce((n, x) => n + x.retries, 0)}, 429 ${st.reduce((n, x) => n + x.refused429, 0)}, 503 ${
      st.reduce((n, x) => n + x.refused503, 0)
    }, gate closed ${st.reduce((n, x) => n + x.gateClosedMillis, 0)} ms, throttled ${
      st.reduce((n, x) => n + x.throttled, 0)
    }, limits in force ${JSON.stringify(st[0].limits)}`
  )
  return { ok, refusals, goodput: g.goodput }
}

const main = async () => {
  const started = Date.now()
  const server = spawnTs("server.ts")
  const { port } = JSON.parse(await firstLine(server)) as { port: number }
  const baseUrl = `http://127.0.0.1:${port}`
  console.log(
    `server: ${LIMIT} requests per ${WINDOW_MS} ms (sliding), ${READ} GET / ${WRITE} non-GET concurrent; ${N} requests, 70% GET, 10% each POST/PUT/DELETE`
  )
  const base = { limit: LIMIT, windowMs: WINDOW_MS, read: READ, write: WRITE, latencyMs: [2, 8] }

  await configure(baseUrl, { ...base, mode: "cloud" })
  const a = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ, WRITE) })
  report("cloud (429), matching policy", await serverStats(baseUrl), [a])

  await configure(baseUrl, { ...base, mode: "legacy" })
  const b = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ, WRITE) })
  report("legacy (503), matching policy", await serverStats(baseUrl), [b])

  await configure(baseUrl, { ...base, mode: "cloud" })
  const c = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT * 2, WINDOW_MS, READ * 2, WRITE * 2) })
  report("cloud (429), client policy 2x too high", await serverStats(baseUrl), [c])

  // The refusals a DocSpace server really sends: 429, empty body, only X-RateLimit-Limit (the window's limit or the
  // concurrency cap) and X-RateLimit-Remaining (<= 0), no Retry-After; HEAD counts with the writes.
  const expect = (what: string, ok: boolean) => console.log(`  ${ok ? "OK  " : "FAIL"} ${what}`)
  await configure(baseUrl, { ...base, mode: "real" })
  const d = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ, WRITE) })
  const dr = report("real headers (429, no Retry-After), matching policy", await serverStats(baseUrl), [d])
  expect("0 refusals", dr.refusals === 0)

  await configure(baseUrl, { ...base, mode: "real" })
  const e = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ * 2, WRITE * 2) })
  const er = report("real headers, client caps 2x too high", await serverStats(baseUrl), [e])
  expect(`every request finished (${er.ok}/${N})`, er.ok === N)
  expect(
    `window limit unchanged (${
      e.stats.limits.windows.join(",")
    } = ${LIMIT}), caps learned (${e.stats.limits.read}/${e.stats.limits.write} = ${READ}/${WRITE})`,
    e.stats.limits.windows[0] === LIMIT && e.stats.limits.read === READ && e.stats.limits.write === WRITE
  )

  await configure(baseUrl, { ...base, mode: "real" })
  const f = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT * 2, WINDOW_MS, READ * 2, WRITE * 2) })
  const fr = report("real headers, client caps and window 2x too high", await serverStats(baseUrl), [f])
  expect(`every request finished (${fr.ok}/${N})`, fr.ok === N)
  expect(
    `window learned from window refusals only (${f.stats.limits.windows.join(",")} = ${LIMIT})`,
    f.stats.limits.windows[0] === LIMIT
  )

  const redisUrl = await startRedis()
  if (redisUrl === undefined) {
    console.log("\n== 4 processes sharing Redis: SKIPPED (redis-server not installed)")
  } else {
    await configure(baseUrl, { ...base, mode: "cloud" })
    const prefix = `bench:${Date.now()}`
    const startAt = Date.now() + 2500
    const workers = Array.from({ length: 4 }, (_, w) =>
      spawnTs("worker.ts", [
        JSON.stringify({
          baseUrl,
          n: N / 4,
          offset: w * (N / 4),
          limit: LIMIT,
          windowMs: WINDOW_MS,
          read: READ,
          write: WRITE,
          redisUrl,
          prefix,
          startAt
        })
      ]))
    const results = await Promise.all(workers.map((w) => firstLine(w).then((l) => JSON.parse(l) as LoadResult)))
    report("4 processes sharing Redis, matching policy", await serverStats(baseUrl), results)
  }
  console.log(`\ntotal bench time ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

main().then(
  () => {
    for (const c of children) c.kill("SIGTERM")
    process.exit(0)
  },
  (error) => {
    console.error(error)
    for (const c of children) c.kill("SIGTERM")
    process.exit(1)
  }
)

/**
 * Rate limiter benchmark (prints figures; not a test). `pnpm --filter @effect-docspace/rate-limit bench`
 *
 * A separate loopback server (bench/server.ts, no code shared with src/) enforces LIMIT requests per WINDOW_MS
 * (sliding), READ concurrent GET and WRITE concurrent non-GET, rejecting at once with 429 or 503 + Retry-After.
 */
import { spawn, spawnSync } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as net from "node:net"
import * as os from "node:os"
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

// RL_BENCH_NODE_ARGS: extra node flags for the server and the workers (e.g. "--cpu-prof --cpu-prof-dir=/tmp/p")
const nodeArgs = process.env.RL_BENCH_NODE_ARGS?.split(" ").filter((arg) => arg !== "") ?? []

const spawnTs = (file: string, args: Array<string> = []) => {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(here, file), ...args], {
    stdio: ["pipe", "pipe", "inherit"]
  })
  children.push(child)
  return child
}

// the lines a child prints, one at a time
const lines = (child: ChildProcess) => {
  const queue: Array<string> = []
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = []
  let exited: Error | undefined
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    const w = waiting.shift()
    if (w === undefined) queue.push(line)
    else w.resolve(line)
  })
  child.once("exit", (code) => {
    exited = new Error(`${child.spawnargs.join(" ")} exited with ${code}`)
    for (const w of waiting.splice(0)) w.reject(exited)
  })
  return () =>
    new Promise<string>((resolve, reject) => {
      const line = queue.shift()
      if (line !== undefined) resolve(line)
      else if (exited !== undefined) reject(exited)
      else waiting.push({ resolve, reject })
    })
}
const firstLine = (child: ChildProcess) => lines(child)()

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

// the commands Redis ran: `INFO commandstats` as { command: calls }
const redisCommands = (url: string) =>
  new Promise<Record<string, number>>((resolve) => {
    const socket = net.connect(Number(new URL(url).port), "127.0.0.1")
    let data = ""
    socket.once("connect", () => socket.write("INFO commandstats\r\n"))
    socket.on("data", (d) => {
      data += d.toString()
      const header = /^\$(\d+)\r\n/.exec(data)
      if (header !== null && data.length >= header[0].length + Number(header[1])) {
        socket.destroy()
        const out: Record<string, number> = {}
        for (const m of data.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) out[m[1]] = Number(m[2])
        resolve(out)
      }
    })
    socket.once("error", () => resolve({}))
  })

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

// The store's side, from the sends the limiters let go (client side, before the network), which a loaded machine
// does not distort the way it distorts the server's count (a process descheduled after its send holds its permits,
// as the store counts them, however late it reads its answer):
//  - saturation: the share of the time the store left nothing idle that a waiting request could have used: the
//    window full (LIMIT permits counted, a permit counting from its send until its answer came back plus WINDOW_MS,
//    the store's own conservative account), or every class that still had requests to send at its concurrency cap
//    (a permit held from the send until the body was read, or its release by a shared store completed). 1.0 means
//    no request ever waited for a free permit.
//  - occupancy: the share of the window's LIMIT permits counted as taken, averaged over the first whole windows.
//  - sent: the sends in the first k whole windows from the first send / (k * LIMIT).
const storeSide = (clients: ReadonlyArray<LoadResult>) => {
  const sends = clients.flatMap((c) => c.sends).sort((a, b) => a[0] - b[0])
  if (sends.length === 0) return undefined
  const t0 = sends[0][0]
  const tEnd = sends[sends.length - 1][0]
  const k = Math.max(1, Math.floor((tEnd - t0) / WINDOW_MS))
  const end = t0 + k * WINDOW_MS
  const caps = [READ, WRITE]
  const total = [0, 0]
  for (const x of sends) total[x[3]]++
  // events: [at, window delta, class, in-flight delta, sent delta]
  const events: Array<readonly [number, number, number, number, number]> = []
  // a concurrency permit is held until the body was read, or, with a shared store, until its release completed
  const releases = clients.flatMap((c) => c.releases)
  for (const [sentAt, answeredAt, doneAt, cls] of sends) {
    events.push([sentAt, 1, cls, 1, 1], [answeredAt + WINDOW_MS, -1, cls, 0, 0])
    if (releases.length === 0) events.push([doneAt, 0, cls, -1, 0])
  }
  for (const [at, cls] of releases) events.push([at, 0, cls, -1, 0])
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let window = 0
  const inFlight = [0, 0]
  const sent = [0, 0]
  let last = t0
  let area = 0
  let saturated = 0
  for (const [at, dw, cls, df, ds] of events) {
    const from = Math.max(last, t0)
    const occupancyTo = Math.min(at, end)
    if (occupancyTo > from) area += Math.min(window, LIMIT) * (occupancyTo - from)
    const to = Math.min(at, tEnd)
    if (to > from) {
      const full = window >= LIMIT || [0, 1].every((c) => sent[c] >= total[c] || inFlight[c] >= caps[c])
      if (full) saturated += to - from
    }
    last = Math.max(last, at)
    window += dw
    inFlight[cls] += df
    sent[cls] += ds
  }
  const inWindows = sends.filter((x) => x[0] < end).length
  return {
    k,
    saturation: saturated / Math.max(1, tEnd - t0),
    occupancy: area / (k * WINDOW_MS * LIMIT),
    sent: inWindows / (k * LIMIT)
  }
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
  const side = storeSide(clients)
  if (side !== undefined) {
    console.log(
      `  store side: saturation ${side.saturation.toFixed(3)} (no free permit left idle while a request waited), ` +
        `window occupancy ${side.occupancy.toFixed(3)}, sends ${
          side.sent.toFixed(3)
        } of the allowed rate (first ${side.k} whole windows from the first send)`
    )
  }
  const perWindow = Array.from({ length: Math.ceil((g.span + 1) / WINDOW_MS) }, () => 0)
  for (const t of s.times) perWindow[Math.floor((t - s.firstAcceptedAt) / WINDOW_MS)]++
  console.log(`  accepted per window: ${perWindow.join(" ")}`)
  console.log(`  server peak in flight: GET ${s.peakRead}/${READ}, non-GET ${s.peakWrite}/${WRITE}`)
  const st = clients.map((c) => c.stats)
  console.log(
    `  client: retries ${st.reduce((n, x) => n + x.retries, 0)}, 429 ${st.reduce((n, x) => n + x.refused429, 0)}, 503 ${
      st.reduce((n, x) => n + x.refused503, 0)
    }, gate closed ${st.reduce((n, x) => n + x.gateClosedMillis, 0)} ms, throttled ${
      st.reduce((n, x) => n + x.throttled, 0)
    }, limits in force ${JSON.stringify(st[0].limits)}`
  )
  const cpu = clients.reduce((n, c) => n + c.cpuMicros, 0)
  console.log(
    `  client CPU: ${(cpu / 1000).toFixed(0)} ms in all, ${(cpu / N).toFixed(0)} us per request (${
      clients.map((c) => (c.cpuMicros / 1000).toFixed(0)).join(" + ")
    } ms); elapsed ${clients.map((c) => c.elapsedMs).join(", ")} ms`
  )
  return { ok, refusals, goodput: g.goodput, saturation: side?.saturation ?? 0 }
}

// `RL_BENCH_ONLY=redis` (or a comma-separated list of cloud, legacy, high, real, redis) runs only those scenarios
const only = process.env.RL_BENCH_ONLY?.split(",").map((s) => s.trim())
const runs = (name: string) => only === undefined || only.includes(name)

const expect = (what: string, ok: boolean) => console.log(`  ${ok ? "OK  " : "FAIL"} ${what}`)

const main = async () => {
  const started = Date.now()
  const server = spawnTs("server.ts")
  const { port } = JSON.parse(await firstLine(server)) as { port: number }
  const baseUrl = `http://127.0.0.1:${port}`
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`)
  console.log(
    `server: ${LIMIT} requests per ${WINDOW_MS} ms (sliding), ${READ} GET / ${WRITE} non-GET concurrent; ${N} requests, 70% GET, 10% each POST/PUT/DELETE`
  )
  const base = { limit: LIMIT, windowMs: WINDOW_MS, read: READ, write: WRITE, latencyMs: [2, 8] }

  if (runs("cloud")) {
    await configure(baseUrl, { ...base, mode: "cloud" })
    const a = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ, WRITE) })
    report("cloud (429), matching policy", await serverStats(baseUrl), [a])
  }

  if (runs("legacy")) {
    await configure(baseUrl, { ...base, mode: "legacy" })
    const b = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT, WINDOW_MS, READ, WRITE) })
    report("legacy (503), matching policy", await serverStats(baseUrl), [b])
  }

  if (runs("high")) {
    await configure(baseUrl, { ...base, mode: "cloud" })
    const c = await runLoad({ baseUrl, n: N, policy: benchPolicy(LIMIT * 2, WINDOW_MS, READ * 2, WRITE * 2) })
    report("cloud (429), client policy 2x too high", await serverStats(baseUrl), [c])
  }

  // The refusals a DocSpace server really sends: 429, empty body, only X-RateLimit-Limit (the window's limit or the
  // concurrency cap) and X-RateLimit-Remaining (<= 0), no Retry-After; HEAD counts with the writes.
  if (runs("real")) {
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
  }

  const redisUrl = runs("redis") ? await startRedis() : undefined
  if (!runs("redis")) {
    // not asked for
  } else if (redisUrl === undefined) {
    console.log("\n== 4 processes sharing Redis: SKIPPED (redis-server not installed)")
  } else {
    await configure(baseUrl, { ...base, mode: "cloud" })
    const prefix = `bench:${Date.now()}`
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
          prefix
        })
      ]))
    const next = workers.map(lines)
    // every worker built and connected, then all start together
    await Promise.all(next.map((line) => line()))
    await configure(baseUrl, { ...base, mode: "cloud" }) // forget the warm-up
    const commandsBefore = await redisCommands(redisUrl)
    const startAt = Date.now() + 200
    for (const w of workers) w.stdin!.write(`${startAt}\n`)
    const results = await Promise.all(next.map((line) => line().then((l) => JSON.parse(l) as LoadResult)))
    const rr = report("4 processes sharing Redis, matching policy", await serverStats(baseUrl), results)
    const commands = await redisCommands(redisUrl)
    const delta = (name: string) => (commands[name] ?? 0) - (commandsBefore[name] ?? 0)
    console.log(
      `  Redis: ${(delta("evalsha") / N).toFixed(2)} scripts per request (${delta("evalsha")} EVALSHA, ${
        delta("publish")
      } PUBLISH, ${delta("zrem") + delta("get") + delta("eval")} other)`
    )
    expect(`every request finished (${rr.ok}/${N})`, rr.ok === N)
    expect(`0 refusals (${rr.refusals})`, rr.refusals === 0)
    expect(`store-side saturation >= 0.95 (${rr.saturation.toFixed(3)})`, rr.saturation >= 0.95)
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

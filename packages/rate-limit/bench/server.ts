/**
 * A loopback HTTP server that enforces a time-scaled rate limit the way DocSpace does, rejecting at once (never
 * queueing). Written on purpose WITHOUT any code from `src/`: shared code would hide shared bugs.
 *
 * - a sliding window: at most `limit` accepted requests in any `windowMs` (refused requests do not count);
 * - concurrency: at most `read` GET/HEAD and `write` other requests being served at once (until the response ends);
 * - refusals: mode "cloud" answers 429, mode "legacy" answers 503, both with `Retry-After` (whole seconds, rounded
 *   up) and `X-RateLimit-Limit/Remaining/Reset` (Reset in Unix seconds, rounded up);
 * - mode "real" does what a DocSpace server does (DocSpace-server BaseStartup.cs + RedisRateLimiting): GET is one
 *   concurrency class and every other method (HEAD included) the other; the window is checked first and a request
 *   it admits stays counted even when concurrency then refuses it; refusals are 429 with an EMPTY body and only
 *   `X-RateLimit-Limit` (the window's limit, or the concurrency cap) and `X-RateLimit-Remaining` (0, or
 *   `cap - inFlight`); no `Retry-After`, no rate header on successes.
 *
 * Control endpoints (not limited): `POST /__config` with a JSON body, `GET /__stats`.
 * Run as a child process: it prints `{"port":N}` on stdout once listening.
 */
import * as http from "node:http"

interface Config {
  mode: "cloud" | "legacy" | "real"
  limit: number
  windowMs: number
  read: number
  write: number
  latencyMs: [number, number]
}

let config: Config = { mode: "cloud", limit: 100, windowMs: 500, read: 10, write: 3, latencyMs: [2, 8] }
let accepted: Array<number> = [] // acceptance instants inside the current window (ascending)
let times: Array<number> = []
let refusals: Array<number> = []
const active = { read: 0, write: 0 }
let stats = {
  accepted: 0,
  refusedWindow: 0,
  refusedConcurrency: 0,
  firstAcceptedAt: 0,
  lastAcceptedAt: 0,
  firstRefusalAt: 0,
  lastRefusalAt: 0,
  peakRead: 0,
  peakWrite: 0
}

const reset = () => {
  times = []
  refusals = []
  accepted = []
  stats = {
    accepted: 0,
    refusedWindow: 0,
    refusedConcurrency: 0,
    firstAcceptedAt: 0,
    lastAcceptedAt: 0,
    firstRefusalAt: 0,
    lastRefusalAt: 0,
    peakRead: 0,
    peakWrite: 0
  }
}

const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = ""
    req.on("data", (c) => (data += c))
    req.on("end", () => resolve(data))
  })

const server = http.createServer(async (req, res) => {
  if (req.url === "/__config") {
    config = { ...config, ...JSON.parse(await readBody(req)) }
    reset()
    res.end("{}")
    return
  }
  if (req.url === "/__stats") {
    res.setHeader("content-type", "application/json")
    res.end(JSON.stringify({ ...stats, config, times, refusals }))
    return
  }
  const now = Date.now()
  while (accepted.length > 0 && accepted[0] <= now - config.windowMs) accepted.shift()
  if (config.mode === "real") return real(req, res, now)
  const cls = req.method === "GET" || req.method === "HEAD" ? "read" : "write"
  const windowFull = accepted.length >= config.limit
  const busy = active[cls] >= config[cls]
  if (windowFull || busy) {
    if (windowFull) stats.refusedWindow++
    else stats.refusedConcurrency++
    if (stats.firstRefusalAt === 0) stats.firstRefusalAt = now
    stats.lastRefusalAt = now
    refusals.push(now)
    const freeAt = windowFull ? accepted[accepted.length - config.limit] + config.windowMs : now + 1
    const waitS = Math.max(1, Math.ceil((freeAt - now) / 1000))
    res.writeHead(config.mode === "cloud" ? 429 : 503, {
      "retry-after": String(waitS),
      "x-ratelimit-limit": String(config.limit),
      "x-ratelimit-remaining": String(Math.max(0, config.limit - accepted.length)),
      "x-ratelimit-reset": String(Math.ceil(freeAt / 1000)),
      "content-type": "application/json"
    })
    res.end(JSON.stringify({ error: "rate limited" }))
    req.resume()
    return
  }
  accepted.push(now)
  // the bench's own regimes send rate headers on successes too (the real server does not: see `real`)
  return serve(req, res, cls, now, () => ({
    "x-ratelimit-limit": String(config.limit),
    "x-ratelimit-remaining": String(Math.max(0, config.limit - accepted.length))
  }))
})

const refuse = (req: http.IncomingMessage, res: http.ServerResponse, now: number, headers: Record<string, string>) => {
  if (stats.firstRefusalAt === 0) stats.firstRefusalAt = now
  stats.lastRefusalAt = now
  refusals.push(now)
  res.writeHead(429, { ...headers, "content-length": "0" })
  res.end()
  req.resume()
}

// an accepted request: counted, held (its class's concurrency) until the answer is sent after the configured latency
const serve = async (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  cls: "read" | "write",
  now: number,
  rateHeaders: () => Record<string, string> = () => ({})
) => {
  stats.accepted++
  if (stats.firstAcceptedAt === 0) stats.firstAcceptedAt = now
  stats.lastAcceptedAt = now
  times.push(now)
  active[cls]++
  stats.peakRead = Math.max(stats.peakRead, active.read)
  stats.peakWrite = Math.max(stats.peakWrite, active.write)
  let done = false
  const finish = () => {
    if (!done) {
      done = true
      active[cls]--
    }
  }
  res.on("finish", finish)
  res.on("close", finish)
  await readBody(req)
  const [lo, hi] = config.latencyMs
  setTimeout(() => {
    res.writeHead(200, { "content-type": "application/json", ...rateHeaders() })
    res.end(JSON.stringify({ ok: true, method: req.method, padding: "x".repeat(2048) }))
  }, lo + Math.random() * (hi - lo))
}

// the chained limiter of a DocSpace server: the sliding window, then concurrency (GET / every other method)
const real = (req: http.IncomingMessage, res: http.ServerResponse, now: number) => {
  if (accepted.length >= config.limit) {
    stats.refusedWindow++
    return refuse(req, res, now, { "x-ratelimit-limit": String(config.limit), "x-ratelimit-remaining": "0" })
  }
  accepted.push(now)
  const cls = req.method === "GET" ? "read" : "write"
  if (active[cls] >= config[cls]) {
    stats.refusedConcurrency++
    return refuse(req, res, now, {
      "x-ratelimit-limit": String(config[cls]),
      "x-ratelimit-remaining": String(config[cls] - active[cls])
    })
  }
  return serve(req, res, cls, now)
}

server.keepAliveTimeout = 10_000
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.stdout.write(JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 }) + "\n")
})
process.on("SIGTERM", () => server.close(() => process.exit(0)))

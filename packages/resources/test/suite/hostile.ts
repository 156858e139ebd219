/**
 * A hostile loopback proxy for the systematic suites: it sits between the client and a `FakeDocSpace` served on
 * 127.0.0.1 and, per rule, does to one exchange what real servers and the proxies in front of them do (see
 * docs/protocol.md): reset the connection before the headers (after the portal did the work), reset or stall in the
 * middle of the body, go silent, answer a DocSpace 500, nginx's HTML 502, the server's 429s with and without hints
 * (RedisRateLimiting's `OnRejected`: empty body, `X-RateLimit-*`, `Retry-After` only for the daily cap), a truncated
 * JSON body, the right body with the wrong content type, or a 302 to another origin. Everything that passes is
 * logged with what the portal answered, so a suite can count writes, upload sessions and operations server-side.
 *
 * Written against node:http on purpose (independent of the fake's own fault middleware): a reset is a real
 * `socket.destroy()`, silence is a real socket that never answers.
 */
import * as Http from "node:http"
import type * as Net from "node:net"

export const faultKinds = [
  "reset-before-headers",
  "reset-mid-body",
  "silence",
  "stall-mid-body",
  "5xx",
  "html-502",
  "429-hints",
  "429-no-hints",
  "truncated-json",
  "wrong-content-type",
  "redirect-other-origin"
] as const

export type FaultKind = typeof faultKinds[number]

export interface Seen {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
}

export interface Rule {
  readonly match: (request: Seen) => boolean
  readonly fault: FaultKind
  /** Let this many matching requests through first. */
  readonly skip?: number | undefined
  /** Apply to at most this many requests (default 1). */
  readonly times?: number | undefined
}

export interface Exchange extends Seen {
  readonly index: number
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly requestBody: Buffer
  /** Whether the request reached the portal. */
  forwarded: boolean
  /** The portal's status and body, when it answered. */
  upstreamStatus: number | undefined
  upstreamBody: Buffer | undefined
  fault: FaultKind | undefined
}

export interface Hook {
  /** Called after the portal answered request `index` (0-based, in arrival order) and before the client sees it. */
  readonly afterUpstream?: ((exchange: Exchange) => Promise<void>) | undefined
}

export interface Hostile {
  readonly url: string
  /** Another origin: the target of `redirect-other-origin`; it records what reached it and forwards to the portal. */
  readonly foreign: { readonly url: string; readonly received: Array<Readonly<Record<string, unknown>>> }
  readonly log: Array<Exchange>
  setRules(rules: ReadonlyArray<Rule>): void
  setHook(hook: Hook | undefined): void
  /** Requests being answered right now. */
  readonly inFlight: () => number
  close(): Promise<void>
}

const readBody = (stream: NodeJS.ReadableStream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    stream.on("data", (c: Buffer) => chunks.push(c))
    stream.on("end", () => resolve(Buffer.concat(chunks)))
    stream.on("error", reject)
  })

const nginxPage = (status: number, reason: string) =>
  `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1>` +
  `</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`

const listen = (server: Http.Server): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      resolve(`http://127.0.0.1:${address.port}`)
    })
  )

const tracked = (server: Http.Server) => {
  const sockets = new Set<Net.Socket>()
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
}

const forward = (
  upstream: URL,
  req: {
    readonly method?: string | undefined
    readonly url?: string | undefined
    readonly headers: Http.IncomingHttpHeaders
  },
  body: Buffer
): Promise<{ status: number; headers: Http.IncomingHttpHeaders; body: Buffer }> =>
  new Promise((resolve, reject) => {
    const out = Http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        // the Host header stays the proxy's: the fake builds its URLs (presigned downloads, upload locations) from it
        headers: { ...plainHeaders(req.headers), "content-length": String(body.length) },
        agent: false
      },
      (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b }), reject)
      }
    )
    out.on("error", reject)
    out.end(body)
  })

const plainHeaders = (headers: Http.IncomingHttpHeaders): Record<string, string | Array<string>> => {
  const out: Record<string, string | Array<string>> = {}
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || k === "connection" || k === "keep-alive" || k === "transfer-encoding") continue
    out[k] = v
  }
  return out
}

export const make = async (upstreamUrl: string): Promise<Hostile> => {
  const upstream = new URL(upstreamUrl)
  const log: Array<Exchange> = []
  let rules: Array<Rule & { seen: number; applied: number }> = []
  let hook: Hook | undefined
  let inFlight = 0

  const foreignReceived: Array<Readonly<Record<string, unknown>>> = []
  // another origin serving the same portal (as a misconfigured proxy or a moved portal would): it forwards to the
  // portal, but it is another origin, so nothing of the client's credentials may reach it
  let proxyHost = ""
  const foreign = Http.createServer((req, res) => {
    foreignReceived.push({ method: req.method, url: req.url, headers: { ...req.headers } })
    void readBody(req)
      .then((body) =>
        forward(upstream, { url: req.url, method: req.method, headers: { ...req.headers, host: proxyHost } }, body)
      )
      .then((answer) => {
        res.writeHead(answer.status, { ...plainHeaders(answer.headers), "content-length": String(answer.body.length) })
        res.end(answer.body)
      })
      .catch(() => req.socket.destroy())
  })
  const foreignUrl = await listen(foreign)
  const closeForeign = tracked(foreign)

  const choose = (seen: Seen): FaultKind | undefined => {
    for (const rule of rules) {
      if (!rule.match(seen)) continue
      rule.seen++
      if (rule.seen <= (rule.skip ?? 0) || rule.applied >= (rule.times ?? 1)) continue
      rule.applied++
      return rule.fault
    }
    return undefined
  }

  const server = Http.createServer((req, res) => {
    inFlight++
    res.on("close", () => inFlight--)
    const socket = req.socket
    void (async () => {
      const requestBody = await readBody(req)
      const url = new URL(req.url ?? "/", "http://proxy")
      const seen: Seen = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams }
      const fault = choose(seen)
      const exchange: Exchange = {
        ...seen,
        index: log.length,
        headers: { ...req.headers },
        requestBody,
        forwarded: false,
        upstreamStatus: undefined,
        upstreamBody: undefined,
        fault
      }
      log.push(exchange)
      // answers that never reach the portal: a proxy or the rate limiter refused the request
      switch (fault) {
        case "html-502": {
          const page = nginxPage(502, "Bad Gateway")
          res.writeHead(502, { "content-type": "text/html", server: "nginx", "content-length": page.length })
          return res.end(page)
        }
        case "429-hints": {
          // the daily POST/PUT cap (RedisFixedWindowRateLimiter's lease): the only refusal that says when
          const reset = Math.floor(Date.now() / 1000) + 1
          res.writeHead(429, {
            "x-ratelimit-limit": "10000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(reset),
            "retry-after": "1",
            "content-length": "0"
          })
          return res.end()
        }
        case "429-no-hints": {
          // the sliding window's refusal: limit and remaining, nothing about when
          res.writeHead(429, { "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0", "content-length": "0" })
          return res.end()
        }
        case "redirect-other-origin": {
          res.writeHead(302, { location: `${foreignUrl}${req.url ?? "/"}`, "content-length": "0" })
          return res.end()
        }
        case "5xx": {
          const body = JSON.stringify({
            error: { message: "Object reference not set to an instance of an object.", type: "System.Exception" },
            status: 1,
            statusCode: 500
          })
          res.writeHead(500, { "content-type": "application/json; charset=utf-8", "content-length": body.length })
          return res.end(body)
        }
        default:
          break
      }
      let answer: { status: number; headers: Http.IncomingHttpHeaders; body: Buffer }
      try {
        answer = await forward(upstream, req, requestBody)
      } catch {
        return socket.destroy()
      }
      exchange.forwarded = true
      exchange.upstreamStatus = answer.status
      exchange.upstreamBody = answer.body
      if (hook?.afterUpstream) await hook.afterUpstream(exchange)
      const headers = plainHeaders(answer.headers)
      const half = answer.body.subarray(0, Math.floor(answer.body.length / 2))
      switch (fault) {
        case "reset-before-headers":
          // the portal did the work; the connection broke before the answer
          return socket.destroy()
        case "silence":
          // the portal did the work; nothing ever comes back (the socket stays open until the client gives up)
          return
        case "reset-mid-body":
          res.writeHead(answer.status, { ...headers, "content-length": String(answer.body.length) })
          res.write(half)
          return setTimeout(() => socket.destroy(), 5)
        case "stall-mid-body":
          res.writeHead(answer.status, { ...headers, "content-length": String(answer.body.length) })
          res.write(half)
          return
        case "truncated-json":
          // a complete HTTP answer whose JSON is cut
          res.writeHead(answer.status, { ...headers, "content-length": String(half.length) })
          return res.end(half)
        case "wrong-content-type":
          res.writeHead(answer.status, {
            ...headers,
            "content-type": "text/html; charset=utf-8",
            "content-length": String(answer.body.length)
          })
          return res.end(answer.body)
        default:
          res.writeHead(answer.status, { ...headers, "content-length": String(answer.body.length) })
          return res.end(answer.body)
      }
    })().catch(() => socket.destroy())
  })
  const url = await listen(server)
  proxyHost = new URL(url).host
  const closeServer = tracked(server)
  return {
    url,
    foreign: { url: foreignUrl, received: foreignReceived },
    log,
    setRules: (next) => {
      rules = next.map((r) => ({ ...r, seen: 0, applied: 0 }))
    },
    setHook: (next) => {
      hook = next
    },
    inFlight: () => inFlight,
    close: async () => {
      await Promise.all([closeServer(), closeForeign()])
    }
  }
}

/** The JSON of an exchange's portal answer, or undefined. */
export const upstreamJson = (exchange: Exchange): any => {
  if (exchange.upstreamBody === undefined) return undefined
  try {
    return JSON.parse(exchange.upstreamBody.toString("utf8"))
  } catch {
    return undefined
  }
}

/**
 * Upload sessions opened on the portal and never closed (neither completed with 201 nor aborted), read from the log:
 * `create_session` (protocol A) and `POST .../session` (protocol B) answers give the ids; `&abort=true` and
 * `DELETE .../session/{id}` close them, as does a 201 with `uploaded: true`.
 */
export const openSessions = (log: ReadonlyArray<Exchange>): Array<string> => {
  const open = new Map<string, string>() // id -> location uid
  for (const e of log) {
    if (!e.forwarded || e.upstreamStatus === undefined) continue
    const json = upstreamJson(e)
    if (e.method === "POST" && /\/upload\/create_session$/.test(e.path) && e.upstreamStatus < 300) {
      const data = json?.response?.data
      if (data?.id !== undefined) open.set(String(data.id), String(data.id))
    } else if (e.method === "POST" && /\/files\/[^/]+\/session$/.test(e.path) && e.upstreamStatus < 300) {
      const data = json?.response?.data ?? json?.response
      if (data?.id !== undefined) open.set(String(data.id), String(data.id))
    } else if (/ChunkedUploader\.ashx$/i.test(e.path)) {
      const uid = e.query.get("uid") ?? ""
      if (e.query.get("abort") === "true" || (e.upstreamStatus === 201 && json?.data?.uploaded === true)) {
        open.delete(uid)
      }
    } else if (/\/files\/[^/]+\/session\/[^/]+$/.test(e.path)) {
      const id = decodeURIComponent(e.path.split("/").pop() ?? "")
      const uploaded = e.upstreamStatus === 201 || json?.response?.uploaded === true
      if (e.method === "DELETE" || uploaded) open.delete(id)
    } else if (/\/session\/[^/]+\/finalize$/.test(e.path) && e.upstreamStatus < 300) {
      open.delete(decodeURIComponent(e.path.split("/").at(-2) ?? ""))
    }
  }
  return Array.from(open.keys())
}

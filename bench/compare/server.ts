/**
 * The loopback portal every contender talks to, run in its own process so its CPU is never counted as a client's:
 *
 *   node --import tsx bench/compare/server.ts
 *
 * Prints one line `{"port": N}` once listening; exits when its parent closes stdin (or on SIGTERM). It never refuses
 * (no 429), answers DocSpace-shaped envelopes, and streams bytes with back-pressure:
 *
 * - `GET /api/2.0/people/@self`: a profile (about 1.3 KiB, more fields than `People.Person` decodes).
 * - `GET /api/2.0/files/{total}?count&startIndex`: a page of a folder holding `total` entries (files only).
 * - `GET /api/2.0/files/settings`, `POST /api/2.0/files/{id}/upload/create_session`, `POST /ChunkedUploader.ashx`:
 *   the chunked upload protocol; parts are drained and counted, the last one answers 201 with the file. Parallel mode
 *   as `ChunkedUploaderHandler.cs` has it: `&upload=true&chunkNumber=n` parts in any order, each part's length taken
 *   from `Content-Length` by the handler's arithmetic (checked against the bytes drained), then `&finalize=true`
 *   answers 201 when parts 1..n hold the declared size.
 * - `GET /filehandler.ashx?action=download&fileid={MiB}`: `fileid` MiB of zeros; `GET /source?bytes=N`: N bytes.
 * - `POST /sink`: drains the body and answers its length.
 */
import * as Http from "node:http"
import { entry, person } from "./fixtures.js"

const MiB = 1024 * 1024
const chunkUploadSize = 10 * MiB
const piece = Buffer.alloc(64 * 1024)

const envelope = (response: unknown, extra?: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ response, count: 1, links: [], status: 0, statusCode: 200, ...extra }))

const selfBody = envelope(person)
const settingsBody = envelope({
  chunkUploadSize,
  maxUploadThreadCount: 15,
  storeOriginalFiles: true,
  canSearchByContent: true
})
const pages = new Map<string, Buffer>()

const page = (total: number, startIndex: number, count: number): Buffer => {
  const key = `${total}/${startIndex}/${count}`
  let body = pages.get(key)
  if (body === undefined) {
    const files = []
    for (let i = startIndex; i < Math.min(total, startIndex + count); i++) files.push(entry(i))
    body = envelope({
      files,
      folders: [],
      current: { id: total, title: "bench", filesCount: total, foldersCount: 0, parentId: 0 },
      pathParts: [{ id: total, title: "bench" }],
      startIndex,
      count: files.length,
      total,
      new: 0
    }, { count: files.length, total })
    if (pages.size < 1000) pages.set(key, body)
  }
  return body
}

const json = (res: Http.ServerResponse, body: Buffer | string, status = 200) => {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body)
  })
  res.end(body)
}

const drain = (req: Http.IncomingMessage): Promise<number> =>
  new Promise((resolve, reject) => {
    let n = 0
    req.on("data", (chunk: Buffer) => {
      n += chunk.length
    })
    req.on("end", () => resolve(n))
    req.on("error", reject)
  })

const readJson = async (req: Http.IncomingMessage): Promise<any> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")
}

// writes `bytes` zeros, waiting for 'drain' whenever the socket's buffer is full
const source = (res: Http.ServerResponse, bytes: number) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes })
  let left = bytes
  const write = () => {
    while (left > 0) {
      const n = Math.min(left, piece.length)
      left -= n
      if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) return void res.once("drain", write)
    }
    res.end()
  }
  write()
}

/**
 * Drains a parallel-mode part and computes its length as `ChunkedUploaderHandler.cs` (`UploadAsync`) does: without
 * parsing the form, `Content-Length` minus the first section's header lengths (name and value, plus 2 each), minus
 * twice `"\r\n--" + boundary` plus 2, minus 6. Answers the bytes received and that length.
 */
const drainPart = (req: Http.IncomingMessage): Promise<readonly [number, number]> =>
  new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? NaN)
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers["content-type"] ?? "")
    const b = (boundary?.[1] ?? boundary?.[2] ?? "").trim()
    let n = 0
    let head = ""
    let headers = -1
    req.on("data", (chunk: Buffer) => {
      n += chunk.length
      if (headers >= 0) return
      head += chunk.subarray(0, 4096).toString("latin1")
      const start = head.indexOf(`--${b}\r\n`)
      const end = head.indexOf("\r\n\r\n", start)
      if (start < 0 || end < 0) return
      headers = 0
      for (const line of head.slice(start + b.length + 4, end).split("\r\n")) {
        const colon = line.indexOf(":")
        if (colon > 0) headers += line.slice(0, colon).trim().length + line.slice(colon + 1).trim().length + 2
      }
    })
    req.on("end", () =>
      resolve([n, b === "" || headers < 0 ? -1 : declared - headers - 2 * (`\r\n--${b}`.length + 2) - 6] as const))
    req.on("error", reject)
  })

let nextFile = 0
const stored = () => {
  const file = { id: 1_000_000 + ++nextFile, title: "big.bin", folderId: 1, version: 1 }
  return { ...file, uploaded: true, file }
}

interface Session {
  readonly size: number
  parts: number
  // parallel mode: chunk number -> its length
  readonly numbered: Map<number, number>
}
const sessions = new Map<string, Session>()
let nextSession = 0

const server = Http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const path = url.pathname
    if (path === "/api/2.0/people/@self") return json(res, selfBody)
    if (path === "/api/2.0/files/settings") return json(res, settingsBody)
    if (req.method === "POST" && path.endsWith("/upload/create_session")) {
      const body = await readJson(req)
      const id = `s${++nextSession}`
      sessions.set(id, { size: Number(body.fileSize), parts: 0, numbered: new Map() })
      const location = `http://${req.headers.host}/ChunkedUploader.ashx?uid=${id}`
      return json(res, envelope({ success: true, data: { id, location, bytes_total: body.fileSize } }))
    }
    if (path === "/ChunkedUploader.ashx") {
      const uid = url.searchParams.get("uid") ?? ""
      const session = sessions.get(uid)
      if (url.searchParams.get("finalize") === "true") {
        await drain(req)
        if (session === undefined) return json(res, JSON.stringify({ success: false, message: "no such session" }))
        let total = 0
        for (let n = 1; n <= Math.ceil(session.size / chunkUploadSize); n++) total += session.numbered.get(n) ?? 0
        if (total !== session.size) {
          return json(res, JSON.stringify({ success: false, message: "uploadSize != bytesTotal" }))
        }
        sessions.delete(uid)
        return json(res, JSON.stringify({ success: true, data: stored() }), 201)
      }
      if (url.searchParams.get("upload") === "true") {
        const number = Number(url.searchParams.get("chunkNumber"))
        const [received, length] = await drainPart(req)
        if (session === undefined) return json(res, JSON.stringify({ success: false, message: "no such session" }))
        if (!Number.isInteger(number) || number < 1 || length <= 0 || length > chunkUploadSize || length > received) {
          return json(res, JSON.stringify({ success: false, message: `bad part ${number} of ${length} bytes` }))
        }
        session.numbered.set(number, length)
        return json(res, JSON.stringify({ success: true, data: { id: uid, bytes_total: session.size } }))
      }
      await drain(req)
      if (session === undefined) return json(res, JSON.stringify({ success: false, message: "no such session" }))
      session.parts++
      if (session.parts < Math.ceil(session.size / chunkUploadSize)) {
        return json(res, JSON.stringify({ success: true, data: { bytes_uploaded: session.parts * chunkUploadSize } }))
      }
      sessions.delete(uid)
      return json(res, JSON.stringify({ success: true, data: stored() }), 201)
    }
    if (path === "/filehandler.ashx") return source(res, Number(url.searchParams.get("fileid")) * MiB)
    if (path === "/source") return source(res, Number(url.searchParams.get("bytes")))
    if (path === "/sink") return json(res, JSON.stringify({ received: await drain(req) }))
    const folder = /^\/api\/2\.0\/files\/(\d+)$/.exec(path)
    if (folder !== null) {
      const count = Number(url.searchParams.get("count") ?? 100)
      const startIndex = Number(url.searchParams.get("startIndex") ?? 0)
      return json(res, page(Number(folder[1]), startIndex, count))
    }
    return json(
      res,
      JSON.stringify({ error: { message: `no route ${req.method} ${path}` }, status: 1, statusCode: 404 }),
      404
    )
  } catch (error) {
    if (!res.headersSent) json(res, JSON.stringify({ error: { message: String(error) }, status: 1 }), 500)
    else res.destroy()
  }
})
server.keepAliveTimeout = 60_000

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  console.log(JSON.stringify({ port: typeof address === "object" && address !== null ? address.port : 0 }))
})
// the parent owns this process: stop when it goes away
process.stdin.resume()
process.stdin.on("end", () => process.exit(0))
process.on("SIGTERM", () => process.exit(0))
// BENCH_SERVER_CONNECTIONS=1: reports the TCP connections opened so far on SIGUSR2 (to stderr), to check keep-alive
let connections = 0
server.on("connection", () => connections++)
if (process.env.BENCH_SERVER_CONNECTIONS === "1") {
  process.on("SIGUSR2", () => process.stderr.write(`connections: ${connections}\n`))
}

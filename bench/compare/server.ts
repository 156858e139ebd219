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
 *   the chunked upload protocol; parts are drained and counted, the last one answers 201 with the file.
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
const settingsBody = envelope({ chunkUploadSize, storeOriginalFiles: true, canSearchByContent: true })
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

interface Session {
  readonly size: number
  parts: number
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
      sessions.set(id, { size: Number(body.fileSize), parts: 0 })
      const location = `http://${req.headers.host}/ChunkedUploader.ashx?uid=${id}`
      return json(res, envelope({ success: true, data: { id, location, bytes_total: body.fileSize } }))
    }
    if (path === "/ChunkedUploader.ashx") {
      const session = sessions.get(url.searchParams.get("uid") ?? "")
      await drain(req)
      if (session === undefined) return json(res, JSON.stringify({ success: false, message: "no such session" }))
      session.parts++
      if (session.parts < Math.ceil(session.size / chunkUploadSize)) {
        return json(res, JSON.stringify({ success: true, data: { bytes_uploaded: session.parts * chunkUploadSize } }))
      }
      sessions.delete(url.searchParams.get("uid")!)
      const file = { id: 1_000_000 + nextSession, title: "big.bin", folderId: 1, version: 1 }
      return json(res, JSON.stringify({ success: true, data: { ...file, uploaded: true, file } }), 201)
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

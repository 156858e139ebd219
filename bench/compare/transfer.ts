/**
 * One transfer in its own process, so that its peak RSS is its own:
 *
 *   node --import tsx bench/compare/transfer.ts <baseUrl> <upload|download> <MiB> <contender> [parts]
 *
 * contender: effect-docspace, fetch, fetch-chunked, undici-chunked or platform.
 *
 * upload: `size` bytes pulled 64 KiB at a time, the same (never written) buffer each time for every contender, so
 * that the source allocates nothing and the RSS shows what the client itself holds; effect-docspace
 * sends them with `Uploads.upload` (the chunked session protocol, the portal's 10 MiB parts), fetch streams them as
 * one request body (`duplex: "half"`) to the same server's sink.
 * download: `Downloads.stream` of a `size` file folded into a byte count, against fetch reading the same URL.
 * fetch-chunked and undici-chunked (references): the upload by hand over the same chunked protocol as Uploads.upload
 * (settings, session, 10 MiB multipart parts in order from one reused buffer), with plain fetch (which copies each
 * part's buffer before sending it) or with undici's `request` (the transport under `NodeDocSpace.layer`: what the
 * protocol allows over it, without any client library); their downloads are plain fetch's.
 * platform (a floor for any Effect client): @effect/platform's HttpClient, the upload's protocol by hand as the
 * references, the download's Effect stream folded into a byte count.
 * `parts` (uploads, default 1): with more than 1, the parallel mode the web client uses (numbered parts, at most
 * `parts` in flight, then `finalize`): `Uploads.upload({ parallel: parts })`, and the references by hand with `parts`
 * reused buffers.
 * `warm` (after `parts`): the same transfer first, unmeasured, as many times as it takes to move 512 MiB, so that the
 * measured one runs warm (the JIT has compiled the hot path; the peak RSS then covers every transfer).
 * Prints one JSON line: `{ wallMs, cpuMs, peakRssMiB, startRssMiB }`; `peakRssMiB` is the process's maximum
 * resident set (`process.resourceUsage().maxRSS`), `startRssMiB` the RSS once everything is imported.
 */
import { createRequire } from "node:module"
import { apiKey } from "./fixtures.js"

const [base, mode, mibArg, contender, partsArg, warmArg] = process.argv.slice(2)
const inFlight = Number(partsArg ?? 1)
const MiB = 1024 * 1024
const piece = new Uint8Array(64 * 1024)
const size = Number(mibArg) * MiB

// imported only by the effect-docspace contender, so that fetch's RSS holds nothing of it
const effectDocSpace = async () => {
  const [Auth, NodeDocSpace, Downloads, Uploads, Effect, Redacted, Stream, { cloudPolicy }] = await Promise.all([
    import("@effect-docspace/core/Auth"),
    import("@effect-docspace/resources/NodeDocSpace"),
    import("@effect-docspace/resources/Downloads"),
    import("@effect-docspace/resources/Uploads"),
    import("effect/Effect"),
    import("effect/Redacted"),
    import("effect/Stream"),
    import("./policy.js")
  ])
  // the Node entry, as the GET contenders: undici, timeouts by abort signal
  const client = NodeDocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make(apiKey)), rateLimit: cloudPolicy })
  const upload = Uploads.upload({
    folderId: 1,
    fileName: "big.bin",
    size,
    parallel: inFlight,
    content: Stream.range(1, size / piece.length).pipe(Stream.as(piece))
  })
  const download = Stream.runFold(Downloads.stream(Number(mibArg)), 0, (n, chunk) => n + chunk.length)
  return mode === "upload"
    ? () => Effect.runPromise(Effect.provide(upload, client))
    : () => Effect.runPromise(Effect.provide(download, client))
}

const fetchUpload = async () => {
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close()
      sent += piece.length
      controller.enqueue(piece)
    }
  }, { highWaterMark: 0 })
  const res = await fetch(`${base}/sink`, {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/octet-stream" },
    duplex: "half"
  } as RequestInit)
  const { received } = (await res.json()) as { received: number }
  if (received !== size) throw new Error(`the sink received ${received} bytes, not ${size}`)
}

// The same chunked protocol by hand with plain fetch: the portal's chunk size from its settings, a session, then each
// part copied from the 64 KiB pieces into one reused buffer between its multipart head and trailer and sent in order.
// What the protocol itself allows (one round trip per part), without any client library.
// How a part is posted: fetch (which copies a Uint8Array body before sending it, as the Fetch standard says), or
// undici's own `request` (the transport under `NodeDocSpace.layer`, which writes the buffer as it is)
type Post = (
  url: string,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer> | string | undefined,
  method?: "GET" | "POST"
) => Promise<{
  readonly status: number
  readonly json: unknown
}>

const viaFetch: Post = async (url, headers, body, method = "POST") => {
  const res = await fetch(url, { method, headers, body: body ?? null })
  return { status: res.status, json: await res.json() }
}

const viaUndici = async (): Promise<Post> => {
  // the two undici modules NodeDocSpace.layer loads (its agent and `request`; the bench does not depend on undici
  // itself): the reference's process holds what the client's transport holds, and no more
  const require = createRequire(import.meta.resolve("@effect-docspace/resources/NodeDocSpace"))
  const Agent = require("undici/lib/dispatcher/agent.js") as new() => object
  const request = require("undici/lib/api/api-request.js") as (
    this: object,
    options: { origin: string; path: string; method: string; headers: Record<string, string>; body: unknown }
  ) => Promise<{ statusCode: number; body: { json: () => Promise<unknown> } }>
  const agent = new Agent()
  return async (url, headers, body, method = "POST") => {
    const target = new URL(url)
    const res = await request.call(agent, {
      origin: target.origin,
      path: target.pathname + target.search,
      method,
      headers,
      body: body ?? null
    })
    return { status: res.statusCode, json: await res.body.json() }
  }
}

const chunkedUpload = (postPart: Post) => async () => {
  const headers = { authorization: `Bearer ${apiKey}` }
  // the settings and the session through the same transport as the parts
  const settings = (await postPart(`${base}/api/2.0/files/settings`, headers, undefined, "GET")).json as {
    response: { chunkUploadSize: number }
  }
  const chunk = settings.response.chunkUploadSize
  const created = (await postPart(
    `${base}/api/2.0/files/1/upload/create_session`,
    { ...headers, "content-type": "application/json" },
    JSON.stringify({ fileName: "big.bin", fileSize: size })
  )).json as { response: { data: { location: string } } }
  const location = created.response.data.location
  const boundary = "----bench-boundary-0123456789abcdef"
  const encoder = new TextEncoder()
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${
      inFlight > 1 ? "blob" : "big.bin"
    }"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`
  )
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`)
  const free = Array.from({ length: inFlight }, () => {
    const buffer = new Uint8Array(head.length + chunk + tail.length)
    buffer.set(head, 0)
    return buffer
  })
  const post = async (body: Uint8Array<ArrayBuffer> | undefined, query: string) => {
    const res = await postPart(location + query, {
      ...headers,
      "content-type": `multipart/form-data; boundary=${boundary}`
    }, body)
    if ((res.json as { success?: boolean }).success !== true) throw new Error("the portal refused a part")
    return res.status
  }
  let sent = 0
  let status = 0
  let number = 0
  const running = new Set<Promise<unknown>>()
  while (sent < size) {
    // a free buffer: wait for a part in flight to be answered
    while (free.length === 0) await Promise.race(running)
    const buffer = free.pop()!
    const n = Math.min(chunk, size - sent)
    for (let filled = 0; filled < n; filled += piece.length) {
      buffer.set(n - filled >= piece.length ? piece : piece.subarray(0, n - filled), head.length + filled)
    }
    buffer.set(tail, head.length + n)
    sent += n
    number++
    if (inFlight === 1) {
      status = await post(buffer.subarray(0, head.length + n + tail.length), "")
      free.push(buffer)
      continue
    }
    const request: Promise<unknown> = post(
      buffer.subarray(0, head.length + n + tail.length),
      `&upload=true&chunkNumber=${number}`
    ).finally(() => {
      running.delete(request)
      free.push(buffer)
    })
    running.add(request)
  }
  await Promise.all(running)
  if (inFlight > 1) status = await post(undefined, "&finalize=true")
  if (status !== 201) throw new Error(`the last part answered ${status}, not 201`)
}

const fetchDownload = async () => {
  const res = await fetch(`${base}/filehandler.ashx?action=download&fileid=${mibArg}`, {
    headers: { authorization: `Bearer ${apiKey}` }
  })
  let n = 0
  const reader = res.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return n
    n += value.length
  }
}

// Effect's own HttpClient (@effect/platform over its undici client), one `Effect.runPromise` a request, without a
// limiter, span, Schema or typed errors: what an Effect program pays per request before any client library. Uploads do
// the chunked protocol by hand as the references above; downloads fold the answer's Effect stream.
const platform = async () => {
  const [NodeHttpClient, HttpClient, HttpClientRequest, Effect, ManagedRuntime, Stream] = await Promise.all([
    import("@effect/platform-node/NodeHttpClient"),
    import("@effect/platform/HttpClient"),
    import("@effect/platform/HttpClientRequest"),
    import("effect/Effect"),
    import("effect/ManagedRuntime"),
    import("effect/Stream")
  ])
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const post: Post = (url, headers, body, method = "POST") => {
    const plain = HttpClientRequest.make(method)(url, { headers })
    const request = body === undefined
      ? plain
      : typeof body === "string"
      ? HttpClientRequest.bodyText(plain, body, headers["content-type"])
      : HttpClientRequest.bodyUint8Array(plain, body, headers["content-type"])
    return runtime.runPromise(
      Effect.scoped(
        Effect.flatMap(
          HttpClient.execute(request),
          (res) => Effect.map(res.json, (json) => ({ status: res.status, json }))
        )
      )
    )
  }
  const download = () =>
    runtime.runPromise(Effect.scoped(Effect.flatMap(
      HttpClient.get(`${base}/filehandler.ashx?action=download&fileid=${mibArg}`, {
        headers: { authorization: `Bearer ${apiKey}` }
      }),
      (res) => Stream.runFold(res.stream, 0, (n, chunk) => n + chunk.length)
    )))
  return mode === "upload" ? chunkedUpload(post) : download
}

const run: () => Promise<unknown> = contender === "fetch"
  ? (mode === "upload" ? fetchUpload : fetchDownload)
  : contender === "fetch-chunked"
  ? (mode === "upload" ? chunkedUpload(viaFetch) : fetchDownload)
  : contender === "undici-chunked"
  ? (mode === "upload" ? chunkedUpload(await viaUndici()) : fetchDownload)
  : contender === "platform"
  ? await platform()
  : await effectDocSpace()

// at least 512 MiB before the measured transfer: the hot path is compiled by then (the second 256 MiB in a process still
// took about twice the CPU of the third)
if (warmArg === "warm") { for (let moved = 0; moved < 512 * MiB; moved += size) await run() }
const startRssMiB = process.memoryUsage().rss / MiB
const cpu = process.cpuUsage()
const start = performance.now()
const result = await run()
const wallMs = performance.now() - start
const used = process.cpuUsage(cpu)
if (mode === "download" && result !== size) throw new Error(`${contender} downloaded ${result} bytes, not ${size}`)
console.log(JSON.stringify({
  wallMs,
  cpuMs: (used.user + used.system) / 1000,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  startRssMiB
}))
process.exit(0)

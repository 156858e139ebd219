import * as Auth from "@effect-docspace/core/Auth"
import { DocSpace, Downloads } from "@effect-docspace/resources"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type * as Net from "node:net"

const file = Uint8Array.from({ length: 1000 }, (_, i) => i % 251)

/** A client whose transport answers every request with `answer` (a web `Response`), recording what was asked. */
const scripted = (
  answer: (url: string, headers: Readonly<Record<string, string>>, index: number) => Response,
  baseUrl = "https://portal.example"
) => {
  const seen: Array<{ readonly url: string; readonly headers: Readonly<Record<string, string>> }> = []
  const transport = HttpClient.make((request) => {
    const headers = request.headers as unknown as Record<string, string>
    seen.push({ url: request.url, headers })
    return Effect.succeed(HttpClientResponse.fromWeb(request, answer(request.url, headers, seen.length - 1)))
  })
  const layer = DocSpace.layer({ baseUrl, auth: Auth.apiKey(Redacted.make("sk-abc")) }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, transport))
  )
  return { seen, layer }
}

const length = <E, R>(self: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(self), Chunk.reduce(0, (n, bytes) => n + bytes.length))

/** A body that sends `bytes` then breaks off. */
const broken = (bytes: Uint8Array) => {
  let sent = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        controller.error(new Error("connection reset"))
      } else {
        sent = true
        controller.enqueue(bytes)
      }
    }
  })
}

describe("Downloads: partial answers", () => {
  it.effect("a 206 covering less than asked is not taken as the whole range", () => {
    const { layer } = scripted(() =>
      new Response(file.slice(100, 200), {
        status: 206,
        headers: { "content-range": "bytes 100-199/1000", "content-length": "100" }
      })
    )
    return Effect.gen(function*() {
      const result = yield* Effect.either(length(Downloads.stream(1, { range: { start: 100 } })))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("ServerError")
        expect(result.left.message).toContain("bytes 100-199")
      }
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 206 covering exactly the asked bytes up to the file's end is accepted", () => {
    const { layer } = scripted(() =>
      new Response(file.slice(100), {
        status: 206,
        headers: { "content-range": "bytes 100-999/1000", "content-length": "900" }
      })
    )
    return Effect.gen(function*() {
      expect(yield* length(Downloads.stream(1, { range: { start: 100, end: 5000 } }))).toBe(900)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 206 to a request without Range is a typed error", () => {
    const { layer, seen } = scripted(() =>
      new Response(file.slice(0, 10), {
        status: 206,
        headers: { "content-range": "bytes 0-9/1000", "content-length": "10" }
      })
    )
    return Effect.gen(function*() {
      const result = yield* Effect.either(length(Downloads.stream(1)))
      expect(seen[0]?.headers["range"]).toBeUndefined()
      expect(Either.isLeft(result) && result.left._tag).toBe("ServerError")
    }).pipe(Effect.provide(layer))
  })
})

describe("Downloads: resuming", () => {
  it.effect("is not resumed when the first answer names neither an ETag nor a length", () => {
    const { layer, seen } = scripted((_url, _headers, index) =>
      index === 0
        ? new Response(broken(file.slice(0, 400)), { status: 200 })
        : new Response(file.slice(400), {
          status: 206,
          headers: { "content-range": "bytes 400-999/1000", "content-length": "600" }
        })
    )
    return Effect.gen(function*() {
      const result = yield* Effect.either(length(Downloads.stream(1)))
      expect(Either.isLeft(result) && result.left._tag).toBe("TransportError")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("fails when the resumed answer drops the ETag the first one had", () => {
    const { layer, seen } = scripted((_url, _headers, index) =>
      index === 0
        ? new Response(broken(file.slice(0, 400)), { status: 200, headers: { etag: "\"v1\"" } })
        : new Response(file.slice(400), { status: 206, headers: { "content-range": "bytes 400-999/*" } })
    )
    return Effect.gen(function*() {
      const result = yield* Effect.either(length(Downloads.stream(1)))
      expect(seen).toHaveLength(2)
      expect(Either.isLeft(result) && result.left.message).toContain("the file changed")
    }).pipe(Effect.provide(layer))
  })

  it.effect("resumes when the resumed answer repeats the ETag", () => {
    const { layer } = scripted((_url, _headers, index) =>
      index === 0
        ? new Response(broken(file.slice(0, 400)), { status: 200, headers: { etag: "\"v1\"" } })
        : new Response(file.slice(400), {
          status: 206,
          headers: { etag: "\"v1\"", "content-range": "bytes 400-999/1000" }
        })
    )
    return Effect.gen(function*() {
      expect(yield* length(Downloads.stream(1))).toBe(1000)
    }).pipe(Effect.provide(layer))
  })
})

describe("Downloads: a redirect the runtime hides", () => {
  it.effect("a browser's opaqueredirect (status 0) is a typed error that says so", () => {
    // what a browser's fetch with redirect: "manual" hands back for the portal's 302
    const { layer } = scripted(() => Response.error())
    return Effect.gen(function*() {
      const result = yield* Effect.either(length(Downloads.stream(1)))
      expect(Either.isLeft(result) && result.left._tag).toBe("ServerError")
      expect(Either.isLeft(result) && result.left.message).toContain("opaqueredirect")
    }).pipe(Effect.provide(layer))
  })
})

describe("Downloads: relative Location", () => {
  it.effect("is resolved against the URL requested, baseUrl path prefix included", () => {
    const { layer, seen } = scripted(
      (url) =>
        url.includes("/filehandler.ashx")
          ? new Response(null, { status: 302, headers: { location: "files/obj" } })
          : new Response(file, { status: 200, headers: { "content-length": "1000" } }),
      "https://portal.example/docspace/"
    )
    return Effect.gen(function*() {
      expect(yield* length(Downloads.stream(1))).toBe(1000)
      expect(seen.map((s) => new URL(s.url).pathname)).toEqual(["/docspace/filehandler.ashx", "/docspace/files/obj"])
    }).pipe(Effect.provide(layer))
  })
})

const listen = (handler: Http.RequestListener) =>
  Effect.acquireRelease(
    Effect.async<Http.Server>((resume) => {
      const server = Http.createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => (server.address() as Net.AddressInfo).port))

describe("Downloads with FetchHttpClient", () => {
  const portalLayer = (port: number) =>
    DocSpace.layer({ baseUrl: `http://127.0.0.1:${port}`, auth: Auth.apiKey(Redacted.make("sk-abc")) }).pipe(
      Layer.provide(FetchHttpClient.layer)
    )

  it.scoped("the portal's redirect is followed by the client: hop limit, no credentials on the storage", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const storage = yield* listen((req, res) => {
        log.push(`storage auth=${req.headers.authorization ?? "-"}`)
        const n = Number(new URL(req.url!, "http://x").searchParams.get("n"))
        if (n < 8) {
          res.writeHead(302, { location: `/obj?n=${n + 1}` })
          res.end()
          return
        }
        res.writeHead(200, { "content-length": "5" })
        res.end("hello")
      })
      const portal = yield* listen((req, res) => {
        log.push(`portal auth=${req.headers.authorization !== undefined ? "yes" : "-"}`)
        res.writeHead(302, { location: `http://localhost:${storage}/obj?n=0` })
        res.end()
      })
      const result = yield* Effect.either(length(Downloads.stream(1))).pipe(Effect.provide(portalLayer(portal)))
      expect(Either.isLeft(result) && result.left.message).toContain("more than 5 redirects")
      // the portal once, then 5 storage hops, none with the portal's credentials
      expect(log).toEqual(["portal auth=yes", ...Array.from({ length: 5 }, () => "storage auth=-")])
    }))

  it.scoped("a redirect from https to plain http is refused", () =>
    Effect.gen(function*() {
      const log: Array<string> = []
      const portal = yield* listen((req, res) => {
        log.push(req.url!)
        res.writeHead(302, { location: "http://storage.invalid/obj" })
        res.end()
      })
      // an https portal, reached through a fetch that rewrites it to the plain loopback server
      const fetchToLoopback: typeof globalThis.fetch = (input, init) =>
        globalThis.fetch(
          String(input instanceof Request ? input.url : input).replace(
            /^https:\/\/portal\.example/,
            `http://127.0.0.1:${portal}`
          ),
          init
        )
      const layer = DocSpace.layer({ baseUrl: "https://portal.example", auth: Auth.apiKey(Redacted.make("sk-abc")) })
        .pipe(
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetchToLoopback))
        )
      const result = yield* Effect.either(length(Downloads.stream(1))).pipe(Effect.provide(layer))
      expect(Either.isLeft(result) && result.left.message).toContain("https to plain http")
      expect(log).toHaveLength(1)
    }))
})

import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import {
  API_KEY,
  BASE,
  clientLayer,
  envelope,
  errorEnvelope,
  json,
  mockTransport,
  PassThroughLimiter,
  type Reply,
  type Seen
} from "./utils.js"

const Folder = Schema.Struct({ id: Schema.Number, title: Schema.String })

const getFolder = (folderId: string | number = 7) =>
  DocSpaceClient.request({
    operation: "getFolderInfo",
    method: "GET",
    path: "/api/2.0/files/folder/{folderId}",
    pathParams: { folderId }
  }, Folder)

/** Runs `program` against a transport answering `reply`; returns the result (as Either) and what was sent. */
const run = <A, E>(
  program: Effect.Effect<A, E, DocSpaceClient.DocSpaceClient>,
  reply: (seen: Seen, index: number) => Reply,
  options: Parameters<typeof clientLayer>[1] = {}
) =>
  Effect.gen(function*() {
    const { client, seen } = yield* mockTransport(reply)
    const result = yield* Effect.either(Effect.provide(program, clientLayer(client, options)))
    return { result, seen: yield* Ref.get(seen) }
  })

const failure = <A, E>(result: Either.Either<A, E>): E => {
  if (Either.isRight(result)) throw new Error(`expected a failure, got ${JSON.stringify(result.right)}`)
  return result.left
}

describe("DocSpaceClient", () => {
  it.effect("unwraps the envelope and decodes the response, sending auth, JSON headers and the base URL", () =>
    Effect.gen(function*() {
      const { result, seen } = yield* run(getFolder(), () => envelope({ id: 7, title: "Docs", extra: "ignored" }))
      expect(result).toEqual(Either.right({ id: 7, title: "Docs" }))
      expect(seen).toHaveLength(1)
      expect(seen[0].method).toBe("GET")
      expect(seen[0].url.href).toBe(`${BASE}/api/2.0/files/folder/7`)
      expect(seen[0].headers["authorization"]).toBe(`Bearer ${API_KEY}`)
      expect(seen[0].headers["accept"]).toBe("application/json")
      expect(seen[0].headers["user-agent"]).toMatch(/^effect-docspace\//)
    }))

  it.effect("keeps count and total from the envelope", () =>
    Effect.gen(function*() {
      const program = DocSpaceClient.requestEnvelope(
        {
          operation: "list",
          method: "GET",
          path: "/api/2.0/people",
          urlParams: { count: 2, startIndex: 0, ids: [1, 2] }
        },
        Schema.Array(Schema.Number)
      )
      const { result, seen } = yield* run(program, () => envelope([1, 2], { total: 9 }))
      expect(result).toEqual(Either.right({ response: [1, 2], count: 2, total: 9, status: 200 }))
      expect(seen[0].url.search).toBe("?count=2&startIndex=0&ids=1&ids=2")
    }))

  it.effect("sends JSON bodies", () =>
    Effect.gen(function*() {
      const program = DocSpaceClient.request({
        operation: "createFolder",
        method: "POST",
        path: "/api/2.0/files/folder/{folderId}",
        pathParams: { folderId: "@my" },
        body: DocSpaceClient.jsonBody({ title: "New" })
      }, Folder)
      const { result, seen } = yield* run(program, () => envelope({ id: 8, title: "New" }))
      expect(Either.isRight(result)).toBe(true)
      expect(seen[0].url.pathname).toBe("/api/2.0/files/folder/@my")
      expect(seen[0].headers["content-type"]).toBe("application/json")
      expect(JSON.parse(seen[0].body)).toEqual({ title: "New" })
    }))

  describe("maps each failure to its typed error", () => {
    const cases: ReadonlyArray<readonly [number, string]> = [
      [400, "BadRequest"],
      [401, "Unauthorized"],
      [402, "PaymentRequired"],
      [403, "Forbidden"],
      [404, "NotFound"],
      [409, "BadRequest"],
      [500, "ServerError"],
      [503, "ServerError"]
    ]
    for (const [status, tag] of cases) {
      it.effect(`${status} -> ${tag}`, () =>
        Effect.gen(function*() {
          const { result } = yield* run(getFolder(), () => errorEnvelope(status, `The server says ${status}`))
          const error = failure(result)
          expect(error._tag).toBe(tag)
          // the server's message first (a 401 adds what was refused and what to check)
          expect(error.message.startsWith(`The server says ${status}`)).toBe(true)
          expect(error).toMatchObject({
            status,
            serverType: "System.Exception",
            operation: "getFolderInfo",
            method: "GET",
            url: `${BASE}/api/2.0/files/folder/7`
          })
        }))
    }

    it.effect("429 -> RateLimited with the Retry-After", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () =>
          json({ error: { message: "Too many" }, statusCode: 429 }, 429, { "retry-after": "17" }))
        const error = failure(result)
        expect(error._tag).toBe("RateLimited")
        if (error._tag === "RateLimited") {
          expect(Duration.toSeconds(error.retryAfter)).toBe(17)
        }
      }))

    it.effect("a 503 with a Retry-After, an X-RateLimit-Reset or rate headers is RateLimited; without any, a ServerError", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [Record<string, string>, string, number | undefined]> = [
          [{ "retry-after": "Thu, 01 Jan 1970 00:01:00 GMT" }, "RateLimited", 60], // TestClock starts at 0
          [{ "x-ratelimit-reset": "1800000000" }, "RateLimited", 1_800_000_000],
          // rate headers without a hint: a refusal too, by the limiter's rule (RateLimitRefusal.isRefusal)
          [{ "x-ratelimit-limit": "500", "x-ratelimit-remaining": "0" }, "RateLimited", 1],
          [{}, "ServerError", undefined]
        ]
        for (const [headers, tag, seconds] of cases) {
          const { result } = yield* run(getFolder(), () => json({ error: { message: "busy" } }, 503, headers))
          const error = failure(result)
          expect(error._tag).toBe(tag)
          if (error._tag === "RateLimited") expect(Duration.toSeconds(error.retryAfter)).toBe(seconds)
        }
      }))

    it.effect("a 2xx body carrying `error` is an error, with the envelope's statusCode", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () =>
          json({ error: { message: "Access denied" }, status: 1, statusCode: 403 }, 200))
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "Forbidden", status: 403 })
        // the server's message first, then the request and what to check
        expect(error.message).toMatch(
          /^Access denied: GET \S+\/api\/2\.0\/files\/folder\/7 \(getFolderInfo\) was refused with HTTP 403; .*role/
        )
      }))

    it.effect("an HTML 502 from a proxy is a ServerError with an excerpt", () =>
      Effect.gen(function*() {
        const html = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
        const { result } = yield* run(getFolder(), () =>
          new Response(html, { status: 502, headers: { "content-type": "text/html" } }))
        const error = failure(result)
        expect(error._tag).toBe("ServerError")
        expect(error.message).toContain("HTML")
        expect(error).toMatchObject({ status: 502 })
        expect((error as { excerpt?: string }).excerpt).toContain("502 Bad Gateway")
      }))

    it.effect("an HTML 200 (a login page) is a DecodeError", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () =>
          new Response("<!DOCTYPE html><html>Sign in</html>", {
            status: 200,
            headers: { "content-type": "text/html" }
          }))
        const error = failure(result)
        expect(error._tag).toBe("DecodeError")
        expect(error.message).toContain("HTML")
      }))

    it.effect("truncated JSON is a DecodeError with an excerpt", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () =>
          new Response(`{"response": {"id": 7, "tit`, { status: 200, headers: { "content-type": "application/json" } }))
        const error = failure(result)
        expect(error._tag).toBe("DecodeError")
        expect(error.message).toContain("not valid JSON")
        expect((error as { excerpt?: string }).excerpt).toContain(`"id": 7`)
      }))

    it.effect("an empty 200 is a DecodeError for an operation that promises a value", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () => new Response("", { status: 200 }))
        expect(failure(result)).toMatchObject({ _tag: "DecodeError", message: expect.stringContaining("empty") })
      }))

    it.effect("an empty 200 or 204 is fine for an operation that promises nothing", () =>
      Effect.gen(function*() {
        const program = DocSpaceClient.request({
          operation: "logout",
          method: "POST",
          path: "/api/2.0/authentication/logout"
        }, Schema.Void)
        for (const status of [200, 204]) {
          const { result } = yield* run(program, () => new Response(status === 204 ? null : "", { status }))
          expect(Either.isRight(result)).toBe(true)
        }
      }))

    it.effect("an operation's own Accept header is kept (server-sent events)", () =>
      Effect.gen(function*() {
        const program = DocSpaceClient.stream({
          operation: "startNewChat",
          method: "POST",
          path: "/api/2.0/ai/chats",
          headers: { accept: "text/event-stream" }
        }).pipe(Stream.runDrain)
        const { seen } = yield* run(program, () => new Response("data: {}\n\n", { status: 200 }))
        expect(seen[0].headers["accept"]).toBe("text/event-stream")
      }))

    it.effect("a wrong type is a DecodeError naming the field path", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () => envelope({ id: "seven", title: "Docs" }))
        const error = failure(result)
        expect(error).toMatchObject({ _tag: "DecodeError", path: "response.id", status: 200 })
      }))

    it.effect("a connection failure is a TransportError", () =>
      Effect.gen(function*() {
        const failing = HttpClient.make((request) =>
          Effect.fail(
            new (class extends Error {
              readonly _tag = "RequestError"
              readonly reason = "Transport"
              readonly description = "connect ECONNREFUSED 127.0.0.1:1"
              readonly request = request
            })() as never
          )
        )
        const result = yield* Effect.either(Effect.provide(getFolder(), clientLayer(failing)))
        const error = failure(result)
        expect(error._tag).toBe("TransportError")
        expect(error.message).toContain("ECONNREFUSED")
      }))

    it.effect("a body that breaks off mid-stream is a TransportError", () =>
      Effect.gen(function*() {
        const { result } = yield* run(getFolder(), () =>
          new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode(`{"response": {"id": 7,`))
                controller.error(new Error("socket hang up"))
              }
            }),
            { status: 200 }
          ))
        expect(failure(result)._tag).toBe("TransportError")
      }))
  })

  describe("path parameters cannot change the request path", () => {
    for (
      const evil of [
        "../settings",
        "..",
        "a/b",
        "1?fields=all",
        "1#frag",
        "",
        "%2e%2e",
        "a\\b",
        "1\nX-Evil: 1",
        "a\ud800",
        "\udc00b"
      ]
    ) {
      it.effect(`rejects ${JSON.stringify(evil)} without sending anything`, () =>
        Effect.gen(function*() {
          const { result, seen } = yield* run(getFolder(evil), () => envelope({ id: 1, title: "x" }))
          expect(failure(result)._tag).toBe("BadRequest")
          expect(seen).toHaveLength(0)
        }))
    }

    it.effect("encodes ordinary ids and keeps DocSpace's @ ids", () =>
      Effect.gen(function*() {
        const { seen } = yield* run(
          Effect.zip(getFolder("@my"), getFolder("a b+c")),
          () => envelope({ id: 1, title: "x" })
        )
        expect(seen.map((s) => s.url.pathname)).toEqual([
          "/api/2.0/files/folder/@my",
          "/api/2.0/files/folder/a%20b%2Bc"
        ])
      }))

    it.effect("refuses an absolute URL on another origin (credentials never leave the portal)", () =>
      Effect.gen(function*() {
        const program = DocSpaceClient.request(
          { operation: "upload", method: "POST", path: "https://evil.example.net/ChunkedUploader.ashx?uid=1" },
          Schema.Unknown
        )
        const { result, seen } = yield* run(program, () => envelope({}))
        expect(failure(result)._tag).toBe("BadRequest")
        expect(seen).toHaveLength(0)
      }))
  })

  it.effect("bounds a request with the timeout (TestClock)", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() =>
        Effect.as(Effect.sleep("1 hour"), envelope({ id: 1, title: "late" }))
      )
      const fiber = yield* Effect.fork(
        Effect.either(Effect.provide(getFolder(), clientLayer(client, { timeout: 5000 })))
      )
      yield* TestClock.adjust("4 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("2 seconds")
      const error = failure(yield* Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "Timeout", timeoutMillis: 5000, operation: "getFolderInfo" })
      // the message says which timeout it was and how to change it
      expect(error.message).toContain("timed out after 5000 ms")
      expect(error.message).toContain("DOCSPACE_TIMEOUT")
      expect(error.message).toContain("DocSpaceClient.withTimeout")
    }))

  it.effect("a 404's hint names the folder aliases only for files routes", () =>
    Effect.gen(function*() {
      const onFiles = failure((yield* run(getFolder(), () => errorEnvelope(404, "Not found"))).result)
      expect(onFiles.message).toContain("@my, @trash... folder aliases")
      const key = DocSpaceClient.request({
        operation: "deleteApiKey",
        method: "DELETE",
        path: "/api/2.0/keys/{keyId}",
        pathParams: { keyId: "00000000-0000-0000-0000-000000000000" }
      }, Schema.Unknown)
      const onKeys = failure((yield* run(key, () => errorEnvelope(404, "Not found"))).result)
      expect(onKeys._tag).toBe("NotFound")
      expect(onKeys.message).toContain("check the id")
      expect(onKeys.message).not.toContain("alias")
    }))

  it.effect("every error's message names the request, its status and what to check, the server's message first", () =>
    Effect.gen(function*() {
      const request = `GET ${BASE}/api/2.0/files/folder/7 (getFolderInfo)`
      const cases: ReadonlyArray<readonly [() => Response, string, RegExp]> = [
        [() => errorEnvelope(400, "Invalid title"), "BadRequest", /^Invalid title: .* HTTP 400; check the parameters/],
        [() => errorEnvelope(402, "Quota exceeded"), "PaymentRequired", /^Quota exceeded: .* HTTP 402; .*quota/],
        [() => errorEnvelope(403, "Access denied"), "Forbidden", /^Access denied: .* HTTP 403; .*permissions.*role/],
        [() => errorEnvelope(404, "Not found"), "NotFound", /^Not found: .* HTTP 404; check the id/],
        [
          () => new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } }),
          "ServerError",
          /HTTP 502; the portal or its proxy failed/
        ],
        [
          () => envelope({ id: "x", title: "t" }),
          "DecodeError",
          /the portal answered something this version cannot read: /
        ]
      ]
      for (const [reply, tag, pattern] of cases) {
        const error = failure((yield* run(getFolder(), reply)).result)
        expect(error._tag).toBe(tag)
        expect(error.message).toContain(request)
        expect(error.message).toMatch(pattern)
      }
    }))

  it.effect("streams a body as bytes", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(100_000).map((_, i) => i % 251)
      const program = DocSpaceClient.stream({
        operation: "download",
        method: "GET",
        path: "/filehandler.ashx",
        urlParams: { action: "download", fileid: 5 },
        envelope: false
      }).pipe(Stream.runFold(0, (n, chunk) => n + chunk.length))
      const { result, seen } = yield* run(program, () => new Response(bytes, { status: 200 }))
      expect(result).toEqual(Either.right(100_000))
      expect(seen[0].url.search).toBe("?action=download&fileid=5")
    }))

  it.effect("a body that stalls longer than the timeout between chunks fails with Timeout (TestClock)", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array(10)) // then nothing, ever
            }
          }),
          { status: 200 }
        )
      )
      const program = DocSpaceClient.stream({ operation: "download", method: "GET", path: "/filehandler.ashx" }).pipe(
        Stream.runFold(0, (n, chunk) => n + chunk.length)
      )
      const fiber = yield* Effect.fork(Effect.either(Effect.provide(program, clientLayer(client, { timeout: 10_000 }))))
      yield* TestClock.adjust("9 seconds")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("2 seconds")
      expect(failure(yield* Fiber.join(fiber))).toMatchObject({ _tag: "Timeout", operation: "download" })
    }))

  it.effect("rawStream gives the status and headers with the typed body", () =>
    Effect.gen(function*() {
      const program = Effect.scoped(Effect.flatMap(
        DocSpaceClient.rawStream({ operation: "download", method: "GET", path: "/filehandler.ashx" }),
        (response) =>
          Effect.map(
            Stream.runFold(response.body, 0, (n, c) => n + c.length),
            (n) => [response.status, response.headers["content-range"], n]
          )
      ))
      const { result } = yield* run(program, () =>
        new Response(new Uint8Array(5), { status: 206, headers: { "content-range": "bytes 0-4/100" } }))
      expect(result).toEqual(Either.right([206, "bytes 0-4/100", 5]))
    }))

  it.effect("redirect: manual tells a FetchHttpClient not to follow; other requests keep fetch's default", () =>
    Effect.gen(function*() {
      const seen: Array<RequestRedirect | undefined> = []
      const fetchLayer = FetchHttpClient.layer.pipe(
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, (_input, init) => {
          seen.push(init?.redirect)
          return Promise.resolve(
            new Response(null, { status: 302, headers: { location: "https://storage.example/x" } })
          )
        }))
      )
      const download = (opts: { readonly redirect?: "manual" }) =>
        Effect.scoped(Effect.map(
          DocSpaceClient.rawStream({ operation: "download", method: "GET", path: "/filehandler.ashx", ...opts }),
          (response) => response.status
        ))
      const client = yield* Effect.provide(HttpClient.HttpClient, fetchLayer)
      expect(yield* Effect.provide(download({ redirect: "manual" }), clientLayer(client))).toBe(302)
      yield* Effect.either(Effect.provide(download({}), clientLayer(client)))
      expect(seen).toEqual(["manual", undefined])
    }))

  it.effect("redirect: manual hands a 3xx with a Location back; without it, or without a Location, a 3xx fails", () =>
    Effect.gen(function*() {
      const statusOf = (opts: { readonly redirect?: "manual" }) =>
        Effect.scoped(Effect.map(
          DocSpaceClient.rawStream({ operation: "download", method: "GET", path: "/filehandler.ashx", ...opts }),
          (response) => [response.status, response.headers["location"]]
        ))
      const toStorage = () =>
        new Response(null, { status: 302, headers: { location: "https://storage.example/presigned?sig=x" } })
      const handed = yield* run(statusOf({ redirect: "manual" }), toStorage)
      expect(handed.result).toEqual(Either.right([302, "https://storage.example/presigned?sig=x"]))
      const refused = yield* run(statusOf({}), toStorage)
      expect(failure(refused.result)).toMatchObject({ _tag: "ServerError", status: 302 })
      const noLocation = yield* run(statusOf({ redirect: "manual" }), () => new Response(null, { status: 302 }))
      expect(failure(noLocation.result)).toMatchObject({ _tag: "ServerError", status: 302 })
    }))

  it.effect("a non-2xx answer whose body stalls is bounded by the timeout too (raw, stream)", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() => new Response(new ReadableStream({ start() {} }), { status: 500 }))
      const program = DocSpaceClient.stream({ operation: "download", method: "GET", path: "/filehandler.ashx" }).pipe(
        Stream.runDrain
      )
      const fiber = yield* Effect.fork(Effect.either(Effect.provide(program, clientLayer(client, { timeout: 3000 }))))
      for (let i = 0; i < 8; i++) yield* TestClock.adjust("500 millis")
      expect(failure(yield* Fiber.join(fiber))).toMatchObject({ _tag: "Timeout", operation: "download" })
    }))

  it.effect("a 401 is not retried with fresh credentials when the body was a stream (it is consumed)", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) =>
        s.url.pathname === "/api/2.0/authentication"
          ? envelope({ token: "t", expires: new Date(3_600_000).toISOString() })
          : errorEnvelope(401, "expired")
      )
      const program = DocSpaceClient.request({
        operation: "upload",
        method: "POST",
        path: "/api/2.0/files/1/upload",
        body: HttpBody.stream(Stream.make(new Uint8Array(3)), "application/octet-stream")
      }, Schema.Unknown)
      const auth = Auth.password({ userName: "u", password: Redacted.make("p") })
      const { result } = yield* Effect.provide(
        Effect.map(Effect.either(program), (result) => ({ result })),
        clientLayer(client, { auth })
      )
      expect(failure(result)._tag).toBe("Unauthorized")
      expect((yield* Ref.get(seen)).filter((s) => s.url.pathname === "/api/2.0/files/1/upload")).toHaveLength(1)
    }))

  it.effect("a failed stream request is its typed error", () =>
    Effect.gen(function*() {
      const program = DocSpaceClient.stream({ operation: "download", method: "GET", path: "/filehandler.ashx" }).pipe(
        Stream.runDrain
      )
      const { result } = yield* run(program, () => errorEnvelope(404, "The file could not be found"))
      const error = failure(result)
      expect(error._tag).toBe("NotFound")
      // the server's message first, then the request and what to check
      expect(error.message).toMatch(
        /^The file could not be found: GET \S+\/filehandler\.ashx \(download\) .*check the id/
      )
    }))

  it.effect("applies the user's transformClient to every request", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(() => envelope({ id: 1, title: "x" }))
      const live = DocSpaceClient.layer({
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-trace", "abc"))
      }).pipe(
        Layer.provide(DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.apiKey(Redacted.make(API_KEY)) })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(PassThroughLimiter),
        Layer.orDie
      )
      yield* Effect.provide(getFolder(), live)
      const sent = yield* Ref.get(seen)
      expect(sent[0].headers["x-trace"]).toBe("abc")
      expect(sent[0].url.href).toBe(`${BASE}/api/2.0/files/folder/7`)
    }))

  // a JSON request runs without a scope of its own unless middleware may need one
  it.effect("a transformClient that adds finalizers gets a scope per JSON request, closed when it ends", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() => envelope({ id: 1, title: "x" }))
      const events: Array<string> = []
      const live = DocSpaceClient.layer({
        transformClient: HttpClient.transformResponse((response) =>
          Effect.zipRight(
            Effect.addFinalizer(() => Effect.sync(() => events.push("finalizer"))),
            response
          )
        )
      }).pipe(
        Layer.provide(DocSpaceConfig.layer({ baseUrl: BASE, auth: Auth.apiKey(Redacted.make(API_KEY)) })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(PassThroughLimiter),
        Layer.orDie
      )
      const folder = yield* Effect.provide(
        Effect.tap(getFolder(), () => Effect.sync(() => events.push("decoded"))),
        live
      )
      expect(folder).toEqual({ id: 1, title: "x" })
      expect(events).toEqual(["finalizer", "decoded"])
    }))
})

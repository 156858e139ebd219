/**
 * Issue 10's property tests (effect/FastCheck): arbitrary path parameters (lone surrogates, "..", "/", "%2e"...),
 * 2FA codes, query values, base URLs, Retry-After values and response bodies never produce a defect or a hang, and
 * never change the path a request goes to. Each property runs against an in-memory transport that records what
 * would have been sent; a run ends in the right request, or in one of the client's named typed errors (a
 * `ConfigError` for a base URL) before anything is sent.
 */
import { Auth, DocSpaceConfig } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Files, Folders, People } from "@effect-docspace/resources"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FC from "effect/FastCheck"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as Canaries from "./suite/canaries.js"
import * as Flows from "./suite/flows.js"

const runs = 100
const held: Array<string> = []
const failed: Array<string> = []
const recorder = Canaries.makeRecorder()

const portal = "https://portal.example.com"

interface Sent {
  readonly method: string
  readonly url: string
}

type Reply = (request: { readonly url: string; readonly index: number }) => Response

const transport = (reply: Reply) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      // the URL with its query, as it goes on the wire
      const url = Option.match(HttpClientRequest.toUrl(request), { onNone: () => request.url, onSome: (u) => u.href })
      sent.push({ method: request.method, url })
      return HttpClientResponse.fromWeb(request, reply({ url, index: sent.length - 1 }))
    })
  )
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const policy: RateLimitPolicy.RateLimitPolicy = {
  ...RateLimitPolicy.unlimited,
  retry: { ...RateLimitPolicy.defaultRetry, maxTotalWait: Duration.minutes(2) }
}

const clientLayer = (reply: Reply, options: { baseUrl?: string; auth?: Auth.Auth } = {}) => {
  const t = transport(reply)
  const layer = DocSpace.layer({
    baseUrl: options.baseUrl ?? portal,
    auth: options.auth ?? Auth.apiKey(Redacted.make(Canaries.apiKey)),
    rateLimit: policy
  }).pipe(Layer.provide(t.layer))
  return { sent: t.sent, layer }
}

const envelope = (response: unknown, status = 200) =>
  new Response(JSON.stringify({ response, count: 1, status: 0, statusCode: status }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" }
  })

const file = { id: 1, title: "a.txt", folderId: 2, version: 1, contentLength: "1 B", pureContentLength: 1 }

/**
 * Runs `effect` under the TestClock: a run still going after `steps` x 30 s of virtual time is a hang. Returns
 * the exit; a defect, an interruption or a hang throws (a counterexample).
 */
const bounded = <A, E>(effect: Effect.Effect<A, E>, steps = 20): Promise<Exit.Exit<A, E>> =>
  Effect.runPromise(
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Canaries.recorded(recorder, effect))
      for (let i = 0; i < steps; i++) {
        // most runs need no time at all: let them finish before moving the clock
        for (let j = 0; j < 50 && (yield* Fiber.poll(fiber))._tag === "None"; j++) yield* Effect.yieldNow()
        if ((yield* Fiber.poll(fiber))._tag === "Some") break
        yield* TestClock.adjust("30 seconds")
      }
      const done = yield* Fiber.poll(fiber)
      if (done._tag === "None") {
        yield* Fiber.interrupt(fiber)
        throw new Error(`no result within ${steps * 30} seconds of virtual time`)
      }
      const exit = Exit.flatten(done.value)
      if (Exit.isFailure(exit)) {
        const failure = Cause.failureOption(exit.cause)
        const typed = failure._tag === "Some" &&
          (Flows.isTyped(failure.value) || (failure.value as { _tag?: string })._tag === "ConfigError")
        if (!typed) throw new Error(`not a typed error: ${Cause.pretty(exit.cause).slice(0, 500)}`)
      }
      return exit
    }).pipe(Effect.provide(TestContext.TestContext))
  )

const property = <T>(name: string, arbitrary: FC.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  it.live(name, () =>
    Effect.promise(async () => {
      try {
        await FC.assert(FC.asyncProperty(arbitrary, check), { numRuns: runs, seed: 20261202 })
        held.push(name)
      } catch (error) {
        failed.push(name)
        throw error
      }
    }), 120_000)

/** Strings of UTF-16 code units: lone surrogates, dots, slashes and percent signs included. */
const hostileString: FC.Arbitrary<string> = FC.oneof(
  FC.constantFrom(
    "..",
    ".",
    "/",
    "%2e",
    "%2e%2e",
    "%2E%2E",
    "a/../b",
    "..%2f",
    "\uD800",
    "x\uDFFFy",
    "",
    " ",
    "?x=1",
    "#frag",
    "%",
    "\\..\\",
    "@my",
    "\u0000",
    "１２"
  ),
  FC.string(),
  FC.array(FC.integer({ min: 0, max: 0xFFFF }), { maxLength: 12 }).map((units) => String.fromCharCode(...units)),
  FC.array(FC.constantFrom(".", "/", "%", "2", "e", "\uD83D", "\uDE00", "?", "#", "\\"), { maxLength: 10 })
    .map((parts) => parts.join(""))
)

/** The path the request went to, split in segments as the server sees them (decoded). */
const segmentsAfter = (url: string, prefix: string): Array<string> | undefined => {
  const pathname = new URL(url).pathname
  if (!pathname.startsWith(prefix)) return undefined
  return pathname.slice(prefix.length).split("/").map((s) => decodeURIComponent(s))
}

describe("properties", () => {
  afterAll(() => {
    const leaks = Canaries.leaks(recorder.outputs)
    console.log(
      `properties: ${held.length}/${held.length + failed.length} hold (${runs} runs each)` +
        (failed.length > 0 ? `; failing: ${failed.join(", ")}` : "")
    )
    expect(leaks).toEqual([])
  })

  property(
    "a path parameter never changes the path: one segment, sent as given, or a typed error",
    hostileString,
    async (id) => {
      const { layer, sent } = clientLayer(() => envelope(file))
      const exit = await bounded(Effect.provide(Files.get(id), layer))
      for (const request of sent) {
        const segments = segmentsAfter(request.url, "/api/2.0/files/file/")
        if (segments === undefined || segments.length !== 1 || segments[0] !== id) {
          throw new Error(`${JSON.stringify(id)} went to ${request.url}`)
        }
      }
      if (Exit.isSuccess(exit) && sent.length === 0) throw new Error("success without a request")
    }
  )

  property("a 2FA code never changes the login path", hostileString, async (code) => {
    const { layer, sent } = clientLayer(
      (request) =>
        new URL(request.url).pathname === "/api/2.0/authentication"
          ? envelope({ tfa: true, confirmUrl: `${portal}/confirm` })
          : envelope({ token: "issued-token-abc", expires: "2099-01-01T00:00:00Z" }),
      {
        auth: Auth.password({
          userName: Canaries.userName,
          password: Redacted.make(Canaries.password),
          code: Effect.succeed(Redacted.make(code))
        })
      }
    )
    await bounded(Effect.provide(People.self(), layer))
    for (const request of sent) {
      const pathname = new URL(request.url).pathname
      if (pathname === "/api/2.0/authentication" || pathname === "/api/2.0/people/@self") continue
      const segments = segmentsAfter(request.url, "/api/2.0/authentication/")
      if (segments === undefined || segments.length !== 1 || segments[0] !== code) {
        throw new Error(`code ${JSON.stringify(code)} went to ${request.url}`)
      }
    }
  })

  property("a query value is sent as given (or refused), and never changes the path", hostileString, async (value) => {
    const content = { files: [], folders: [], current: { id: 7, title: "f" }, startIndex: 0, count: 0, total: 0 }
    const { layer, sent } = clientLayer(() => envelope(content))
    await bounded(Effect.provide(Folders.get(7, { filterValue: value }), layer))
    for (const request of sent) {
      const url = new URL(request.url)
      if (url.pathname !== "/api/2.0/files/7") throw new Error(`went to ${url.pathname}`)
      const sentValue = url.searchParams.get("filterValue")
      // an empty value may be left out: the server reads a missing and an empty filter alike
      if (sentValue !== value && !(value === "" && sentValue === null)) {
        throw new Error(
          `filterValue ${JSON.stringify(value)} sent as ${JSON.stringify(url.searchParams.get("filterValue"))}`
        )
      }
    }
  })

  const baseUrls: FC.Arbitrary<string> = FC.oneof(
    FC.webUrl({ withQueryParameters: true, withFragments: true }),
    FC.webUrl(),
    FC.constantFrom(
      "https://portal.example.com/?",
      "https://portal.example.com/#",
      "https://portal.example.com/api/2.0",
      "https://portal.example.com/api/2.0/",
      "https://portal.example.com/docspace/",
      "https://user:pw@portal.example.com",
      " https://portal.example.com ",
      "http://127.0.0.1:8092",
      "http://portal.example.com",
      "javascript:alert(1)",
      "portal.example.com",
      "https://\uD800.example.com",
      "https://portal.example.com/%2e%2e/",
      "https://portal.example.com/a/../b"
    ),
    FC.tuple(FC.webUrl(), hostileString).map(([u, s]) => u + s),
    hostileString
  )

  property("a base URL is refused with a ConfigError, or every request goes under it", baseUrls, async (baseUrl) => {
    const parsed = await Effect.runPromise(Effect.either(DocSpaceConfig.make({
      baseUrl,
      auth: Auth.apiKey(Redacted.make(Canaries.apiKey)),
      allowInsecureHttp: true
    })))
    if (parsed._tag === "Left") return
    const { layer, sent } = clientLayer(() => envelope({ id: "u", email: "a@b.c" }), { baseUrl })
    await bounded(Effect.provide(People.self(), layer))
    const base = parsed.right.baseUrl
    const expected = `${base.origin}${base.pathname.replace(/\/+$/, "")}/api/2.0/people/@self`
    for (const request of sent) {
      if (request.url !== expected) {
        throw new Error(`${JSON.stringify(baseUrl)}: sent to ${request.url}, not ${expected}`)
      }
      if (new URL(request.url).origin !== new URL(baseUrl.trim()).origin) {
        throw new Error(`origin changed: ${request.url}`)
      }
    }
  })

  const retryAfter: FC.Arbitrary<string> = FC.oneof(
    FC.constantFrom(
      "-1",
      "0",
      "1e308",
      "Infinity",
      "NaN",
      "99999999999999999999",
      "",
      " 5 ",
      "0x10",
      "1.5",
      "Wed, 21 Oct 2015 07:28:00 GMT"
    ),
    FC.integer({ min: -10, max: 100_000_000 }).map(String),
    FC.double().map(String),
    FC.date({ min: new Date(0), max: new Date(8.64e15) }).map((d) => d.toUTCString()),
    FC.string()
  )

  property(
    "any Retry-After / X-RateLimit-Reset on a 429 ends (retried or RateLimited) within the policy's bounds",
    FC.tuple(retryAfter, retryAfter, FC.constantFrom(429, 503)),
    async ([after, reset, status]) => {
      const { layer } = clientLayer((request) =>
        request.index === 0
          ? new Response(null, {
            status,
            headers: {
              "retry-after": after.replace(/[^\t\x20-\x7e]/g, ""),
              "x-ratelimit-reset": reset.replace(/[^\t\x20-\x7e]/g, ""),
              "x-ratelimit-remaining": "0"
            }
          })
          : envelope({ id: "u", email: "a@b.c" })
      )
      // the policy waits at most 2 minutes in all (maxWait, retry.maxTotalWait): 3 minutes is a hang
      await bounded(Effect.provide(People.self(), layer), 6)
    }
  )

  property(
    "a portal that ignores startIndex, with entries whose fields change, ends the listing in bounded requests",
    FC.record({
      ids: FC.uniqueArray(FC.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 100 }),
      total: FC.option(FC.integer({ min: 0, max: 100_000 }), { nil: undefined }),
      shuffle: FC.boolean()
    }),
    async ({ ids, shuffle, total }) => {
      let calls = 0
      const { layer, sent } = clientLayer(() => {
        calls++
        if (calls > 500) return new Response(null, { status: 500 }) // a runaway stream is stopped here, and counted
        const order = shuffle && calls % 2 === 0 ? [...ids].reverse() : ids
        const files = order.map((id) => ({ ...file, id, updated: new Date(1_700_000_000_000 + calls).toISOString() }))
        return envelope({
          files,
          folders: [],
          current: { id: 7, title: "f" },
          startIndex: 0,
          count: files.length,
          ...(total === undefined ? {} : { total })
        })
      })
      await bounded(Effect.provide(Stream.runDrain(Folders.stream(7)), layer))
      if (sent.length > 100) throw new Error(`${sent.length} requests for a portal that always answers the same page`)
    }
  )

  const statuses = FC.oneof(
    FC.constantFrom(200, 201, 204, 301, 302, 400, 401, 402, 403, 404, 413, 429, 500, 502, 503),
    FC.integer({ min: 200, max: 599 })
  )
  const bodies: FC.Arbitrary<string | Uint8Array> = FC.oneof(
    FC.string(),
    FC.json(),
    FC.jsonValue().map((v) => JSON.stringify({ response: v, status: 0, statusCode: 200 })),
    FC.jsonValue().map((v) => JSON.stringify({ error: v, status: 1, statusCode: 500 })),
    FC.jsonValue().map((v) => JSON.stringify({ response: { title: v, errors: v }, status: 1, statusCode: 400 })),
    FC.uint8Array({ maxLength: 200 }),
    FC.constantFrom("", "{", "null", "[]", "{\"response\":", "<html>502</html>", "\uFEFF{}")
  )
  property(
    "any status and body end in a value or a typed error",
    FC.tuple(statuses, bodies, FC.constantFrom("application/json", "text/html", "application/octet-stream", "")),
    async ([status, body, type]) => {
      const nullBody = status === 204 || status === 205 || status === 304
      const { layer } = clientLayer(() =>
        new Response(nullBody ? null : typeof body === "string" ? body : new Uint8Array(body), {
          status,
          headers: type === "" ? {} : { "content-type": type }
        })
      )
      await bounded(Effect.provide(People.self(), layer))
    }
  )
})

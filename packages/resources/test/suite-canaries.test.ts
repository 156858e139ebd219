/**
 * Issue 10's secret canaries: recognisable secrets (API key, session token, password, 2FA code, webhook secret) go
 * through every kind of flow, authentication and failure, and everything printed is collected: errors in every form
 * (`toString`, JSON, `inspect`, `Cause.pretty`), logs at every level, spans with their attributes, events and exits
 * (a recording tracer), and MockTransport's recorded requests. The fault matrix and the interruption sweep run with
 * the same canaries and check their own outputs; this suite adds the paths where secrets are most likely to show:
 * each kind of credential, servers that echo them back, upload locations that carry tokens, configuration errors.
 */
import { Auth, DocSpaceConfig } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Files, People, Uploads, Webhooks } from "@effect-docspace/resources"
import { MockTransport } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Canaries from "./suite/canaries.js"
import * as Flows from "./suite/flows.js"

const recorder = Canaries.makeRecorder()
const token = "issued-session-token-" + "7d3f9a".repeat(4)
Canaries.addSecret(token)

const portal = "https://portal.example.com"

const envelope = (response: unknown, status = 200) =>
  new Response(JSON.stringify({ response, count: 1, status: 0, statusCode: status }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" }
  })

/** An in-memory portal: `reply` answers, or throws to simulate a broken connection. */
const inMemory = (auth: Auth.Auth, reply: (url: URL, method: string) => Response | "reset") =>
  DocSpace.layer({ baseUrl: portal, auth, rateLimit: RateLimitPolicy.unlimited }).pipe(
    Layer.provide(Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request) =>
        Effect.suspend(() => {
          const url = new URL(request.url)
          const answer = reply(url, request.method)
          return answer === "reset"
            ? Effect.fail(
              new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("socket hang up") })
            )
            : Effect.succeed(HttpClientResponse.fromWeb(request, answer))
        })
      )
    ))
  )

const passwordAuth = Auth.password({
  userName: Canaries.userName,
  password: Redacted.make(Canaries.password),
  code: Effect.succeed(Redacted.make(Canaries.code))
})

/**
 * Leaks not fixed yet, by run, with why: printed on every run (so the gap stays visible) without failing CI. A run
 * listed here that no longer leaks is reported.
 */
const knownLeaks: Record<string, string> = {}

let checks = 0
const leaksByRun: Array<{ readonly label: string; readonly leaks: ReadonlyArray<string> }> = []
const check = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    checks++
    const from = recorder.outputs.length
    const exit = yield* Canaries.recorded(recorder, effect)
    recorder.text(label, exit)
    const leaks = Canaries.leaks(recorder.outputs.slice(from))
    if (leaks.length > 0) leaksByRun.push({ label, leaks })
    return exit
  })

describe("secret canaries", () => {
  it.effect("the recorder finds a canary in a log, a span's attributes and exit, and base64 or percent-encoded", () =>
    Effect.gen(function*() {
      const probe = Canaries.makeRecorder()
      yield* Canaries.recorded(probe, Effect.logDebug("plain"))
      expect(Canaries.leaks(probe.outputs)).toEqual([])
      const cases: ReadonlyArray<Effect.Effect<unknown, unknown>> = [
        Effect.logDebug(`key ${Canaries.apiKey}`),
        Effect.withSpan(Effect.void, "s", {
          attributes: { auth: Buffer.from(`${Canaries.userName}:${Canaries.password}`).toString("base64") }
        }),
        Effect.withSpan(Effect.fail(new Error(`code=${encodeURIComponent(Canaries.code)}`)), "t"),
        Effect.withSpan(Effect.succeed({ secret: Canaries.webhookSecret }), "u")
      ]
      for (const effect of cases) {
        const one = Canaries.makeRecorder()
        yield* Canaries.recorded(one, effect)
        expect(Canaries.leaks(one.outputs).length).toBeGreaterThan(0)
      }
    }))

  it.live("no canary appears in any printed output of any flow, failure, log or span", () =>
    Effect.gen(function*() {
      // 1. every curated flow over real sockets with each kind of credential, through a few faults
      const runs = (["apiKey", "password"] as const).flatMap((auth) =>
        Flows.flows.flatMap((flow) =>
          (["none", "reset-before-headers", "html-502", "truncated-json"] as const).map((fault) => ({
            auth,
            flow,
            fault
          }))
        )
      )
      yield* Effect.forEach(runs, ({ auth, fault, flow }) =>
        Effect.scoped(Effect.gen(function*() {
          const env = yield* Flows.env({ ...flow.envOptions, auth, listSize: flow.name === "paged list" ? 230 : 0 })
          env.hostile.setRules(fault === "none" ? [] : [{ match: flow.target, fault, skip: flow.skip }])
          const label = `${flow.name} x ${fault} (${auth})`
          checks++
          const one = Canaries.makeRecorder()
          one.text(label, yield* Canaries.recorded(one, Effect.provide(flow.run(env), env.layer)))
          // the token the portal issued in this run is a canary too
          Flows.learnTokens(env.hostile)
          // what went over the wire to another origin is printed nowhere, but it must hold no credential either
          for (const r of env.hostile.foreign.received) one.text("foreign origin received", r)
          const leaks = Canaries.leaks(one.outputs)
          if (leaks.length > 0) leaksByRun.push({ label, leaks })
          recorder.outputs.push(...one.outputs)
        })), { concurrency: 4 })

      // 2. each credential, refused by a server that echoes back the credential it was sent
      const echo = (held: string) => (url: URL) =>
        new Response(
          JSON.stringify({
            error: { message: `Invalid credential ${held} for ${url.href}`, type: "AuthenticationException" },
            status: 1,
            statusCode: 401
          }),
          { status: 401, headers: { "content-type": "application/json" } }
        )
      yield* check(
        "token echoed",
        Effect.provide(People.self(), inMemory(Auth.token(Redacted.make(token)), echo(token)))
      )
      yield* check(
        "basic echoed",
        Effect.provide(
          People.self(),
          inMemory(Auth.basic(Canaries.userName, Redacted.make(Canaries.password)), echo(Canaries.password))
        )
      )
      yield* check(
        "api key echoed",
        Effect.provide(People.self(), inMemory(Auth.apiKey(Redacted.make(Canaries.apiKey)), echo(Canaries.apiKey)))
      )

      // 3. the 2FA login: the code in the path and the body, a login refused, a login that breaks off
      const login = (final: Response | "reset") => (url: URL) =>
        url.pathname === "/api/2.0/authentication"
          ? envelope({ tfa: true, confirmUrl: `${portal}/confirm` })
          : url.pathname.startsWith("/api/2.0/authentication/")
          ? final
          : envelope({ id: "u", email: Canaries.userName })
      yield* check(
        "2fa ok",
        Effect.provide(
          People.self(),
          inMemory(passwordAuth, login(envelope({ token, expires: "2099-01-01T00:00:00Z" })))
        )
      )
      yield* check(
        "2fa refused",
        Effect.provide(
          People.self(),
          inMemory(
            passwordAuth,
            login(
              new Response(
                JSON.stringify({ error: { message: `code ${Canaries.code} is wrong` }, status: 1, statusCode: 401 }),
                { status: 401 }
              )
            )
          )
        )
      )
      yield* check("2fa reset", Effect.provide(People.self(), inMemory(passwordAuth, login("reset"))))

      // 4. an upload location carrying a token in its query, whose chunk request breaks off
      const location = `${portal}/ChunkedUploader.ashx?uid=abc123&token=${token}`
      yield* check(
        "upload location with a token",
        Effect.provide(
          Uploads.uploadBytes({ folderId: 1, fileName: "a.bin", bytes: new Uint8Array(10) }),
          inMemory(Auth.apiKey(Redacted.make(Canaries.apiKey)), (url) =>
            url.pathname === "/api/2.0/files/settings"
              ? envelope({ chunkUploadSize: 1024 })
              : url.pathname.endsWith("/create_session")
              ? envelope({ success: true, data: { id: "abc123", location, bytes_total: 10 } })
              : url.pathname === "/ChunkedUploader.ashx"
              ? "reset"
              : envelope(null))
        )
      )

      // 5. MockTransport's printed requests and its "no route" answer, with the 2FA code in a path
      yield* check(
        "mock transport",
        Effect.gen(function*() {
          // a login whose code route is answered, then a file that exists, then one with no route
          const exit = yield* Effect.exit(Effect.zip(Files.get(1), Files.get(2)))
          const requests = yield* MockTransport.requests
          for (const r of requests) recorder.text("mock request", r)
          return exit
        }).pipe(
          Effect.provide(
            DocSpace.layer({ baseUrl: portal, auth: passwordAuth, rateLimit: RateLimitPolicy.unlimited }).pipe(
              Layer.provideMerge(MockTransport.layer({
                "POST /api/2.0/authentication": MockTransport.json({ tfa: true, confirmUrl: `${portal}/confirm` }),
                "POST /api/2.0/authentication/{code}": MockTransport.json({ token, expires: "2099-01-01T00:00:00Z" }),
                "GET /api/2.0/files/file/1": MockTransport.json({ id: 1, title: "a", folderId: 2 })
              }))
            )
          )
        )
      )
      yield* check(
        "mock transport, no route for the code",
        Effect.gen(function*() {
          const exit = yield* Effect.exit(People.self())
          const requests = yield* MockTransport.requests
          for (const r of requests) recorder.text("mock request", r)
          return exit
        }).pipe(
          Effect.provide(
            DocSpace.layer({ baseUrl: portal, auth: passwordAuth, rateLimit: RateLimitPolicy.unlimited }).pipe(
              Layer.provideMerge(MockTransport.layer({
                "POST /api/2.0/authentication": MockTransport.json({ tfa: true, confirmUrl: `${portal}/confirm` })
              }))
            )
          )
        )
      )

      // 6. webhooks: a registration (with a secret the client refuses, and one it sends), and verification
      yield* check(
        "webhook secret refused",
        Effect.provide(
          Webhooks.register({
            name: "w",
            uri: "https://hooks.example.com/x",
            secret: Redacted.make(`${Canaries.webhookSecret} with a space`)
          }),
          inMemory(Auth.apiKey(Redacted.make(Canaries.apiKey)), () => envelope({}))
        )
      )
      yield* check(
        "webhook registration refused by the portal",
        Effect.provide(
          Webhooks.register({
            name: "w",
            uri: "https://hooks.example.com/x",
            secret: Redacted.make(Canaries.webhookSecret)
          }),
          inMemory(Auth.apiKey(Redacted.make(Canaries.apiKey)), (url) =>
            new Response(
              JSON.stringify({ error: { message: `bad request ${url.search}` }, status: 1, statusCode: 400 }),
              { status: 400 }
            ))
        )
      )
      yield* check(
        "webhook verify",
        Webhooks.verify({ secret: Redacted.make(Canaries.webhookSecret), body: "{}", signature: "sha256=00" })
      )

      // 7. configuration errors around credentials
      for (
        const baseUrl of [
          `https://u:${Canaries.password}@portal.example.com`,
          `https://portal.example.com/?key=${Canaries.apiKey}`
        ]
      ) {
        yield* check("config", DocSpaceConfig.make({ baseUrl, auth: Auth.apiKey(Redacted.make(Canaries.apiKey)) }))
      }
      yield* check(
        "config empty password",
        DocSpaceConfig.make({
          baseUrl: portal,
          auth: Auth.password({ userName: Canaries.userName, password: Redacted.make("") })
        })
      )

      const unexpected = leaksByRun.filter((run) => knownLeaks[run.label] === undefined)
      const known = leaksByRun.filter((run) => knownLeaks[run.label] !== undefined)
      console.log(
        `canaries: ${recorder.outputs.length} outputs checked, ${unexpected.length} leaks (${checks} runs` +
          (known.length > 0 ? `; ${known.length} known leak(s), listed below)` : ")")
      )
      for (const run of known) {
        console.log(`known leak: ${run.label}: ${knownLeaks[run.label]}\n  ${run.leaks[0]?.slice(0, 200)}`)
      }
      for (const label of Object.keys(knownLeaks)) {
        if (!known.some((run) => run.label === label)) console.log(`no longer leaks, remove from knownLeaks: ${label}`)
      }
      for (const run of unexpected) console.log(`LEAK in ${run.label}: ${run.leaks.join("\n")}`)
      expect(recorder.outputs.length).toBeGreaterThan(1000)
      expect(unexpected.map((run) => `${run.label}: ${run.leaks.join("; ")}`)).toEqual([])
    }), 240_000)
})

import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import {
  BASE,
  clientLayer,
  envelope,
  errorEnvelope,
  json,
  mockTransport,
  PassThroughLimiter,
  type Seen
} from "./utils.js"

const PASSWORD = "correct horse battery staple"
const TOKEN = "tok-5d41402abc4b2a76b9719d911017c592"

const self = DocSpaceClient.request(
  { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
  Schema.Struct({ id: Schema.String })
)

const passwordAuth = Auth.password({ userName: "me@example.com", password: Redacted.make(PASSWORD) })

const isLogin = (seen: Seen) => seen.url.pathname.startsWith("/api/2.0/authentication")

/** A portal that issues `token-N` tokens valid for an hour and accepts only the newest one. */
const portal = () => {
  let issued = 0
  return (seen: Seen) => {
    if (isLogin(seen)) {
      const body = JSON.parse(seen.body) as { userName: string; password: string }
      if (body.password !== PASSWORD) return errorEnvelope(401, "User authentication failed")
      issued++
      return envelope({ token: `${TOKEN}-${issued}`, expires: new Date(Date.now() + 3_600_000).toISOString() })
    }
    return seen.headers["authorization"] === `Bearer ${TOKEN}-${issued}`
      ? envelope({ id: "me" })
      : errorEnvelope(401, "Unauthorized")
  }
}

describe("Auth", () => {
  it.effect("API key, token and Basic are sent on every request", () =>
    Effect.gen(function*() {
      const cases = [
        [Auth.token(Redacted.make(TOKEN)), `Bearer ${TOKEN}`],
        [Auth.basic("me", Redacted.make("pw")), `Basic ${btoa("me:pw")}`]
      ] as const
      for (const [auth, header] of cases) {
        const { client, seen } = yield* mockTransport(() => envelope({ id: "me" }))
        yield* Effect.provide(self, clientLayer(client, { auth }))
        expect((yield* Ref.get(seen))[0].headers["authorization"]).toBe(header)
      }
    }))

  it.effect("100 concurrent calls needing a password token cause exactly 1 login", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(portal())
      const results = yield* Effect.provide(
        Effect.all(Array.from({ length: 100 }, () => self), { concurrency: "unbounded" }),
        clientLayer(client, { auth: passwordAuth })
      )
      expect(results).toHaveLength(100)
      const sent = yield* Ref.get(seen)
      expect(sent.filter(isLogin)).toHaveLength(1)
      expect(sent.filter((s) => !isLogin(s))).toHaveLength(100)
      expect(JSON.parse(sent.find(isLogin)!.body)).toEqual({ userName: "me@example.com", password: PASSWORD })
    }))

  it.effect("the token is reused until it expires, then renewed", () =>
    Effect.gen(function*() {
      let logins = 0
      const { client, seen } = yield* mockTransport((s) => {
        if (!isLogin(s)) return envelope({ id: "me" })
        logins++
        // expiry is read from the portal's answer; TestClock starts at 0
        return envelope({ token: `${TOKEN}-${logins}`, expires: new Date(10 * 60_000).toISOString() })
      })
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* self
          yield* self
          yield* TestClock.adjust("20 minutes")
          yield* self
        }),
        clientLayer(client, { auth: passwordAuth })
      )
      const sent = yield* Ref.get(seen)
      expect(sent.filter(isLogin)).toHaveLength(2)
      expect(sent.filter((s) => !isLogin(s)).map((s) => s.headers["authorization"])).toEqual([
        `Bearer ${TOKEN}-1`,
        `Bearer ${TOKEN}-1`,
        `Bearer ${TOKEN}-2`
      ])
    }))

  it.effect("a 401 causes exactly one re-login and one retry", () =>
    Effect.gen(function*() {
      let first = true
      const { client, seen } = yield* mockTransport((s) => {
        if (isLogin(s)) return envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
        if (first) {
          first = false
          return errorEnvelope(401, "token revoked")
        }
        return envelope({ id: "me" })
      })
      const result = yield* Effect.provide(self, clientLayer(client, { auth: passwordAuth }))
      expect(result).toEqual({ id: "me" })
      const sent = yield* Ref.get(seen)
      expect(sent.map((s) => (isLogin(s) ? "login" : "self"))).toEqual(["login", "self", "login", "self"])
    }))

  it.effect("the refused 401 answer is drained within the request's own timeout, not the client's", () =>
    Effect.gen(function*() {
      let logins = 0
      const { client } = yield* mockTransport((s) => {
        if (isLogin(s)) {
          logins++
          return envelope({ token: `${TOKEN}-${logins}`, expires: new Date(Date.now() + 3_600_000).toISOString() })
        }
        return s.headers["authorization"] === `Bearer ${TOKEN}-2`
          ? new Response("fresh")
          // a refusal whose body never ends
          : new Response(new ReadableStream({ pull: () => new Promise<void>(() => {}) }), { status: 401 })
      })
      const fiber = yield* DocSpaceClient.stream({
        operation: "downloadFile",
        method: "GET",
        path: "/api/2.0/files/file/1/download",
        timeout: "1 second"
      }).pipe(
        Stream.decodeText(),
        Stream.mkString,
        Effect.provide(clientLayer(client, { auth: passwordAuth, timeout: 600_000 })),
        Effect.fork
      )
      for (let i = 0; i < 5 && fiber.unsafePoll() === null; i++) yield* TestClock.adjust("1 second")
      expect(fiber.unsafePoll()).not.toBeNull()
      expect(yield* Fiber.join(fiber)).toBe("fresh")
      expect(logins).toBe(2)
    }))

  it.effect("a second 401 fails with Unauthorized (no loop)", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) =>
        isLogin(s)
          ? envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
          : errorEnvelope(401, "no")
      )
      const result = yield* Effect.either(Effect.provide(self, clientLayer(client, { auth: passwordAuth })))
      expect(Either.getLeft(result).pipe((o) => o._tag === "Some" && o.value._tag)).toBe("Unauthorized")
      expect((yield* Ref.get(seen)).filter(isLogin)).toHaveLength(2)
    }))

  it.effect("API keys are not retried on 401", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(() => errorEnvelope(401, "bad key"))
      const result = yield* Effect.either(Effect.provide(self, clientLayer(client)))
      expect(Either.isLeft(result) && result.left._tag).toBe("Unauthorized")
      // it says which request was refused and what to check (issue 11)
      expect(Either.isLeft(result) && result.left.message).toBe(
        "bad key: GET https://portal.example.com/api/2.0/people/@self (getSelfProfile) was refused with HTTP 401; " +
          "check the API key (DOCSPACE_API_KEY, Auth.apiKey): keys start with sk- followed by 64 hex digits, and a " +
          "revoked or expired key is refused"
      )
      expect(yield* Ref.get(seen)).toHaveLength(1)
    }))

  it.effect("a wrong password is Unauthorized", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(portal())
      const auth = Auth.password({ userName: "me@example.com", password: Redacted.make("wrong") })
      const result = yield* Effect.either(Effect.provide(self, clientLayer(client, { auth })))
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "Unauthorized", operation: "authenticate" })
      const message = Either.isLeft(result) ? result.left.message : ""
      // the server's words, then what was refused and what to check (issue 11)
      expect(message).toBe(
        "User authentication failed: POST /api/2.0/authentication (authenticate) was refused with HTTP 401; " +
          "check the user name and password (DOCSPACE_USERNAME, DOCSPACE_PASSWORD)"
      )
    }))

  it.effect("two-factor: the code is sent to /authentication/{code} when the portal asks", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) => {
        if (s.url.pathname === "/api/2.0/authentication") return envelope({ tfa: true, tfaKey: "x" })
        if (s.url.pathname === "/api/2.0/authentication/123456") {
          return envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
        }
        return s.headers["authorization"] === `Bearer ${TOKEN}` ? envelope({ id: "me" }) : errorEnvelope(401, "no")
      })
      const auth = Auth.password({
        userName: "me@example.com",
        password: Redacted.make(PASSWORD),
        code: Effect.succeed(Redacted.make("123456"))
      })
      expect(yield* Effect.provide(self, clientLayer(client, { auth }))).toEqual({ id: "me" })
      expect((yield* Ref.get(seen)).map((s) => s.url.pathname)).toEqual([
        "/api/2.0/authentication",
        "/api/2.0/authentication/123456",
        "/api/2.0/people/@self"
      ])
    }))

  it.effect("two-factor without a code is a clear Unauthorized", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(() => envelope({ tfa: true }))
      const result = yield* Effect.either(Effect.provide(self, clientLayer(client, { auth: passwordAuth })))
      expect(Either.isLeft(result) && result.left.message).toContain("two-factor")
    }))

  it.effect("OAuth2: the token effect is asked once, and again after a 401", () =>
    Effect.gen(function*() {
      const asked = yield* Ref.make(0)
      let rejectNext = false
      const { client } = yield* mockTransport((s) => {
        if (rejectNext && s.headers["authorization"] === "Bearer jwt-1") {
          rejectNext = false
          return errorEnvelope(401, "expired")
        }
        return envelope({ id: "me" })
      })
      const auth = Auth.oauth2(Ref.updateAndGet(asked, (n) => n + 1).pipe(Effect.map((n) => Redacted.make(`jwt-${n}`))))
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* self
          yield* self
          expect(yield* Ref.get(asked)).toBe(1)
          rejectNext = true
          yield* self
        }),
        clientLayer(client, { auth })
      )
      expect(yield* Ref.get(asked)).toBe(2)
    }))

  it.effect("50 concurrent calls with a wrong password send one login, not 50", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(portal())
      const auth = Auth.password({ userName: "me@example.com", password: Redacted.make("wrong") })
      const results = yield* Effect.provide(
        Effect.all(Array.from({ length: 50 }, () => Effect.either(self)), { concurrency: "unbounded" }),
        clientLayer(client, { auth })
      )
      expect(results.every((r) => Either.isLeft(r) && r.left._tag === "Unauthorized")).toBe(true)
      expect((yield* Ref.get(seen)).filter(isLogin)).toHaveLength(1)
    }))

  it.effect("a token that lives less than two minutes is reused, not renewed on every call", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) =>
        isLogin(s) ? envelope({ token: TOKEN, expires: new Date(30_000).toISOString() }) : envelope({ id: "me" })
      )
      yield* Effect.provide(Effect.replicateEffect(self, 10), clientLayer(client, { auth: passwordAuth }))
      expect((yield* Ref.get(seen)).filter(isLogin)).toHaveLength(1)
    }))

  it.effect("logins do not pass through the user's middleware: it never sees the password", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport(portal())
      const printed: Array<string> = []
      const live = DocSpaceClient.layer({
        transformClient: HttpClient.tapRequest((request) =>
          Effect.sync(() => printed.push(Inspectable.format(request)))
        )
      }).pipe(
        Layer.provide(DocSpaceConfig.layer({ baseUrl: BASE, auth: passwordAuth })),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
        Layer.provide(PassThroughLimiter),
        Layer.orDie
      )
      yield* Effect.provide(self, live)
      expect(printed).toHaveLength(1)
      expect(printed[0]).toContain("/api/2.0/people/@self")
      for (const form of printed) expect(form).not.toContain(PASSWORD)
    }))

  it.effect("a login whose answer stalls is a Timeout, and the fibers waiting for a token do not hang", () =>
    Effect.gen(function*() {
      const { client } = yield* mockTransport((s) =>
        isLogin(s)
          ? new Response(new ReadableStream({ start() {} }), { status: 200 })
          : envelope({ id: "me" })
      )
      const fiber = yield* Effect.fork(
        Effect.provide(
          Effect.all(Array.from({ length: 3 }, () => Effect.either(self)), { concurrency: "unbounded" }),
          clientLayer(client, { auth: passwordAuth, timeout: 5000 })
        )
      )
      // in steps, so that the login's timer is set before the clock passes it
      for (let i = 0; i < 12; i++) yield* TestClock.adjust("500 millis")
      const results = yield* Fiber.join(fiber)
      expect(results.map((r) => Either.isLeft(r) && r.left._tag)).toEqual(["Timeout", "Timeout", "Timeout"])
    }))

  it.effect("the two-factor code appears in no error: reset, timeout, rate limit or an echoing refusal on the second step", () =>
    Effect.gen(function*() {
      const CODE = "913577"
      const auth = Auth.password({
        userName: "me@example.com",
        password: Redacted.make(PASSWORD),
        code: Effect.succeed(Redacted.make(CODE))
      })
      const replies = [
        () => Effect.die("reset"),
        () => Effect.never,
        () => Effect.succeed(json({ error: { message: "slow down" } }, 429, { "retry-after": "600" })),
        // a refusal that quotes the code back
        () => Effect.succeed(json({ error: { message: `invalid code ${CODE}` }, status: 1, statusCode: 401 }, 401))
      ]
      for (const reply of replies) {
        const failing = HttpClient.make((request, url) =>
          url.pathname === "/api/2.0/authentication"
            ? Effect.succeed(HttpClientResponse.fromWeb(request, envelope({ tfa: true })))
            : Effect.flatMap(
              Effect.catchAllDefect(reply(), () =>
                Effect.fail(
                  new HttpClientError.RequestError({ request, reason: "Transport", description: `reset ${url.href}` })
                )),
              (response) => Effect.succeed(HttpClientResponse.fromWeb(request, response))
            )
        )
        const fiber = yield* Effect.fork(
          Effect.either(Effect.provide(self, clientLayer(failing, { auth, timeout: 1000 })))
        )
        yield* TestClock.adjust("2 seconds")
        const result = yield* Fiber.join(fiber)
        expect(Either.isLeft(result)).toBe(true)
        const error = Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : undefined))!
        for (const form of [String(error), JSON.stringify(error), Inspectable.format(error)]) {
          expect(form).not.toContain(CODE)
        }
      }
    }))

  it.effect("no secret appears in an error's string, JSON or logged form", () =>
    Effect.gen(function*() {
      // the portal echoes the token and password back in an error body: both must be redacted
      const { client } = yield* mockTransport((s) =>
        isLogin(s)
          ? envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
          : new Response(
            JSON.stringify({ response: { id: 42, token: TOKEN, password: PASSWORD }, note: `Bearer ${TOKEN}` }),
            { status: 200 }
          )
      )
      const result = yield* Effect.either(Effect.provide(self, clientLayer(client, { auth: passwordAuth })))
      expect(Either.isLeft(result)).toBe(true)
      const error = Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : undefined))!
      expect(error._tag).toBe("DecodeError")
      const logs: Array<string> = []
      yield* Effect.logError("request failed", error).pipe(
        Effect.provide(Logger.replace(
          Logger.defaultLogger,
          Logger.make(({ message }) => {
            logs.push(Inspectable.format(message))
          })
        ))
      )
      const forms = [String(error), JSON.stringify(error), Inspectable.format(error), error.message, ...logs]
      for (const form of forms) {
        expect(form).not.toContain(TOKEN)
        expect(form).not.toContain(PASSWORD)
      }
      expect(JSON.stringify(error)).toContain("<redacted>")
    }))

  it.effect("two-factor: the code goes in the JSON body with the credentials (AuthWithCodeRequestsDto) and the path", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) => {
        if (s.url.pathname === "/api/2.0/authentication") return envelope({ tfa: true })
        if (s.url.pathname.startsWith("/api/2.0/authentication/")) {
          // the server reads the body only
          const body = JSON.parse(s.body) as { code?: string }
          return body.code === "123456"
            ? envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
            : errorEnvelope(401, "User authentication failed")
        }
        return envelope({ id: "me" })
      })
      const auth = Auth.password({
        userName: "me@example.com",
        password: Redacted.make(PASSWORD),
        code: Effect.succeed(Redacted.make("123456"))
      })
      expect(yield* Effect.provide(self, clientLayer(client, { auth }))).toEqual({ id: "me" })
      const second = (yield* Ref.get(seen))[1]
      expect(JSON.parse(second.body)).toEqual({ userName: "me@example.com", password: PASSWORD, code: "123456" })
      expect(second.url.pathname).toBe("/api/2.0/authentication/123456")
    }))

  it.effect("two-factor: a code that would change the path, or holds a lone surrogate, is a BadRequest, never sent", () =>
    Effect.gen(function*() {
      for (const code of ["..", ".", "../people", "1/2", "\ud800", "12%2f"]) {
        const { client, seen } = yield* mockTransport((s) =>
          s.url.pathname === "/api/2.0/authentication" ? envelope({ tfa: true }) : envelope({ id: "me" })
        )
        const auth = Auth.password({
          userName: "me@example.com",
          password: Redacted.make(PASSWORD),
          code: Effect.succeed(Redacted.make(code))
        })
        const result = yield* Effect.either(Effect.provide(self, clientLayer(client, { auth })))
        expect(Either.isLeft(result) && result.left._tag).toBe("BadRequest")
        expect((yield* Ref.get(seen)).map((s) => s.url.pathname)).toEqual(["/api/2.0/authentication"])
      }
    }))

  it.effect("OAuth2: a JWT is cached until its exp (less the skew), not for a fixed hour", () =>
    Effect.gen(function*() {
      const jwt = (n: number, exp: number) =>
        `${btoa(JSON.stringify({ alg: "none" }))}.${
          btoa(JSON.stringify({ sub: "me", exp, n })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")
        }.sig`
      const asked = yield* Ref.make(0)
      const { client } = yield* mockTransport(() => envelope({ id: "me" }))
      // TestClock starts at 0: a token valid for 10 minutes
      const auth = Auth.oauth2(
        Ref.updateAndGet(asked, (n) => n + 1).pipe(Effect.map((n) => Redacted.make(jwt(n, 600))))
      )
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* self
          yield* TestClock.adjust("8 minutes")
          yield* self
          expect(yield* Ref.get(asked)).toBe(1)
          // past exp - skew (10 min - 1 min): asked again, long before an hour
          yield* TestClock.adjust("2 minutes")
          yield* self
          expect(yield* Ref.get(asked)).toBe(2)
        }),
        clientLayer(client, { auth })
      )
    }))

  it.effect("OAuth2: a token without a readable exp is kept for an hour, as before", () =>
    Effect.gen(function*() {
      const asked = yield* Ref.make(0)
      const { client } = yield* mockTransport(() => envelope({ id: "me" }))
      const auth = Auth.oauth2(Ref.updateAndGet(asked, (n) => n + 1).pipe(Effect.map(() => Redacted.make("opaque"))))
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* self
          yield* TestClock.adjust("50 minutes")
          yield* self
          expect(yield* Ref.get(asked)).toBe(1)
          yield* TestClock.adjust("20 minutes")
          yield* self
          expect(yield* Ref.get(asked)).toBe(2)
        }),
        clientLayer(client, { auth })
      )
    }))

  it.effect("a login answer whose expires is already past does not cause one login per call", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport((s) =>
        isLogin(s)
          ? envelope({ token: TOKEN, expires: "2001-01-01T00:00:00.0000000+00:00" })
          : envelope({ id: "me" })
      )
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      yield* Effect.provide(
        Effect.all(Array.from({ length: 20 }, () => self), { concurrency: "unbounded" }),
        clientLayer(client, { auth: passwordAuth })
      )
      expect((yield* Ref.get(seen)).filter(isLogin)).toHaveLength(1)
    }))

  it.effect("logout sends the token as the asc_auth_key cookie and forgets it; the next call logs in again", () =>
    Effect.gen(function*() {
      let issued = 0
      const { client: counting, seen: seen2 } = yield* mockTransport((s) => {
        if (s.url.pathname === "/api/2.0/authentication/logout") return json({ count: 0, status: 0, statusCode: 200 })
        if (isLogin(s)) {
          issued++
          return envelope({ token: `${TOKEN}-${issued}`, expires: new Date(3_600_000).toISOString() })
        }
        return envelope({ id: "me" })
      })
      yield* Effect.provide(
        Effect.gen(function*() {
          yield* self
          yield* DocSpaceClient.logout
          yield* self
        }),
        clientLayer(counting, { auth: passwordAuth })
      )
      const sent = yield* Ref.get(seen2)
      expect(sent.map((s) => s.url.pathname)).toEqual([
        "/api/2.0/authentication",
        "/api/2.0/people/@self",
        "/api/2.0/authentication/logout",
        "/api/2.0/authentication",
        "/api/2.0/people/@self"
      ])
      expect(sent[2].headers["cookie"]).toBe(`asc_auth_key=${TOKEN}-1`)
      expect(sent[4].headers["authorization"]).toBe(`Bearer ${TOKEN}-2`)
    }))

  it.effect("logout with an Auth.token revokes that token; with an API key nothing is sent", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(() => json({ count: 0, status: 0, statusCode: 200 }))
      yield* Effect.provide(DocSpaceClient.logout, clientLayer(client, { auth: Auth.token(Redacted.make(TOKEN)) }))
      const sent = yield* Ref.get(seen)
      expect(sent.map((s) => [s.method, s.url.pathname, s.headers["cookie"]])).toEqual([
        ["POST", "/api/2.0/authentication/logout", `asc_auth_key=${TOKEN}`]
      ])
      const byKey = yield* mockTransport(() => json({ count: 0, status: 0, statusCode: 200 }))
      yield* Effect.provide(DocSpaceClient.logout, clientLayer(byKey.client))
      expect(yield* Ref.get(byKey.seen)).toHaveLength(0)
    }))

  it.effect("logout before any login sends nothing", () =>
    Effect.gen(function*() {
      const { client, seen } = yield* mockTransport(portal())
      yield* Effect.provide(DocSpaceClient.logout, clientLayer(client, { auth: passwordAuth }))
      expect(yield* Ref.get(seen)).toHaveLength(0)
    }))

  it("Auth values never print their secrets", () => {
    const key = `sk-${"0f".repeat(32)}`
    for (const auth of [Auth.apiKey(Redacted.make(key)), passwordAuth, Auth.basic("u", Redacted.make(PASSWORD))]) {
      for (const form of [String(auth), JSON.stringify(auth), Inspectable.format(auth)]) {
        expect(form).not.toContain(key)
        expect(form).not.toContain(PASSWORD)
      }
    }
  })
})

import { Auth, DocSpaceConfig } from "@effect-docspace/core"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const KEY = `sk-${"a1".repeat(32)}`

const fromEnv = (env: Record<string, string>) =>
  Effect.either(
    Effect.withConfigProvider(DocSpaceConfig.config(), ConfigProvider.fromMap(new Map(Object.entries(env))))
  )

describe("DocSpaceConfig", () => {
  it.effect("reads DOCSPACE_URL and DOCSPACE_API_KEY", () =>
    Effect.gen(function*() {
      const result = yield* fromEnv({ DOCSPACE_URL: "https://portal.example.com/", DOCSPACE_API_KEY: KEY })
      const config = Either.getOrThrow(result)
      expect(config.baseUrl.href).toBe("https://portal.example.com/")
      expect(config.auth._tag).toBe("ApiKey")
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
      expect(Inspectable.format(config)).not.toContain(KEY)
    }))

  it.effect("falls back to DOCSPACE_TOKEN, then DOCSPACE_USERNAME + DOCSPACE_PASSWORD (+ DOCSPACE_TOTP_CODE)", () =>
    Effect.gen(function*() {
      const token = Either.getOrThrow(yield* fromEnv({ DOCSPACE_URL: "https://p.example.com", DOCSPACE_TOKEN: "t" }))
      expect(token.auth._tag).toBe("Token")
      const password = Either.getOrThrow(
        yield* fromEnv({
          DOCSPACE_URL: "https://p.example.com",
          DOCSPACE_USERNAME: "me@example.com",
          DOCSPACE_PASSWORD: "pw",
          DOCSPACE_TOTP_CODE: "123456"
        })
      )
      expect(password.auth._tag).toBe("Password")
      if (password.auth._tag === "Password") {
        expect(password.auth.userName).toBe("me@example.com")
        expect(Redacted.value(yield* password.auth.code!)).toBe("123456")
      }
    }))

  const failures: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
    ["a missing DOCSPACE_URL", { DOCSPACE_API_KEY: KEY }, "DOCSPACE_URL"],
    ["no credentials at all", { DOCSPACE_URL: "https://p.example.com" }, "DOCSPACE_API_KEY"],
    [
      "a password without a user name",
      { DOCSPACE_URL: "https://p.example.com", DOCSPACE_PASSWORD: "x" },
      "DOCSPACE_USERNAME"
    ],
    [
      "a user name without a password",
      { DOCSPACE_URL: "https://p.example.com", DOCSPACE_USERNAME: "x" },
      "DOCSPACE_PASSWORD"
    ],
    ["a malformed API key", { DOCSPACE_URL: "https://p.example.com", DOCSPACE_API_KEY: "sk-123" }, "DOCSPACE_API_KEY"],
    ["an invalid URL", { DOCSPACE_URL: "not a url", DOCSPACE_API_KEY: KEY }, "DOCSPACE_URL"],
    ["plain http to a public host", { DOCSPACE_URL: "http://p.example.com", DOCSPACE_API_KEY: KEY }, "DOCSPACE_URL"]
  ]
  for (const [name, env, variable] of failures) {
    it.effect(`${name} is a ConfigError naming ${variable}`, () =>
      Effect.gen(function*() {
        const result = yield* fromEnv(env)
        expect(Either.isLeft(result)).toBe(true)
        const error = String(Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : "")))
        expect(error).toContain(variable)
        expect(error).not.toContain("sk-123")
      }))
  }

  it.effect("plain http is accepted for loopback, or when explicitly allowed", () =>
    Effect.gen(function*() {
      for (const url of ["http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:80", "http://127.1.2.3"]) {
        expect(Either.isRight(yield* fromEnv({ DOCSPACE_URL: url, DOCSPACE_API_KEY: KEY }))).toBe(true)
      }
      const allowed = yield* fromEnv({
        DOCSPACE_URL: "http://portal.lan",
        DOCSPACE_API_KEY: KEY,
        DOCSPACE_ALLOW_INSECURE_HTTP: "true"
      })
      expect(Either.isRight(allowed)).toBe(true)
    }))

  it.effect("an invalid rate-limit policy is a ConfigError naming rateLimit, not a defect", () =>
    Effect.gen(function*() {
      const rateLimit = { ...RateLimitPolicy.docSpaceCloud, windows: [RateLimitPolicy.window(-1, "1 minute")] }
      const result = yield* Effect.either(
        DocSpaceConfig.make({ baseUrl: "https://p.example.com", auth: Auth.apiKey(Redacted.make(KEY)), rateLimit })
      )
      expect(Either.isLeft(result)).toBe(true)
      expect(String(Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain("rateLimit")
    }))

  it.effect("layer options are validated too", () =>
    Effect.gen(function*() {
      const auth = Auth.apiKey(Redacted.make(KEY))
      for (
        const baseUrl of [
          "http://portal.example.com",
          "ftp://portal.example.com",
          "https://u:p@portal.example.com",
          "https://p.example.com/?x=1"
        ]
      ) {
        const result = yield* Effect.either(DocSpaceConfig.make({ baseUrl, auth }))
        expect(Either.isLeft(result)).toBe(true)
      }
      const ok = yield* DocSpaceConfig.make({ baseUrl: "https://p.example.com/base/", auth, timeout: "5 seconds" })
      expect(ok.baseUrl.pathname).toBe("/base")
      expect(Duration.toMillis(ok.timeout)).toBe(5000)
    }))

  describe("base URL mistakes get a message saying what to write instead (issues 10, 11)", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["portal.example.com", "write the portal with its scheme, e.g. https://portal.example.com"],
      ["portal.example.com:8443/x", "e.g. https://portal.example.com:8443"],
      ["https://portal.example.com/?", "write https://portal.example.com"],
      ["https://portal.example.com#", "write https://portal.example.com"],
      ["https://portal.example.com/docspace/?x=1", "write https://portal.example.com/docspace"],
      ["https://portal.example.com/api/2.0", "write https://portal.example.com (the client adds /api/2.0)"],
      ["https://portal.example.com/api/2.0/", "write https://portal.example.com (the client adds /api/2.0)"],
      ["https://portal.example.com/sub/api/2.0/files", "write https://portal.example.com/sub (the client adds"],
      ["http://portal.example.com", "DOCSPACE_ALLOW_INSECURE_HTTP"]
    ]
    for (const [baseUrl, expected] of cases) {
      it.effect(JSON.stringify(baseUrl), () =>
        Effect.gen(function*() {
          const result = yield* Effect.either(DocSpaceConfig.make({ baseUrl, auth: Auth.apiKey(Redacted.make(KEY)) }))
          expect(Either.isLeft(result)).toBe(true)
          expect(String(Either.getLeft(result).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain(expected)
        }))
    }
  })

  it.effect("credentials that cannot work are a ConfigError naming auth (an empty API key at Auth.apiKey)", () =>
    Effect.gen(function*() {
      for (
        const auth of [
          Auth.apiKey(Redacted.make("")),
          Auth.token(Redacted.make(" ")),
          Auth.password({ userName: "", password: Redacted.make("pw") }),
          Auth.password({ userName: "me", password: Redacted.make("") })
        ]
      ) {
        const result = yield* Effect.either(DocSpaceConfig.make({ baseUrl: "https://p.example.com", auth }))
        expect(Either.isLeft(result) && String(result.left)).toContain("auth")
      }
      const empty = yield* Effect.either(
        DocSpaceConfig.make({ baseUrl: "https://p.example.com", auth: Auth.apiKey(Redacted.make("")) })
      )
      expect(String(Either.getLeft(empty).pipe((o) => (o._tag === "Some" ? o.value : "")))).toContain(
        "check DOCSPACE_API_KEY"
      )
      const token = yield* fromEnv({ DOCSPACE_URL: "https://p.example.com", DOCSPACE_TOKEN: "" })
      expect(Either.isLeft(token)).toBe(true)
    }))

  it.effect("more than one kind of credentials in the environment is refused, naming them (issue 11)", () =>
    Effect.gen(function*() {
      const both = yield* fromEnv({
        DOCSPACE_URL: "https://p.example.com",
        DOCSPACE_API_KEY: KEY,
        DOCSPACE_USERNAME: "me@example.com",
        DOCSPACE_PASSWORD: "pw"
      })
      expect(Either.isLeft(both)).toBe(true)
      const message = String(Either.getLeft(both).pipe((o) => (o._tag === "Some" ? o.value : "")))
      expect(message).toContain("DOCSPACE_API_KEY and DOCSPACE_USERNAME/DOCSPACE_PASSWORD are both set")
      expect(message).not.toContain(KEY)
    }))

  describe("fields from the user's own Config (Config.Wrap, issue 11)", () => {
    const provider = (env: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(env)))
    const env = { PORTAL_URL: "https://mine.example.com", PORTAL_KEY: KEY, PORTAL_TIMEOUT: "5 seconds" }

    it.effect("layerConfig reads the variables a program names, each field its own Config", () =>
      Effect.gen(function*() {
        const config = yield* Effect.provide(
          DocSpaceConfig.DocSpaceConfig,
          DocSpaceConfig.layerConfig({
            baseUrl: Config.string("PORTAL_URL"),
            auth: Config.map(Config.redacted("PORTAL_KEY"), Auth.apiKey),
            timeout: Config.duration("PORTAL_TIMEOUT"),
            userAgent: "mine/1.0"
          }).pipe(Layer.provide(Layer.setConfigProvider(provider(env))))
        )
        expect(config.baseUrl.href).toBe("https://mine.example.com/")
        expect(config.auth._tag === "ApiKey" && Redacted.value(config.auth.key)).toBe(KEY)
        expect(Duration.toMillis(config.timeout)).toBe(5000)
        expect(config.userAgent).toBe("mine/1.0")
      }))

    it.effect("a whole Config.Wrap<Options> and a top-level Config<Options> work; missing fields use DOCSPACE_*", () =>
      Effect.gen(function*() {
        const wrapped = yield* Effect.withConfigProvider(
          DocSpaceConfig.config({ baseUrl: Config.string("PORTAL_URL") }),
          provider({ ...env, DOCSPACE_API_KEY: KEY, DOCSPACE_TIMEOUT: "7 seconds" })
        )
        expect(wrapped.baseUrl.href).toBe("https://mine.example.com/")
        expect(wrapped.auth._tag).toBe("ApiKey")
        expect(Duration.toMillis(wrapped.timeout)).toBe(7000)
        const whole = yield* Effect.withConfigProvider(
          DocSpaceConfig.config(Config.all({
            baseUrl: Config.string("PORTAL_URL"),
            auth: Config.map(Config.redacted("PORTAL_KEY"), Auth.apiKey)
          })),
          provider(env)
        )
        expect(whole.baseUrl.href).toBe("https://mine.example.com/")
      }))

    it.effect("a missing or invalid variable of the program's own is a ConfigError naming it", () =>
      Effect.gen(function*() {
        const missing = yield* Effect.either(Effect.withConfigProvider(
          DocSpaceConfig.config({ baseUrl: Config.string("PORTAL_URL"), auth: Auth.apiKey(Redacted.make(KEY)) }),
          provider({})
        ))
        expect(Either.isLeft(missing) && String(missing.left)).toContain("PORTAL_URL")
        const invalid = yield* Effect.either(Effect.withConfigProvider(
          DocSpaceConfig.config({ baseUrl: Config.string("PORTAL_URL"), auth: Auth.apiKey(Redacted.make(KEY)) }),
          provider({ PORTAL_URL: "http://public.example.com" })
        ))
        expect(Either.isLeft(invalid) && String(invalid.left)).toContain("baseUrl")
      }))
  })
})

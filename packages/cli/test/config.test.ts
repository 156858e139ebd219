import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"
import { runCli, serveFake, tempDir } from "./harness.js"

describe("configuration and login", () => {
  it.live("login checks the key, stores the profile (secrets 0600, never printed); whoami then uses it", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, fake } = yield* serveFake()
      const key = Redacted.value(fake.apiKey)
      // the key typed at the hidden prompt
      const login = yield* runCli(["login", "--url", fake.url], {
        env: { DOCSPACE_CONFIG_DIR: configDir },
        answers: [key]
      })
      expect(login.code, login.stderr).toBe(0)
      expect(login.stdout + login.stderr).not.toContain(key)
      expect(login.stdout).toContain(`saved as profile "default"`)
      const credentials = path.join(configDir, "credentials.json")
      expect(fs.statSync(credentials).mode & 0o777).toBe(0o600)
      expect(JSON.parse(fs.readFileSync(credentials, "utf8"))).toEqual({ default: { apiKey: key } })
      expect(JSON.parse(fs.readFileSync(path.join(configDir, "config.json"), "utf8"))).toEqual({
        default: "default",
        profiles: { default: { url: fake.url } }
      })
      const whoami = yield* runCli(["whoami", "--json"], { env: { DOCSPACE_CONFIG_DIR: configDir } })
      expect(whoami.code, whoami.stderr).toBe(0)
      expect(JSON.parse(whoami.stdout)).toMatchObject({ email: "admin@example.com" })
      // XDG_CONFIG_HOME is honoured when DOCSPACE_CONFIG_DIR is not set
      const xdg = yield* tempDir()
      fs.cpSync(configDir, path.join(xdg, "docspace"), { recursive: true })
      const viaXdg = yield* runCli(["whoami"], { env: { XDG_CONFIG_HOME: xdg } })
      expect(viaXdg.code).toBe(0)
    })))

  it.live("a wrong key: login fails with exit 3 and stores nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, fake } = yield* serveFake()
      const wrong = "sk-" + "a".repeat(64)
      const login = yield* runCli(["login", "--url", fake.url, "--profile", "work"], {
        env: { DOCSPACE_CONFIG_DIR: configDir },
        answers: [wrong]
      })
      expect(login.code).toBe(3)
      expect(login.stderr).not.toContain(wrong)
      expect(fs.existsSync(path.join(configDir, "credentials.json"))).toBe(false)
      const unknownProfile = yield* runCli(["whoami", "--profile", "work"], { env: { DOCSPACE_CONFIG_DIR: configDir } })
      expect(unknownProfile.code).toBe(2)
      expect(unknownProfile.stderr).toContain(`no profile named "work"`)
    })))

  it.live("flags beat the environment, which beats the profile; a profile's key never goes to another URL", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, fake } = yield* serveFake()
      const other = yield* serveFake({ seed: 2 })
      const key = Redacted.value(fake.apiKey)
      const env = { DOCSPACE_CONFIG_DIR: configDir }
      expect((yield* runCli(["login", "--url", fake.url], { env, answers: [key] })).code).toBe(0)
      // --url elsewhere: the profile's key is not sent there
      const elsewhere = yield* runCli(["whoami", "--url", other.fake.url], { env })
      expect(elsewhere.code).toBe(3)
      expect(elsewhere.stderr).toContain(`no credentials for ${other.fake.url}`)
      const counts = yield* other.fake.state.counts
      expect(counts.total).toBe(0)
      // env beats the profile
      const envWins = yield* runCli(["whoami"], {
        env: { ...env, DOCSPACE_URL: other.fake.url, DOCSPACE_API_KEY: Redacted.value(other.fake.apiKey) }
      })
      expect(envWins.code, envWins.stderr).toBe(0)
      // a flag beats the environment (a wrong key given as a flag is used, and refused)
      const flagWins = yield* runCli(["whoami", "--api-key", "sk-" + "b".repeat(64)], {
        env: { ...env, DOCSPACE_URL: other.fake.url, DOCSPACE_API_KEY: Redacted.value(other.fake.apiKey) }
      })
      expect(flagWins.code).toBe(3)
      expect(flagWins.stderr).not.toContain("b".repeat(64))
    })))

  it.live("a config file that is not JSON is one line naming it, exit 1; a bad DOCSPACE_RATE_LIMIT is exit 2", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, env } = yield* serveFake()
      fs.writeFileSync(path.join(configDir, "config.json"), "{not json")
      const broken = yield* runCli(["whoami"], { env })
      expect(broken.code).toBe(1)
      expect(broken.stderr).toContain("config.json is not valid JSON")
      fs.rmSync(path.join(configDir, "config.json"))
      const bad = yield* runCli(["whoami"], { env: { ...env, DOCSPACE_RATE_LIMIT: "cloud,write=zero" } })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("write must be a positive integer")
    })))
})

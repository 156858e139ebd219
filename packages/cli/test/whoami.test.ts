import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli, serveFake } from "./harness.js"

describe("whoami", () => {
  it.live("prints the user behind the key, and --json a document", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const human = yield* runCli(["whoami"], { env })
      expect(human.code).toBe(0)
      expect(human.stdout).toContain("admin@example.com")
      const json = yield* runCli(["whoami", "--json"], { env })
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout)).toMatchObject({ email: "admin@example.com", isAdmin: true })
      const before = yield* runCli(["--json", "whoami"], { env })
      expect(JSON.parse(before.stdout)).toMatchObject({ email: "admin@example.com" })
    })))

  it.live("a wrong key is exit 3 with one line and a hint", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const result = yield* runCli(["whoami"], { env: { ...env, DOCSPACE_API_KEY: "sk-" + "0".repeat(64) } })
      expect(result.code).toBe(3)
      expect(result.stderr.trim().split("\n")).toHaveLength(1)
      expect(result.stderr).toContain("hint:")
      expect(result.stderr).not.toContain("0".repeat(64))
    })))

  it.live("no configuration is exit 3; an unknown flag is exit 2", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir } = yield* serveFake()
      const missing = yield* runCli(["whoami"], { env: { DOCSPACE_CONFIG_DIR: configDir } })
      expect(missing.code).toBe(3)
      expect(missing.stderr).toContain("no portal URL")
      const unknown = yield* runCli(["whoami", "--bogus"], { env: { DOCSPACE_CONFIG_DIR: configDir } })
      expect(unknown.code).toBe(2)
    })))
})

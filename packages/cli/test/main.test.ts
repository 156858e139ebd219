import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli } from "./harness.js"

describe("main", () => {
  it.effect("help is plain text when not on a terminal; docspace alone prints it", () =>
    Effect.gen(function*() {
      const help = yield* runCli(["--help"])
      expect(help.code).toBe(0)
      expect(help.stdout).not.toMatch(/\x1b\[/)
      expect(help.stdout).toContain("COMMANDS")
      const bare = yield* runCli([])
      expect(bare.code).toBe(0)
      expect(bare.stdout).toContain("USAGE")
    }))

  it.effect("`api <operationId> --help` describes the operation instead of the api command", () =>
    Effect.gen(function*() {
      const described = yield* runCli(["api", "getApiKeys", "--help"])
      expect(described.code).toBe(0)
      expect(described.stdout).toContain("getApiKeys: GET /api/2.0/keys")
    }))
})

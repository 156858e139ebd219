/**
 * Runs `docspace` in-process against a FakeDocSpace on loopback: `runCli(args, options)` returns the exit code and
 * what was printed. Every run gets its own configuration directory (DOCSPACE_CONFIG_DIR) unless one is given.
 */
import { FakeDocSpace } from "@effect-docspace/testing"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Main from "../src/main.js"
import * as Output from "../src/Output.js"

export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const tempDir = (prefix = "docspace-cli-"): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  )

export const runCli = (
  args: ReadonlyArray<string>,
  options: {
    readonly env?: Record<string, string> | undefined
    readonly answers?: ReadonlyArray<string> | undefined
    readonly isTTY?: boolean | undefined
    readonly layer?: Layer.Layer<never> | undefined
  } = {}
): Effect.Effect<Result> => {
  const terminal = Output.memoryTerminal({ answers: options.answers, isTTY: options.isTTY })
  const env = new Map(Object.entries({ HOME: "/nonexistent-home", ...options.env }))
  return Main.run(args).pipe(
    Effect.provideService(Output.Terminal, terminal),
    Effect.provide(NodeContext.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(env)),
    Effect.map((code) => ({ code, stdout: terminal.stdoutText(), stderr: terminal.stderrText() }))
  )
}

/** A FakeDocSpace on loopback and the environment that points the command line at it. */
export const serveFake = (
  options: Parameters<typeof FakeDocSpace.serve>[0] = {}
): Effect.Effect<{ fake: FakeDocSpace.Running; env: Record<string, string>; configDir: string }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const fake = yield* Effect.orDie(FakeDocSpace.serve({ fileOperationMillis: 20, ...options }))
    const configDir = yield* tempDir("docspace-config-")
    return {
      fake,
      configDir,
      env: {
        DOCSPACE_URL: fake.url,
        DOCSPACE_API_KEY: Redacted.value(fake.apiKey),
        DOCSPACE_CONFIG_DIR: configDir,
        DOCSPACE_RATE_LIMIT: "none"
      }
    }
  })

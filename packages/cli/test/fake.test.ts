import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Main from "../src/main.js"
import * as Output from "../src/Output.js"
import { runCli, tempDir } from "./harness.js"

// starts `docspace fake ...` in a fiber and waits for what it prints on stdout
const startFake = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const printed = yield* Deferred.make<string>()
    const memory = Output.memoryTerminal()
    const terminal: Output.Terminal = {
      ...memory,
      stdout: (text) => Effect.zipRight(memory.stdout(text), Deferred.succeed(printed, text))
    }
    const fiber = yield* Main.run(["fake", ...args]).pipe(
      Effect.provideService(Output.Terminal, terminal),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.fork
    )
    return { text: yield* Deferred.await(printed), fiber }
  })

// starts `docspace webhooks listen ...` in a fiber and waits for the URL it prints on stderr
const startListen = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const url = yield* Deferred.make<string>()
    const memory = Output.memoryTerminal()
    const terminal: Output.Terminal = {
      ...memory,
      stderr: (text) =>
        Effect.zipRight(
          memory.stderr(text),
          Effect.suspend(() => {
            const match = /listening on (http:\/\/\S+?\/) /.exec(text)
            return match === null ? Effect.void : Deferred.succeed(url, match[1]!)
          })
        )
    }
    const fiber = yield* Main.run(["webhooks", "listen", ...args]).pipe(
      Effect.provideService(Output.Terminal, terminal),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.fork
    )
    const result = Fiber.join(fiber).pipe(Effect.map((code) => ({ code, stdout: memory.stdoutText() })))
    return { url: yield* Deferred.await(url), result }
  })

describe("fake", () => {
  it.live("delivers the webhooks registered on it, so webhooks listen receives them", () =>
    Effect.scoped(Effect.gen(function*() {
      const configDir = yield* tempDir("docspace-config-")
      const fake = yield* startFake(["--json"], { DOCSPACE_CONFIG_DIR: configDir })
      const env = { ...JSON.parse(fake.text).env, DOCSPACE_CONFIG_DIR: configDir }
      const secret = "Fake-Hook-Secret-1"
      const listener = yield* startListen(["--port", "0", "--count", "1", "--jsonl"], {
        DOCSPACE_WEBHOOK_SECRET: secret
      })
      const made = yield* runCli(["webhooks", "create", "ci", listener.url, "--triggers", "32768"], {
        env: { ...env, DOCSPACE_WEBHOOK_SECRET: secret }
      })
      expect(made.code, made.stderr).toBe(0)
      expect((yield* runCli(["mkdir", "@my/hooked"], { env })).code).toBe(0)
      // a bound, not a wait: the delivery is POSTed at once; without it the listener would wait forever
      const heard = yield* listener.result.pipe(Effect.timeout(Duration.seconds(20)))
      expect(heard.code).toBe(0)
      const delivery = JSON.parse(heard.stdout)
      expect(delivery.event.trigger).toBe("folder.created")
      expect(delivery.payload.title).toBe("hooked")
      yield* Fiber.interrupt(fake.fiber)
    })))

  it.live("prints the environment to use, which every command then works with", () =>
    Effect.scoped(Effect.gen(function*() {
      const configDir = yield* tempDir("docspace-config-")
      const { fiber, text } = yield* startFake(["--json"], { DOCSPACE_CONFIG_DIR: configDir })
      const info = JSON.parse(text)
      expect(info).toEqual({
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        apiKey: expect.stringMatching(/^sk-[0-9a-f]{64}$/),
        limits: "off",
        env: { DOCSPACE_URL: info.url, DOCSPACE_API_KEY: info.apiKey }
      })
      const me = yield* runCli(["whoami", "--json"], { env: { ...info.env, DOCSPACE_CONFIG_DIR: configDir } })
      expect(me.code).toBe(0)
      expect(JSON.parse(me.stdout).email).toBe("admin@example.com")
      yield* Fiber.interrupt(fiber)
    })))

  it.live("--save-profile stores it as a profile; human output shows the exports", () =>
    Effect.scoped(Effect.gen(function*() {
      const configDir = yield* tempDir("docspace-config-")
      const { fiber, text } = yield* startFake(
        ["--save-profile", "fake", "--limits", "cloud", "--time-scale", "0.01"],
        {
          DOCSPACE_CONFIG_DIR: configDir
        }
      )
      expect(text).toMatch(/^FakeDocSpace listening on http:\/\/127\.0\.0\.1:\d+ \(limits: cloud, time scale 0\.01\)\n/)
      expect(text).toMatch(/\nexport DOCSPACE_URL=http:\/\/127\.0\.0\.1:\d+\nexport DOCSPACE_API_KEY=sk-[0-9a-f]{64}\n/)
      expect(text).toContain("saved as profile \"fake\": docspace whoami --profile fake")
      const rooms = yield* runCli(["rooms", "ls", "--profile", "fake", "--json"], {
        env: { DOCSPACE_CONFIG_DIR: configDir }
      })
      expect(rooms.stderr).toBe("")
      expect(rooms.code).toBe(0)
      expect(JSON.parse(rooms.stdout)).toEqual([])
      yield* Fiber.interrupt(fiber)
      const bad = yield* runCli(["fake", "--time-scale", "0"], { env: { DOCSPACE_CONFIG_DIR: configDir } })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toBe("docspace: --time-scale must be above 0, got 0\n")
    })))
})

import * as Webhooks from "@effect-docspace/resources/Webhooks"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Listen from "../src/internal/listen.js"
import * as Main from "../src/main.js"
import * as Output from "../src/Output.js"
import { runCli, serveFake } from "./harness.js"

// runs the command line with a terminal that announces the listener's URL as soon as it is printed
const runListening = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const url = yield* Deferred.make<string>()
    const memory = Output.memoryTerminal()
    const terminal: Output.Terminal = {
      ...memory,
      stderr: (text) =>
        Effect.zipRight(
          memory.stderr(text),
          Effect.suspend(() => {
            const match = /listening on (http:\/\/\S+?)\/ /.exec(text)
            return match === null ? Effect.void : Deferred.succeed(url, match[1]!)
          })
        )
    }
    const fiber = yield* Main.run(args).pipe(
      Effect.provideService(Output.Terminal, terminal),
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.fork
    )
    const result = Fiber.join(fiber).pipe(
      Effect.map((code) => ({ code, stdout: memory.stdoutText(), stderr: memory.stderrText() }))
    )
    return { url: yield* Deferred.await(url), result }
  })

const post = (url: string, body: string, signature: string | undefined) =>
  Effect.promise(() =>
    fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...(signature ? { [Webhooks.signatureHeader]: signature } : {}) }
    }).then((r) => r.status)
  )

const delivery = (id: number, trigger: string) =>
  JSON.stringify({
    event: { id, createOn: "2026-12-02T17:00:00Z", createBy: "u1", trigger, triggerId: 1 },
    payload: { id: 42, title: "report.docx" },
    webhook: { id: 7, name: "ci", url: "http://127.0.0.1/", triggers: [trigger], retryCount: 0 }
  })

describe("webhooks", () => {
  it.live("create (a generated secret printed once), ls (golden --json), rm", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const made = yield* runCli(["webhooks", "create", "ci", "http://127.0.0.1:9/hook", "--json"], { env })
      expect(made.stderr).toBe("")
      expect(made.code).toBe(0)
      const hook = JSON.parse(made.stdout)
      expect(hook.secret).toMatch(/^[A-Za-z0-9]{24}$/)
      const given = yield* runCli(["webhooks", "create", "ops", "http://127.0.0.1:9/ops", "--triggers", "1"], {
        env: { ...env, DOCSPACE_WEBHOOK_SECRET: "Secret-123456" }
      })
      expect(given.code).toBe(0)
      expect(given.stdout).not.toContain("Secret-123456")
      const listed = yield* runCli(["webhooks", "ls", "--json"], { env })
      expect(JSON.parse(listed.stdout)).toEqual([
        { id: hook.id, name: "ci", uri: "http://127.0.0.1:9/hook", enabled: true, ssl: false, triggers: 0 },
        { id: expect.any(Number), name: "ops", uri: "http://127.0.0.1:9/ops", enabled: true, ssl: false, triggers: 1 }
      ])
      const removed = yield* runCli(["webhooks", "rm", String(hook.id)], { env })
      expect(removed.stdout).toBe(`removed webhook ${hook.id}\n`)
      const after = yield* runCli(["webhooks", "ls", "--jsonl"], { env })
      expect(after.stdout.trim().split("\n")).toHaveLength(1)
      const short = yield* runCli(["webhooks", "create", "x", "http://127.0.0.1:9/x", "--secret", "short"], { env })
      expect(short.code).toBe(2)
      expect(short.stderr).toContain("8 to 30 characters")
      expect(short.stderr).not.toContain("short\"")
      const notUrl = yield* runCli(["webhooks", "create", "x", "ftp://x"], { env })
      expect(notUrl.code).toBe(2)
    })))

  it.live("listen prints verified deliveries and refuses a bad signature", () =>
    Effect.gen(function*() {
      const secret = "Listen-Secret-42"
      const { result, url } = yield* runListening(
        ["webhooks", "listen", "--port", "0", "--count", "2", "--jsonl"],
        { DOCSPACE_WEBHOOK_SECRET: secret }
      )
      const first = delivery(1, "file.created")
      expect(yield* post(url, first, "sha256=" + "0".repeat(64))).toBe(401)
      expect(yield* post(url, first, yield* Webhooks.sign({ secret: Redacted.make(secret), body: first }))).toBe(200)
      const second = delivery(2, "room.created")
      expect(yield* post(url, second, yield* Webhooks.sign({ secret: Redacted.make(secret), body: second }))).toBe(200)
      const { code, stderr, stdout } = yield* result
      expect(code).toBe(0)
      expect(stdout.trim().split("\n").map((l) => JSON.parse(l).event.trigger)).toEqual([
        "file.created",
        "room.created"
      ])
      expect(stderr).toContain("refused a request: 401")
      expect(stderr).not.toContain(secret)
    }))

  it.live("listen for people: one line per delivery; no secret is a usage error", () =>
    Effect.gen(function*() {
      const secret = "Listen-Secret-43"
      const { result, url } = yield* runListening(
        ["webhooks", "listen", "--port", "0", "--count", "1", "--secret", secret],
        {}
      )
      const body = delivery(5, "file.updated")
      expect(yield* post(url, body, yield* Webhooks.sign({ secret: Redacted.make(secret), body }))).toBe(200)
      const { stdout } = yield* result
      expect(stdout).toBe("2026-12-02T17:00:00Z  file.updated  event=5  webhook=7:ci  id=42 title=\"report.docx\"\n")
      const none = yield* runCli(["webhooks", "listen", "--port", "0"])
      expect(none.code).toBe(2)
      expect(none.stderr).toBe("docspace: give the webhook's secret: --secret or DOCSPACE_WEBHOOK_SECRET\n")
    }))
})

describe("listen", () => {
  it.live("a port in use is a ListenError with one line, not a defect", () =>
    Effect.scoped(Effect.gen(function*() {
      const secret = Redacted.make("Listen-Secret-44")
      const first = yield* Listen.listen({ secret, port: 0, host: "127.0.0.1" })
      const port = Number(new URL(first.url).port)
      const second = yield* Effect.flip(Listen.listen({ secret, port, host: "127.0.0.1" }))
      expect(second._tag).toBe("ListenError")
      expect(second.message).toMatch(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`))
      const cli = yield* runCli(["webhooks", "listen", "--port", String(port), "--secret", "Listen-Secret-44"])
      expect(cli.code).toBe(1)
      expect(cli.stderr.trim().split("\n")).toEqual([
        expect.stringContaining(`docspace: cannot listen on 127.0.0.1:${port}`)
      ])
    })))
})

describe("keys", () => {
  it.live("create prints the key once; ls masks it (golden --json); revoke asks", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const made = yield* runCli(["keys", "create", "deploy"], { env })
      expect(made.code).toBe(0)
      const key = made.stdout.trim()
      expect(key).toMatch(/^sk-[0-9a-f]{64}$/)
      expect(made.stderr).toMatch(/^created API key \S+ "deploy": copy it now/)
      const listed = yield* runCli(["keys", "ls", "--json"], { env })
      expect(listed.stdout).not.toContain(key)
      const keys = JSON.parse(listed.stdout) as Array<{ id: string; name: string; key: string }>
      const deploy = keys.find((k) => k.name === "deploy")!
      expect(deploy).toEqual({
        id: deploy.id,
        name: "deploy",
        key: expect.stringMatching(new RegExp(`${key.slice(-4)}$`)),
        permissions: [],
        isActive: true
      })
      const works = yield* runCli(["whoami", "--json"], { env: { ...env, DOCSPACE_API_KEY: key } })
      expect(works.code).toBe(0)
      const kept = yield* runCli(["keys", "revoke", deploy.id], { env, answers: ["no"] })
      expect(kept.code).toBe(1)
      const revoked = yield* runCli(["keys", "revoke", deploy.id, "--yes"], { env })
      expect(revoked.code).toBe(0)
      expect(revoked.stdout).toContain(`revoked API key ${deploy.id} "deploy"`)
      const refused = yield* runCli(["whoami"], { env: { ...env, DOCSPACE_API_KEY: key } })
      expect(refused.code).toBe(3)
      const perms = yield* runCli(["keys", "permissions", "--json"], { env })
      expect(JSON.parse(perms.stdout)).toContain("files:read")
    })))
})

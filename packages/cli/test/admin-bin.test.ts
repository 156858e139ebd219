/**
 * The admin commands through the real bin, spawned (`dist/bin.js`; CI builds with `tsc -b` before the tests).
 */
import * as Webhooks from "@effect-docspace/resources/Webhooks"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { serveFake, tempDir } from "./harness.js"

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

interface Spawned {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

interface Options {
  readonly stdin?: string | undefined
  /** Called with stdout as it grows; may stop the process (its `kill`). */
  readonly onStdout?: ((stdout: string, kill: (signal: NodeJS.Signals) => void) => void) | undefined
  /** Called with stderr as it grows. */
  readonly onStderr?: ((stderr: string) => void) | undefined
}

const run = (args: ReadonlyArray<string>, env: Record<string, string>, options: Options = {}) =>
  Effect.async<Spawned>((resume) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent-home", ...env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => {
      stdout += d
      options.onStdout?.(stdout, (signal) => child.kill(signal))
    })
    child.stderr.on("data", (d) => {
      stderr += d
      options.onStderr?.(stderr)
    })
    child.on("close", (code, signal) => resume(Effect.succeed({ code, signal, stdout, stderr })))
    child.stdin.end(options.stdin ?? "")
    return Effect.sync(() => void child.kill())
  })

// each spawn starts a node process (seconds on a loaded machine): a longer timeout than the package's 60 s
const spawned = 180_000

describe("admin commands through the bin", () => {
  it.live("--help lists them", () =>
    Effect.gen(function*() {
      expect(fs.existsSync(bin)).toBe(true)
      const help = yield* run(["--help"], {})
      expect(help.code).toBe(0)
      for (const command of ["rooms", "share", "people", "groups", "keys", "webhooks", "api", "fake"]) {
        expect(help.stdout).toContain(`- ${command}`)
      }
    }), spawned)

  it.live(
    "rooms create, ls --json, and rm without a terminal or --yes deletes nothing (exit 1)",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { env } = yield* serveFake()
        const created = yield* run(["rooms", "create", "Board", "--type", "vdr", "--json"], env)
        expect(created.code, created.stderr).toBe(0)
        const room = JSON.parse(created.stdout)
        expect(room).toEqual({ id: room.id, title: "Board", type: "vdr", private: false, tags: [] })
        const listed = yield* run(["rooms", "ls", "--json"], env)
        expect(JSON.parse(listed.stdout)).toEqual([room])
        const declined = yield* run(["rooms", "rm", String(room.id)], env)
        expect(declined.code).toBe(1)
        expect(declined.stderr).toContain("no interactive input: pass --yes")
        expect(JSON.parse((yield* run(["rooms", "ls", "--json"], env)).stdout)).toEqual([room])
        const removed = yield* run(["rooms", "rm", String(room.id), "--yes"], env)
        expect(removed.code).toBe(0)
        expect(removed.stdout).toBe(`deleted room ${room.id} "Board"\n`)
      })),
    spawned
  )

  it.live(
    "api: a body on stdin, an unknown operation (2), a missing room (4)",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { env } = yield* serveFake()
        const created = yield* run(["api", "createApiKey", "--body", "@-"], env, {
          stdin: JSON.stringify({ name: "from stdin" })
        })
        expect(created.code, created.stderr).toBe(0)
        expect(JSON.parse(created.stdout)).toMatchObject({ name: "from stdin" })
        const unknown = yield* run(["api", "getRoom"], env)
        expect(unknown.code).toBe(2)
        expect(unknown.stderr).toMatch(/^docspace: unknown operation "getRoom" \(did you mean .*\n$/)
        const missing = yield* run(["api", "getRoomInfo", "--param", "id=777777"], env)
        expect(missing.code).toBe(4)
        expect(missing.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1)
      })),
    spawned
  )

  it.live("people invite --csv with bad rows: one line each, exit 2", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const dir = yield* tempDir()
      const csv = path.join(dir, "people.csv")
      fs.writeFileSync(csv, "email\nann@example.com\nann@example\n\"unclosed@example.com\n")
      const result = yield* run(["people", "invite", "--csv", csv], env)
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        `${csv}:4: a quoted field is not closed\ndocspace: 1 bad invitation: nobody was invited\n`
      )
    })), spawned)

  it.live(
    "fake prints its environment and stops on SIGINT; webhooks listen prints a verified delivery",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const configDir = yield* tempDir("docspace-config-")
        const started = yield* Deferred.make<{ url: string; apiKey: string }>()
        const fake = yield* run(["fake", "--json"], { DOCSPACE_CONFIG_DIR: configDir }, {
          onStdout: (stdout, kill) => {
            try {
              const info = JSON.parse(stdout)
              Effect.runSync(Deferred.succeed(started, info))
              kill("SIGINT")
            } catch {
              // not the whole document yet
            }
          }
        })
        const info = yield* Deferred.await(started)
        expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(fake.signal === "SIGINT" || fake.code !== null).toBe(true)

        const secret = "Spawned-Secret-1"
        const listening = yield* Deferred.make<string>()
        const delivered = yield* Effect.fork(run(["webhooks", "listen", "--port", "0", "--count", "1"], {
          DOCSPACE_WEBHOOK_SECRET: secret
        }, {
          onStderr: (stderr) => {
            const match = /listening on (http:\/\/\S+?)\/ /.exec(stderr)
            if (match !== null) Effect.runSync(Deferred.succeed(listening, match[1]!))
          }
        }))
        const url = yield* Deferred.await(listening)
        const body = JSON.stringify({
          event: { id: 9, createOn: "2026-12-02T18:00:00Z", trigger: "file.deleted", triggerId: 4 },
          payload: { id: 3 },
          webhook: { id: 1, name: "ops" }
        })
        const signature = yield* Webhooks.sign({ secret: Redacted.make(secret), body })
        const status = yield* Effect.promise(() =>
          fetch(url, { method: "POST", body, headers: { [Webhooks.signatureHeader]: signature } }).then((r) => r.status)
        )
        expect(status).toBe(200)
        const result = yield* Effect.flatMap(Effect.succeed(delivered), (f) => f.await)
        expect(result._tag).toBe("Success")
        const spawned = result._tag === "Success" ? result.value : undefined
        expect(spawned?.code).toBe(0)
        expect(spawned?.stdout).toBe("2026-12-02T18:00:00Z  file.deleted  event=9  webhook=1:ops  id=3\n")
      })),
    spawned
  )
})

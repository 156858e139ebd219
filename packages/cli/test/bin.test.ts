/**
 * The real bin, spawned: `dist/bin.js` as `npx docspace` runs it (CI builds with `tsc -b` before the tests).
 */
import { FakeServer } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
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
  readonly stdout: string
  readonly stderr: string
}

const run = (args: ReadonlyArray<string>, env: Record<string, string>, stdin?: string): Effect.Effect<Spawned> =>
  Effect.async<Spawned>((resume) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent-home", ...env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
    child.stdin.end(stdin ?? "")
    return Effect.sync(() => void child.kill())
  })

/** Spawns the bin and sends SIGINT once `ready()` says so (polled every 20 ms). */
const interrupt = (args: ReadonlyArray<string>, env: Record<string, string>, ready: (stderr: string) => boolean) =>
  Effect.async<Spawned>((resume) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent-home", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setInterval(() => {
      if (ready(stderr)) {
        clearInterval(timer)
        child.kill("SIGINT")
      }
    }, 20)
    child.on("close", (code) => {
      clearInterval(timer)
      resume(Effect.succeed({ code, stdout, stderr }))
    })
    return Effect.sync(() => void child.kill())
  })

describe("the docspace bin", () => {
  it("is built (run `node_modules/.bin/tsc -b packages/cli` first)", () => {
    expect(fs.existsSync(bin)).toBe(true)
  })

  it.live("--help lists the commands; --version", () =>
    Effect.gen(function*() {
      const help = yield* run(["--help"], {})
      expect(help.code).toBe(0)
      for (const command of ["login", "whoami", "ls", "tree", "stat", "upload", "download", "mirror", "push", "rm"]) {
        expect(help.stdout).toContain(`- ${command}`)
      }
      const version = yield* run(["--version"], {})
      expect(version.stdout.trim()).toBe("0.1.0")
    }))

  it.live("exit codes: unknown flag 2, no configuration 3, wrong key 3, not found 4", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, env, fake } = yield* serveFake()
      const unknown = yield* run(["whoami", "--frobnicate"], env)
      expect(unknown.code).toBe(2)
      const none = yield* run(["whoami"], { DOCSPACE_CONFIG_DIR: configDir })
      expect(none.code).toBe(3)
      expect(none.stderr).toMatch(/^docspace: no portal URL.*\(hint: .*\)\n$/)
      const wrong = yield* run(["whoami"], { ...env, DOCSPACE_API_KEY: "sk-" + "c".repeat(64) })
      expect(wrong.code).toBe(3)
      expect(wrong.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1)
      expect(wrong.stderr).not.toContain("c".repeat(64))
      const missing = yield* run(["ls", "@my/nothing-here"], env)
      expect(missing.code).toBe(4)
      expect(Redacted.value(fake.apiKey)).not.toBe("")
    })))

  it.live("login with the key on stdin, then upload, ls --jsonl and download through the stored profile", () =>
    Effect.scoped(Effect.gen(function*() {
      const { configDir, fake } = yield* serveFake()
      const env = { DOCSPACE_CONFIG_DIR: configDir }
      const login = yield* run(["login", "--url", fake.url], env, `${Redacted.value(fake.apiKey)}\n`)
      expect(login.code, login.stderr).toBe(0)
      expect(login.stdout + login.stderr).not.toContain(Redacted.value(fake.apiKey))
      const local = yield* tempDir()
      fs.mkdirSync(path.join(local, "docs/sub"), { recursive: true })
      fs.writeFileSync(path.join(local, "docs/a.txt"), "alpha")
      fs.writeFileSync(path.join(local, "docs/sub/b.txt"), "beta")
      const upload = yield* run(["upload", path.join(local, "docs"), "@my"], env)
      expect(upload.code, upload.stderr).toBe(0)
      expect(upload.stdout).toMatch(/^uploaded 2, skipped 0, failed 0: 9 B in /)
      // not a terminal: the progress is plain lines on stderr
      expect(upload.stderr).toMatch(/uploading 2\/2 done, 9 B\/9 B, 0 in flight, 0 waiting for rate limit/)
      expect(upload.stderr).not.toContain("\r")
      const ls = yield* run(["ls", "-R", "--jsonl", "@my/docs"], env)
      expect(ls.stdout.trim().split("\n").map((l) => JSON.parse(l).path)).toEqual(["sub", "sub/b.txt", "a.txt"])
      const out = yield* tempDir()
      const download = yield* run(["download", "@my/docs", out], env)
      expect(download.code, download.stderr).toBe(0)
      expect(fs.readFileSync(path.join(out, "docs/sub/b.txt"), "utf8")).toBe("beta")
    })))

  it.live("Ctrl-C during an upload and a download: exit 130, nothing half-stored, nothing half-written", () =>
    Effect.scoped(Effect.gen(function*() {
      // 5 parts of 64 KiB, each answered after 300 ms: the interruption lands between parts
      const { env } = yield* serveFake({
        chunkUploadSize: 64 * 1024,
        faults: { rules: [{ route: "POST /ChunkedUploader.ashx", fault: FakeServer.latency("300 millis") }] }
      })
      const local = yield* tempDir()
      const big = path.join(local, "big.bin")
      fs.writeFileSync(big, new Uint8Array(4 * 64 * 1024 + 1).fill(1))
      expect((yield* run(["mkdir", "@my/intr"], env)).code).toBe(0)
      const upload = yield* interrupt(
        ["upload", big, "@my/intr", "--verbose"],
        env,
        (err) => err.includes("uploading a part")
      )
      expect(upload.code, upload.stderr).toBe(130)
      expect(upload.stderr).toContain("docspace: interrupted")
      expect((yield* run(["ls", "@my/intr", "--json"], env)).stdout).toBe("[]\n")
      // a complete copy to download, then a download stopped once its temporary file exists
      expect((yield* run(["upload", big, "@my"], env)).code).toBe(0)
      const out = yield* tempDir()
      const download = yield* interrupt(
        ["download", "@my/big.bin", out],
        env,
        () => fs.readdirSync(out).some((name) => name.endsWith(".part"))
      )
      // it may have finished before the signal arrived; either way nothing partial is left
      if (download.code === 130) expect(fs.readdirSync(out)).toEqual([])
      else expect(fs.readdirSync(out)).toEqual(["big.bin"])
    })))

  it.live("the bundled program (what the packed bin runs) works like the modules", () =>
    Effect.scoped(Effect.gen(function*() {
      const out = yield* tempDir()
      const bundled = path.join(out, "docspace.mjs")
      const build = yield* Effect.async<number | null>((resume) => {
        const child = spawn(process.execPath, [path.join(path.dirname(bin), "../scripts/bundle.mjs"), bundled], {
          stdio: "inherit"
        })
        child.on("close", (code) => resume(Effect.succeed(code)))
      })
      expect(build).toBe(0)
      const { env } = yield* serveFake()
      const whoami = yield* Effect.async<Spawned>((resume) => {
        const child = spawn(process.execPath, [bundled, "whoami", "--json"], {
          env: { PATH: process.env.PATH ?? "", ...env },
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stdout = ""
        let stderr = ""
        child.stdout.on("data", (d) => (stdout += d))
        child.stderr.on("data", (d) => (stderr += d))
        child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
      })
      expect(whoami.code, whoami.stderr).toBe(0)
      expect(JSON.parse(whoami.stdout)).toMatchObject({ email: "admin@example.com" })
    })))
})

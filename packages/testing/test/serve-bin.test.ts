import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const tsx = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url))
const script = fileURLToPath(new URL("../bin/fake.ts", import.meta.url))

/** Starts `pnpm fake` (tsx packages/testing/bin/fake.ts) and resolves once it printed its key. */
const start = (env: Record<string, string>) => {
  const child = spawn(tsx, [script], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let out = ""
  let err = ""
  child.stdout.on("data", (d) => (out += d.toString()))
  child.stderr.on("data", (d) => (err += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pnpm fake did not start: ${out} ${err}`)), 20_000)
    child.stdout.on("data", () => {
      if (/DOCSPACE_API_KEY=\S+\n/.test(out)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on("exit", () => {
      clearTimeout(timer)
      reject(new Error(`pnpm fake exited: ${out} ${err}`))
    })
  })
  return { child, ready, exited, output: () => out, errors: () => err }
}

describe("pnpm fake", () => {
  it("prints a loopback URL and a ready API key that the fake accepts, and stops on SIGINT", async () => {
    const fake = start({ PORT: "0", FAKE_LIMITS: "cloud", FAKE_TIME_SCALE: "0.01" })
    try {
      await fake.ready
      const url = /DOCSPACE_URL=(http:\/\/127\.0\.0\.1:\d+)\n/.exec(fake.output())![1]
      const key = /DOCSPACE_API_KEY=(sk-[0-9a-f]{64})\n/.exec(fake.output())![1]
      const me = await fetch(`${url}/api/2.0/people/@self`, { headers: { authorization: `Bearer ${key}` } })
      expect(me.status).toBe(200)
      expect(me.headers.get("x-ratelimit-limit")).toBeNull() // no rate header on a success, as on DocSpace
      expect((await me.json()).statusCode).toBe(200)
      const anonymous = await fetch(`${url}/api/2.0/people/@self`)
      expect(anonymous.status).toBe(401)
      await anonymous.arrayBuffer()
    } finally {
      fake.child.kill("SIGINT")
    }
    await fake.exited
    expect(fake.output()).toContain("FakeDocSpace stopped: 2 requests served")
  }, 30_000)

  it("a bad environment is a one-line error and exit code 1", async () => {
    const fake = start({ FAKE_LIMITS: "fast" })
    const started = await fake.ready.then(() => true, () => false)
    if (started) fake.child.kill("SIGINT")
    expect(started).toBe(false)
    expect(await fake.exited).toBe(1)
    expect(fake.errors()).toContain("FAKE_LIMITS must be legacy or cloud")
  }, 30_000)
})

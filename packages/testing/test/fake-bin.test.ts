// The `docspace-fake` bin: package.json points at the built file, which starts the fake on loopback and prints a URL
// and an API key that work. Runs the built dist when it is there (after `pnpm build`/`pnpm check`), else the same
// module from the sources through tsx.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const manifest = JSON.parse(readFileSync(`${packageDir}package.json`, "utf8")) as {
  readonly bin?: Record<string, string>
  readonly files?: ReadonlyArray<string>
}

const start = (): Effect.Effect<{ readonly child: ChildProcess; readonly url: string; readonly key: string }> =>
  Effect.async((resume) => {
    const built = `${packageDir}dist/internal/cli.js`
    const child = existsSync(built)
      ? spawn(process.execPath, [built], { env: { ...process.env, PORT: "0" } })
      : spawn(process.execPath, ["--import", "tsx", `${packageDir}src/internal/cli.ts`], {
        env: { ...process.env, PORT: "0" }
      })
    let out = ""
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8")
      const url = /^DOCSPACE_URL=(\S+)$/m.exec(out)?.[1]
      const key = /^DOCSPACE_API_KEY=(\S+)$/m.exec(out)?.[1]
      if (url !== undefined && key !== undefined) resume(Effect.succeed({ child, url, key }))
    })
    child.on("exit", (code) => resume(Effect.dieMessage(`docspace-fake exited with ${code} before printing: ${out}`)))
    return Effect.sync(() => child.kill())
  })

describe("docspace-fake bin", () => {
  it("package.json names the built file; its source is executable by node", () => {
    expect(manifest.bin).toEqual({ "docspace-fake": "./dist/internal/cli.js" })
    expect(manifest.files).toContain("dist")
    expect(readFileSync(`${packageDir}src/internal/cli.ts`, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true)
  })

  it.live("prints a URL and an API key that authenticate against the running fake", () =>
    Effect.acquireUseRelease(
      start(),
      ({ key, url }) =>
        Effect.promise(async () => {
          expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
          expect(key).toMatch(/^sk-[0-9a-f]{64}$/)
          const me = await fetch(`${url}/api/2.0/people/@self`, { headers: { authorization: `Bearer ${key}` } })
          const refused = await fetch(`${url}/api/2.0/people/@self`)
          const body = await me.json() as { readonly response: { readonly email: string } }
          expect([me.status, refused.status]).toEqual([200, 401])
          expect(body.response.email).toBe("admin@example.com")
        }),
      ({ child }) => Effect.sync(() => child.kill())
    ), 30_000)
})

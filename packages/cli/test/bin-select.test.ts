/**
 * Which program the built bin (`dist/bin.js`) loads: the bundle only from an installed package, the modules in a
 * checkout even when a newer bundle was left behind (`pnpm pack --dry-run` runs prepack but not postpack).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { tempDir } from "./harness.js"

const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), "../dist/bin.js")

/** A package at `root` with the real bin, a `cli.js` that prints "modules" and, optionally, a newer bundle. */
const layout = (root: string, bundle: boolean): string => {
  const dist = path.join(root, "dist")
  fs.mkdirSync(dist, { recursive: true })
  fs.writeFileSync(path.join(root, "package.json"), JSON.stringify({ type: "module" }))
  fs.copyFileSync(bin, path.join(dist, "bin.js"))
  fs.writeFileSync(path.join(dist, "cli.js"), "console.log(\"modules\")\n")
  if (bundle) {
    fs.writeFileSync(path.join(dist, "docspace.mjs"), "console.log(\"bundle\")\n")
    const later = new Date(Date.now() + 60_000)
    fs.utimesSync(path.join(dist, "docspace.mjs"), later, later)
  }
  return path.join(dist, "bin.js")
}

const runs = (file: string): string => execFileSync(process.execPath, [file], { encoding: "utf8" }).trim()

describe("the bin's choice of program", () => {
  it.scoped("a checkout runs the modules even with a newer bundle beside them", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      expect(runs(layout(path.join(dir, "packages", "cli"), true))).toBe("modules")
    }))

  it.scoped("an installed package runs its bundle", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      expect(runs(layout(path.join(dir, "node_modules", "@effect-docspace", "cli"), true))).toBe("bundle")
    }))

  it.scoped("an installed package without a bundle runs the modules", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir()
      expect(runs(layout(path.join(dir, "node_modules", "@effect-docspace", "cli"), false))).toBe("modules")
    }))
})

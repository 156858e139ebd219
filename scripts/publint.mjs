// Checks that each published package is well-formed for consumers: publint (package.json, exports, files) and
// are-the-types-wrong (types resolve for node16 ESM and bundlers). Needs `pnpm build` first. Exits 1 on errors.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const packages = ["rate-limit", "core", "resources", "testing", "cli"]
let failed = false
for (const name of packages) {
  const dir = join("packages", name)
  const out = mkdtempSync(join(tmpdir(), `pack-${name}-`))
  try {
    execFileSync("npx", ["-y", "pnpm@12.4.2", "pack", "--pack-destination", out], { cwd: dir, stdio: "ignore" })
    const tarball = join(out, readdirSync(out).find((f) => f.endsWith(".tgz")))
    for (const [tool, args] of [
      ["publint", ["node_modules/publint/src/cli.js", "run", tarball, "--strict"]],
      // ESM-only packages: CommonJS `require` is not a target (profile esm-only)
      ["attw", ["node_modules/@arethetypeswrong/cli/dist/index.js", tarball, "--profile", "esm-only", "--format", "table-flipped"]]
    ]) {
      try {
        const output = execFileSync("node", args, { encoding: "utf8" })
        console.log(`@effect-docspace/${name}: ${tool}: ok`)
        if (process.env.VERBOSE) console.log(output)
      } catch (error) {
        failed = true
        console.log(`@effect-docspace/${name}: ${tool}: FAILED\n${error.stdout ?? ""}${error.stderr ?? ""}`)
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}
process.exit(failed ? 1 : 0)

/**
 * The official generated SDK (ONLYOFFICE/docspace-api-sdk-typescript, `@onlyoffice/docspace-api-sdk`, built by
 * openapi-generator's typescript-axios), built from source into `node_modules/.cache/bench-sdk`: never vendored,
 * never committed. The source is a git repository given by `BENCH_SDK_GIT` (a clone or a bare git dir), else a
 * clone from GitHub. The package publishes CommonJS compiled by tsc; esbuild transpiles every file the same way
 * (one CommonJS module per file, nothing bundled), so bundling it later measures what an npm user gets.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository's root: the nearest directory above this file holding `pnpm-workspace.yaml` (this file also runs
 * compiled from `node_modules/.cache/bench-compare`). */
export const root = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, "pnpm-workspace.yaml")) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
})()
export const cacheDir = path.join(root, "node_modules/.cache/bench-sdk")
/** The entry of the built SDK (CommonJS). */
export const sdkDist = () => path.join(cacheDir, "dist/index.js")

const git = (args: Array<string>, cwd?: string) =>
  execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()

const tsFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name)
    if (statSync(file).isDirectory()) return name === "docs" || name === "node_modules" ? [] : tsFiles(file)
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [file] : []
  })

/** Builds the SDK if it is not built yet; answers a line for the report (what was built, or why not). */
export const buildSdk = async (): Promise<{ readonly ok: boolean; readonly line: string }> => {
  const src = path.join(cacheDir, "src")
  const stamp = path.join(cacheDir, "commit")
  try {
    if (!existsSync(path.join(src, "index.ts"))) {
      rmSync(cacheDir, { recursive: true, force: true })
      mkdirSync(cacheDir, { recursive: true })
      const given = process.env.BENCH_SDK_GIT
      const repo = given ?? path.join(cacheDir, "repo")
      if (given === undefined) {
        git(["clone", "--depth", "1", "https://github.com/ONLYOFFICE/docspace-api-sdk-typescript", repo])
      }
      const gitDir = existsSync(path.join(repo, ".git")) ? path.join(repo, ".git") : repo
      mkdirSync(src, { recursive: true })
      execFileSync("sh", ["-c", `git --git-dir="${gitDir}" archive HEAD | tar -x -C "${src}"`])
      writeFileSync(stamp, git(["--git-dir", gitDir, "rev-parse", "--short", "HEAD"]))
    }
    const version = JSON.parse(readFileSync(path.join(src, "package.json"), "utf8")).version
    const commit = existsSync(stamp) ? readFileSync(stamp, "utf8") : "?"
    if (!existsSync(sdkDist())) {
      const esbuild = await import("esbuild")
      await esbuild.build({
        entryPoints: tsFiles(src),
        outbase: src,
        outdir: path.join(cacheDir, "dist"),
        format: "cjs",
        platform: "node",
        target: "es2019",
        logLevel: "error"
      })
    }
    return {
      ok: true,
      line: `official SDK @onlyoffice/docspace-api-sdk ${version} (commit ${commit}) built in ${cacheDir}`
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n").slice(0, 2).join(" ") : String(error)
    return {
      ok: false,
      line: `official SDK not built (${reason}); set BENCH_SDK_GIT to a clone of ONLYOFFICE/docspace-api-sdk-typescript`
    }
  }
}

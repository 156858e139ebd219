/**
 * `pnpm --filter @effect-docspace/codegen figures` prints the closing-note figures of the generated API:
 * operations and schemas (spec vs generated), generated lines, the `tsc` time of the resources package and the
 * minified esbuild bundle of a program using one operation vs one importing everything.
 *
 * Bundles: `--bundle --minify --format=esm --platform=node`, no externals (node builtins are implicitly external
 * with `--platform=node`), of a program calling one operation through each documented import (the main barrel, the
 * `Api` entry, one group), resolved as a user's bundler does (package `exports`, built `dist/`; this script builds
 * first). `--bundles` prints only those.
 *
 * @since 0.1.0
 */
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Zlib from "node:zlib"
import { defaultSpecPath, load, operations, repoRoot } from "./spec.js"

const generatedDir = Path.join(repoRoot, "packages/resources/src/generated")
const bin = (name: string) => Path.join(repoRoot, "node_modules/.bin", name)

const filesUnder = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(Path.join(dir, entry.name)) : [Path.join(dir, entry.name)]
  )

const time = (command: string, args: ReadonlyArray<string>): number => {
  const started = process.hrtime.bigint()
  try {
    execFileSync(command, args, { cwd: repoRoot, stdio: "pipe" })
  } catch (error) {
    // type errors elsewhere in the project still give a timing; say so
    const output = String((error as { stdout?: unknown }).stdout ?? "")
    console.log(`  (exit code non-zero; first lines: ${output.split("\n").slice(0, 2).join(" | ")})`)
  }
  return Number(process.hrtime.bigint() - started) / 1e6
}

const lines: Array<string> = []
const say = (line: string) => {
  lines.push(line)
  console.log(line)
}

// --- counts ------------------------------------------------------------------------------------------------------
const generatedFiles = filesUnder(generatedDir).filter((f) => f.endsWith(".ts"))
const generatedLines = generatedFiles.reduce((n, f) => n + Fs.readFileSync(f, "utf8").split("\n").length - 1, 0)
const operationsText = Fs.readFileSync(Path.join(generatedDir, "Operations.ts"), "utf8")
const generatedOps = (operationsText.match(/^\s+operationId: "/gm) ?? []).length
const schemaText = filesUnder(Path.join(generatedDir, "schemas")).map((f) => Fs.readFileSync(f, "utf8")).join("\n")
const generatedSchemas = (schemaText.match(/^export const \w+(?:Schema)?: Schema\.Schema</gm) ?? []).length
const streams = (operationsText.match(/paginated: true/g) ?? []).length
if (Fs.existsSync(defaultSpecPath)) {
  const spec = load(defaultSpecPath)
  say(
    `operations: ${generatedOps} generated, ${
      operations(spec).length
    } in the spec (${streams} with a ...Stream variant)`
  )
  say(`schemas: ${generatedSchemas} generated, ${Object.keys(spec.components.schemas).length} in the spec`)
} else {
  say(`operations: ${generatedOps} generated (spec absent: not compared); schemas: ${generatedSchemas} generated`)
}
say(`generated code: ${generatedFiles.length} files, ${generatedLines} lines`)

// what Node loads without a bundler: the import graph of one group module vs the whole generated tree
const closure = (file: string, seen = new Set<string>()): Set<string> => {
  if (seen.has(file)) return seen
  seen.add(file)
  for (const match of Fs.readFileSync(file, "utf8").matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)) {
    closure(Path.resolve(Path.dirname(file), `${match[1]}.ts`), seen)
  }
  return seen
}
const kib = (files: Iterable<string>) => [...files].reduce((n, f) => n + Fs.statSync(f).size, 0) / 1024
const folders = closure(Path.join(generatedDir, "Folders.ts"))
say(
  `unbundled: importing Folders.ts loads ${folders.size} generated files (${
    kib(folders).toFixed(0)
  } KiB of source) of ${generatedFiles.length} (${
    kib(generatedFiles).toFixed(0)
  } KiB): the schemas are split by the groups that use them (schemas/<Group>.ts + schemas/Common.ts)`
)

// `--bundles`: only the bundle sizes (after one build), not the tsc and import timings
const bundlesOnly = process.argv.includes("--bundles")
if (bundlesOnly) {
  time(bin("tsc"), ["-b", "tsconfig.build.json"])
} else {
  // --- tsc ---------------------------------------------------------------------------------------------------------
  const median = (f: () => number) => [f(), f(), f()].sort((a, b) => a - b)[1]!
  const tscSrc = median(() => time(bin("tsc"), ["-b", "packages/resources/tsconfig.src.json", "--force"]))
  say(
    `tsc -b packages/resources/tsconfig.src.json --force (rebuilds rate-limit, core, resources; median of 3): ${
      tscSrc.toFixed(0)
    } ms`
  )
  const tscOnly = median(() => time(bin("tsc"), ["-p", "packages/resources/tsconfig.src.json", "--noEmit"]))
  say(
    `tsc -p packages/resources/tsconfig.src.json --noEmit (resources only, dependencies built; median of 3): ${
      tscOnly.toFixed(0)
    } ms`
  )

  // --- import cost in Node, unbundled (the tsc step above emitted dist/) ----------------------------------------------
  const importCost = (specifier: string): number => {
    const runs = [0, 1, 2].map(() => {
      const out = execFileSync(process.execPath, [
        "--input-type=module",
        "-e",
        `await import("@effect-docspace/core/DocSpaceClient"); const t = performance.now(); await import(${
          JSON.stringify(specifier)
        }); console.log(performance.now() - t)`
      ], { cwd: Path.join(repoRoot, "packages/resources") })
      return Number(String(out).trim())
    }).sort((a, b) => a - b)
    return runs[1]!
  }
  const dist = Path.join(repoRoot, "packages/resources/dist/generated")
  say(
    `node import time after core is loaded (dist, unbundled, median of 3): generated/Folders.js ${
      importCost(Path.join(dist, "Folders.js")).toFixed(0)
    } ms, generated/index.js (every group) ${importCost(Path.join(dist, "index.js")).toFixed(0)} ms`
  )
}

// --- bundles -----------------------------------------------------------------------------------------------------
const outDir = Path.join(repoRoot, "packages/codegen/build/figures")
Fs.mkdirSync(outDir, { recursive: true })
const client = `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Auth from "@effect-docspace/core/Auth"
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceConfig from "@effect-docspace/core/DocSpaceConfig"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
const Live = DocSpaceClient.layer().pipe(
  Layer.provide(DocSpaceConfig.layer({ baseUrl: "https://example.onlyoffice.com", auth: Auth.apiKey(Redacted.make("sk-x")) })),
  Layer.provide(FetchHttpClient.layer)
)
`
// a program calling one operation through each documented import: a bundler must keep only that operation
const programs: Record<string, string> = {
  "client only (no operation)": `${client}
import * as Schema from "effect/Schema"
Effect.runPromise(Effect.provide(DocSpaceClient.request({ operation: "x", method: "GET", path: "/api/2.0/x" }, Schema.Unknown), Live)).then(console.log)
`,
  "one curated operation through the main barrel (import { People } from \"@effect-docspace/resources\")": `${client}
import { People } from "@effect-docspace/resources"
Effect.runPromise(Effect.provide(People.self(), Live)).then(console.log)
`,
  "one generated operation through the Api entry (import * as Api from \"@effect-docspace/resources/Api\")": `${client}
import * as Api from "@effect-docspace/resources/Api"
Effect.runPromise(Effect.provide(Api.Folders.getFolderInfo({ folderId: 1 }), Live)).then(console.log)
`,
  "one generated operation through its group (import * as Folders from \"@effect-docspace/resources/generated/Folders\")":
    `${client}
import * as Folders from "@effect-docspace/resources/generated/Folders"
Effect.runPromise(Effect.provide(Folders.getFolderInfo({ folderId: 1 }), Live)).then(console.log)
`,
  "everything (import * as Api, all used)": `${client}
import * as Api from "@effect-docspace/resources/Api"
console.log(Api, Live, Effect)
`
}
const sizes: Array<[string, number, number]> = []
let n = 0
for (const [name, source] of Object.entries(programs)) {
  const entry = Path.join(outDir, `program${n}.ts`)
  const out = Path.join(outDir, `program${n}.js`)
  n++
  Fs.writeFileSync(entry, source)
  execFileSync(bin("esbuild"), [
    entry,
    "--bundle",
    "--minify",
    "--format=esm",
    "--platform=node",
    `--outfile=${out}`,
    "--log-level=error"
  ], {
    cwd: repoRoot,
    env: { ...process.env, NODE_PATH: Path.join(repoRoot, "packages/resources/node_modules") }
  })
  const bytes = Fs.readFileSync(out)
  sizes.push([name, bytes.length, Zlib.gzipSync(bytes).length])
}
for (const [name, bytes, gzip] of sizes) {
  say(`esbuild bundle, ${name}: ${(bytes / 1024).toFixed(1)} KiB minified, ${(gzip / 1024).toFixed(1)} KiB gzip`)
}

/**
 * `pnpm codegen [spec.yaml]` writes `packages/resources/src/generated/`; `pnpm codegen:check [spec.yaml]`
 * regenerates in memory and fails (exit 1, listing the files) when the committed files differ. Without the spec
 * (it lives outside the repository, in `../shared`), both say so and exit 0.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { generate } from "./generate.js"
import { defaultSpecPath, load, repoRoot } from "./spec.js"

const args = process.argv.slice(2)
const check = args.includes("--check")
const specArg = args.find((arg) => !arg.startsWith("--"))
const specPath = specArg === undefined ? defaultSpecPath : Path.resolve(repoRoot, specArg)
const outDir = Path.join(repoRoot, "packages/resources/src/generated")

if (!Fs.existsSync(specPath)) {
  console.log(`codegen: SKIPPED, the spec is not at ${specPath} (it is not part of the repository).`)
  process.exit(0)
}

const started = Date.now()
const { files, stats } = generate(load(specPath))

const existing = new Set<string>()
const walk = (dir: string) => {
  if (!Fs.existsSync(dir)) return
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
    const full = Path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full)
    else existing.add(Path.relative(outDir, full).split(Path.sep).join("/"))
  }
}
walk(outDir)

if (check) {
  const problems: Array<string> = []
  for (const [file, text] of files) {
    const full = Path.join(outDir, file)
    if (!Fs.existsSync(full)) problems.push(`missing: ${file}`)
    else if (Fs.readFileSync(full, "utf8") !== text) problems.push(`differs: ${file}`)
  }
  for (const file of existing) if (!files.has(file)) problems.push(`not generated (stale): ${file}`)
  if (problems.length > 0) {
    console.error(`codegen:check FAILED: packages/resources/src/generated is not what ${specPath} generates:`)
    for (const problem of problems) console.error(`  ${problem}`)
    console.error("Run `pnpm codegen` and commit the result.")
    process.exit(1)
  }
  console.log(`codegen:check OK: ${files.size} files match ${specPath} (${Date.now() - started} ms)`)
} else {
  for (const file of existing) if (!files.has(file)) Fs.rmSync(Path.join(outDir, file))
  for (const [file, text] of files) {
    const full = Path.join(outDir, file)
    Fs.mkdirSync(Path.dirname(full), { recursive: true })
    if (!Fs.existsSync(full) || Fs.readFileSync(full, "utf8") !== text) Fs.writeFileSync(full, text)
  }
  console.log(
    `codegen: wrote ${files.size} files to ${
      Path.relative(repoRoot, outDir)
    }: ${stats.operations}/${stats.specOperations} operations, ${stats.schemas}/${stats.specSchemas} schemas, ${stats.streams} stream variants, ${stats.multipart} multipart (${
      Date.now() - started
    } ms)`
  )
}

/**
 * Type-checks the code examples in the docs: every ```ts block of README.md and docs/**\/*.md is written to
 * build/docs-examples/ as its own module and compiled with the workspace's tsconfig (scripts/tsconfig.json),
 * against the packages' public exports. A block fenced as ```ts no-check is skipped (for fragments). Also checks
 * that every public export of the packages has JSDoc with `@since`.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"

const root = new URL("..", import.meta.url).pathname
const out = join(root, "build/docs-examples")

const markdownFiles = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith(".md") ? [path] : []
  })

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
let count = 0
for (const file of [join(root, "README.md"), ...markdownFiles(join(root, "docs"))]) {
  const text = readFileSync(file, "utf8")
  const blocks = [...text.matchAll(/^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```/gm)]
  blocks.forEach((block, index) => {
    if (block[2].includes("no-check")) return
    const name = relative(root, file).replace(/[^\w]+/g, "_") + `_${index + 1}.ts`
    const line = text.slice(0, block.index).split("\n").length + 1
    writeFileSync(join(out, name), `// ${relative(root, file)}:${line}\n${block[3]}`)
    count++
  })
}
console.log(`docs: ${count} code examples extracted to ${relative(root, out)}`)

// Every public export (packages/*/src, outside internal/) has a JSDoc block with @since.
const sources = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === "internal" ? [] : sources(path)
    return name.endsWith(".ts") ? [path] : []
  })
const undocumented: Array<string> = []
let exported = 0
for (const pkg of ["rate-limit", "core", "resources", "testing"]) {
  for (const file of sources(join(root, "packages", pkg, "src"))) {
    const lines = readFileSync(file, "utf8").split("\n")
    lines.forEach((line, index) => {
      if (!/^export (?:declare )?(?:const|function|class|interface|type|abstract class|\* as) ?\w/.test(line)) return
      exported++
      let end = index - 1
      while (end >= 0 && lines[end].trim() === "") end--
      let start = end
      while (start >= 0 && !lines[start].includes("/**")) start--
      const block = end >= 0 && lines[end].trim().endsWith("*/") ? lines.slice(start, end + 1).join("\n") : ""
      if (!block.includes("@since")) undocumented.push(`${relative(root, file)}:${index + 1}: ${line.slice(0, 80)}`)
    })
  }
}
if (undocumented.length > 0) {
  console.error(`docs: ${undocumented.length} public exports without JSDoc @since:\n${undocumented.join("\n")}`)
  process.exit(1)
}
console.log(`docs: all ${exported} public exports have JSDoc with @since`)
try {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", join(root, "scripts/tsconfig.json")], { stdio: "inherit" })
  console.log("docs: all examples type-check")
} catch {
  console.error("docs: some examples do not type-check (the first line of each generated file names its source)")
  process.exit(1)
}

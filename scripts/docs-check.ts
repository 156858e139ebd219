/**
 * Type-checks the code examples in the docs: every ```ts block of README.md and docs/**\/*.md is written to
 * build/docs-examples/ as its own module and compiled with the workspace's tsconfig (scripts/tsconfig.json),
 * against the packages' public exports. A block fenced as ```ts no-check is skipped (for fragments).
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
try {
  execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", join(root, "scripts/tsconfig.json")], { stdio: "inherit" })
  console.log("docs: all examples type-check")
} catch {
  console.error("docs: some examples do not type-check (the first line of each generated file names its source)")
  process.exit(1)
}

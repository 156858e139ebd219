/**
 * The route patterns in the package's examples (JSDoc of `src/*.ts` and `docs/testing.md`) name real endpoints:
 * every `"METHOD /api/2.0/..."` string must be an operation of the 3.7 spec with that method, so a user who copies
 * an example mocks what the client really sends. The spec is read from `../shared/docspace-openapi/` (never copied
 * into the repo); when it is absent the test is skipped, loudly.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const repoRoot = path.resolve(packageRoot, "../..")
const specPath = path.join(repoRoot, "..", "shared", "docspace-openapi", "docspace-api-sdk-java-3.7.0", "openapi.yaml")
const specPresent = fs.existsSync(specPath)
if (!specPresent) {
  console.warn(`[doc-routes] SKIPPED: the 3.7 spec is absent at ${specPath}; the example routes were not checked.`)
}

const normalize = (p: string) => p.replace(/\{[^}]*\}/g, "{}")

const sources = [
  ...fs.readdirSync(path.join(packageRoot, "src")).filter((f) => f.endsWith(".ts")).map((f) =>
    path.join(packageRoot, "src", f)
  ),
  path.join(repoRoot, "docs", "testing.md")
]

describe.skipIf(!specPresent)("example routes", () => {
  it("every \"METHOD /api/2.0/...\" in the examples and docs is a spec operation with that method", () => {
    const spec = parse(fs.readFileSync(specPath, "utf8")) as { paths: Record<string, Record<string, unknown>> }
    const operations = new Set<string>()
    for (const [p, item] of Object.entries(spec.paths)) {
      for (const method of Object.keys(item)) operations.add(`${method.toUpperCase()} ${normalize(p)}`)
    }
    const found: Array<string> = []
    const wrong: Array<string> = []
    for (const file of sources) {
      const text = fs.readFileSync(file, "utf8")
      for (const m of text.matchAll(/"(GET|POST|PUT|DELETE|PATCH) (\/api\/2\.0\/[^"\s]*)"/g)) {
        const route = `${m[1]} ${normalize(m[2])}`
        found.push(route)
        if (!operations.has(route)) wrong.push(`${path.relative(repoRoot, file)}: ${m[1]} ${m[2]}`)
      }
    }
    expect(found.length).toBeGreaterThan(5)
    expect(wrong).toEqual([])
  })
})

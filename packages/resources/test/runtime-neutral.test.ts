/**
 * The main entry of `@effect-docspace/resources` runs on any runtime: its import graph (through core and
 * rate-limit) has no `node:*` and no `@effect/platform-node` import; those live behind `@effect-docspace/resources/node`.
 * Nor does it reach `ioredis` (an optional peer, only for `@effect-docspace/rate-limit/RedisStore`).
 * Static analysis of the sources, so it does not depend on what is installed. CI also bundles the README's example
 * for platform=browser (scripts/consumer-smoke.mjs).
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const packages = resolve(dirname(fileURLToPath(import.meta.url)), "../..")

const toSource = (specifier: string, from: string): string | undefined => {
  if (specifier.startsWith(".")) return resolve(dirname(from), specifier.replace(/\.js$/, ".ts"))
  const own = /^@effect-docspace\/([\w-]+)(?:\/(.+))?$/.exec(specifier)
  if (own === null) return undefined
  return join(packages, own[1]!, "src", own[2] === undefined ? "index.ts" : `${own[2]}.ts`)
}

/**
 * Every bare (non-relative, non-workspace) specifier imported at run time from `entry`'s graph, with the file importing
 * it.
 */
const externalImports = (entry: string): Array<{ readonly specifier: string; readonly from: string }> => {
  const seen = new Set<string>()
  const found: Array<{ specifier: string; from: string }> = []
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    if (!existsSync(file)) throw new Error(`missing source ${file}`)
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")
    const specifiers = [
      // type-only imports are erased: not part of what runs
      ...text.matchAll(/^\s*(?:import|export)\s(?!type\s)[^"';]*?\sfrom\s+"([^"]+)"/gm),
      ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
      ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)
    ].map((m) => m[1]!)
    for (const specifier of specifiers) {
      const source = toSource(specifier, file)
      if (source !== undefined) visit(source)
      else found.push({ specifier, from: relative(packages, file) })
    }
  }
  visit(entry)
  return found
}

const nodeOnly = (specifier: string) =>
  specifier.startsWith("node:") || /^@effect\/platform-node(\/|$)/.test(specifier) ||
  ["crypto", "fs", "http", "https", "net", "path", "stream", "url", "os", "buffer"].includes(specifier)

describe("runtime-neutral main entry", () => {
  it("the import graph of @effect-docspace/resources has no node:* or @effect/platform-node import", () => {
    const imports = externalImports(join(packages, "resources/src/index.ts"))
    expect(imports.length).toBeGreaterThan(0)
    expect(imports.filter(({ specifier }) => nodeOnly(specifier))).toEqual([])
  })

  it("nor any import of the optional peer ioredis (the Redis store has its own entry)", () => {
    const imports = externalImports(join(packages, "resources/src/index.ts"))
    expect(imports.filter(({ specifier }) => specifier === "ioredis")).toEqual([])
    const redis = externalImports(join(packages, "rate-limit/src/RedisStore.ts"))
    expect(redis.some(({ specifier }) => specifier === "ioredis")).toBe(true)
  })

  it("nor undici, which the /node entry loads two modules of, never its index", () => {
    expect(
      externalImports(join(packages, "resources/src/index.ts")).filter(({ specifier }) =>
        specifier.startsWith("undici")
      )
    )
      .toEqual([])
    // undici's index loads all of undici and, through its cookies, Node's own bundled undici: 19 MiB and 70 ms more
    // at start-up (internal/undici.ts); so does @effect/platform-node's NodeHttpClient, which imports it
    const node = externalImports(join(packages, "resources/src/node.ts")).map(({ specifier }) => specifier)
    expect(node.filter((specifier) => specifier.startsWith("undici")).sort()).toEqual([
      "undici/lib/api/api-request.js",
      "undici/lib/dispatcher/agent.js"
    ])
    expect(node).not.toContain("@effect/platform-node/NodeHttpClient")
  })

  it("the /node entry is where @effect/platform-node is imported", () => {
    const imports = externalImports(join(packages, "resources/src/node.ts"))
    expect(imports.some(({ specifier }) => specifier.startsWith("@effect/platform-node"))).toBe(true)
  })
})

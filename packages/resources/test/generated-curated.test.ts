// The curated modules write `{operation, method, path}` by hand: each such request must name a spec operation
// (from the generated Operations table) with that operation's method and path template. Read from the sources, so
// that a request on a rarely used path is checked too. Requests that are not spec operations (absolute URLs the
// portal hands out: upload locations, download and presigned URLs) are listed and must not reuse a spec
// operation's name or route.
import * as Operations from "@effect-docspace/resources/generated/Operations"
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const src = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../src")

interface Written {
  readonly file: string
  readonly line: number
  readonly operation: string
  readonly method: string | undefined
  readonly path: string | undefined
}

/** Every object literal of the curated sources holding `operation: "..."`, with its literal method and path. */
const written = (): ReadonlyArray<Written> => {
  const files = [
    ...Fs.readdirSync(src).filter((f) => f.endsWith(".ts")).map((f) => Path.join(src, f)),
    ...Fs.readdirSync(Path.join(src, "internal")).filter((f) => f.endsWith(".ts")).map((f) =>
      Path.join(src, "internal", f)
    )
  ]
  const out: Array<Written> = []
  for (const file of files) {
    const text = Fs.readFileSync(file, "utf8")
    for (const match of text.matchAll(/\boperation: "(\w+)"/g)) {
      // the object literal around it: back to its `{`, forward to the matching `}`
      let depth = 0
      let start = match.index
      for (; start > 0; start--) {
        const c = text[start]
        if (c === "}") depth++
        if (c === "{") {
          if (depth === 0) break
          depth--
        }
      }
      depth = 0
      let end = start
      for (; end < text.length; end++) {
        const c = text[end]
        if (c === "{") depth++
        if (c === "}" && --depth === 0) break
      }
      // only this object's own keys: string contents masked, nested objects (pathParams, urlParams) blanked, both
      // keeping offsets, so that the literals are read from the original text
      const original = text.slice(start + 1, end)
      let own = original.replace(
        /"(?:[^"\\\n]|\\.)*"|`[^`]*`/g,
        (literal) => literal[0] + "x".repeat(literal.length - 2) + literal[0]
      )
      for (let previous = ""; previous !== own;) {
        previous = own
        own = own.replace(/\{[^{}]*\}/g, (nested) => " ".repeat(nested.length))
      }
      const literal = (key: string) => {
        const at = new RegExp(`\\b${key}: "`).exec(own)
        if (at === null) return undefined
        const from = at.index + at[0].length
        return original.slice(from, original.indexOf("\"", from))
      }
      out.push({
        file: Path.relative(src, file),
        line: text.slice(0, match.index).split("\n").length,
        operation: match[1]!,
        method: literal("method"),
        path: literal("path")
      })
    }
  }
  return out
}

const template = (path: string) => path.replace(/\{[^}]+\}/g, "{}")

/**
 * Mismatches found in the curated sources and reported to their owners (the test fails on any other, and on an
 * entry here that is fixed).
 */
const knownMismatches: ReadonlyArray<string> = []

describe("curated requests and the generated Operations table", () => {
  it("every curated operation id names a spec operation with its method and path", () => {
    const requests = written()
    const byId = new Map(Operations.operations.map((o) => [o.operationId, o]))
    const byRoute = new Map(Operations.operations.map((o) => [`${o.method} ${template(o.path)}`, o.operationId]))
    const mismatches: Array<string> = []
    const notSpec = new Set<string>()
    let checked = 0
    for (const r of requests) {
      const where = `${r.file}:${r.line} ${r.operation}`
      const spec = byId.get(r.operation)
      if (spec === undefined) {
        notSpec.add(r.operation)
        const route = r.method !== undefined && r.path !== undefined ? `${r.method} ${template(r.path)}` : undefined
        const owner = route === undefined ? undefined : byRoute.get(route)
        if (owner !== undefined) mismatches.push(`${where}: ${route} is the spec's ${owner}`)
        continue
      }
      checked++
      if (r.method !== undefined && r.method !== spec.method) {
        mismatches.push(`${where}: method ${r.method}, the spec says ${spec.method}`)
      }
      if (r.path !== undefined && template(r.path) !== template(spec.path)) {
        mismatches.push(`${where}: path ${r.path}, the spec says ${spec.path}`)
      }
    }
    console.log(
      `curated requests: ${requests.length} written by hand, ${checked} name a spec operation (method and path ` +
        `checked where literal); not spec operations: ${[...notSpec].sort().join(", ")}`
    )
    const unexpected = mismatches.filter((m) => !knownMismatches.includes(m.replace(/:\d+ /, " ")))
    const fixed = knownMismatches.filter((k) => !mismatches.some((m) => m.replace(/:\d+ /, " ") === k))
    if (mismatches.length > 0) console.log(`mismatches (reported): ${mismatches.join("; ")}`)
    expect(unexpected).toEqual([])
    expect(fixed, "fixed: remove from knownMismatches").toEqual([])
    expect(checked).toBeGreaterThan(40)
    // the requests that are not spec operations are the portal-given URLs, nothing else
    expect([...notSpec].every((id) => /^(download|upload|finalize)/i.test(id)), [...notSpec].join(", ")).toBe(true)
  })
})

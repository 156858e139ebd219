// Every component schema decodes the spec's own example (or, where a schema has none, one built from its
// properties' examples), after the example fixes of packages/codegen/src/overrides.ts (`fixExample`). Needs the
// spec from ../shared; says so and skips when it is absent.
import * as Schemas from "@effect-docspace/resources/generated/Schemas"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Support from "./generated-support.js"

const spec = await Support.loadSpec()

describe.skipIf(spec === undefined)("generated schemas decode the spec's examples", () => {
  it("every example there is decodes (counts printed)", () => {
    const { doc, codegen } = spec!
    const exports = Schemas as unknown as Record<string, Schema.Schema<unknown, unknown>>
    const responseSchemas = Support.responseSchemaNames(doc)
    const counts = { spec: 0, built: 0, none: 0, decoded: 0, responseExamples: 0, responseDecoded: 0, fixed: 0 }
    const rules = new Map<string, number>()
    const failures: Array<string> = []
    const dropped = new Set(codegen.droppedWrappers(doc))
    for (const name of Object.keys(doc.components.schemas)) {
      // envelope wrappers nothing references are not emitted (the operations return their response)
      if (dropped.has(name)) continue
      const schema = exports[codegen.schemaExportOf(doc, name)]
      expect(schema, `export of ${name}`).toBeDefined()
      const example = codegen.exampleOf(doc, name)
      if (example === undefined) {
        counts.none++
        continue
      }
      counts[example.source]++
      if (example.fixes.length > 0) counts.fixed++
      for (const fix of example.fixes) {
        const rule = fix.split(" ")[0]!
        rules.set(rule, (rules.get(rule) ?? 0) + 1)
      }
      const isResponse = responseSchemas.has(name)
      if (isResponse) counts.responseExamples++
      const result = Schema.decodeUnknownEither(schema!, { onExcessProperty: "ignore" })(example.value)
      if (Either.isRight(result)) {
        counts.decoded++
        if (isResponse) counts.responseDecoded++
      } else {
        failures.push(`${name} (${example.source}): ${ParseResult.TreeFormatter.formatErrorSync(result.left)}`)
      }
    }
    console.log(
      `examples: ${counts.spec} from the spec + ${counts.built} built from property examples (${counts.none} schemas ` +
        `have neither); ${counts.decoded}/${counts.spec + counts.built} decode; response schemas: ` +
        `${counts.responseDecoded}/${counts.responseExamples}; ${
          counts.spec + counts.built - counts.fixed
        } decode as ` +
        `given, ${counts.fixed} needed a fix from the ` +
        `overrides (${[...rules].map(([rule, n]) => `${rule}: ${n}`).join(", ")})`
    )
    expect(failures).toEqual([])
    expect(counts.decoded).toBe(counts.spec + counts.built)
  })
})

describe.skipIf(spec !== undefined)("without the spec", () => {
  it("says the example test was skipped", () => {
    console.log(`SKIPPED generated-examples: the spec is not at ${Support.specPath}`)
    expect(spec).toBeUndefined()
  })
})

/**
 * What the generated-code tests in `packages/resources/test` need from the spec: loading it (when present), the
 * exported name of each component schema, and its example (the spec's, or one built from its properties'
 * examples), with the overrides' example fixes applied.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import { identOf, modelOf } from "./generate.js"
import { fixExample, replacedSchemas } from "./overrides.js"
import type { Document, SchemaObject } from "./spec.js"
import { defaultSpecPath, load, operations, refName } from "./spec.js"

/**
 * The default spec, or `undefined` when it is absent (it lives outside the repository).
 *
 * @since 0.1.0
 * @category loading
 */
export const loadDefault = ():
  | Document
  | undefined => (Fs.existsSync(defaultSpecPath) ? load(defaultSpecPath) : undefined)

/**
 * @since 0.1.0
 * @category loading
 */
export { defaultSpecPath, operations }

/**
 * A component schema's exported schema constant (`FileType` enum -> `FileTypeSchema`).
 *
 * @since 0.1.0
 * @category names
 */
export const schemaExportOf = (doc: Document, name: string): string => {
  const s = doc.components.schemas[name]!
  return s.enum !== undefined && replacedSchemas[name] === undefined ? `${identOf(name)}Schema` : identOf(name)
}

/**
 * The envelope wrappers the generator leaves out because nothing references them.
 *
 * @since 0.2.0
 * @category names
 */
export const droppedWrappers = (doc: Document): ReadonlyArray<string> => modelOf(doc).graph.droppedWrappers

/**
 * An example for a component: `spec` when the schema has its own, `built` when assembled from its properties'
 * (and referenced schemas') examples, `undefined` when neither exists. The overrides' fixes are applied.
 *
 * @since 0.1.0
 * @category examples
 */
export const exampleOf = (
  doc: Document,
  name: string
):
  | { readonly source: "spec" | "built"; readonly value: unknown; readonly fixes: ReadonlyArray<string> }
  | undefined =>
{
  const s = doc.components.schemas[name]!
  const fixes: Array<string> = []
  const ref = { $ref: `#/components/schemas/${name}` }
  if (s.example !== undefined) {
    return { source: "spec", value: fixExample(doc, ref, s.example, (fix) => fixes.push(fix)), fixes }
  }
  const built = build(doc, s, new Set([name]))
  return built === undefined
    ? undefined
    : { source: "built", value: fixExample(doc, ref, built, (fix) => fixes.push(fix)), fixes }
}

const build = (doc: Document, s: SchemaObject, seen: Set<string>): unknown => {
  if (s.$ref !== undefined) {
    const name = refName(s.$ref)
    if (seen.has(name)) return undefined
    const target = doc.components.schemas[name]!
    if (target.example !== undefined) return target.example
    return build(doc, target, new Set([...seen, name]))
  }
  if (s.example !== undefined) return s.example
  if (s.allOf !== undefined) {
    const out: Record<string, unknown> = {}
    for (const part of s.allOf) {
      const value = build(doc, part, seen)
      if (typeof value === "object" && value !== null) Object.assign(out, value)
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  if (s.properties !== undefined) {
    const out: Record<string, unknown> = {}
    for (const [key, prop] of Object.entries(s.properties)) {
      const value = build(doc, prop, seen)
      if (value !== undefined) out[key] = value
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  if (s.type === "array" && s.items !== undefined) {
    const item = build(doc, s.items, seen)
    return item === undefined ? undefined : [item]
  }
  return undefined
}

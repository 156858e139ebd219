/**
 * Phase 1, read: the spec's component schemas with the overrides applied (property renames, property types, the
 * envelope's `total`). Everything later reads the corrected components, never the raw spec's.
 *
 * @since 0.2.0
 */
import * as Overrides from "./overrides.js"
import type { Document, SchemaObject } from "./spec.js"

/**
 * A `...Wrapper` schema: the response envelope `{response, count, links, status, statusCode}`.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isWrapper = (s: SchemaObject): boolean =>
  s.properties?.response !== undefined && s.properties?.statusCode !== undefined

/**
 * The component schemas with every schema override applied, in the spec's order.
 *
 * @since 0.2.0
 * @category reading
 */
export const correctedComponents = (spec: Document): ReadonlyMap<string, SchemaObject> => {
  const components = new Map<string, SchemaObject>()
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    let s = schema
    for (const rename of Overrides.propertyRenames) {
      if (rename.schema === name && s.properties?.[rename.from] !== undefined) {
        const properties: Record<string, SchemaObject> = {}
        for (const [k, v] of Object.entries(s.properties)) properties[k === rename.from ? rename.to : k] = v
        s = { ...s, properties, required: s.required?.map((r) => (r === rename.from ? rename.to : r)) ?? [] }
      }
    }
    const typeOverrides = Overrides.propertyTypes[name]
    if (typeOverrides !== undefined && s.properties !== undefined) {
      const properties: Record<string, SchemaObject> = { ...s.properties }
      for (const [prop, o] of Object.entries(typeOverrides)) {
        const previous = properties[prop]
        properties[prop] = {
          ...(previous?.description !== undefined ? { description: previous.description } : {}),
          nullable: true,
          type: "array",
          items: { $ref: `#/components/schemas/${o.arrayOf}` }
        }
      }
      s = { ...s, properties }
    }
    const secrets = Overrides.secretProperties[name]
    if (secrets !== undefined && s.properties !== undefined) {
      const properties: Record<string, SchemaObject> = { ...s.properties }
      for (const prop of secrets) {
        const previous = properties[prop]
        if (previous !== undefined) properties[prop] = { ...previous, "x-secret": true }
      }
      s = { ...s, properties }
    }
    if (Overrides.wrapperTotal && isWrapper(s) && s.properties?.total === undefined) {
      s = {
        ...s,
        properties: {
          ...s.properties,
          total: {
            type: "integer",
            description: "The number of items in the whole list, when the portal says (paged lists only)."
          }
        }
      }
    }
    components.set(name, s)
  }
  return components
}

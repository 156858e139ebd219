/**
 * Phase 2, naming: how spec names become TypeScript identifiers (exported schema names, operation functions,
 * object keys). Pure functions of a name; no spec needed.
 *
 * @since 0.2.0
 */

/**
 * A name usable as an identifier without quotes.
 *
 * @since 0.2.0
 * @category names
 */
export const isIdentifier = (name: string): boolean => /^[A-Za-z_$][\w$]*$/.test(name)

/**
 * An object key: the name itself, or quoted.
 *
 * @since 0.2.0
 * @category names
 */
export const key = (name: string): string => (isIdentifier(name) ? name : JSON.stringify(name))

/**
 * PascalCase of a name, dropping every character that is not a letter or digit.
 *
 * @since 0.2.0
 * @category names
 */
export const pascal = (name: string): string =>
  name.split(/[^A-Za-z0-9]+/).filter((part) => part.length > 0).map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("")

/**
 * camelCase of a name.
 *
 * @since 0.2.0
 * @category names
 */
export const camel = (name: string): string => {
  const p = pascal(name)
  return p[0]!.toLowerCase() + p.slice(1)
}

const reserved = new Set([
  "Date",
  "Array",
  "Object",
  "String",
  "Number",
  "Boolean",
  "Record",
  "Schema",
  "Effect",
  "Stream",
  "Error",
  "Map",
  "Set",
  "Promise",
  "Symbol",
  "Blob",
  "File",
  "FormData",
  "Runtime",
  "Pagination",
  "DocSpaceClient",
  "DocSpaceError",
  "Redacted"
])

/**
 * The exported name of a component schema (PascalCase; a name that would shadow a global gets `Dto`). Enums
 * export their schema as `<name>Schema`, objects their wire type as `<name>Encoded`.
 *
 * @since 0.1.0
 * @category names
 */
export const identOf = (name: string): string => {
  const ident = pascal(name)
  return reserved.has(ident) ? `${ident}Dto` : ident
}

/**
 * What a component is generated as.
 *
 * @since 0.2.0
 * @category models
 */
export interface Component {
  readonly kind: "enum" | "schema"
  readonly ident: string
}

/**
 * The identifier of every component, refusing two components that would generate the same exported name.
 *
 * @since 0.2.0
 * @category names
 */
export const identifiers = (
  components: ReadonlyMap<string, { readonly enum?: ReadonlyArray<unknown> }>,
  replaced: (name: string) => boolean
): ReadonlyMap<string, Component> => {
  const idents = new Map<string, Component>()
  const taken = new Map<string, string>()
  for (const [name, s] of components) {
    const ident = identOf(name)
    const isEnum = s.enum !== undefined && !replaced(name)
    const names = isEnum ? [ident, `${ident}Schema`] : [ident, `${ident}Encoded`]
    for (const n of names) {
      const other = taken.get(n)
      if (other !== undefined) throw new Error(`name collision: ${name} and ${other} both generate ${n}`)
      taken.set(n, name)
    }
    idents.set(name, { kind: isEnum ? "enum" : "schema", ident })
  }
  return idents
}

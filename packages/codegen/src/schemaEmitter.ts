/**
 * Phase 4, schema emitter: maps a spec schema to a `Schema` expression with its decoded and wire types, and
 * writes the component schema modules (`generated/schemas/*.ts`).
 *
 * @since 0.2.0
 */
import type { Graph } from "./graph.js"
import type { Component } from "./naming.js"
import { key, pascal } from "./naming.js"
import * as Overrides from "./overrides.js"
import type { SchemaObject } from "./spec.js"
import { refName } from "./spec.js"
import { clean, doc, Imports } from "./text.js"

/**
 * A schema as code: a `Schema` expression, its decoded type and its wire type.
 *
 * @since 0.2.0
 * @category models
 */
export interface Mapped {
  readonly code: string
  readonly type: string
  readonly encoded: string
}

/**
 * What the emitters share: the corrected components, their identifiers and the graph.
 *
 * @since 0.2.0
 * @category models
 */
export interface Model {
  readonly components: ReadonlyMap<string, SchemaObject>
  readonly idents: ReadonlyMap<string, Component>
  readonly graph: Graph
}

/**
 * Where code is being written: the module (`schemas/Common`, `Folders`), its imports, and the components of the
 * module already emitted (a reference to a later one of the same module is suspended).
 *
 * @since 0.2.0
 * @category models
 */
export interface Ctx {
  readonly module: string
  readonly imports: Imports
  readonly emitted: ReadonlySet<string>
}

/**
 * The relative import specifier from one generated module to another (`schemas/Common` -> `../Folders.js`).
 *
 * @since 0.2.0
 * @category modules
 */
export const specifierFrom = (from: string, to: string): string => {
  const fromDir = from.includes("/") ? from.slice(0, from.lastIndexOf("/")) : ""
  const toDir = to.includes("/") ? to.slice(0, to.lastIndexOf("/")) : ""
  const toFile = to.slice(to.lastIndexOf("/") + 1)
  if (fromDir === toDir) return `./${toFile}.js`
  if (fromDir === "") return `./${to}.js`
  if (toDir === "") return `../${toFile}.js`
  return `../${to}.js`
}

const aliasOf = (module: string) => {
  const name = module.slice(module.lastIndexOf("/") + 1)
  return name === "Common" || name === "Unreferenced" ? name : `${name}Schemas`
}

/**
 * The `Schema` namespace alias in a module.
 *
 * @since 0.2.0
 * @category modules
 */
export const schemaNs = (ctx: Ctx): string => ctx.imports.use("effect/Schema", "Schema", true)

/**
 * The generated runtime's alias in a module.
 *
 * @since 0.2.0
 * @category modules
 */
export const runtimeNs = (ctx: Ctx, value = true): string =>
  ctx.imports.use(specifierFrom(ctx.module, "internal/runtime"), "Runtime", value)

/**
 * The schema mapper of a model.
 *
 * @since 0.2.0
 * @category models
 */
export interface Mapper {
  /** A schema as code. */
  readonly map: (ctx: Ctx, s: SchemaObject) => Mapped
  /** A component as code (without its own nullability). */
  readonly refMapped: (ctx: Ctx, name: string) => Mapped
  /** The properties of an object schema, `allOf` flattened. */
  readonly flattenAllOf: (s: SchemaObject) => SchemaObject
  /** The schema is `nullable`, or references a component that is. */
  readonly isNullable: (s: SchemaObject) => boolean
}

/**
 * Builds the mapper of a model.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMapper = (model: Model): Mapper & { readonly internals: Internals } => {
  const { components, idents, graph } = model

  const qualify = (ctx: Ctx, name: string, ident: string, value: boolean) => {
    const module = graph.moduleOf.get(name)
    if (module === undefined) throw new Error(`${name} is referenced but not emitted`)
    if (module === ctx.module) return ident
    const alias = ctx.imports.use(specifierFrom(ctx.module, module), aliasOf(module), value)
    return `${alias}.${ident}`
  }

  const refMapped = (ctx: Ctx, name: string): Mapped => {
    const component = idents.get(name)
    if (component === undefined) throw new Error(`unknown $ref ${name}`)
    if (component.kind === "enum") {
      const type = qualify(ctx, name, component.ident, false)
      return { code: qualify(ctx, name, `${component.ident}Schema`, true), type, encoded: type }
    }
    const type = qualify(ctx, name, component.ident, false)
    const encoded = qualify(ctx, name, `${component.ident}Encoded`, false)
    const value = qualify(ctx, name, component.ident, true)
    if (graph.moduleOf.get(name) === ctx.module && !ctx.emitted.has(name)) {
      const S = schemaNs(ctx)
      return { code: `${S}.suspend((): ${S}.Schema<${type}, ${encoded}> => ${value})`, type, encoded }
    }
    return { code: value, type, encoded }
  }

  const flattenAllOf = (s: SchemaObject): SchemaObject => {
    const properties: Record<string, SchemaObject> = {}
    const required = new Set<string>()
    const visit = (part: SchemaObject) => {
      const resolved = part.$ref !== undefined ? components.get(refName(part.$ref))! : part
      if (resolved.allOf !== undefined) resolved.allOf.forEach(visit)
      Object.assign(properties, resolved.properties ?? {})
      for (const r of resolved.required ?? []) required.add(r)
    }
    visit(s)
    return {
      ...(s.description !== undefined ? { description: s.description } : {}),
      type: "object",
      properties,
      required: [...required]
    }
  }

  const isDate = (s: SchemaObject) => s.type === "string" && Overrides.dateTimeFormats.includes(s.format ?? "")

  const enumNames = (s: SchemaObject): ReadonlyArray<string> => {
    const values = s.enum ?? []
    const given = s["x-enum-varnames"]
    if (given !== undefined && given.length === values.length) return given.map((n) => pascal(n) || "Value")
    const described = new Map<string, string>()
    for (const match of (s.description ?? "").matchAll(/(-?\d+)\s*-\s*([A-Za-z][\w]*)/g)) {
      described.set(match[1]!, match[2]!)
    }
    return values.map((v) => described.get(String(v)) ?? (typeof v === "string" ? pascal(v) || "Value" : `Value${v}`))
  }

  const enumType = (s: SchemaObject) => {
    const literals = (s.enum ?? []).map((v) => JSON.stringify(v))
    return s.type === "string"
      ? [...literals, "(string & {})", "number"].join(" | ")
      : [...literals, "(number & {})"].join(" | ")
  }

  const enumCode = (ctx: Ctx, identifier: string, s: SchemaObject, type: string, members: string) =>
    `${runtimeNs(ctx)}.${s.type === "string" ? "stringEnum" : "intEnum"}<${type}>(${
      JSON.stringify(identifier)
    }, ${members}, ${JSON.stringify((s.enum ?? []).map((v, i) => `${v} = ${enumNames(s)[i]}`).join(", "))})`

  const enumMembers = (s: SchemaObject): string => {
    const names = enumNames(s)
    const seen = new Map<string, number>()
    return `{ ${
      (s.enum ?? []).map((v, i) => {
        let n = names[i]!
        const count = seen.get(n) ?? 0
        seen.set(n, count + 1)
        if (count > 0) n = `${n}${count + 1}`
        if (/^\d/.test(n)) n = `Value${n}`
        return `${key(n)}: ${JSON.stringify(v)}`
      }).join(", ")
    } }`
  }

  const isNullable = (s: SchemaObject): boolean =>
    s.nullable === true || (s.$ref !== undefined && components.get(refName(s.$ref))?.nullable === true)

  const nullable = (ctx: Ctx, m: Mapped, s: SchemaObject): Mapped =>
    isNullable(s) && m.type !== "unknown"
      ? { code: `${schemaNs(ctx)}.NullOr(${m.code})`, type: `${m.type} | null`, encoded: `${m.encoded} | null` }
      : m

  const unknown: Mapped = { code: "", type: "unknown", encoded: "unknown" }
  const unknownIn = (ctx: Ctx): Mapped => ({ ...unknown, code: `${schemaNs(ctx)}.Unknown` })

  const map = (ctx: Ctx, s: SchemaObject): Mapped => nullable(ctx, mapNonNull(ctx, s), s)

  const mapNonNull = (ctx: Ctx, s: SchemaObject): Mapped => {
    const S = schemaNs(ctx)
    if (s.$ref !== undefined) return refMapped(ctx, refName(s.$ref))
    if (s.allOf !== undefined) return struct(ctx, flattenAllOf(s))
    const members = s.oneOf ?? s.anyOf
    if (members !== undefined) {
      const mapped = members.map((m) => map(ctx, m))
      return {
        code: `${S}.Union(${mapped.map((m) => m.code).join(", ")})`,
        type: mapped.map((m) => m.type).join(" | "),
        encoded: mapped.map((m) => m.encoded).join(" | ")
      }
    }
    if (s.enum !== undefined) {
      const type = enumType(s)
      return { code: enumCode(ctx, "enum", s, type, enumMembers(s)), type, encoded: type }
    }
    switch (s.type) {
      case "string":
        return isDate(s)
          ? {
            code: `${runtimeNs(ctx)}.DateTime`,
            type: "Date",
            encoded: `string | ${runtimeNs(ctx, false)}.DateTimeObject`
          }
          : s["x-secret"] === true
          ? {
            code: `${S}.Redacted(${S}.String)`,
            type: `${ctx.imports.use("effect/Redacted", "Redacted", false)}.Redacted<string>`,
            encoded: "string"
          }
          : { code: `${S}.String`, type: "string", encoded: "string" }
      case "integer":
      case "number":
        return { code: `${S}.Number`, type: "number", encoded: "number" }
      case "boolean":
        return { code: `${S}.Boolean`, type: "boolean", encoded: "boolean" }
      case "array": {
        const item = s.items === undefined ? unknownIn(ctx) : map(ctx, s.items)
        return {
          code: `${S}.Array(${item.code})`,
          type: `ReadonlyArray<${item.type}>`,
          encoded: `ReadonlyArray<${item.encoded}>`
        }
      }
      case "object":
      case undefined: {
        if (s.properties !== undefined && Object.keys(s.properties).length > 0) return struct(ctx, s)
        if (typeof s.additionalProperties === "object") {
          const value = map(ctx, s.additionalProperties)
          return {
            code: `${S}.Record({ key: ${S}.String, value: ${value.code} })`,
            type: `{ readonly [key: string]: ${value.type} }`,
            encoded: `{ readonly [key: string]: ${value.encoded} }`
          }
        }
        if (s.type === "object" && !Overrides.bareObjectIsAnyJson) {
          return {
            code: `${S}.Record({ key: ${S}.String, value: ${S}.Unknown })`,
            type: "{ readonly [key: string]: unknown }",
            encoded: "{ readonly [key: string]: unknown }"
          }
        }
        return unknownIn(ctx)
      }
      default:
        return unknownIn(ctx)
    }
  }

  const fieldsOf = (ctx: Ctx, s: SchemaObject): ReadonlyArray<Field> => {
    const required = new Set(s.required ?? [])
    return Object.entries(s.properties ?? {}).map(([name, prop]): Field => {
      const propNullable = isNullable(prop)
      // the null is expressed by the field (optionalWith nullable), not by the value's schema
      const mapped = mapNonNull(ctx, prop)
      const optional = !required.has(name) || (Overrides.nullableMeansOptional && propNullable)
      const S = schemaNs(ctx)
      const code = !optional
        ? (propNullable ? `${S}.NullOr(${mapped.code})` : mapped.code)
        : propNullable
        ? `${S}.optionalWith(${mapped.code}, { nullable: true })`
        : `${S}.optional(${mapped.code})`
      return {
        name,
        optional,
        mapped: !optional && propNullable ? nullable(ctx, mapped, prop) : mapped,
        code,
        description: clean(
          prop.description ?? (prop.$ref ? components.get(refName(prop.$ref))?.description : undefined)
        ),
        nullable: propNullable
      }
    })
  }

  const typeMembers = (fields: ReadonlyArray<Field>, which: "type" | "encoded", docs: boolean, rest: boolean) => [
    ...(rest ? ["readonly [key: string]: unknown"] : []),
    ...fields.map((f) => {
      const t = which === "type" ? f.mapped.type : f.mapped.encoded
      const suffix = f.optional ? (which === "encoded" && f.nullable ? " | null | undefined" : " | undefined") : ""
      const d = docs && f.description !== undefined ? doc([f.description]) : ""
      return `${d}readonly ${key(f.name)}${f.optional ? "?" : ""}: ${t}${suffix}`
    })
  ]

  const restCode = (ctx: Ctx) =>
    `${schemaNs(ctx)}.Record({ key: ${schemaNs(ctx)}.String, value: ${schemaNs(ctx)}.Unknown })`

  const struct = (ctx: Ctx, s: SchemaObject, rest = false): Mapped => {
    const fields = fieldsOf(ctx, s)
    return {
      code: `${schemaNs(ctx)}.Struct({ ${fields.map((f) => `${key(f.name)}: ${f.code}`).join(", ")} }${
        rest ? `, ${restCode(ctx)}` : ""
      })`,
      type: `{ ${typeMembers(fields, "type", false, rest).join("; ")} }`,
      encoded: `{ ${typeMembers(fields, "encoded", false, rest).join("; ")} }`
    }
  }

  return {
    map,
    refMapped,
    flattenAllOf,
    isNullable,
    internals: { fieldsOf, typeMembers, restCode, enumMembers, enumType, enumCode, mapNonNull }
  }
}

interface Field {
  readonly name: string
  readonly optional: boolean
  readonly mapped: Mapped
  readonly code: string
  readonly description: string | undefined
  readonly nullable: boolean
}

/**
 * The pieces of the mapper the schema modules use.
 *
 * @since 0.2.0
 * @category models
 */
export interface Internals {
  readonly fieldsOf: (ctx: Ctx, s: SchemaObject) => ReadonlyArray<Field>
  readonly typeMembers: (
    fields: ReadonlyArray<Field>,
    which: "type" | "encoded",
    docs: boolean,
    rest: boolean
  ) => ReadonlyArray<string>
  readonly restCode: (ctx: Ctx) => string
  readonly enumMembers: (s: SchemaObject) => string
  readonly enumType: (s: SchemaObject) => string
  readonly enumCode: (ctx: Ctx, identifier: string, s: SchemaObject, type: string, members: string) => string
  readonly mapNonNull: (ctx: Ctx, s: SchemaObject) => Mapped
}

/**
 * Writes the component schema modules: each component's type, wire type and schema, dependencies first within a
 * module (a cycle is broken with `Schema.suspend`). A `nullable` component is emitted without its null; every
 * reference to it adds the null.
 *
 * @since 0.2.0
 * @category emitting
 */
export const emitSchemaModules = (
  model: Model,
  mapper: ReturnType<typeof makeMapper>
): { readonly files: ReadonlyMap<string, string>; readonly modules: ReadonlyArray<string>; readonly count: number } => {
  const { components, idents, graph } = model
  const { fieldsOf, typeMembers, restCode, enumMembers, enumType, enumCode, mapNonNull } = mapper.internals
  const files = new Map<string, string>()
  const modules = [...new Set(graph.moduleOf.values())].sort()
  let count = 0
  for (const module of modules) {
    const names = [...components.keys()].filter((n) => graph.moduleOf.get(n) === module)
    const order: Array<string> = []
    const state = new Set<string>()
    const visit = (name: string) => {
      if (state.has(name)) return
      state.add(name)
      for (const d of graph.deps.get(name) ?? []) if (graph.moduleOf.get(d) === module) visit(d)
      order.push(name)
    }
    names.sort().forEach(visit)

    const imports = new Imports()
    const emitted = new Set<string>()
    const ctx: Ctx = { module, imports, emitted }
    const S = schemaNs(ctx)
    const chunks: Array<string> = []
    for (const name of order) {
      const s = components.get(name)!
      const { ident, kind } = idents.get(name)!
      const description = clean(s.description)
      const deprecated = s.deprecated === true ? "@deprecated" : undefined
      if (Overrides.replacedSchemas[name] === "DateTime") {
        chunks.push(
          doc([
            description,
            "",
            "On the wire an ISO 8601 string (`2026-11-27T04:00:00.0000000+00:00`); the object the spec describes",
            "(`{utcTime, timeZoneOffset}`) is accepted too. Decoded to a `Date`, sent as an ISO string (see the",
            "codegen overrides).",
            "",
            "@since 0.1.0",
            "@category dates"
          ]) + `export type ${ident} = Date\n`,
          doc([`The wire form of {@link ${ident}}.`, "", "@since 0.1.0", "@category dates"]) +
            `export type ${ident}Encoded = string | ${runtimeNs(ctx, false)}.DateTimeObject\n`,
          doc([description, "", "@since 0.1.0", "@category dates"]) +
            `export const ${ident}: ${S}.Schema<${ident}, ${ident}Encoded> = ${runtimeNs(ctx)}.DateTime\n`
        )
      } else if (kind === "enum") {
        chunks.push(
          doc([
            description,
            "",
            `The named values of {@link ${ident}}; the server may send others (kept as they are).`,
            "",
            "@since 0.1.0",
            "@category enums"
          ]) + `export const ${ident} = ${enumMembers(s)} as const\n`,
          doc([description, "", "@since 0.1.0", "@category enums"]) + `export type ${ident} = ${enumType(s)}\n`,
          doc([`The schema of {@link ${ident}}.`, "", "@since 0.1.0", "@category enums"]) +
            `export const ${ident}Schema: ${S}.Schema<${ident}> = /*#__PURE__*/ ${runtimeNs(ctx)}.lazy(${
              JSON.stringify(ident)
            }, () => ${enumCode(ctx, ident, s, ident, ident)})\n`
        )
      } else if (s.allOf !== undefined || (s.properties !== undefined && Object.keys(s.properties).length > 0)) {
        const flat = s.allOf !== undefined ? mapper.flattenAllOf(s) : s
        const rest = Overrides.keepExtraFieldsOfDerivedBases && s["x-derived-types"] !== undefined
        const fields = fieldsOf(ctx, flat)
        const struct = `${S}.Struct({\n${fields.map((f) => `${key(f.name)}: ${f.code}`).join(",\n")}\n}${
          rest ? `, ${restCode(ctx)}` : ""
        }).annotations({ identifier: ${JSON.stringify(name)} })`
        const jsonString = Overrides.objectsAlsoAsJsonString(s)
        const encodedMembers = typeMembers(fields, "encoded", false, rest).join("\n")
        chunks.push(
          doc([description, "", deprecated, "@since 0.1.0", "@category schemas"]) +
            `export interface ${ident} {\n${typeMembers(fields, "type", true, rest).join("\n")}\n}\n`,
          doc([
            `The wire form of {@link ${ident}}${
              jsonString ? " (also accepted serialized in a JSON string, as the spec's example is)" : ""
            }.`,
            "",
            "@since 0.1.0",
            "@category schemas"
          ]) +
            (jsonString
              ? `export type ${ident}Encoded = {\n${encodedMembers}\n} | string\n`
              : `export interface ${ident}Encoded {\n${encodedMembers}\n}\n`),
          doc([description, "", deprecated, "@since 0.1.0", "@category schemas"]) +
            `export const ${ident}: ${S}.Schema<${ident}, ${ident}Encoded> = /*#__PURE__*/ ${runtimeNs(ctx)}.lazy(${
              JSON.stringify(name)
            }, () => ${jsonString ? `${runtimeNs(ctx)}.orJsonString(${struct})` : struct})\n`
        )
      } else {
        const mapped = mapNonNull(ctx, s)
        chunks.push(
          doc([description, "", deprecated, "@since 0.1.0", "@category schemas"]) +
            `export type ${ident} = ${mapped.type}\n`,
          doc([`The wire form of {@link ${ident}}.`, "", "@since 0.1.0", "@category schemas"]) +
            `export type ${ident}Encoded = ${mapped.encoded}\n`,
          doc([description, "", deprecated, "@since 0.1.0", "@category schemas"]) +
            `export const ${ident}: ${S}.Schema<${ident}, ${ident}Encoded> = /*#__PURE__*/ ${runtimeNs(ctx)}.lazy(${
              JSON.stringify(name)
            }, () => ${S}.asSchema(${mapped.code}))\n`
        )
      }
      emitted.add(name)
      count++
    }
    const title = module === "schemas/Common"
      ? "Component schemas used by more than one API group."
      : module === "schemas/Unreferenced"
      ? "Component schemas that no operation references (kept for completeness)."
      : `Component schemas used only by the ${module.slice(module.lastIndexOf("/") + 1)} operations.`
    files.set(
      `${module}.ts`,
      `${doc([title, "", "@since 0.1.0"])}${imports.render(chunks.join("\n"))}\n\n${chunks.join("\n")}`
    )
  }
  return { files, modules, count }
}

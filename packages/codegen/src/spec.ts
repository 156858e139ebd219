/**
 * The parts of an OpenAPI 3.0 document the generator reads, and loading it.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { parse } from "yaml"

/**
 * @since 0.1.0
 * @category models
 */
export interface SchemaObject {
  readonly $ref?: string
  readonly type?: string
  readonly format?: string
  readonly description?: string
  readonly nullable?: boolean
  readonly required?: ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, SchemaObject>>
  readonly additionalProperties?: boolean | SchemaObject
  readonly items?: SchemaObject
  readonly enum?: ReadonlyArray<string | number>
  readonly "x-enum-varnames"?: ReadonlyArray<string>
  readonly "x-derived-types"?: ReadonlyArray<string>
  readonly allOf?: ReadonlyArray<SchemaObject>
  readonly oneOf?: ReadonlyArray<SchemaObject>
  readonly anyOf?: ReadonlyArray<SchemaObject>
  readonly example?: unknown
  readonly deprecated?: boolean
  /** Set by the generator for a secret string (see `Overrides.secretProperties`), never by the spec. */
  readonly "x-secret"?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ParameterObject {
  readonly name: string
  readonly in: "path" | "query" | "header" | "cookie"
  readonly description?: string
  readonly required?: boolean
  readonly schema: SchemaObject
  readonly style?: string
  readonly explode?: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MediaTypeObject {
  readonly schema?: SchemaObject
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ResponseObject {
  readonly description?: string
  readonly content?: Readonly<Record<string, MediaTypeObject>>
  readonly headers?: Readonly<Record<string, { readonly description?: string }>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OperationObject {
  readonly operationId: string
  readonly summary?: string
  readonly description?: string
  readonly tags?: ReadonlyArray<string>
  readonly deprecated?: boolean
  readonly parameters?: ReadonlyArray<ParameterObject>
  readonly requestBody?: {
    readonly required?: boolean
    readonly description?: string
    readonly content: Readonly<Record<string, MediaTypeObject>>
  }
  readonly responses: Readonly<Record<string, ResponseObject>>
  /** Alternatives: any one of them, each naming the schemes it needs together. */
  readonly security?: ReadonlyArray<Readonly<Record<string, ReadonlyArray<string>>>>
}

/**
 * @since 0.2.0
 * @category models
 */
export interface SecuritySchemeObject {
  readonly type: "apiKey" | "http" | "oauth2" | "openIdConnect"
  readonly description?: string
  readonly name?: string
  readonly in?: "header" | "query" | "cookie"
  readonly scheme?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Document {
  readonly info: { readonly version: string; readonly title?: string }
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>
  readonly components: {
    readonly schemas: Readonly<Record<string, SchemaObject>>
    readonly securitySchemes?: Readonly<Record<string, SecuritySchemeObject>>
  }
}

/**
 * The HTTP methods an OpenAPI path item can hold.
 *
 * @since 0.1.0
 * @category constants
 */
export const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const

/**
 * The repository root (this file is `packages/codegen/src/spec.ts`).
 *
 * @since 0.1.0
 * @category constants
 */
export const repoRoot: string = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../../..")

/**
 * The default spec: `../shared/docspace-openapi/docspace-api-sdk-java-3.7.0/openapi.yaml`, relative to the
 * repository root (not the working directory).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSpecPath: string = Path.resolve(
  repoRoot,
  "../shared/docspace-openapi/docspace-api-sdk-java-3.7.0/openapi.yaml"
)

/**
 * Reads and parses a spec (YAML or JSON).
 *
 * @since 0.1.0
 * @category loading
 */
export const load = (path: string): Document => parse(Fs.readFileSync(path, "utf8"), { maxAliasCount: -1 }) as Document

/**
 * One operation with its method and path.
 *
 * @since 0.1.0
 * @category models
 */
export interface Operation {
  readonly method: string
  readonly path: string
  readonly op: OperationObject
}

/**
 * Every operation of a spec, in document order.
 *
 * @since 0.1.0
 * @category loading
 */
export const operations = (doc: Document): ReadonlyArray<Operation> => {
  const out: Array<Operation> = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of methods) {
      const op = item[method]
      if (op !== undefined) out.push({ method: method.toUpperCase(), path, op })
    }
  }
  return out
}

/**
 * The name a `$ref` points at (`#/components/schemas/Name` -> `Name`).
 *
 * @since 0.1.0
 * @category utils
 */
export const refName = (ref: string): string => ref.slice(ref.lastIndexOf("/") + 1)

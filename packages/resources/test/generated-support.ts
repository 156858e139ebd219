// Test support for the generated-code tests: the spec (read through packages/codegen, which owns the YAML parser
// and the overrides) and a client over @effect-docspace/testing's MockTransport.
import { Auth } from "@effect-docspace/core"
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceConfig from "@effect-docspace/core/DocSpaceConfig"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as MockTransport from "@effect-docspace/testing/MockTransport"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const here = Path.dirname(fileURLToPath(import.meta.url))

/** The spec the generator reads by default. */
export const specPath = Path.resolve(
  here,
  "../../../../shared/docspace-openapi/docspace-api-sdk-java-3.7.0/openapi.yaml"
)

export interface SchemaObject {
  readonly $ref?: string
  readonly type?: string
  readonly properties?: Readonly<Record<string, SchemaObject>>
  readonly items?: SchemaObject
  readonly enum?: ReadonlyArray<unknown>
}

export interface Doc {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationObject>>>>
  readonly components: { readonly schemas: Readonly<Record<string, SchemaObject>> }
}

export interface OperationObject {
  readonly operationId: string
  readonly parameters?: ReadonlyArray<{ readonly name: string; readonly in: string; readonly required?: boolean }>
  readonly responses: Readonly<
    Record<string, { readonly content?: Readonly<Record<string, { schema?: SchemaObject }>> }>
  >
}

/** The part of packages/codegen/src/testSupport.ts the tests use. */
export interface Codegen {
  readonly loadDefault: () => Doc | undefined
  readonly operations: (doc: Doc) => ReadonlyArray<{ method: string; path: string; op: OperationObject }>
  readonly schemaExportOf: (doc: Doc, name: string) => string
  /** The envelope wrappers the generator leaves out (nothing references them). */
  readonly droppedWrappers: (doc: Doc) => ReadonlyArray<string>
  readonly exampleOf: (
    doc: Doc,
    name: string
  ) => { readonly source: "spec" | "built"; readonly value: unknown; readonly fixes: ReadonlyArray<string> } | undefined
}

/** The spec and the codegen helpers, or `undefined` when the spec is absent. */
export const loadSpec = async (): Promise<{ readonly doc: Doc; readonly codegen: Codegen } | undefined> => {
  // imported by URL: packages/codegen is a build tool, not a dependency of this package
  const url = pathToFileURL(Path.resolve(here, "../../codegen/src/testSupport.ts")).href
  const codegen = (await import(/* @vite-ignore */ url)) as Codegen
  const doc = codegen.loadDefault()
  return doc === undefined ? undefined : { doc, codegen }
}

/** The component schemas a 2xx response refers to (wrappers and what they wrap, directly). */
export const responseSchemaNames = (doc: Doc): ReadonlySet<string> => {
  const names = new Set<string>()
  const add = (s: SchemaObject | undefined) => {
    if (s === undefined) return
    if (s.$ref !== undefined) {
      const name = s.$ref.slice(s.$ref.lastIndexOf("/") + 1)
      if (names.has(name)) return
      names.add(name)
      add(doc.components.schemas[name]?.properties?.response)
      return
    }
    add(s.items)
  }
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (!status.startsWith("2")) continue
        for (const media of Object.values(response.content ?? {})) add(media.schema)
      }
    }
  }
  return names
}

export const baseUrl = "https://portal.example.com"

/** A `DocSpaceClient` over a MockTransport with the given routes (API-key auth, no proactive rate limit). */
export const layer = (routes: MockTransport.Routes) =>
  DocSpaceClient.layer().pipe(
    Layer.provide(DocSpaceConfig.layer({
      baseUrl,
      auth: Auth.apiKey(Redacted.make(`sk-${"ab".repeat(32)}`)),
      rateLimit: RateLimitPolicy.unlimited
    })),
    Layer.provideMerge(MockTransport.layer(routes)),
    Layer.orDie
  )

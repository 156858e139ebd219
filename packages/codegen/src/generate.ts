/**
 * Turns the spec into the files of `packages/resources/src/generated/`, in phases, one module each:
 *
 * 1. `read`: the components with the overrides applied;
 * 2. `naming`: identifiers;
 * 3. `graph`: references between components, the groups using each, the module each goes to;
 * 4. `schemaEmitter`: spec schema -> `Schema` code, the `schemas/*` modules;
 * 5. `operationEmitter`: one module per API group;
 * 6. `indexEmitter`: `Operations` metadata, the `Schemas` barrel, the index.
 *
 * @since 0.1.0
 */
import { format } from "./format.js"
import { graphOf } from "./graph.js"
import { indexModule, operationsModule, schemasModule } from "./indexEmitter.js"
import { identifiers } from "./naming.js"
import { emitOperationModules } from "./operationEmitter.js"
import * as Overrides from "./overrides.js"
import { correctedComponents } from "./read.js"
import { runtimeSource } from "./runtime.js"
import { emitSchemaModules, makeMapper } from "./schemaEmitter.js"
import type { Model } from "./schemaEmitter.js"
import type { Document } from "./spec.js"
import { operations as listOperations } from "./spec.js"
import { header } from "./text.js"

export {
  /**
   * @since 0.1.0
   */
  header
}
export {
  /**
   * @since 0.1.0
   */
  identOf
} from "./naming.js"
export {
  /**
   * @since 0.1.0
   */
  rateLimitClassOf
} from "./operationEmitter.js"

/**
 * Counts of what was generated, for the figures.
 *
 * @since 0.1.0
 * @category models
 */
export interface Stats {
  readonly operations: number
  readonly specOperations: number
  readonly schemas: number
  readonly specSchemas: number
  readonly streams: number
  readonly multipart: number
  /** Envelope wrappers not emitted (nothing references them). */
  readonly droppedWrappers: number
}

/**
 * The generated files (path relative to `generated/` -> formatted text) and the counts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Output {
  readonly files: ReadonlyMap<string, string>
  readonly stats: Stats
}

/**
 * The model the emitters share (phases 1 to 3).
 *
 * @since 0.2.0
 * @category generating
 */
export const modelOf = (spec: Document): Model => {
  const components = correctedComponents(spec)
  const idents = identifiers(components, (name) => Overrides.replacedSchemas[name] !== undefined)
  return { components, idents, graph: graphOf(components, listOperations(spec)) }
}

/**
 * Generates every file.
 *
 * @since 0.1.0
 * @category generating
 */
export const generate = (spec: Document, options: { readonly format?: boolean } = {}): Output => {
  const ops = listOperations(spec)
  const model = modelOf(spec)
  const mapper = makeMapper(model)
  const schemas = emitSchemaModules(model, mapper)
  const operations = emitOperationModules(spec, ops, model, mapper)

  const files = new Map<string, string>([...schemas.files, ...operations.files])
  files.set("internal/runtime.ts", runtimeSource.trimStart())
  files.set("Operations.ts", operationsModule(operations.infos, spec.info.version))
  files.set("Schemas.ts", schemasModule(schemas.modules))
  files.set("index.ts", indexModule(operations.groups, spec.info.version))

  const out = new Map<string, string>()
  for (const [path, text] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const full = header(spec.info.version) + text
    out.set(path, options.format === false ? full : format(path, full))
  }
  return {
    files: out,
    stats: {
      operations: operations.infos.length,
      specOperations: ops.length,
      schemas: schemas.count,
      specSchemas: Object.keys(spec.components.schemas).length,
      streams: operations.streams,
      multipart: operations.multipart,
      droppedWrappers: model.graph.droppedWrappers.length
    }
  }
}

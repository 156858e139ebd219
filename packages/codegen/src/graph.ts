/**
 * Phase 3, schema graph and placement: which components reference which, which API groups reach each component
 * through their operations, and so which module each component is written to (`schemas/<Group>` when one group
 * uses it, `schemas/Common` when several do, `schemas/Unreferenced` when none). Envelope wrappers (`...Wrapper`)
 * are not emitted unless another component references them: the operations unwrap them and return their
 * `response`.
 *
 * @since 0.2.0
 */
import { groupOf } from "./groups.js"
import * as Overrides from "./overrides.js"
import { isWrapper } from "./read.js"
import type { Operation, SchemaObject } from "./spec.js"
import { refName } from "./spec.js"

/**
 * The names of the components a schema references directly, added to `out`.
 *
 * @since 0.2.0
 * @category graph
 */
export const refsOf = (s: SchemaObject | undefined, out: Set<string> = new Set()): Set<string> => {
  if (s === undefined || typeof s !== "object") return out
  if (s.$ref !== undefined) {
    out.add(refName(s.$ref))
    return out
  }
  for (const p of Object.values(s.properties ?? {})) refsOf(p, out)
  refsOf(s.items, out)
  if (typeof s.additionalProperties === "object") refsOf(s.additionalProperties, out)
  for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) refsOf(part, out)
  return out
}

/**
 * An operation's answer is read as bare JSON (not the `{"response": ...}` envelope).
 *
 * @since 0.2.0
 * @category graph
 */
export const isBareJson = (path: string): boolean =>
  Overrides.bareJsonPathPrefixes.some((prefix) => path.startsWith(prefix))

/**
 * The schema graph and where each component goes.
 *
 * @since 0.2.0
 * @category models
 */
export interface Graph {
  /** Direct dependencies of each component (on other components). */
  readonly deps: ReadonlyMap<string, ReadonlyArray<string>>
  /** The API group of each operation (by `operationId`). */
  readonly groupOfOperation: ReadonlyMap<string, string>
  /** The module of every emitted component (`schemas/Folders`, `schemas/Common`, ...); absent: not emitted. */
  readonly moduleOf: ReadonlyMap<string, string>
  /** Envelope wrappers left out because nothing references them. */
  readonly droppedWrappers: ReadonlyArray<string>
}

/**
 * Builds the graph of the corrected components and the operations.
 *
 * @since 0.2.0
 * @category graph
 */
export const graphOf = (components: ReadonlyMap<string, SchemaObject>, ops: ReadonlyArray<Operation>): Graph => {
  const deps = new Map<string, ReadonlyArray<string>>()
  for (const [name, s] of components) {
    deps.set(
      name,
      Overrides.replacedSchemas[name] !== undefined ? [] : [...refsOf(s)].filter((d) => components.has(d))
    )
  }
  const referencedByComponents = new Set([...deps.values()].flat())

  const groupsOfSchema = new Map<string, Set<string>>()
  const reach = (name: string, group: string) => {
    const set = groupsOfSchema.get(name) ?? new Set()
    if (set.has(group)) return
    set.add(group)
    groupsOfSchema.set(name, set)
    for (const d of deps.get(name) ?? []) reach(d, group)
  }
  const groupOfOperation = new Map<string, string>()
  for (const { op, path } of ops) {
    const group = groupOf(op.tags?.[0])
    groupOfOperation.set(op.operationId, group)
    const refs = new Set<string>()
    for (const p of op.parameters ?? []) refsOf(p.schema, refs)
    for (const media of Object.values(op.requestBody?.content ?? {})) refsOf(media.schema, refs)
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[23]/.test(status)) continue
      for (const media of Object.values(response.content ?? {})) {
        const s = media.schema
        const target = s?.$ref !== undefined ? components.get(refName(s.$ref)) : undefined
        // an enveloped answer is unwrapped: the operation uses the wrapper's response, not the wrapper
        if (target !== undefined && isWrapper(target) && !isBareJson(path)) refsOf(target.properties!.response, refs)
        else refsOf(s, refs)
      }
    }
    for (const r of Object.values(Overrides.responseTypes[op.operationId] ?? {})) refs.add(r)
    for (const r of refs) if (components.has(r)) reach(r, group)
  }

  const moduleOf = new Map<string, string>()
  const droppedWrappers: Array<string> = []
  for (const [name, s] of components) {
    const groups = groupsOfSchema.get(name)
    if (groups === undefined && isWrapper(s) && !referencedByComponents.has(name)) {
      droppedWrappers.push(name)
      continue
    }
    moduleOf.set(
      name,
      groups === undefined ? "schemas/Unreferenced" : groups.size === 1 ? `schemas/${[...groups][0]}` : "schemas/Common"
    )
  }
  return { deps, groupOfOperation, moduleOf, droppedWrappers }
}

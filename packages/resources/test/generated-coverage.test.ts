// Coverage of the generated surface: every operation of the spec has a generated function (counted both ways and
// printed), every component schema an export, and the rate-limit classes match the limiter's route presets.
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as Api from "@effect-docspace/resources/generated/index"
import { describe, expect, it } from "@effect/vitest"
import * as Support from "./generated-support.js"

const spec = await Support.loadSpec()

const groups = Object.entries(Api).filter(([name]) =>
  !["Operations", "Schemas", "specVersion"].includes(name)
) as Array<
  [string, Record<string, unknown>]
>

describe("generated operations", () => {
  it("the metadata lists one entry per generated function, and each function exists", () => {
    const functions = groups.flatMap(([group, module]) =>
      Object.entries(module).filter(([name, value]) => typeof value === "function" && !name.endsWith("Stream")).map((
        [name]
      ) => `${group}.${name}`)
    )
    const listed = Api.Operations.operations.map((o) =>
      `${o.group}.${o.operationId[0]!.toLowerCase()}${o.operationId.slice(1)}`
    )
    expect(new Set(functions)).toEqual(new Set(listed))
    expect(functions.length).toBe(Api.Operations.operations.length)
    expect(new Set(Api.Operations.operations.map((o) => o.operationId)).size).toBe(functions.length)
  })

  it.skipIf(spec === undefined)("operations in the spec = operations generated (printed)", () => {
    const { doc, codegen } = spec!
    const inSpec = codegen.operations(doc)
    const generated = Api.Operations.operations
    console.log(`operations: ${inSpec.length} in the spec, ${generated.length} generated`)
    expect(generated.length).toBe(inSpec.length)
    expect(new Set(generated.map((o) => `${o.method} ${o.path} ${o.operationId}`))).toEqual(
      new Set(inSpec.map((o) => `${o.method} ${o.path} ${o.op.operationId}`))
    )
    // every component but the envelope wrappers nothing references (the operations return their response)
    const dropped = new Set(codegen.droppedWrappers(doc))
    const schemaNames = Object.keys(doc.components.schemas).filter((name) => !dropped.has(name))
    const exported = schemaNames.filter((name) => codegen.schemaExportOf(doc, name) in Api.Schemas)
    console.log(
      `schemas: ${schemaNames.length + dropped.size} in the spec, ${exported.length} generated, ${dropped.size} ` +
        `unreferenced envelope wrappers left out`
    )
    expect(exported.length).toBe(schemaNames.length)
    for (const name of dropped) {
      expect(Object.keys(doc.components.schemas[name]?.properties ?? {})).toContain("response")
    }
    expect(dropped.size).toBeLessThan(Object.keys(doc.components.schemas).length / 3)
  })

  it("operations with count and startIndex over a list have a Stream variant", () => {
    const paginated = Api.Operations.operations.filter((o) => o.paginated)
    expect(paginated.length).toBeGreaterThanOrEqual(40)
    for (const o of paginated) {
      const module = groups.find(([group]) => group === o.group)![1]
      expect(typeof module[`${o.operationId[0]!.toLowerCase()}${o.operationId.slice(1)}Stream`], o.operationId).toBe(
        "function"
      )
    }
  })

  it("the rate-limit classes are the limiter's sensitive and payment routes", () => {
    const sorted = (routes: ReadonlyArray<string>) => [...routes].sort()
    expect(sorted(Api.Operations.routesOf("sensitive"))).toEqual(sorted(RateLimitPolicy.docSpaceSensitiveRoutes))
    expect(sorted(Api.Operations.routesOf("payment"))).toEqual(sorted(RateLimitPolicy.docSpacePaymentRoutes))
    const byClass = new Map<string, number>()
    for (const o of Api.Operations.operations) byClass.set(o.rateLimitClass, (byClass.get(o.rateLimitClass) ?? 0) + 1)
    console.log(`rate-limit classes: ${[...byClass].map(([cls, n]) => `${cls} ${n}`).join(", ")}`)
    expect(byClass.get("sensitive")).toBe(RateLimitPolicy.docSpaceSensitiveRoutes.length)
    for (const o of Api.Operations.operations) {
      if (o.rateLimitClass === "read") expect(["GET", "HEAD", "OPTIONS"]).toContain(o.method)
      if (o.rateLimitClass === "write") expect(["GET", "HEAD", "OPTIONS"]).not.toContain(o.method)
    }
  })

  it("the SSE chats and the migration log answer byte streams", () => {
    expect(Api.Operations.operations.filter((o) => o.response === "bytes").map((o) => o.operationId).sort()).toEqual([
      "continueChat",
      "getMigrationLogs",
      "startNewChat"
    ])
  })

  it("uploads and inserts are multipart", () => {
    const uploads = Api.Operations.operations.filter((o) => /\/(upload|insert)$/.test(o.path))
    expect(uploads.length).toBeGreaterThanOrEqual(4)
    for (const o of uploads) expect(o.body, `${o.method} ${o.path}`).toBe("multipart")
  })
})

// Every generated operation, called once against a MockTransport with parameters and a body built from the spec's
// examples, answered with the spec's response example: the request has the spec's method, path (parameters
// filled in and encoded), query and JSON body; the answer decodes. Needs the spec from ../shared (skips, saying
// so, when it is absent).
import * as Api from "@effect-docspace/resources/generated/index"
import * as MockTransport from "@effect-docspace/testing/MockTransport"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Support from "./generated-support.js"

const spec = await Support.loadSpec()

interface Param {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly schema?: Support.SchemaObject & { readonly example?: unknown; readonly format?: string }
}

const pascal = (name: string) =>
  name.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0).map((p) => p[0]!.toUpperCase() + p.slice(1)).join("")
const camel = (name: string) => {
  const p = pascal(name)
  return p[0]!.toLowerCase() + p.slice(1)
}

describe.skipIf(spec === undefined)("every generated operation against a mocked transport", () => {
  it.effect("sends the spec's request and decodes the spec's example answer", () =>
    Effect.gen(function*() {
      const { doc, codegen } = spec!
      const counts = { operations: 0, withExampleAnswer: 0, ownExamples: 0, withJsonBody: 0, multipart: 0, query: 0 }
      const failures: Array<string> = []
      for (const { method, path, op } of codegen.operations(doc)) {
        counts.operations++
        const info = Api.Operations.operations.find((o) => o.operationId === op.operationId)!
        const module = (Api as unknown as Record<string, Record<string, (...args: Array<unknown>) => unknown>>)[
          info.group
        ]!
        const fn = module[camel(op.operationId)]!
        const schemas = doc.components.schemas as Record<string, Support.SchemaObject & { example?: unknown }>

        // parameters from the examples
        const params: Record<string, unknown> = {}
        const expectedQuery: Array<[string, string]> = []
        let expectedPath = path
        const seen = new Set<string>()
        for (const p of (op.parameters ?? []) as ReadonlyArray<Param>) {
          let prop = p.name
          if (seen.has(prop)) prop = camel(`${p.in} ${p.name}`)
          seen.add(prop)
          const s = p.schema ?? {}
          const target = s.$ref !== undefined ? schemas[s.$ref.slice(s.$ref.lastIndexOf("/") + 1)] ?? {} : s
          const example = s.example ?? (target as { example?: unknown }).example ??
            (target.enum !== undefined ? target.enum[0] : undefined)
          if (p.in === "path") {
            const value = example ?? (target.type === "integer" ? 7 : "x7")
            params[prop] = value
            expectedPath = expectedPath.replace(`{${p.name}}`, encodeURIComponent(String(value)).replace(/%40/g, "@"))
          } else if (p.in === "query") {
            const primitive = ["string", "integer", "boolean", "number"].includes(target.type ?? "") &&
              (s as { format?: string }).format !== "date-time"
            if (primitive && example !== undefined && typeof example !== "object") {
              params[prop] = example
              expectedQuery.push([p.name, String(example)])
            }
          }
        }
        if (expectedQuery.length > 0) counts.query++

        // the body
        const content = Object.entries(
          (op as { requestBody?: { content: Record<string, { schema?: Support.SchemaObject }> } }).requestBody
            ?.content ?? {}
        )[0]
        let expectedBody: unknown
        if (content !== undefined) {
          const [type, media] = content
          const ref = media.schema?.$ref
          const name = ref?.slice(ref.lastIndexOf("/") + 1)
          if (type === "application/json") {
            const example = name === undefined ? undefined : codegen.exampleOf(doc, name)?.value
            params.body = example ?? {}
            expectedBody = JSON.parse(JSON.stringify(params.body))
            counts.withJsonBody++
          } else if (type === "multipart/form-data") {
            const fields = Object.entries(schemas[name!]?.properties ?? {})
            const file = fields.find(([, f]) => (f as { format?: string }).format === "binary")
            params.body = file === undefined
              ? {}
              : { [file[0]]: { content: new Uint8Array([1, 2, 3]), fileName: "a.bin" } }
            counts.multipart++
          } else {
            params.body = {}
          }
        }

        // the answer: the response example
        const success = Object.entries(op.responses).find(([status]) => status.startsWith("2"))?.[1]
        const responseRef = Object.values(success?.content ?? {})[0]?.schema?.$ref
        const responseName = responseRef?.slice(responseRef.lastIndexOf("/") + 1)
        // the operation's own example (the identity service's endpoints have them) before its schema's
        const ownExample = (Object.values(success?.content ?? {})[0] as { example?: unknown } | undefined)?.example
        if (ownExample !== undefined) counts.ownExamples++
        const responseExample = ownExample ??
          (responseName === undefined ? undefined : codegen.exampleOf(doc, responseName)?.value)
        const wrapped = responseName !== undefined && schemas[responseName]?.properties?.response !== undefined &&
          info.envelope
        const answer = info.response === "bytes"
          ? MockTransport.text(200, "data: bytes\n\n")
          : responseExample === undefined
          ? MockTransport.json(null)
          : wrapped
          ? MockTransport.json((responseExample as { response?: unknown }).response ?? null)
          : MockTransport.raw({
            status: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify(responseExample)
          })
        if (responseExample !== undefined) counts.withExampleAnswer++

        const exit = yield* Effect.gen(function*() {
          if (info.response === "bytes") {
            const bytes = yield* Stream.runCollect(fn(params) as Stream.Stream<Uint8Array, unknown, never>)
            if (Chunk.reduce(bytes, 0, (n, chunk) => n + chunk.length) !== 13) failures.push(`${op.operationId}: bytes`)
          } else {
            yield* (fn(params) as Effect.Effect<unknown, unknown, never>)
          }
          return yield* MockTransport.requests
        }).pipe(Effect.provide(Support.layer({ [`${method} ${path}`]: answer })), Effect.exit)
        const label = `${method} ${path} (${op.operationId})`
        if (Exit.isFailure(exit)) {
          failures.push(`${label}: ${String(exit.cause)}`)
          continue
        }
        const requests = exit.value
        const request = requests[0]
        if (requests.length !== 1 || request === undefined) {
          failures.push(`${label}: ${requests.length} requests`)
          continue
        }
        const url = new URL(request.url)
        if (request.method !== method) failures.push(`${label}: method ${request.method}`)
        if (url.pathname !== expectedPath) failures.push(`${label}: path ${url.pathname}, expected ${expectedPath}`)
        for (const [name, value] of expectedQuery) {
          if (!url.searchParams.getAll(name).includes(value)) failures.push(`${label}: query ${name}=${value} missing`)
        }
        if (expectedBody !== undefined && JSON.stringify(request.json()) !== JSON.stringify(expectedBody)) {
          failures.push(`${label}: body ${request.body.slice(0, 200)}`)
        }
        if (
          content?.[0] === "multipart/form-data" && !String(request.headers["content-type"]).startsWith("multipart/")
        ) {
          failures.push(`${label}: content-type ${request.headers["content-type"]}`)
        }
      }
      console.log(
        `sweep: ${counts.operations} operations called; ${counts.withExampleAnswer} answered with (and decoded) the ` +
          `spec's example (${counts.ownExamples} of them the operation's own example); ${counts.query} with query parameters, ${counts.withJsonBody} with a JSON body, ` +
          `${counts.multipart} multipart`
      )
      expect(failures).toEqual([])
      expect(counts.operations).toBe(Api.Operations.operations.length)
    }), 120_000)
})

describe.skipIf(spec !== undefined)("without the spec", () => {
  it("says the sweep was skipped", () => {
    console.log(`SKIPPED generated-sweep: the spec is not at ${Support.specPath}`)
    expect(spec).toBeUndefined()
  })
})

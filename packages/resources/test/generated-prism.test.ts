// The contract test against an independent mock: Stoplight Prism 5.14.2 serves the official 3.7.0 spec on a
// loopback port, and every generated operation is called through the public API with inputs built from the spec's
// own examples and schemas (not from our Schemas):
// - Prism must accept each request (a 400/401/415/422 with `sl-violations` is a rejection), unless the operation
//   is in generated-prism-allowlist.ts with its reason;
// - the static answer (`Prefer: dynamic=false`, the spec's examples) and several rounds of random schema-valid
//   answers (`Prefer: dynamic=true`) must decode;
// - every error status the operation declares among 400/401/403/404/429 (`Prefer: code=N`) must be its typed error.
// Prints `requests accepted N/594, static decoded N/N, dynamic decoded N/N, errors mapped N/N`. Without the spec
// or Prism it says so and skips, except under CI=true, where that is a failure.
import { Auth } from "@effect-docspace/core"
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceConfig from "@effect-docspace/core/DocSpaceConfig"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as Api from "@effect-docspace/resources/Api"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { type ChildProcess, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { allowList, invalidExamples } from "./generated-prism-allowlist.js"
import * as Support from "./generated-support.js"

const here = Path.dirname(fileURLToPath(import.meta.url))
const prismBin = Path.resolve(here, "../../codegen/node_modules/.bin/prism")
const ci = process.env.CI === "true"
const dynamicRounds = 2
/** How Prism refuses a request that does not follow the spec (with `sl-violations` or a problem+json body). */
const refusalStatuses = [400, 401, 415, 422]
const errorStatuses = [400, 401, 403, 404, 429] as const
const expectedTag: Record<(typeof errorStatuses)[number], string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  429: "RateLimited"
}

const spec = await Support.loadSpec()
const missing = spec === undefined
  ? `the spec is not at ${Support.specPath}`
  : !Fs.existsSync(prismBin)
  ? `Prism is not installed at ${prismBin} (pnpm install)`
  : undefined

// --- Prism ------------------------------------------------------------------------------------------------------
/** Prism answers one request at a time: two instances (one per core) halve the sweep. */
const instances = 2
const prisms: Array<ChildProcess> = []
const baseUrls: Array<string> = []
let prismLog = ""

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

const startPrism = async (): Promise<string> => {
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  // --cors false: an OPTIONS request is an operation of the spec here, not a CORS preflight
  const prism = spawn(
    prismBin,
    [
      "mock",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--cors",
      "false",
      "--verboseLevel",
      "error",
      Support.specPath
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } }
  )
  prisms.push(prism)
  const exited = new Promise<never>((_, reject) => {
    prism.once("exit", (code) => reject(new Error(`Prism exited (${code}): ${prismLog.slice(-2000)}`)))
  })
  const collect = (chunk: Buffer) => {
    prismLog = (prismLog + chunk.toString()).slice(-20_000)
  }
  prism.stdout!.on("data", collect)
  prism.stderr!.on("data", collect)
  // ready when it answers (its start-up message is below the log level it runs at)
  const ready = (async () => {
    for (;;) {
      try {
        await fetch(`${baseUrl}/`)
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
  })()
  await Promise.race([ready, exited])
  return baseUrl
}

// --- the client: a Prefer header per call, and what Prism answered -----------------------------------------------
interface Observed {
  status?: number
  violations?: string
  /** Prism's own validation answer (`application/problem+json`), when it refused the request. */
  problem?: string
}
const preferRef = FiberRef.unsafeMake<string | undefined>(undefined)
const observedRef = FiberRef.unsafeMake<Observed | undefined>(undefined)

const clientLayer = (baseUrl: string) =>
  DocSpaceClient.layer({
    transformClient: (client) =>
      HttpClient.transform(
        HttpClient.mapRequestEffect(
          client,
          (request) =>
            Effect.map(
              FiberRef.get(preferRef),
              (prefer) => (prefer === undefined ? request : HttpClientRequest.setHeader(request, "prefer", prefer))
            )
        ),
        (effect) =>
          Effect.flatMap(effect, (response) =>
            Effect.flatMap(FiberRef.get(observedRef), (observed) => {
              if (observed === undefined) return Effect.succeed(response)
              observed.status = response.status
              const violations = response.headers["sl-violations"]
              if (violations !== undefined) observed.violations = violations
              const problem = (response.headers["content-type"] ?? "").includes("application/problem+json") &&
                refusalStatuses.includes(response.status)
              if (!problem) return Effect.succeed(response)
              // keep Prism's explanation, and give the client the same answer
              return response.text.pipe(
                Effect.map((text) => {
                  observed.problem = text.slice(0, 1000)
                  return HttpClientResponse.fromWeb(
                    response.request,
                    new Response(text, { status: response.status, headers: response.headers as Record<string, string> })
                  )
                }),
                Effect.orElseSucceed(() => response)
              )
            }))
      )
  }).pipe(
    Layer.provide(DocSpaceConfig.layer({
      baseUrl,
      auth: Auth.apiKey(Redacted.make(`sk-${"ab".repeat(32)}`)),
      // nothing proactive, and a refusal fails at once: a forced 429 must come back as RateLimited, not be waited on
      rateLimit: {
        ...RateLimitPolicy.unlimited,
        retry: { ...RateLimitPolicy.unlimited.retry, maxTotalWait: Duration.zero },
        maxWait: Duration.zero
      },
      timeout: Duration.seconds(30)
    })),
    Layer.provide(FetchHttpClient.layer),
    Layer.orDie
  )

// --- inputs from the spec ----------------------------------------------------------------------------------------
interface S {
  readonly $ref?: string
  readonly type?: string
  readonly format?: string
  readonly example?: unknown
  readonly enum?: ReadonlyArray<unknown>
  readonly properties?: Readonly<Record<string, S>>
  readonly required?: ReadonlyArray<string>
  readonly additionalProperties?: boolean | S
  readonly items?: S
  readonly allOf?: ReadonlyArray<S>
  readonly oneOf?: ReadonlyArray<S>
  readonly anyOf?: ReadonlyArray<S>
  readonly readOnly?: boolean
  readonly nullable?: boolean
}
interface P {
  readonly name: string
  readonly in: string
  readonly required?: boolean
  readonly schema?: S
  readonly example?: unknown
}
interface Op {
  readonly operationId: string
  readonly parameters?: ReadonlyArray<P>
  readonly requestBody?: { readonly content: Readonly<Record<string, { schema?: S; example?: unknown }>> }
  readonly responses: Readonly<Record<string, unknown>>
}

const pascal = (name: string) =>
  name.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0).map((p) => p[0]!.toUpperCase() + p.slice(1)).join("")
const camel = (name: string) => {
  const p = pascal(name)
  return p[0]!.toLowerCase() + p.slice(1)
}

/** Where inputs come from: the spec's examples first (required fields they leave out filled from the schema), or
 * the schemas alone (for a request Prism refused with the examples: some do not match their own schema). */
type Mode = "examples" | "schemas"

const flatProperties = (
  schemas: Readonly<Record<string, S>>,
  s: S
): { props: Record<string, S>; required: Array<string> } => {
  const props: Record<string, S> = {}
  const required: Array<string> = []
  const visit = (part: S | undefined, depth: number) => {
    if (part === undefined || depth > 8) return
    const r = resolve(schemas, part)
    for (const p of r.allOf ?? []) visit(p, depth + 1)
    Object.assign(props, r.properties ?? {})
    required.push(...(r.required ?? []))
  }
  visit(s, 0)
  return { props, required }
}

/** A value for a spec schema: its own example, else one built from its type (the spec's, never our Schemas). */
const sample = (
  schemas: Readonly<Record<string, S>>,
  s: S | undefined,
  mode: Mode = "examples",
  depth = 0
): unknown => {
  if (s === undefined || depth > 8) return undefined
  if (s.example !== undefined && mode === "examples") {
    const example = s.example
    if (typeof example !== "object" || example === null || Array.isArray(example)) return example
    const { props, required } = flatProperties(schemas, s)
    const out: Record<string, unknown> = { ...example }
    for (const name of required) {
      if (out[name] === undefined) out[name] = sample(schemas, props[name], mode, depth + 1)
    }
    return out
  }
  if (s.$ref !== undefined) {
    return sample(schemas, schemas[s.$ref.slice(s.$ref.lastIndexOf("/") + 1)], mode, depth + 1)
  }
  if (s.allOf !== undefined) {
    const out: Record<string, unknown> = {}
    for (const part of s.allOf) Object.assign(out, sample(schemas, part, mode, depth + 1) ?? {})
    return out
  }
  const member = (s.oneOf ?? s.anyOf)?.[0]
  if (member !== undefined) return sample(schemas, member, mode, depth + 1)
  if (s.enum !== undefined) return s.enum[0]
  switch (s.type) {
    case "string":
      return s.format === "date-time"
        ? "2026-01-01T00:00:00Z"
        : s.format === "uuid"
        ? "3fa85f64-5717-4562-b3fc-2c963f66afa6"
        : s.format === "email"
        ? "user@example.com"
        : s.format === "uri"
        ? "https://example.com/"
        : "string"
    case "integer":
    case "number":
      return 1
    case "boolean":
      return true
    case "array": {
      const item = sample(schemas, s.items, mode, depth + 1)
      return item === undefined ? [] : [item]
    }
    default: {
      const out: Record<string, unknown> = {}
      for (const [k, prop] of Object.entries(s.properties ?? {})) {
        if (prop.readOnly === true) continue
        const v = sample(schemas, prop, mode, depth + 1)
        if (v !== undefined) out[k] = v
      }
      return out
    }
  }
}

const resolve = (schemas: Readonly<Record<string, S>>, s: S | undefined): S =>
  s?.$ref !== undefined ? schemas[s.$ref.slice(s.$ref.lastIndexOf("/") + 1)] ?? {} : s ?? {}

interface Call {
  readonly operationId: string
  readonly label: string
  readonly run: Effect.Effect<unknown, { readonly _tag: string }, DocSpaceClient.DocSpaceClient>
  readonly errors: ReadonlyArray<(typeof errorStatuses)[number]>
}

const callsOf = (mode: Mode): ReadonlyArray<Call> => {
  const { doc, codegen } = spec!
  const schemas = doc.components.schemas as Readonly<Record<string, S>>
  const modules = Api as unknown as Record<string, Record<string, (params?: unknown) => unknown>>
  return codegen.operations(doc).map(({ method, path, op: raw }) => {
    const op = raw as unknown as Op
    const info = Api.Operations.operations.find((o) => o.operationId === op.operationId)!
    const fn = modules[info.group]![camel(op.operationId)]!
    const params: Record<string, unknown> = {}
    const seen = new Set<string>()
    for (const p of op.parameters ?? []) {
      if (p.in !== "path" && p.in !== "query") continue
      let prop = p.name
      if (seen.has(prop)) prop = camel(`${p.in} ${p.name}`)
      seen.add(prop)
      const value = (mode === "examples" ? p.example : undefined) ?? sample(schemas, p.schema, mode)
      if (p.in === "path" || p.required === true) params[prop] = value
      else if (value !== undefined && typeof value !== "object") params[prop] = value
    }
    for (const scheme of info.security) params[camel(scheme)] = Redacted.make("prism.contract.signature")
    const content = Object.entries(op.requestBody?.content ?? {})[0]
    if (content !== undefined) {
      const [type, media] = content
      if (type === "multipart/form-data") {
        const body: Record<string, unknown> = {}
        for (const [name, prop] of Object.entries(resolve(schemas, media.schema).properties ?? {})) {
          const file = { content: new TextEncoder().encode("prism"), fileName: "a.bin" }
          if (prop.format === "binary") body[name] = file
          else if (prop.type === "array" && prop.items?.format === "binary") body[name] = [file]
          else {
            const v = sample(schemas, prop, mode)
            if (v !== undefined && typeof v !== "object") body[name] = v
          }
        }
        params.body = body
      } else {
        params.body = (mode === "examples" ? media.example : undefined) ?? sample(schemas, media.schema, mode) ?? {}
      }
    }
    const call = fn(params) as
      | Effect.Effect<unknown, { readonly _tag: string }>
      | Stream.Stream<Uint8Array, { readonly _tag: string }>
    const run = info.response === "bytes"
      ? Stream.runDrain(call as Stream.Stream<Uint8Array, { readonly _tag: string }, DocSpaceClient.DocSpaceClient>)
      : call as Effect.Effect<unknown, { readonly _tag: string }, DocSpaceClient.DocSpaceClient>
    const errors = errorStatuses.filter((status) => String(status) in op.responses)
    return { operationId: op.operationId, label: `${method} ${path} (${op.operationId})`, run, errors }
  })
}

interface Outcome {
  readonly exit: Exit.Exit<unknown, { readonly _tag: string }>
  readonly observed: Observed
}

const callWith = (call: Call, prefer: string): Effect.Effect<Outcome, never, DocSpaceClient.DocSpaceClient> => {
  const observed: Observed = {}
  return call.run.pipe(
    // Prism closes idle keep-alive connections after 5 s: a request sent on one as it closes is reset, which says
    // nothing about the contract; it is sent again (at most twice)
    Effect.retry({ times: 2, while: (error) => error._tag === "TransportError" }),
    Effect.exit,
    Effect.map((exit) => ({ exit, observed })),
    Effect.locally(preferRef, prefer),
    Effect.locally(observedRef, observed)
  )
}

/** Prism's own check of its answer: the answer breaks the spec's schema (an example that contradicts it). */
const answerBreaksSpec = (o: Outcome) =>
  o.observed.violations !== undefined && o.observed.violations.includes(`"location":["response"`)

const rejected = (o: Outcome) =>
  ((o.observed.violations !== undefined && o.observed.violations.includes(`"location":["request"`)) ||
    o.observed.problem !== undefined) &&
  refusalStatuses.includes(o.observed.status ?? 0)

const describeFailure = (o: Outcome) => Exit.isFailure(o.exit) ? String(o.exit.cause).slice(0, 600) : "succeeded"

describe.skipIf(missing !== undefined && !ci)("every generated operation against Prism serving the 3.7 spec", () => {
  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`CI=true: ${missing}`)
    baseUrls.push(...(await Promise.all(Array.from({ length: instances }, startPrism))))
  }, 300_000)
  afterAll(() => {
    for (const prism of prisms) prism.kill()
  })

  it.scoped("is accepted, decodes static and dynamic answers, and maps forced errors", () =>
    Effect.gen(function*() {
      const calls = callsOf("examples")
      const fromSchemas = callsOf("schemas")
      const clients = yield* Effect.forEach(baseUrls, (url) => Layer.build(clientLayer(url)))
      /** Calls spread over the Prism instances, 4 at a time on each. */
      const sweep = <A>(items: ReadonlyArray<A>, f: (item: A) => Call, prefer: (item: A) => string, fresh = false) =>
        Effect.forEach(
          items,
          (item, i) =>
            fresh
              ? Effect.provide(callWith(f(item), prefer(item)), clientLayer(baseUrls[i % baseUrls.length]!))
              : Effect.provide(callWith(f(item), prefer(item)), clients[i % clients.length]!),
          { concurrency: 4 * baseUrls.length }
        )
      const failures: Array<string> = []
      const accepted: Array<Call> = []
      const allowListed: Array<string> = []
      let staticDecoded = 0
      let staticTotal = 0
      let staticBreakingSpec = 0
      let staticBreakingSpecDecoded = 0
      const staticBreakingSpecFailed: Array<string> = []
      const started = Date.now()
      const phases: Array<string> = []
      const phase = (name: string) => phases.push(`${name} ${((Date.now() - started) / 1000).toFixed(0)} s`)
      let dynamicDecoded = 0
      let dynamicTotal = 0
      let dynamicBreakingSpec = 0
      let errorsMapped = 0
      let errorsTotal = 0

      // static answers, and whether Prism accepts the request at all; a request refused with the spec's examples is
      // sent again with inputs built from the schemas alone
      const statics = yield* sweep(calls, (call) => call, () => "dynamic=false")
      const refusedIndexes = [...statics.keys()].filter((i) => rejected(statics[i]!))
      const retried = yield* sweep(refusedIndexes, (i) => fromSchemas[i]!, () => "dynamic=false")
      const retriedByIndex = new Map(refusedIndexes.map((index, j) => [index, retried[j]!]))
      let builtFromSchemas = 0
      calls.forEach((first, i) => {
        const again = retriedByIndex.get(i)
        const useRetry = again !== undefined && !rejected(again)
        const outcome = useRetry ? again : statics[i]!
        const call = useRetry ? fromSchemas[i]! : first
        if (useRetry) builtFromSchemas++
        const reason = allowList[call.operationId]
        const works = !rejected(outcome) && Exit.isSuccess(outcome.exit)
        if (reason !== undefined) {
          if (works) failures.push(`allow-listed but works (remove it from the allow-list): ${call.label}`)
          else allowListed.push(call.operationId)
          return
        }
        if (rejected(outcome)) {
          failures.push(
            `rejected: ${call.label}: HTTP ${outcome.observed.status} ${
              outcome.observed.violations ?? outcome.observed.problem
            }`
          )
          return
        }
        accepted.push(call)
        if (answerBreaksSpec(outcome)) {
          // the spec's example contradicts the spec's schema: not an answer the spec allows
          staticBreakingSpec++
          if (Exit.isSuccess(outcome.exit)) staticBreakingSpecDecoded++
          else staticBreakingSpecFailed.push(call.operationId)
          return
        }
        const invalid = invalidExamples[call.operationId]
        if (invalid !== undefined) {
          if (Exit.isSuccess(outcome.exit)) failures.push(`listed as an invalid example but decodes: ${call.label}`)
          else staticBreakingSpec++
          return
        }
        staticTotal++
        if (Exit.isSuccess(outcome.exit)) staticDecoded++
        else failures.push(`static: ${call.label}: HTTP ${outcome.observed.status}: ${describeFailure(outcome)}`)
      })

      phase("static")
      // random schema-valid answers
      for (let round = 0; round < dynamicRounds; round++) {
        const outcomes = yield* sweep(accepted, (call) => call, () => "dynamic=true")
        accepted.forEach((call, i) => {
          const outcome = outcomes[i]!
          if (answerBreaksSpec(outcome)) {
            dynamicBreakingSpec++
            return
          }
          dynamicTotal++
          if (Exit.isSuccess(outcome.exit)) dynamicDecoded++
          else {
            failures.push(
              `dynamic #${round + 1}: ${call.label}: HTTP ${outcome.observed.status}: ${describeFailure(outcome)}`
            )
          }
        })
      }

      phase("dynamic")
      // forced error statuses; a 429 on a client of its own (a refusal pauses the client that saw it)
      const forced = accepted.flatMap((call) => call.errors.map((status) => ({ call, status })))
      const notRefusals = forced.filter(({ status }) => status !== 429)
      const refusals = forced.filter(({ status }) => status === 429)
      const errorOutcomes = [
        ...(yield* sweep(notRefusals, ({ call }) => call, ({ status }) => `code=${status}`)),
        ...(yield* sweep(refusals, ({ call }) => call, ({ status }) => `code=${status}`, true))
      ]
      ;[...notRefusals, ...refusals].forEach(({ call, status }, i) => {
        const outcome = errorOutcomes[i]!
        errorsTotal++
        const failure = Exit.isFailure(outcome.exit) && outcome.exit.cause._tag === "Fail"
          ? outcome.exit.cause.error._tag
          : undefined
        if (failure === expectedTag[status]) errorsMapped++
        else {
          failures.push(
            `code=${status}: ${call.label}: got ${
              failure ?? (Exit.isSuccess(outcome.exit) ? "success" : "a defect")
            } (HTTP ${outcome.observed.status})`
          )
        }
      })

      phase("errors")
      console.log(
        `requests accepted ${accepted.length}/${calls.length}, static decoded ${staticDecoded}/${staticTotal}, ` +
          `dynamic decoded ${dynamicDecoded}/${dynamicTotal}, errors mapped ${errorsMapped}/${errorsTotal}`
      )
      console.log(
        `inputs: ${calls.length - builtFromSchemas} from the spec's examples, ${builtFromSchemas} built from the ` +
          `schemas alone (Prism refused the examples); allow-listed (generated-prism-allowlist.ts): ${allowListed.length}${
            allowListed.length > 0 ? ` (${allowListed.join(", ")})` : ""
          }; static answers that break the spec's own schema (not counted; Prism flags them, or ` +
          `generated-prism-allowlist.ts lists them): ${staticBreakingSpec} (${staticBreakingSpecDecoded} of them ` +
          `decoded anyway; not: ${staticBreakingSpecFailed.join(", ")}), dynamic: ${dynamicBreakingSpec}; ` +
          `time: ${phases.join(", ")}`
      )
      if (failures.length > 0) console.log(failures.slice(0, 400).join("\n"))
      expect(failures).toEqual([])
      expect(accepted.length + allowListed.length).toBe(calls.length)
      expect(calls.length).toBe(Api.Operations.operations.length)
      // most static answers are examples the spec's schema allows
      expect(staticTotal).toBeGreaterThan(calls.length * 0.75)
    }), 1_800_000)
})

describe.skipIf(missing === undefined || ci)("without the spec or Prism", () => {
  it("says the Prism contract test was skipped", () => {
    console.log(`SKIPPED generated-prism: ${missing}`)
    expect(missing).toBeDefined()
  })
})

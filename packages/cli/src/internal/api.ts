/**
 * `docspace api`: any operation of the generated API by its `operationId`. The operation table is the generated
 * `Operations` metadata (method, path, group, body and answer kinds); the parameters of an operation are read from
 * its generated function itself: it is called once with a recording parameter object under a `DocSpaceClient` that
 * records the request instead of sending it, so the CLI knows exactly which names go to the path, the query, a
 * header or the body, without a second copy of the spec.
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Operations from "@effect-docspace/resources/generated/Operations"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/** Where a parameter goes on the wire. */
export type ParamLocation = "path" | "query" | "cookie" | "body" | "object"

/** One parameter of a generated operation. */
export interface ParamInfo {
  /** The property name of the generated function's parameter object (what `--param` takes). */
  readonly name: string
  readonly location: ParamLocation
  /** The name on the wire (a query key, a path segment's placeholder, a cookie). */
  readonly wire: string
  /** Path parameters are required; the others are optional for the CLI (the portal says when one is missing). */
  readonly required: boolean
  /** A credential (sent as a cookie): kept `Redacted`. */
  readonly secret: boolean
}

/** An operation with its parameters. */
export interface Described {
  readonly info: Operations.OperationInfo
  readonly params: ReadonlyArray<ParamInfo>
}

/** A generated operation's function: a parameter object to an `Effect` or a byte `Stream`. */
export type OperationFunction = (params?: Record<string, unknown>) => unknown

/** The result of running an operation: a JSON value, or the body's bytes. */
export type Result =
  | { readonly _tag: "Value"; readonly value: unknown }
  | { readonly _tag: "Bytes"; readonly bytes: Stream.Stream<Uint8Array, DocSpaceError.DocSpaceError> }

/** Every operation of the table. */
export const operations: ReadonlyArray<Operations.OperationInfo> = Operations.operations

const byId = new Map(operations.map((o) => [o.operationId, o]))
const byLowerId = new Map(operations.map((o) => [o.operationId.toLowerCase(), o]))

/** The operation with this id (exact, or the only one equal ignoring case). */
export const find = (operationId: string): Operations.OperationInfo | undefined =>
  byId.get(operationId) ?? byLowerId.get(operationId.toLowerCase())

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

/** Up to three operation ids close to a mistyped one: a near spelling first, then ids containing it. */
export const suggest = (operationId: string): ReadonlyArray<string> => {
  const wanted = operationId.toLowerCase()
  const near = operations
    .map((o) => ({ id: o.operationId, d: distance(wanted, o.operationId.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(wanted.length / 4)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .map((x) => x.id)
  const containing = wanted.length < 3
    ? []
    : operations.map((o) => o.operationId).filter((id) => id.toLowerCase().includes(wanted))
  return [...new Set([...near, ...containing])].slice(0, 3)
}

/**
 * The `...Stream` variant of a paged operation (every item, page by page), from its group's module; `undefined` for
 * an operation that is not paged.
 */
export const loadStream = (info: Operations.OperationInfo): Effect.Effect<OperationFunction | undefined> =>
  info.paginated
    ? Effect.promise(() => import(`@effect-docspace/resources/generated/${info.group}`)).pipe(
      Effect.map((module: Record<string, unknown>) => {
        const fn = module[`${info.operationId}Stream`]
        return typeof fn === "function" ? fn as OperationFunction : undefined
      })
    )
    : Effect.succeed(undefined)

/**
 * Every item of a paged operation as a stream (its generated `...Stream` variant; `count` and `startIndex` are the
 * stream's own, so they are dropped from the parameters).
 */
export const invokeAll = (
  fn: OperationFunction,
  params: Record<string, unknown>
): Stream.Stream<unknown, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Stream.suspend(() => {
    const { count: _count, startIndex: _startIndex, ...rest } = params
    return fn(rest) as Stream.Stream<unknown, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient>
  })

/**
 * The operations whose id, path, group or tag contains every word of the filter (ignoring case); all of them
 * without a filter.
 */
export const list = (filter?: string | undefined): ReadonlyArray<Operations.OperationInfo> => {
  const words = (filter ?? "").toLowerCase().split(/\s+/).filter((w) => w !== "")
  if (words.length === 0) return operations
  return operations.filter((o) => {
    const text = `${o.operationId} ${o.method} ${o.path} ${o.group} ${o.tag}`.toLowerCase()
    return words.every((w) => text.includes(w))
  })
}

/**
 * The generated function of an operation, from its group's module (imported on demand, so that the other
 * commands never load the generated API).
 */
export const load = (info: Operations.OperationInfo): Effect.Effect<OperationFunction> =>
  Effect.promise(() => import(`@effect-docspace/resources/generated/${info.group}`)).pipe(
    Effect.map((module: Record<string, unknown>) => {
      const fn = module[info.operationId]
      if (typeof fn !== "function") {
        // the table and the modules come from the same generator run: this is a bug, not bad input
        throw new Error(`the generated module ${info.group} has no function ${info.operationId}`)
      }
      return fn as OperationFunction
    })
  )

const camel = (name: string): string =>
  name.split(/[^A-Za-z0-9]+/).filter((p) => p !== "").map((p, i) =>
    i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1)
  ).join("")

const markerPrefix = "\u0000docspace-cli-param:"
const marker = (name: string): string => `${markerPrefix}${name}`

class Captured {
  readonly _tag = "Captured"
  constructor(readonly options: DocSpaceClient.RequestOptions) {}
}

const capturingClient = (sink: Array<DocSpaceClient.RequestOptions>): DocSpaceClient.DocSpaceClient => {
  const capture = (options: DocSpaceClient.RequestOptions) => {
    sink.push(options)
    return new Captured(options)
  }
  return {
    config: undefined as never,
    request: (options) => Effect.die(capture(options)),
    requestEnvelope: (options) => Effect.die(capture(options)),
    raw: (options) => Effect.die(capture(options)),
    rawStream: (options) => Effect.die(capture(options)),
    stream: (options) => Stream.die(capture(options)),
    logout: Effect.void
  }
}

const run = (result: unknown, client: DocSpaceClient.DocSpaceClient): void => {
  if (Effect.isEffect(result)) {
    Effect.runSyncExit(
      Effect.provideService(
        result as Effect.Effect<unknown, unknown, DocSpaceClient.DocSpaceClient>,
        Client.DocSpaceClient,
        client
      )
    )
  } else if (Predicate.hasProperty(result, Stream.StreamTypeId)) {
    Effect.runSyncExit(
      Stream.runDrain(result as Stream.Stream<unknown, unknown, DocSpaceClient.DocSpaceClient>).pipe(
        Effect.provideService(Client.DocSpaceClient, client)
      )
    )
  }
}

const valuesOf = (record: Readonly<Record<string, unknown>> | undefined): Array<[string, unknown]> =>
  record === undefined ? [] : Object.entries(record)

const describeCache = new Map<string, Described>()

/**
 * The parameters of an operation, read from its generated function: called with a parameter object that records
 * the names read (and gives each a recognisable value), under a client that records the request instead of sending
 * it. A name found in the path parameters is a path parameter, in the query a query parameter, `body` the body, a
 * security scheme's name (`xSignature` for `x-signature`) a cookie; any other name read is an object spread into the
 * query (given as JSON).
 */
export const describe = (info: Operations.OperationInfo, fn: OperationFunction): Described => {
  const cached = describeCache.get(info.operationId)
  if (cached !== undefined) return cached
  const secrets = new Set(info.security.map(camel))
  const read: Array<string> = []
  const recorder = new Proxy({}, {
    get: (_, key) => {
      if (typeof key !== "string") return undefined
      if (!read.includes(key)) read.push(key)
      return secrets.has(key) ? Redacted.make(marker(key)) : key === "body" ? undefined : marker(key)
    },
    has: () => true
  })
  const sink: Array<DocSpaceClient.RequestOptions> = []
  try {
    run(fn(recorder as Record<string, unknown>), capturingClient(sink))
  } catch {
    // a function that throws on the recorded values has still read its parameters: what was read is kept
  }
  const options = sink[0]
  const where = (name: string): { location: ParamLocation; wire: string } => {
    const value = marker(name)
    for (const [wire, v] of valuesOf(options?.pathParams)) if (v === value) return { location: "path", wire }
    for (const [wire, v] of valuesOf(options?.urlParams)) if (v === value) return { location: "query", wire }
    if (name === "body") return { location: "body", wire: "body" }
    const scheme = info.security.find((s) => camel(s) === name)
    if (scheme !== undefined) return { location: "cookie", wire: scheme }
    // without a recorded request (it threw), a placeholder of the same name is the path parameter
    if (info.path.includes(`{${name}}`)) return { location: "path", wire: name }
    return { location: "object", wire: name }
  }
  const params = read.map((name): ParamInfo => {
    const { location, wire } = where(name)
    return { name, location, wire, required: location === "path", secret: secrets.has(name) }
  })
  const described = { info, params }
  describeCache.set(info.operationId, described)
  return described
}

/**
 * Parses `--param name=value` pairs against an operation's parameters: a repeated name is an array (the query
 * repeats the key), an `object` parameter takes JSON, a secret is kept `Redacted`. Fails with one line naming the
 * bad pair and the parameters the operation knows.
 */
export const parseParams = (
  described: Described,
  pairs: ReadonlyArray<string>
): Either.Either<Record<string, unknown>, string> => {
  const { info, params } = described
  const known = new Map(params.filter((p) => p.location !== "body").map((p) => [p.name, p]))
  const knownList = () =>
    known.size === 0 ? `${info.operationId} takes no parameters` : `known: ${[...known.keys()].join(", ")}`
  const values: Record<string, Array<string>> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf("=")
    if (eq <= 0) return Either.left(`bad --param ${JSON.stringify(pair)}: expected name=value`)
    const name = pair.slice(0, eq)
    const param = known.get(name) ?? [...known.values()].find((p) => p.name.toLowerCase() === name.toLowerCase())
    if (param === undefined) {
      return Either.left(
        `bad --param ${JSON.stringify(pair)}: ${info.operationId} has no parameter "${name}" (${knownList()})`
      )
    }
    ;(values[param.name] ??= []).push(pair.slice(eq + 1))
  }
  const out: Record<string, unknown> = {}
  for (const param of known.values()) {
    const given = values[param.name]
    if (given === undefined) {
      if (param.required) {
        return Either.left(
          `missing --param ${param.name}=...: the ${param.location} parameter of ${info.operationId} (${info.method} ${info.path})`
        )
      }
      continue
    }
    if (param.location === "path" || param.location === "cookie" || param.location === "object") {
      if (given.length > 1) {
        return Either.left(`--param ${param.name} is given ${given.length} times; it takes one value`)
      }
    }
    const raw = given[0]!
    if (param.location === "path" && raw === "") return Either.left(`--param ${param.name} is empty`)
    if (param.location === "object") {
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        return Either.left(`bad --param ${param.name}: expected a JSON object, e.g. ${param.name}='{"key":"value"}'`)
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        return Either.left(`bad --param ${param.name}: expected a JSON object, e.g. ${param.name}='{"key":"value"}'`)
      }
      out[param.name] = parsed
    } else if (param.secret) {
      out[param.name] = Redacted.make(raw)
    } else {
      out[param.name] = given.length === 1 ? raw : given
    }
  }
  return Either.right(out)
}

/** Checks that a body fits the operation: JSON or form bodies only, and only for operations that take one. */
export const checkBody = (info: Operations.OperationInfo, body: unknown | undefined): string | undefined => {
  if (body === undefined) return undefined
  switch (info.body) {
    case "none":
      return `${info.operationId} (${info.method} ${info.path}) takes no body`
    case "multipart":
      return `${info.operationId} takes a multipart body (a file), which \`docspace api\` cannot send: use \`docspace upload\``
    case "form":
      return body !== null && typeof body === "object" && !Array.isArray(body)
        ? undefined
        : `${info.operationId} takes a form body: give a JSON object of its fields`
    case "json":
      return undefined
  }
}

/** Parses a `--body` text as JSON; one line saying where it is wrong otherwise. */
export const parseBody = (text: string, source: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return Either.left(`--body ${source} is not JSON: ${why.split("\n")[0]}`)
  }
}

/**
 * Runs an operation through its generated function: the decoded answer (a `Redirect` for redirecting operations,
 * `undefined` when the answer has no body), or the byte stream of a streaming answer.
 */
export const invoke = (
  fn: OperationFunction,
  params: Record<string, unknown>
): Effect.Effect<Result, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.suspend(() => {
    const result = fn(params)
    if (Effect.isEffect(result)) {
      return Effect.map(
        result as Effect.Effect<unknown, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient>,
        (value): Result => ({ _tag: "Value", value })
      )
    }
    return Effect.map(Client.DocSpaceClient, (client): Result => ({
      _tag: "Bytes",
      bytes: Stream.provideService(
        result as Stream.Stream<Uint8Array, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient>,
        Client.DocSpaceClient,
        client
      )
    }))
  })

/**
 * The request an operation's generated function builds for these parameters, without sending it (the same
 * recording client as {@link describe}); `undefined` if the function builds none.
 */
export const requestOf = (
  fn: OperationFunction,
  params: Record<string, unknown>
): DocSpaceClient.RequestOptions | undefined => {
  const sink: Array<DocSpaceClient.RequestOptions> = []
  try {
    run(fn(params), capturingClient(sink))
  } catch {
    // nothing recorded
  }
  return sink[0]
}

/**
 * Sends an operation's request as its generated function builds it, and gives the answer's JSON as the portal wrote
 * it (the envelope's `response`, or the whole body for operations without one), without the generated decoder:
 * for an answer the spec describes wrongly.
 */
export const invokeRaw = (
  info: Operations.OperationInfo,
  fn: OperationFunction,
  params: Record<string, unknown>
): Effect.Effect<unknown, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.suspend(() => {
    const options = requestOf(fn, params)
    if (options === undefined) {
      return Effect.die(new Error(`${info.operationId}: the generated function built no request`))
    }
    return Client.request(options, Schema.Unknown)
  })

/** The help of one operation, from the table and its parameters. */
export const help = (described: Described): string => {
  const { info, params } = described
  const lines = [
    `${info.operationId}: ${info.method} ${info.path}`,
    "",
    `  group       ${info.group} (${info.tag})`,
    `  rate limit  ${info.rateLimitClass}`,
    `  body        ${
      info.body === "none" ? "none" : info.body === "json" ? "JSON (--body @file.json or --body '{...}')" : info.body
    }`,
    `  answer      ${info.response}${info.paginated ? " (paged: count, startIndex; --all streams every item)" : ""}`
  ]
  const shown = params.filter((p) => p.location !== "body")
  lines.push("", shown.length === 0 ? "  no parameters" : "  parameters (--param name=value):")
  const width = Math.max(0, ...shown.map((p) => p.name.length))
  for (const p of shown) {
    const where = p.location === "object"
      ? "query, a JSON object whose fields become query keys"
      : p.location === "cookie"
      ? `cookie ${p.wire}, secret`
      : p.location === "query" && p.wire !== p.name
      ? `query key ${p.wire}`
      : p.location
    lines.push(`    ${p.name.padEnd(width)}  ${where}${p.required ? ", required" : ""}`)
  }
  const example = [
    "docspace api",
    info.operationId,
    ...shown.filter((p) => p.required).map((p) => `--param ${p.name}=...`),
    ...(info.body === "json" ? ["--body @body.json"] : [])
  ]
  lines.push("", `  example: ${example.join(" ")}`)
  return lines.join("\n") + "\n"
}

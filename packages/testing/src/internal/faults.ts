/**
 * Fault injection for the fake DocSpace: a `HandlerMiddleware` that, per route pattern or at random from a seed,
 * delays, drops the connection, truncates or corrupts bodies, answers as a failing proxy, or drips the body.
 * Delays use `Effect.sleep`, so `TestClock` drives them; the random choice uses its own seeded PRNG, so a seed
 * always gives the same faults for the same sequence of requests.
 */
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { FakeRequest, FakeResponse, Handler, HandlerMiddleware } from "./handler.js"
import { ConnectionReset } from "./handler.js"
import { InvalidOptions } from "./limits.js"
import * as Pattern from "./pattern.js"

/** @internal */
export type Fault =
  | { readonly _tag: "Latency"; readonly duration: Duration.DurationInput }
  | { readonly _tag: "ResetBeforeResponse"; readonly processed: boolean }
  | { readonly _tag: "ResetMidBody"; readonly afterBytes: number | undefined }
  | { readonly _tag: "TruncatedBody"; readonly mode: "content-length" | "json" }
  | { readonly _tag: "ProxyError"; readonly status: number; readonly processed: boolean }
  | { readonly _tag: "MalformedJson" }
  | { readonly _tag: "ErrorEnvelope"; readonly status: number; readonly message: string; readonly processed: boolean }
  | { readonly _tag: "SlowDrip"; readonly chunkSize: number; readonly interval: Duration.DurationInput }

/** @internal */
export type FaultTag = Fault["_tag"]

/** @internal */
export const latency = (duration: Duration.DurationInput): Fault => ({ _tag: "Latency", duration })
/** @internal */
export const resetBeforeResponse = (options: { readonly processed?: boolean | undefined } = {}): Fault => ({
  _tag: "ResetBeforeResponse",
  processed: options.processed ?? false
})
/** @internal */
export const resetMidBody = (options: { readonly afterBytes?: number | undefined } = {}): Fault => ({
  _tag: "ResetMidBody",
  afterBytes: options.afterBytes
})
/** @internal */
export const truncatedBody = (mode: "content-length" | "json" = "content-length"): Fault => ({
  _tag: "TruncatedBody",
  mode
})
/** @internal */
export const proxyError = (
  status: 502 | 503 | 504 = 502,
  options: { readonly processed?: boolean | undefined } = {}
): Fault => ({ _tag: "ProxyError", status, processed: options.processed ?? false })
/** @internal */
export const malformedJson: Fault = { _tag: "MalformedJson" }
/** @internal */
export const errorEnvelope = (options: {
  readonly status?: number | undefined
  readonly message?: string | undefined
  readonly processed?: boolean | undefined
} = {}): Fault => ({
  _tag: "ErrorEnvelope",
  status: options.status ?? 200,
  message: options.message ?? "An error occurred while processing the request",
  processed: options.processed ?? false
})
/** @internal */
export const slowDrip = (options: {
  readonly chunkSize?: number | undefined
  readonly interval?: Duration.DurationInput | undefined
} = {}): Fault => ({
  _tag: "SlowDrip",
  chunkSize: options.chunkSize ?? 16,
  interval: options.interval ?? Duration.millis(100)
})

/** Every kind of fault with its defaults: what `random` picks from unless told otherwise. @internal */
export const all: ReadonlyArray<Fault> = [
  latency(Duration.seconds(1)),
  resetBeforeResponse(),
  resetMidBody(),
  truncatedBody("content-length"),
  truncatedBody("json"),
  proxyError(502),
  proxyError(503),
  malformedJson,
  errorEnvelope(),
  slowDrip()
]

/** @internal */
export interface FaultRule {
  /** `"GET /api/2.0/files/{id}"`, `"* /api/2.0/*"`, `"*"`... */
  readonly route: string
  /** One fault, or several applied together (latency + slow drip). */
  readonly fault: Fault | ReadonlyArray<Fault>
  /** Let this many matching requests through first. */
  readonly skip?: number | undefined
  /** Apply to at most this many requests (default: every matching one). */
  readonly times?: number | undefined
  /** Apply with this probability (0..1), drawn from the seeded PRNG. Default 1. */
  readonly probability?: number | undefined
}

/** @internal */
export interface FaultsOptions {
  /** Checked in order; the first rule that applies wins. */
  readonly rules?: ReadonlyArray<FaultRule> | undefined
  /** Faults at random for requests no rule took. */
  readonly random?: {
    readonly seed: number
    /** The share of requests that get a fault, 0..1. */
    readonly rate: number
    readonly faults?: ReadonlyArray<Fault> | undefined
    /** Only these routes (default: every route). */
    readonly routes?: ReadonlyArray<string> | undefined
  } | undefined
  /** The seed of `probability` draws when there is no `random` (default 1). */
  readonly seed?: number | undefined
}

/** @internal */
export interface FaultsStats {
  readonly requests: number
  readonly faulted: number
  readonly byFault: Readonly<Record<FaultTag, number>>
  /** The last 1000 faults injected, oldest first. */
  readonly recent: ReadonlyArray<
    { readonly method: string; readonly path: string; readonly faults: ReadonlyArray<FaultTag> }
  >
}

/** @internal */
export interface Faults {
  readonly middleware: HandlerMiddleware
  readonly stats: Effect.Effect<FaultsStats>
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. @internal */
export const prng = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => {
  let length = 0
  for (const c of chunks) length += c.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.length
  }
  return out
}

const collect = (body: Stream.Stream<Uint8Array, ConnectionReset>): Effect.Effect<Uint8Array, ConnectionReset> =>
  Effect.map(Stream.runCollect(body), (chunks) => concat(Chunk.toReadonlyArray(chunks)))

const reasonPhrase: Record<number, string> = {
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out"
}

/** The page nginx answers with when the upstream fails. @internal */
export const proxyPage = (status: number): string => {
  const title = `${status} ${reasonPhrase[status] ?? "Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

const bytesResponse = (status: number, headers: Record<string, string>, bytes: Uint8Array): FakeResponse => ({
  status,
  headers: { ...headers, "content-length": String(bytes.length) },
  body: bytes.length === 0 ? Stream.empty : Stream.succeed(bytes)
})

const withoutLength = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const { "content-length": _, ...rest } = headers
  return rest
}

/** Makes a JSON text invalid while keeping it recognisable. */
const corrupt = (text: string): string => {
  const colon = text.indexOf(":")
  return colon >= 0 ? `${text.slice(0, colon + 1)} ,${text.slice(colon + 1)}` : `{${text},}`
}

const split = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, Math.min(bytes.length, i + size)))
  return out
}

/** Applies one fault around `next`. @internal */
export const apply = (fault: Fault, next: Handler): Handler => (request: FakeRequest) => {
  switch (fault._tag) {
    case "Latency":
      return Effect.zipRight(Effect.sleep(fault.duration), next(request))
    case "ResetBeforeResponse": {
      const reset = Effect.fail(new ConnectionReset({ reason: "fault: connection reset before the response" }))
      return fault.processed ? Effect.zipRight(Effect.flatMap(next(request), (r) => collect(r.body)), reset) : reset
    }
    case "ResetMidBody":
      return Effect.map(next(request), (response) => ({
        ...response,
        body: Stream.unwrap(Effect.map(collect(response.body), (bytes) => {
          const cut = Math.min(bytes.length, fault.afterBytes ?? Math.floor(bytes.length / 2))
          return Stream.concat(
            cut > 0 ? Stream.succeed(bytes.subarray(0, cut)) : Stream.empty,
            Stream.fail(
              new ConnectionReset({ reason: `fault: connection reset after ${cut} of ${bytes.length} bytes` })
            )
          )
        }))
      }))
    case "TruncatedBody":
      return Effect.flatMap(next(request), (response) =>
        Effect.map(collect(response.body), (bytes) => {
          const cut = bytes.subarray(0, Math.floor(bytes.length / 2))
          return fault.mode === "content-length"
            ? {
              status: response.status,
              // the head promises the whole body; only half of it comes
              headers: { ...response.headers, "content-length": String(bytes.length) },
              body: cut.length === 0 ? Stream.empty : Stream.succeed(cut)
            }
            : bytesResponse(response.status, withoutLength(response.headers), cut)
        }))
    case "ProxyError": {
      const page = bytesResponse(
        fault.status,
        { "content-type": "text/html", server: "nginx" },
        encoder.encode(proxyPage(fault.status))
      )
      return fault.processed
        ? Effect.flatMap(next(request), (r) => Effect.as(collect(r.body), page))
        : Effect.succeed(page)
    }
    case "MalformedJson":
      return Effect.flatMap(next(request), (response) =>
        Effect.map(collect(response.body), (bytes) =>
          bytesResponse(
            response.status,
            { ...withoutLength(response.headers), "content-type": "application/json; charset=utf-8" },
            encoder.encode(corrupt(decoder.decode(bytes)))
          )))
    case "ErrorEnvelope": {
      const body = encoder.encode(JSON.stringify({
        error: { message: fault.message, type: "System.Exception" },
        status: 1,
        statusCode: fault.status
      }))
      const response = bytesResponse(fault.status, { "content-type": "application/json; charset=utf-8" }, body)
      return fault.processed
        ? Effect.flatMap(next(request), (r) => Effect.as(collect(r.body), response))
        : Effect.succeed(response)
    }
    case "SlowDrip":
      return Effect.map(next(request), (response) => ({
        ...response,
        body: response.body.pipe(
          Stream.mapConcat((bytes) => split(bytes, Math.max(1, fault.chunkSize))),
          Stream.zipWithIndex,
          Stream.mapEffect(([chunk, index]) =>
            index === 0 ? Effect.succeed(chunk) : Effect.as(Effect.sleep(fault.interval), chunk)
          )
        )
      }))
  }
}

const validate = (options: FaultsOptions): string | undefined => {
  const checkFault = (f: Fault): string | undefined => {
    if (f._tag === "SlowDrip" && !(Number.isInteger(f.chunkSize) && f.chunkSize > 0)) {
      return `slowDrip chunkSize must be a whole number > 0, got ${f.chunkSize}`
    }
    if (
      f._tag === "ResetMidBody" && f.afterBytes !== undefined && !(Number.isInteger(f.afterBytes) && f.afterBytes >= 0)
    ) {
      return `resetMidBody afterBytes must be a whole number >= 0, got ${f.afterBytes}`
    }
    if ((f._tag === "ProxyError" || f._tag === "ErrorEnvelope") && !(f.status >= 200 && f.status <= 599)) {
      return `${f._tag} status must be 200..599, got ${f.status}`
    }
    return undefined
  }
  const inRange = (p: number | undefined) => p === undefined || (p >= 0 && p <= 1)
  for (const rule of options.rules ?? []) {
    if (!inRange(rule.probability)) return `rule ${rule.route}: probability must be within 0..1`
    for (const f of Array.isArray(rule.fault) ? rule.fault : [rule.fault as Fault]) {
      const problem = checkFault(f)
      if (problem) return `rule ${rule.route}: ${problem}`
    }
  }
  if (options.random) {
    if (!inRange(options.random.rate)) return "random.rate must be within 0..1"
    if (options.random.faults?.length === 0) return "random.faults must not be empty"
    for (const f of options.random.faults ?? []) {
      const problem = checkFault(f)
      if (problem) return `random: ${problem}`
    }
  }
  return undefined
}

/** @internal */
export const make = (options: FaultsOptions): Effect.Effect<Faults, InvalidOptions> =>
  Effect.suspend(() => {
    const problem = validate(options)
    if (problem !== undefined) return Effect.fail(new InvalidOptions({ message: `faults: ${problem}` }))
    return Effect.sync((): Faults => {
      const rng = prng(options.random?.seed ?? options.seed ?? 1)
      const rules = (options.rules ?? []).map((rule) => ({
        pattern: Pattern.parse(rule.route === "*" ? "* *" : rule.route),
        faults: (Array.isArray(rule.fault) ? rule.fault : [rule.fault]) as ReadonlyArray<Fault>,
        skip: rule.skip ?? 0,
        times: rule.times ?? Infinity,
        probability: rule.probability ?? 1,
        seen: 0,
        applied: 0
      }))
      const random = options.random
      const randomFaults = random?.faults ?? all
      const randomRoutes = random?.routes?.map(Pattern.parse)
      let requests = 0
      let faulted = 0
      const byFault: Record<FaultTag, number> = {
        Latency: 0,
        ResetBeforeResponse: 0,
        ResetMidBody: 0,
        TruncatedBody: 0,
        ProxyError: 0,
        MalformedJson: 0,
        ErrorEnvelope: 0,
        SlowDrip: 0
      }
      const recent: Array<{ method: string; path: string; faults: ReadonlyArray<FaultTag> }> = []

      const choose = (request: FakeRequest): ReadonlyArray<Fault> | undefined => {
        const path = request.url.pathname
        for (const rule of rules) {
          if (Pattern.match(rule.pattern, request.method, path) === undefined) continue
          rule.seen++
          if (rule.seen <= rule.skip || rule.applied >= rule.times) continue
          if (rule.probability < 1 && rng() >= rule.probability) continue
          rule.applied++
          return rule.faults
        }
        if (random && random.rate > 0) {
          if (randomRoutes && !randomRoutes.some((p) => Pattern.match(p, request.method, path) !== undefined)) {
            return undefined
          }
          if (rng() < random.rate) return [randomFaults[Math.floor(rng() * randomFaults.length)]]
        }
        return undefined
      }

      const middleware: HandlerMiddleware = (handler) => (request) =>
        Effect.suspend(() => {
          requests++
          const chosen = choose(request)
          if (chosen === undefined || chosen.length === 0) return handler(request)
          faulted++
          for (const f of chosen) byFault[f._tag]++
          recent.push({ method: request.method, path: request.url.pathname, faults: chosen.map((f) => f._tag) })
          if (recent.length > 1000) recent.shift()
          // the first fault is the outermost: [latency, slowDrip] waits, then drips
          return chosen.reduceRight<Handler>((next, f) => apply(f, next), handler)(request)
        })

      const stats = Effect.sync((): FaultsStats => ({
        requests,
        faulted,
        byFault: { ...byFault },
        recent: recent.slice()
      }))
      return { middleware, stats }
    })
  })

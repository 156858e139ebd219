/**
 * What the limiter knows of a request: its method class, the windows and route rules it counts in, the gates it waits
 * on, and how it is described in errors (the caller's `describeRequest` hook). The policy is compiled once per limiter;
 * a request's context is built once per run of the request.
 *
 * @internal
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { RequestDescription } from "../RateLimiter.js"
import type * as RateLimitPolicy from "../RateLimitPolicy.js"
import type { WindowSpec } from "../RateLimitStore.js"
import type { Class, GlobalWindow } from "./adaptive.js"
import { matchRoute, parseRoute, splitPath } from "./route.js"
import type { CompiledRoute } from "./route.js"

/** @internal */
export const DAY = 24 * 60 * 60 * 1000

/** The server's concurrency classes: GET, and every other method (HEAD included). @internal */
export const classOf = (method: string): Class => (method === "GET" ? "read" : "write")

interface CompiledRule {
  readonly routes: ReadonlyArray<CompiledRoute>
  readonly windows: ReadonlyArray<GlobalWindow>
}

/** @internal */
export interface CompiledPolicy {
  /** the global windows, their limits mutable (lowered by what the server's refusals show) */
  readonly globals: ReadonlyArray<GlobalWindow>
  readonly rules: ReadonlyArray<CompiledRule>
  readonly daily: WindowSpec | undefined
  /** what a method and URL match, remembered: matching 26 route rules cost a tenth of a request's CPU */
  readonly matches: Map<string, RouteMatch>
}

/** The policy's windows and rules a method and URL fall under. */
interface RouteMatch {
  readonly specific: ReadonlyArray<WindowSpec>
  readonly matchedRules: ReadonlyArray<number>
  /** the route windows' specs: their limits are read per request (an adaptive limit may have lowered them) */
  readonly routeSpecs: ReadonlyArray<WindowSpec>
  readonly routeInterval: number | undefined
  readonly mine: ReadonlyArray<GlobalWindow>
  readonly hasSliding: boolean
}

const noLimits: ReadonlyArray<number> = []

// enough for every path a program uses repeatedly; beyond it the memory starts over (ids make URLs unbounded)
const MAX_MATCHES = 1024

/** @internal */
export interface RequestContext {
  readonly method: string
  /** the URL without its query: the path gate's key */
  readonly url: string
  readonly cls: Class
  readonly specific: ReadonlyArray<WindowSpec>
  /** every window of the request, with the limits in force now */
  readonly all: () => ReadonlyArray<WindowSpec>
  readonly hasSliding: boolean
  readonly routeMatched: boolean
  /** the limits and shortest interval of the route rules' windows the request matched */
  readonly routeLimits: ReadonlyArray<number>
  readonly routeInterval: number | undefined
  /** The scoped gates this request waits on: one per route rule it matched, and the writes' gate for POST/PUT. */
  readonly scopedGates: ReadonlyArray<string>
  /** How errors and logs name the request (the caller's hook, run only when needed). */
  readonly describe: Effect.Effect<RequestDescription>
}

/** The hook `RateLimiter.apply` accepts. @internal */
export type DescribeRequest = (
  request: HttpClientRequest.HttpClientRequest
) => RequestDescription | Effect.Effect<RequestDescription>

const specOf = (key: string, w: RateLimitPolicy.Window): GlobalWindow => ({
  spec: { key, limit: w.limit, intervalMillis: Duration.toMillis(w.interval), kind: w.kind },
  methods: w.methods === undefined ? undefined : new Set(w.methods.map((m) => m.toUpperCase()))
})

const windowKey = (w: RateLimitPolicy.Window) =>
  `${w.kind}:${w.limit}/${Duration.toMillis(w.interval)}:${w.methods?.join(",") ?? "*"}`

/** @internal */
export const stripQuery = (url: string): string => {
  const i = url.search(/[?#]/)
  return i === -1 ? url : url.slice(0, i)
}

// The path of an absolute URL without parsing it whole (a URL parse per request is most of what a request costs
// here); anything the URL parser would rewrite (dot segments, percent-escapes, backslashes) still goes through it.
const pathOf = (url: string): string => {
  const scheme = url.indexOf("://")
  if (scheme > 0) {
    const slash = url.indexOf("/", scheme + 3)
    const path = slash === -1 ? "/" : stripQuery(url.slice(slash))
    if (slash !== -1 && !/\/\.|%|\\/.test(path) && !/[?#]/.test(url.slice(scheme + 3, slash))) return path
  }
  try {
    return new URL(url).pathname
  } catch {
    return stripQuery(url)
  }
}

/** @internal */
export const compilePolicy = (policy: RateLimitPolicy.RateLimitPolicy): CompiledPolicy => ({
  globals: policy.windows.map((w, i) => specOf(`window:${i}:${windowKey(w)}`, w)),
  rules: policy.routes.map((rule) => {
    const patterns: ReadonlyArray<string> = typeof rule.route === "string" ? [rule.route] : rule.route
    return {
      routes: patterns.map((pattern) => parseRoute(pattern) as CompiledRoute),
      windows: rule.windows.map((w, i) => specOf(`route:${patterns.join("|")}:${i}:${windowKey(w)}`, w))
    }
  }),
  daily: policy.writesPerDay === undefined ? undefined : {
    key: `writes-per-day:${policy.writesPerDay}`,
    limit: policy.writesPerDay,
    intervalMillis: DAY,
    kind: "sliding"
  },
  matches: new Map()
})

const routeMatch = (compiled: CompiledPolicy, method: string, url: string): RouteMatch => {
  const key = `${method} ${url}`
  const known = compiled.matches.get(key)
  if (known !== undefined) return known
  const { daily, globals, rules } = compiled
  const specific: Array<WindowSpec> = []
  const matchedRules: Array<number> = []
  const routeSpecs: Array<WindowSpec> = []
  let routeInterval: number | undefined
  if (rules.length > 0) {
    const segments = splitPath(pathOf(url))
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]
      if (!rule.routes.some((route) => matchRoute(route, method, segments))) continue
      matchedRules.push(index)
      for (const w of rule.windows) {
        if (w.methods !== undefined && !w.methods.has(method)) continue
        specific.push(w.spec)
        routeSpecs.push(w.spec)
        routeInterval = Math.min(routeInterval ?? Infinity, w.spec.intervalMillis)
      }
    }
  }
  if (daily !== undefined && (method === "POST" || method === "PUT")) specific.push(daily)
  const mine = globals.filter((w) => w.methods === undefined || w.methods.has(method))
  const match: RouteMatch = {
    specific,
    matchedRules,
    routeSpecs,
    routeInterval,
    mine,
    hasSliding: mine.some((w) => w.spec.kind === "sliding") || specific.some((w) => w.kind === "sliding")
  }
  if (compiled.matches.size >= MAX_MATCHES) compiled.matches.clear()
  compiled.matches.set(key, match)
  return match
}

/** Today's description: the method, and the URL without its query (which can hold a secret). @internal */
export const defaultDescription = (request: HttpClientRequest.HttpClientRequest): RequestDescription => ({
  method: request.method.toUpperCase(),
  route: undefined,
  url: stripQuery(request.url)
})

/** @internal */
export const contextOf = (
  compiled: CompiledPolicy,
  request: HttpClientRequest.HttpClientRequest,
  describeRequest: DescribeRequest | undefined
): RequestContext => {
  const method = request.method.toUpperCase()
  const url = stripQuery(request.url)
  const { hasSliding, matchedRules, mine, routeInterval, routeSpecs, specific } = routeMatch(compiled, method, url)
  const routeLimits = routeSpecs.length === 0 ? noLimits : routeSpecs.map((spec) => spec.limit)
  const write = method === "POST" || method === "PUT"
  // the policy's window specs themselves: their limits are the ones in force (adaptive limits lower them in place)
  let windows: ReadonlyArray<WindowSpec> | undefined
  const all = () => {
    if (windows === undefined) {
      const out: Array<WindowSpec> = []
      for (const w of mine) out.push(w.spec)
      for (const w of specific) out.push(w)
      windows = out
    }
    return windows
  }
  const scopedGates = matchedRules.map((index) => `route:${index}`)
  // a route limit no rule describes (a refusal classified `route` on a request matching none) pauses this path
  scopedGates.push(`path:${method} ${url}`)
  if (write) scopedGates.push("writes")
  return {
    method,
    url,
    cls: classOf(method),
    specific,
    all,
    hasSliding,
    routeMatched: matchedRules.length > 0,
    routeLimits,
    routeInterval,
    scopedGates,
    describe: describeRequest === undefined ?
      Effect.sync(() => defaultDescription(request)) :
      Effect.suspend(() => {
        const described = describeRequest(request)
        return Effect.isEffect(described) ? described : Effect.succeed(described)
      }).pipe(
        // a hook that throws must not turn a RateLimited into a defect: today's description then
        Effect.catchAllDefect(() => Effect.sync(() => defaultDescription(request)))
      )
  }
}

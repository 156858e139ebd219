/**
 * The dispatcher: matches a route, authenticates, counts, runs the route, turns thrown `HttpError`s into the
 * error envelope, flushes webhook deliveries, and never fails.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { FakeRequest, FakeResponse, Handler } from "../handler.js"
import { authenticate } from "./auth.js"
import type { Ctx, Route } from "./common.js"
import type { User } from "./people.js"
import { allRoutes } from "./routes.js"
import type { FakeModel } from "./state.js"
import type { Reply } from "./util.js"
import {
  ChunkError,
  countBindingError,
  errorReply,
  fromUtf8,
  HttpError,
  jsonReply,
  ValidationError,
  validationReply
} from "./util.js"
import type { Delivery } from "./webhooks.js"
import { flushEvents } from "./webhooks.js"

export interface Counters {
  total: number
  writes: number
  inFlight: number
  peakInFlight: number
  readonly byRoute: Map<string, number>
}

interface Compiled {
  readonly route: Route
  readonly segments: ReadonlyArray<string>
  readonly literals: number
}

const compile = (routes: ReadonlyArray<Route>): Array<Compiled> =>
  routes.map((route) => {
    const segments = route.template.split("/").filter((s) => s !== "")
    return { route, segments, literals: segments.filter((s) => !s.startsWith("{")).length }
  })

const match = (
  table: ReadonlyArray<Compiled>,
  method: string,
  path: string
): { readonly route: Route; readonly params: Record<string, string> } | "method" | undefined => {
  const parts = path.split("/").filter((s) => s !== "")
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined
  let pathMatched = false
  for (const entry of table) {
    if (entry.segments.length !== parts.length) continue
    const params: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < parts.length; i++) {
      const seg = entry.segments[i]
      if (seg.startsWith("{")) params[seg.slice(1, -1)] = decodeURIComponent(parts[i])
      else if (seg.toLowerCase() !== parts[i].toLowerCase()) {
        ok = false
        break
      }
    }
    if (!ok) continue
    pathMatched = true
    if (entry.route.method !== method) continue
    if (best === undefined || entry.literals > best.literals) {
      best = { route: entry.route, params, literals: entry.literals }
    }
  }
  if (best !== undefined) return best
  return pathMatched ? "method" : undefined
}

const toResponse = (reply: Reply, done: Effect.Effect<void>): FakeResponse => ({
  status: reply.status,
  headers: { ...reply.headers, "content-length": String(reply.body.length) },
  body: (reply.body.length === 0 ? Stream.empty : Stream.make(reply.body)).pipe(Stream.ensuring(done))
})

const unauthorized = () => new HttpError(401, "Unauthorized", "System.Security.Authentication.AuthenticationException")

export const makeDispatcher = (
  model: FakeModel,
  counters: Counters,
  onDeliveries: (deliveries: ReadonlyArray<Delivery>) => Effect.Effect<void>
): Handler => {
  const table = compile(allRoutes)
  const run = (req: FakeRequest, now: number): { readonly reply: Reply; readonly key: string } => {
    const method = req.method.toUpperCase()
    let key = `${method} (unknown)`
    try {
      const origin = req.url.origin
      model.advance(now)
      const path = req.url.pathname.replace(/\/+$/, "") || "/"
      let found = match(table, method, path)
      if (method === "HEAD" && (found === undefined || found === "method")) found = match(table, "GET", path)
      if (found === undefined || found === "method") {
        return { reply: errorReply(new HttpError(404, `No route for ${method} ${req.url.pathname}`)), key }
      }
      key = `${found.route.method} ${found.route.template}`
      const auth = authenticate(model, req, now)
      if (auth === undefined && found.route.anonymous !== true) return { reply: errorReply(unauthorized()), key }
      // model binding runs before the action: a `count` outside the DTOs' [Range(1, 100)] is a validation 400
      const binding = countBindingError(req.url.searchParams)
      if (binding !== undefined) return { reply: validationReply(binding), key }
      let parsed: Record<string, unknown> | undefined
      const ctx: Ctx = {
        model,
        req,
        params: found.params,
        query: req.url.searchParams,
        user: auth?.user as User,
        token: auth?.token,
        now,
        origin,
        json: () => {
          if (parsed !== undefined) return parsed
          const text = fromUtf8(req.body).trim()
          if (text === "") return (parsed = {})
          let value: unknown
          try {
            value = JSON.parse(text)
          } catch (e) {
            // a body the model binder cannot read is a validation failure, as on the server
            throw new ValidationError({
              $: [`The JSON value could not be converted: ${e instanceof Error ? e.message : String(e)}`],
              inDto: ["The inDto field is required."]
            })
          }
          if (value === null || typeof value !== "object" || Array.isArray(value)) {
            throw new ValidationError({
              $: ["The JSON value could not be converted: the request body must be a JSON object."],
              inDto: ["The inDto field is required."]
            })
          }
          return (parsed = value as Record<string, unknown>)
        }
      }
      return { reply: found.route.handle(ctx), key }
    } catch (e) {
      if (e instanceof HttpError) return { reply: errorReply(e), key }
      if (e instanceof ValidationError) return { reply: validationReply(e), key }
      if (e instanceof ChunkError) return { reply: jsonReply(200, { success: false, message: e.message }), key }
      if (e instanceof URIError) return { reply: errorReply(new HttpError(400, `Malformed URL: ${e.message}`)), key }
      return { reply: errorReply(new HttpError(500, `Internal error in the fake: ${String(e)}`)), key }
    }
  }

  return (req) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      counters.total++
      counters.inFlight++
      counters.peakInFlight = Math.max(counters.peakInFlight, counters.inFlight)
      const method = req.method.toUpperCase()
      if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") counters.writes++
      const { key, reply } = run(req, now)
      counters.byRoute.set(key, (counters.byRoute.get(key) ?? 0) + 1)
      const deliveries = flushEvents(model, now)
      if (deliveries.length > 0) yield* onDeliveries(deliveries)
      let released = false
      const done = Effect.sync(() => {
        if (!released) {
          released = true
          counters.inFlight--
        }
      })
      return toResponse(method === "HEAD" ? { ...reply, body: new Uint8Array(0) } : reply, done)
    })
}

/**
 * The dispatcher: matches a route, authenticates, counts, runs the route, turns thrown `HttpError`s into the
 * error envelope, flushes webhook deliveries, and never fails.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { FakeRequest, FakeResponse, Handler } from "../handler.js"
import type { Ctx, Route } from "./routes.js"
import { allRoutes } from "./routes.js"
import type { Delivery, FakeModel, User } from "./state.js"
import type { Reply } from "./util.js"
import { ChunkError, errorReply, fromUtf8, HttpError, jsonReply } from "./util.js"

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

const cookie = (header: string | undefined, name: string): string | undefined => {
  if (header === undefined) return undefined
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

const authenticate = (
  model: FakeModel,
  req: FakeRequest,
  now: number
): { readonly user: User; readonly token: string | undefined } | undefined => {
  const byToken = (token: string) => {
    const session = model.tokens.get(token)
    if (session === undefined) return undefined
    if (session.expires <= now) {
      model.tokens.delete(token)
      return undefined
    }
    const user = model.users.get(session.userId)
    return user === undefined ? undefined : { user, token }
  }
  const header = req.headers["authorization"]?.trim()
  if (header !== undefined && header !== "") {
    const [scheme, ...rest] = header.split(" ")
    const value = rest.join(" ").trim()
    if (scheme.toLowerCase() === "bearer") {
      if (value.startsWith("sk-")) {
        const userId = model.apiKeys.get(value)
        const user = userId === undefined ? undefined : model.users.get(userId)
        return user === undefined ? undefined : { user, token: undefined }
      }
      return byToken(value)
    }
    if (scheme.toLowerCase() === "basic") {
      let decoded = ""
      try {
        decoded = atob(value)
      } catch {
        return undefined
      }
      const colon = decoded.indexOf(":")
      const user = model.userByEmail(decoded.slice(0, colon))
      if (colon < 0 || user === undefined || user.password === undefined) return undefined
      if (user.password !== decoded.slice(colon + 1) || user.tfaCode !== undefined) return undefined
      return { user, token: undefined }
    }
    return byToken(header) // the raw token
  }
  const fromCookie = cookie(req.headers["cookie"], "asc_auth_key")
  return fromCookie === undefined ? undefined : byToken(fromCookie)
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
            throw new HttpError(
              400,
              `The JSON value could not be converted: ${String(e)}`,
              "System.Text.Json.JsonException"
            )
          }
          if (value === null || typeof value !== "object" || Array.isArray(value)) {
            throw new HttpError(400, "The request body must be a JSON object", "System.Text.Json.JsonException")
          }
          return (parsed = value as Record<string, unknown>)
        }
      }
      return { reply: found.route.handle(ctx), key }
    } catch (e) {
      if (e instanceof HttpError) return { reply: errorReply(e), key }
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
      const deliveries = model.flushEvents(now)
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

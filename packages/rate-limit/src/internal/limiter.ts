import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import type { ClassStats, RateLimiter, RateLimitStats } from "../RateLimiter.js"
import { RateLimited } from "../RateLimitError.js"
import type { StoreError } from "../RateLimitError.js"
import * as RateLimitPolicy from "../RateLimitPolicy.js"
import { makeMemoryUnsafe, RateLimitStore } from "../RateLimitStore.js"
import type { WindowSpec } from "../RateLimitStore.js"
import { makeAdaptive } from "./adaptive.js"
import type { Class, GlobalWindow, SendRecord } from "./adaptive.js"
import { FifoLock } from "./fifo.js"
import { unsafeMemoryOps } from "./memoryStore.js"
import * as metrics from "./metrics.js"
import { hasNoBody, holdPermit } from "./response.js"
import { matchRoute, parseRoute, splitPath } from "./route.js"
import type { CompiledRoute } from "./route.js"

// the server's concurrency classes: GET, and every other method (HEAD included)
const classOf = (method: string): Class => (method === "GET" ? "read" : "write")

const DAY = 24 * 60 * 60 * 1000
// How long a refused answer's body may take to read before the connection is simply dropped.
const DRAIN_TIMEOUT = Duration.seconds(2)

interface CompiledRule {
  readonly routes: ReadonlyArray<CompiledRoute>
  readonly windows: ReadonlyArray<GlobalWindow>
}

interface RequestContext {
  readonly method: string
  readonly url: string
  readonly cls: Class
  readonly specific: ReadonlyArray<WindowSpec>
  /** every window of the request, with the limits in force now */
  readonly all: () => ReadonlyArray<WindowSpec>
  readonly routeMatched: boolean
  /** the limits and shortest interval of the route rules' windows the request matched */
  readonly routeLimits: ReadonlyArray<number>
  readonly routeInterval: number | undefined
  /** The scoped gates this request waits on: one per route rule it matched, and the writes' gate for POST/PUT. */
  readonly scopedGates: ReadonlyArray<string>
}

interface MutableClassStats {
  waiting: number
  inFlight: number
  peakInFlight: number
  sent: number
}

interface Permit {
  readonly id: string
  readonly release: Effect.Effect<void>
  readonly markSent: Effect.Effect<SendRecord>
}

type Attempt<E> =
  | { readonly _tag: "Done"; readonly response: HttpClientResponse.HttpClientResponse }
  | { readonly _tag: "Failed"; readonly cause: Cause.Cause<E | RateLimited> }
  | {
    readonly _tag: "Retry"
    readonly delay: number
    readonly viaGate: boolean
    /** why, for the debug log: a refusal's kind, a status, or a transport failure */
    readonly reason: string
  }

const specOf = (key: string, w: RateLimitPolicy.Window): GlobalWindow => ({
  spec: { key, limit: w.limit, intervalMillis: Duration.toMillis(w.interval), kind: w.kind },
  methods: w.methods === undefined ? undefined : new Set(w.methods.map((m) => m.toUpperCase()))
})

const windowKey = (w: RateLimitPolicy.Window) =>
  `${w.kind}:${w.limit}/${Duration.toMillis(w.interval)}:${w.methods?.join(",") ?? "*"}`

const stripQuery = (url: string): string => {
  const i = url.search(/[?#]/)
  return i === -1 ? url : url.slice(0, i)
}

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname
  } catch {
    return stripQuery(url)
  }
}

/** @internal */
export const make = Effect.fnUntraced(function*(input: RateLimitPolicy.RateLimitPolicy) {
  const policy = yield* RateLimitPolicy.validate(input)
  const store = Option.getOrElse(yield* Effect.serviceOption(RateLimitStore), makeMemoryUnsafe)
  const scope = yield* Effect.scope

  const ttl = Duration.toMillis(policy.leaseTtl)
  const maxWait = Duration.toMillis(policy.maxWait)
  const maxTotalWait = Duration.toMillis(policy.retry.maxTotalWait)
  const gateKey = "gate"
  const caps: Record<Class, number | undefined> = { read: policy.concurrency.read, write: policy.concurrency.write }
  const leaseKeys: Record<Class, string> = { read: "lease:read", write: "lease:write" }
  const globals = policy.windows.map((w, i) => specOf(`window:${i}:${windowKey(w)}`, w))
  const rules: ReadonlyArray<CompiledRule> = policy.routes.map((rule) => {
    const patterns: ReadonlyArray<string> = typeof rule.route === "string" ? [rule.route] : rule.route
    return {
      routes: patterns.map((pattern) => parseRoute(pattern) as CompiledRoute),
      windows: rule.windows.map((w, i) => specOf(`route:${patterns.join("|")}:${i}:${windowKey(w)}`, w))
    }
  })
  const daily: WindowSpec | undefined = policy.writesPerDay === undefined ? undefined : {
    key: `writes-per-day:${policy.writesPerDay}`,
    limit: policy.writesPerDay,
    intervalMillis: DAY,
    kind: "sliding"
  }

  // metric keys built once, tags included
  const m = metrics.forPolicy(policy.name)
  const waitingGauge = m.waiting
  const inFlightGauge = m.inFlight
  const throttledCounter = m.throttled
  const retriesCounter = m.retries
  const gateCounter = m.gateClosedMillis
  const failedCounter = m.failedFast
  // a memory store is called directly: no effect, no timeout (it cannot hang)
  const unsafe = unsafeMemoryOps.get(store)
  // permit and lease ids: unique per limiter (a prefix) and cheap (a counter), not a UUID per request
  const idPrefix = crypto.randomUUID()
  let idCounter = 0
  const nextId = () => `${idPrefix}:${(idCounter++).toString(36)}`

  const classes: Record<Class, MutableClassStats> = {
    read: { waiting: 0, inFlight: 0, peakInFlight: 0, sent: 0 },
    write: { waiting: 0, inFlight: 0, peakInFlight: 0, sent: 0 }
  }
  const counts = { throttled: 0, refused429: 0, refused503: 0, retries: 0, rateLimited: 0, gateClosedMillis: 0 }
  let gateUntil = 0
  // Gates scoped to a route rule, or to writes (the daily cap): a refusal there must not pause everything else.
  // They live in this limiter (the shared store has the one global gate).
  const scopedGateUntil = new Map<string, number>()
  const locks: Record<Class, FifoLock> = { read: new FifoLock(), write: new FifoLock() }
  const held = new Map<string, string>() // leaseId -> key
  // what the server's refusals teach: the send log, the classification, the limits lowered in place
  const { classifyRefusal, learn, logSend, windowWait } = makeAdaptive({
    adaptive: (policy.adaptive ?? true) && !store.leasesExpire,
    globals,
    caps,
    writesPerDay: policy.writesPerDay
  })

  // leases in a shared store expire unless renewed: renew every third of the TTL while we hold them
  if (store.leasesExpire) {
    yield* Effect.forkIn(
      Effect.suspend(() => {
        const byKey = new Map<string, Array<string>>()
        for (const [id, key] of held) byKey.set(key, [...(byKey.get(key) ?? []), id])
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.forEach(
            byKey,
            ([key, leaseIds]) => Effect.ignore(store.renew({ key, leaseIds, ttlMillis: ttl, now })),
            { discard: true }
          ))
      }).pipe(Effect.repeat(Schedule.spaced(Duration.millis(Math.max(1, Math.floor(ttl / 3))))), Effect.interruptible),
      scope
    )
  }

  const setWaiting = (cls: Class, delta: number) =>
    Effect.suspend(() => {
      classes[cls].waiting += delta
      return Metric.set(waitingGauge[cls], classes[cls].waiting)
    })

  const rateLimited = (
    ctx: RequestContext,
    reason: RateLimited["reason"],
    retryAfterMillis: number,
    status?: number
  ) =>
    Effect.suspend(() => {
      counts.rateLimited++
      const fields = {
        method: ctx.method,
        url: ctx.url,
        reason,
        retryAfter: Duration.millis(Math.max(0, retryAfterMillis))
      }
      return Metric.increment(failedCounter).pipe(
        Effect.zipRight(Effect.fail(new RateLimited(status === undefined ? fields : { ...fields, status })))
      )
    })

  const storeCall = <A>(ctx: RequestContext, effect: Effect.Effect<A, StoreError>) =>
    Effect.catchAll(effect, () => rateLimited(ctx, "store-unavailable", 1000))

  // Logs never name the URL: the limiter sees the filled-in path, which can hold an id or a shared link's key; the
  // client annotates its logs with the operation and the URL template instead.
  const markThrottled = (ctx: RequestContext, state: { throttled: boolean }, waitMillis?: number) =>
    state.throttled ? Effect.void : Effect.suspend(() => {
      state.throttled = true
      counts.throttled++
      return Metric.increment(throttledCounter).pipe(
        Effect.zipRight(
          Effect.logDebug("waiting for a rate-limit permit").pipe(
            Effect.annotateLogs({
              "docspace.rate_limit.policy": policy.name,
              "docspace.rate_limit.class": ctx.cls,
              "http.request.method": ctx.method,
              ...(waitMillis === undefined ? {} : { "docspace.rate_limit.wait_ms": waitMillis })
            })
          )
        )
      )
    })

  const waitScopedGates = (ctx: RequestContext, state: { throttled: boolean }): Effect.Effect<void, RateLimited> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const until = Math.max(0, ...ctx.scopedGates.map((key) => scopedGateUntil.get(key) ?? 0))
        if (until <= now) return
        if (until - now > maxWait) return yield* rateLimited(ctx, "wait-exceeds-limit", until - now)
        yield* markThrottled(ctx, state, until - now)
        yield* Effect.sleep(Duration.millis(until - now))
      }
    })

  const waitWindows = (
    ctx: RequestContext,
    windows: () => ReadonlyArray<WindowSpec>,
    dryRun: boolean,
    state: { throttled: boolean },
    permitId: string
  ): Effect.Effect<void, RateLimited> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* Clock.currentTimeMillis
        // the limits in force now: a refusal may have lowered them while this request waited
        const result = yield* storeCall(ctx, store.take({ windows: windows(), gateKey, now, dryRun, permitId }))
        if (result._tag === "Taken") return
        const wait = result.retryAt - now
        if (wait > maxWait) return yield* rateLimited(ctx, "wait-exceeds-limit", wait)
        yield* markThrottled(ctx, state, wait)
        yield* Effect.sleep(Duration.millis(wait))
      }
    })

  const makePermit = (ctx: RequestContext, id: string, leaseId: string | undefined): Permit => {
    let sent = false
    let released = false
    const stats = classes[ctx.cls]
    return {
      id,
      markSent: Effect.clockWith((clock) => {
        const at = clock.unsafeCurrentTimeMillis()
        sent = true
        const inFlightBefore = stats.inFlight
        stats.sent++
        stats.inFlight++
        if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight
        const record: SendRecord = { at, inFlightBefore, windowRefused: false }
        logSend(record)
        return Effect.as(Metric.set(inFlightGauge[ctx.cls], stats.inFlight), record)
      }),
      release: Effect.suspend(() => {
        if (released) return Effect.void
        released = true
        const gauge = sent ?
          Effect.suspend(() => {
            stats.inFlight--
            return Metric.set(inFlightGauge[ctx.cls], stats.inFlight)
          }) :
          Effect.void
        if (leaseId === undefined) return gauge
        held.delete(leaseId)
        if (unsafe !== undefined) {
          unsafe.release(leaseKeys[ctx.cls], leaseId)
          return gauge
        }
        // bounded: a store that does not answer must not hang the caller (the lease expires by itself anyway)
        // (interruptible inside this uninterruptible release, or the timeout could not stop it)
        return Effect.zipRight(
          gauge,
          Effect.ignore(Effect.timeout(Effect.interruptible(store.release(leaseKeys[ctx.cls], leaseId)), ttl))
        )
      }).pipe(Effect.uninterruptible)
    }
  }

  // The fast path: a memory store, nobody queued in the class, every gate open and every window with room. All of it
  // synchronous; anything else (or any of it failing) takes the path that waits.
  const fastPermit = (ctx: RequestContext, now: number): Permit | undefined => {
    if (unsafe === undefined || locks[ctx.cls].busy) return undefined
    for (const key of ctx.scopedGates) if ((scopedGateUntil.get(key) ?? 0) > now) return undefined
    if (
      ctx.specific.length > 0 &&
      unsafe.take({ windows: ctx.specific, gateKey, now, dryRun: true, permitId: "" })._tag !== "Taken"
    ) return undefined
    const cap = caps[ctx.cls]
    let leaseId: string | undefined
    if (cap !== undefined) {
      leaseId = nextId()
      if (!unsafe.tryAcquire(leaseKeys[ctx.cls], leaseId, cap)) return undefined
      held.set(leaseId, leaseKeys[ctx.cls])
    }
    const permitId = nextId()
    if (unsafe.take({ windows: ctx.all(), gateKey, now, dryRun: false, permitId })._tag !== "Taken") {
      if (leaseId !== undefined) {
        held.delete(leaseId)
        unsafe.release(leaseKeys[ctx.cls], leaseId)
      }
      return undefined
    }
    return makePermit(ctx, permitId, leaseId)
  }

  // runs in an uninterruptible region: only the waits are interruptible (through `restore`)
  const acquirePermit = (
    ctx: RequestContext,
    restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  ): Effect.Effect<Permit, RateLimited> =>
    Effect.clockWith((clock) => {
      const permit = fastPermit(ctx, clock.unsafeCurrentTimeMillis())
      return permit !== undefined ? Effect.succeed(permit) : waitForPermit(ctx, restore)
    })

  const waitForPermit = (
    ctx: RequestContext,
    restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  ): Effect.Effect<Permit, RateLimited> => {
    const state = { throttled: false }
    const permitId = nextId()
    const lock = locks[ctx.cls]
    const leaseKey = leaseKeys[ctx.cls]
    const acquireLease = (leaseId: string, limit: number) =>
      Effect.gen(function*() {
        while (true) {
          const now = yield* Clock.currentTimeMillis
          const result = yield* storeCall(ctx, store.acquire({ key: leaseKey, limit, leaseId, ttlMillis: ttl, now }))
          if (result._tag === "Acquired") return
          yield* markThrottled(ctx, state)
          yield* restore(result.wait)
        }
      })
    const waitUntil = (retryAt: number, now: number) => {
      const wait = retryAt - now
      if (wait > maxWait) return rateLimited(ctx, "wait-exceeds-limit", wait)
      return Effect.zipRight(markThrottled(ctx, state, wait), restore(Effect.sleep(Duration.millis(wait))))
    }
    // The lease and the window permits are taken together, or neither: a request waiting for a window (or the gate)
    // holds no concurrency slot meanwhile, so that other requests (other processes' too) can use it.
    const underLock = Effect.gen(function*() {
      const cap = caps[ctx.cls]
      const leaseId = cap === undefined ? undefined : nextId()
      while (true) {
        const now = yield* Clock.currentTimeMillis
        // the limits in force now: a refusal may have lowered them while this request waited
        const limit = caps[ctx.cls]
        if (store.acquireAndTake !== undefined) {
          const lease = leaseId === undefined || limit === undefined ?
            undefined :
            { key: leaseKey, limit, leaseId, ttlMillis: ttl }
          // interruptible: a lease taken by an answer that never came back expires by itself (it is never renewed)
          const result = yield* restore(
            storeCall(ctx, store.acquireAndTake({ lease, windows: ctx.all(), gateKey, now, permitId }))
          )
          if (result._tag === "Taken") break
          if (result._tag === "Blocked") yield* waitUntil(result.retryAt, now)
          else {
            yield* markThrottled(ctx, state)
            yield* restore(result.wait)
          }
          continue
        }
        // a store without the combined step: the lease, then the windows; the lease goes back while a window is full
        if (leaseId !== undefined) yield* acquireLease(leaseId, limit ?? Infinity)
        const taken = yield* restore(
          storeCall(ctx, store.take({ windows: ctx.all(), gateKey, now, dryRun: false, permitId }))
        ).pipe(
          Effect.onError(() => leaseId === undefined ? Effect.void : Effect.ignore(store.release(leaseKey, leaseId)))
        )
        if (taken._tag === "Taken") break
        if (leaseId !== undefined) yield* Effect.ignore(store.release(leaseKey, leaseId))
        yield* waitUntil(taken.retryAt, now)
      }
      if (leaseId !== undefined) held.set(leaseId, leaseKey)
      return makePermit(ctx, permitId, leaseId)
    })
    return Effect.gen(function*() {
      yield* restore(waitScopedGates(ctx, state))
      // per-route and daily windows first, without taking anything, so that a request held back by its own route
      // does not block its whole class queue
      if (ctx.specific.length > 0) yield* restore(waitWindows(ctx, () => ctx.specific, true, state, permitId))
      if (lock.busy) yield* markThrottled(ctx, state)
      yield* restore(lock.acquire)
      return yield* Effect.ensuring(underLock, lock.release)
    }).pipe(
      Effect.ensuring(setWaiting(ctx.cls, -1)),
      (self) => Effect.zipRight(setWaiting(ctx.cls, 1), self)
    )
  }

  const closeGate = (ctx: RequestContext, until: number, now: number) =>
    Effect.gen(function*() {
      if (until > gateUntil) {
        const added = until - Math.max(now, gateUntil)
        gateUntil = until
        counts.gateClosedMillis += added
        yield* Metric.incrementBy(gateCounter, added)
        yield* Effect.logDebug("rate-limit gate closed: every request waits").pipe(
          Effect.annotateLogs({
            "docspace.rate_limit.policy": policy.name,
            "docspace.rate_limit.gate_ms": until - now,
            "http.request.method": ctx.method
          })
        )
      }
      yield* storeCall(ctx, store.closeGate(gateKey, until, now))
    })

  const backoff = (n: number) =>
    Effect.map(Random.next, (r) => {
      const base = Math.min(
        Duration.toMillis(policy.retry.maxDelay),
        Duration.toMillis(policy.retry.baseDelay) * 2 ** n
      )
      return Math.max(1, Math.round(base * (1 - policy.retry.jitter * r)))
    })

  const execute = <E, R>(
    effect: Effect.Effect<HttpClientResponse.HttpClientResponse, E, R>,
    request: HttpClientRequest.HttpClientRequest
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, E | RateLimited, R> => {
    const method = request.method.toUpperCase()
    const url = stripQuery(request.url)
    const segments = splitPath(pathOf(request.url))
    const specific: Array<WindowSpec> = []
    const matchedRules: Array<number> = []
    const routeLimits: Array<number> = []
    let routeInterval: number | undefined
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]
      if (!rule.routes.some((route) => matchRoute(route, method, segments))) continue
      matchedRules.push(index)
      for (const w of rule.windows) {
        if (w.methods !== undefined && !w.methods.has(method)) continue
        specific.push(w.spec)
        routeLimits.push(w.spec.limit)
        routeInterval = Math.min(routeInterval ?? Infinity, w.spec.intervalMillis)
      }
    }
    if (daily !== undefined && (method === "POST" || method === "PUT")) specific.push(daily)
    const mine = globals.filter((w) => w.methods === undefined || w.methods.has(method))
    const all = () => [...mine.map((w) => ({ ...w.spec })), ...specific]
    const hasSliding = mine.some((w) => w.spec.kind === "sliding") || specific.some((w) => w.kind === "sliding")
    const routeMatched = matchedRules.length > 0
    const scopedGates = [
      ...matchedRules.map((index) => `route:${index}`),
      // a route limit no rule describes (a refusal classified `route` on a request matching none) pauses this path
      `path:${method} ${url}`,
      ...(method === "POST" || method === "PUT" ? ["writes"] : [])
    ]
    const ctx: RequestContext = {
      method,
      url,
      cls: classOf(method),
      specific,
      all,
      routeMatched,
      routeLimits,
      routeInterval,
      scopedGates
    }
    const idempotent = method === "GET" || method === "HEAD"

    interface Budget {
      retries: number
      waited: number
    }
    const canRetry = (budget: Budget, delay: number) =>
      budget.retries < policy.retry.attempts && budget.waited + delay <= maxTotalWait

    const attempt = (budget: Budget): Effect.Effect<Attempt<E>, never, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function*() {
          const permitExit = yield* Effect.exit(acquirePermit(ctx, restore))
          if (Exit.isFailure(permitExit)) return { _tag: "Failed", cause: permitExit.cause } as const
          const permit = permitExit.value
          const sent = yield* permit.markSent
          const exit = yield* Effect.exit(restore(effect))
          const now = yield* Clock.currentTimeMillis
          // the server counted the request when it received it, after we sent it: the window permit runs from now
          if (hasSliding && unsafe !== undefined) {
            unsafe.settle({ windows: ctx.all(), permitId: permit.id, at: now })
          } else if (hasSliding) {
            yield* Effect.ignore(
              Effect.timeout(
                Effect.interruptible(store.settle({ windows: ctx.all(), permitId: permit.id, at: now })),
                ttl
              )
            )
          }
          if (Exit.isFailure(exit)) {
            yield* permit.release
            const error = Cause.failureOption(exit.cause)
            const transport = Option.isSome(error) && HttpClientError.isHttpClientError(error.value) &&
              error.value._tag === "RequestError" && error.value.reason === "Transport"
            if (transport && idempotent) {
              const delay = yield* backoff(budget.retries)
              if (canRetry(budget, delay)) return { _tag: "Retry", delay, viaGate: false, reason: "transport" } as const
            }
            return { _tag: "Failed", cause: exit.cause } as const
          }
          const response = exit.value
          const status = response.status
          // a refused answer's body is read only to free the connection, and never for long
          const drainAndRelease = Effect.ensuring(
            // interruptible even when the caller is not (a finalizer): else the timeout waits for the stalled read
            Effect.ignore(Effect.timeout(Effect.interruptible(response.arrayBuffer), DRAIN_TIMEOUT)),
            permit.release
          )
          const failWith = (reason: RateLimited["reason"], delay: number) =>
            Effect.map(
              Effect.zipRight(drainAndRelease, Effect.flip(rateLimited(ctx, reason, delay, status))),
              (error) => ({ _tag: "Failed", cause: Cause.fail(error) } as const)
            )
          if (status === 429 || status === 503) {
            if (status === 429) counts.refused429++
            else counts.refused503++
            yield* Metric.increment(m.refused[status])
          }
          const refusal = status === 429 || status === 503 ?
            classifyRefusal(ctx, sent, response.headers, status, now) :
            undefined
          // a refusal (a 429, or a 503 carrying a retry hint or rate headers) was refused unprocessed: safe to retry
          // whatever the method. A bare 503 is a proxy's page, like a 502.
          if (refusal !== undefined) {
            // the limiter let this request go believing it within the policy: the portal's limits (or traffic the
            // limiter does not see, another process or user on the same account) say otherwise
            yield* Effect.logWarning("the portal refused a request the rate-limit policy allowed").pipe(
              Effect.annotateLogs({
                "docspace.rate_limit.policy": policy.name,
                "docspace.rate_limit.refusal": refusal.kind,
                "docspace.rate_limit.evidence": refusal.evidence,
                ...(refusal.limit === undefined ? {} : { "docspace.rate_limit.announced_limit": refusal.limit }),
                "http.request.method": ctx.method,
                "http.response.status_code": status
              })
            )
            if (refusal.kind === "window") sent.windowRefused = true
            learn(ctx, sent, refusal)
            const delay = refusal.retryAt !== undefined
              ? Math.max(0, refusal.retryAt - now)
              : refusal.kind === "window"
              ? windowWait(now)
              : refusal.kind === "route" && ctx.routeInterval !== undefined
              ? ctx.routeInterval
              : refusal.kind === "daily"
              ? DAY
              : yield* backoff(budget.retries)
            // Close a gate before anything else: nobody walks into the wall while this answer is read. A route's own
            // limit (5 per 15 minutes) pauses only that route; the daily cap (or a write refused for longer than the
            // policy allows) only writes; a concurrency refusal nobody: a slot frees as soon as a request in flight
            // ends, and the caps (learned, when adaptive) hold the others back. Anything else closes the one gate
            // shared by every request (and every process sharing a store).
            const scoped = refusal.kind === "route"
              ? ctx.scopedGates.filter((key) => key.startsWith(ctx.routeMatched ? "route:" : "path:"))
              : (refusal.kind === "daily" || delay > maxWait) && ctx.scopedGates.includes("writes")
              ? ["writes"]
              : []
            for (const [key, until] of scopedGateUntil) if (until <= now) scopedGateUntil.delete(key)
            for (const key of scoped) scopedGateUntil.set(key, Math.max(scopedGateUntil.get(key) ?? 0, now + delay))
            const gate = scoped.length > 0 || refusal.kind === "concurrency" ?
              Exit.void :
              yield* Effect.exit(closeGate(ctx, now + delay, now))
            if (Exit.isFailure(gate)) {
              yield* drainAndRelease
              return { _tag: "Failed", cause: gate.cause } as const
            }
            if (delay > maxWait) return yield* failWith("wait-exceeds-limit", delay)
            if (!canRetry(budget, delay)) return yield* failWith("retry-budget-exhausted", delay)
            // a streamed body was consumed by this attempt: sending it again would send a truncated body
            if (request.body._tag === "Stream") return yield* failWith("body-not-replayable", delay)
            yield* drainAndRelease
            return {
              _tag: "Retry",
              delay,
              viaGate: refusal.kind !== "concurrency",
              reason: `${status} (${refusal.kind})`
            } as const
          }
          if ((status === 502 || status === 503 || status === 504) && idempotent) {
            const delay = yield* backoff(budget.retries)
            if (canRetry(budget, delay)) {
              yield* drainAndRelease
              return { _tag: "Retry", delay, viaGate: false, reason: String(status) } as const
            }
          }
          return { _tag: "Done", response: yield* finish(response, permit, budget) } as const
        })
      )

    // the permit is held until the body is consumed, or the caller's scope (if any) closes; a child scope keeps a
    // long-lived parent scope from accumulating one finalizer per response
    const finish = (response: HttpClientResponse.HttpClientResponse, permit: Permit, budget: Budget) =>
      Effect.gen(function*() {
        if (hasNoBody(response)) {
          yield* permit.release
          return response
        }
        // a GET/HEAD whose body is cut by the connection is sent again, like a transport error before the headers
        const refetch = idempotent && request.body._tag !== "Stream" ?
          Effect.provide(refetchBody(budget), yield* Effect.context<R>()) :
          undefined
        const scope = yield* Effect.serviceOption(Scope.Scope)
        if (Option.isNone(scope)) return holdPermit(response, permit.release, { gcFallback: true, refetch })
        const child = yield* Scope.fork(scope.value, ExecutionStrategy.sequential)
        yield* Scope.addFinalizer(child, permit.release)
        return holdPermit(response, Effect.zipRight(permit.release, Scope.close(child, Exit.void)), {
          gcFallback: false,
          refetch
        })
      })

    // the same retry budget as the run that produced the cut answer: bounded by attempts and total wait
    const refetchBody = (budget: Budget): Effect.Effect<HttpClientResponse.HttpClientResponse, unknown, R> =>
      Effect.gen(function*() {
        const delay = yield* backoff(budget.retries)
        if (!canRetry(budget, delay)) return yield* Effect.fail("retry budget spent")
        budget.retries++
        budget.waited += delay
        counts.retries++
        yield* Metric.increment(retriesCounter)
        yield* Effect.logDebug("sending the request again: its body was cut").pipe(
          Effect.annotateLogs({
            "docspace.rate_limit.policy": policy.name,
            "docspace.retry.attempt": budget.retries,
            "docspace.retry.delay_ms": delay,
            "http.request.method": ctx.method
          })
        )
        yield* Effect.sleep(Duration.millis(delay))
        return yield* run(budget)
      })

    const run = (budget: Budget) =>
      Effect.gen(function*() {
        while (true) {
          const result = yield* attempt(budget)
          if (result._tag === "Done") return result.response
          if (result._tag === "Failed") return yield* Effect.failCause(result.cause)
          budget.retries++
          budget.waited += result.delay
          counts.retries++
          yield* Metric.increment(retriesCounter)
          yield* Effect.logDebug("retrying the request").pipe(
            Effect.annotateLogs({
              "docspace.rate_limit.policy": policy.name,
              "docspace.retry.attempt": budget.retries,
              "docspace.retry.reason": result.reason,
              "docspace.retry.delay_ms": result.delay,
              "http.request.method": ctx.method
            })
          )
          // gate retries wait on the gate itself when they ask for their permits again
          if (!result.viaGate) yield* Effect.sleep(Duration.millis(result.delay))
        }
      })

    // one budget per run of the request
    return Effect.suspend(() => run({ retries: 0, waited: 0 }))
  }

  const snapshot = (s: MutableClassStats): ClassStats => ({ ...s })

  const limiter: RateLimiter = {
    policy,
    apply: <E, R>(client: HttpClient.HttpClient.With<E, R>) =>
      HttpClient.transform(client, (effect, request) => execute(effect, request)),
    stats: Effect.map(Clock.currentTimeMillis, (now): RateLimitStats => ({
      policy: policy.name,
      read: snapshot(classes.read),
      write: snapshot(classes.write),
      ...counts,
      gateClosedUntil: gateUntil > now ? new Date(gateUntil) : undefined,
      limits: { read: caps.read, write: caps.write, windows: globals.map((g) => g.spec.limit) }
    }))
  }
  return limiter
})

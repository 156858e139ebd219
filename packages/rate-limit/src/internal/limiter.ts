/**
 * The limiter: a request's run (permits, the send, the answer), what a refusal does (classified by
 * `RateLimitRefusal.classify` through the adaptive limits, then a gate and a retry), and the retry budget. Permits,
 * adaptive limits, request contexts and stats each live in their own module.
 *
 * @internal
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Scope from "effect/Scope"
import type { ApplyOptions, RateLimiter, RateLimitStats } from "../RateLimiter.js"
import type { RateLimited } from "../RateLimitError.js"
import * as RateLimitPolicy from "../RateLimitPolicy.js"
import { makeMemoryUnsafe, RateLimitStore } from "../RateLimitStore.js"
import { makeAdaptive } from "./adaptive.js"
import type { Class, SendRecord } from "./adaptive.js"
import { makePermits } from "./permits.js"
import type { Permit } from "./permits.js"
import { compilePolicy, contextOf, DAY } from "./request.js"
import type { DescribeRequest } from "./request.js"
import { hasNoBody, holdPermit } from "./response.js"
import { makeStats } from "./stats.js"

type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

// How long a refused answer's body may take to read before the connection is simply dropped.
const DRAIN_TIMEOUT = Duration.seconds(2)

// statuses the limiter reacts to: refusals (429, 503) and, for GET/HEAD, a proxy's 502/504
const special = (status: number) => status === 429 || status === 502 || status === 503 || status === 504

const toDone = (response: HttpClientResponse.HttpClientResponse) => ({ _tag: "Done", response } as const)

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

/** @internal */
export const make = Effect.fnUntraced(function*(input: RateLimitPolicy.RateLimitPolicy) {
  const policy = yield* RateLimitPolicy.validate(input)
  const store = Option.getOrElse(yield* Effect.serviceOption(RateLimitStore), makeMemoryUnsafe)
  const maxWait = Duration.toMillis(policy.maxWait)
  const maxTotalWait = Duration.toMillis(policy.retry.maxTotalWait)
  const compiled = compilePolicy(policy)
  const caps: Record<Class, number | undefined> = { read: policy.concurrency.read, write: policy.concurrency.write }
  const stats = makeStats(policy.name)
  // what the server's refusals teach: the send log, the classification, the limits lowered in place
  const { classifyRefusal, learn, logSend, windowWait } = makeAdaptive({
    adaptive: (policy.adaptive ?? true) && !store.leasesExpire,
    globals: compiled.globals,
    caps,
    writesPerDay: policy.writesPerDay
  })
  const permits = makePermits({
    policyName: policy.name,
    store,
    caps,
    leaseTtl: policy.leaseTtl,
    maxWait: policy.maxWait,
    stats,
    onSend: logSend,
    scope: yield* Effect.scope
  })
  yield* permits.start

  const closeGate = (ctx: ReturnType<typeof contextOf>, until: number, now: number) =>
    Effect.gen(function*() {
      const added = permits.unsafeCloseGate(until, now)
      if (added > 0) {
        yield* stats.gateClosed(added)
        yield* Effect.logDebug("rate-limit gate closed: every request waits").pipe(
          Effect.annotateLogs({
            "docspace.rate_limit.policy": policy.name,
            "docspace.rate_limit.gate_ms": until - now,
            "http.request.method": ctx.method
          })
        )
      }
      yield* permits.closeStoreGate(ctx, until, now)
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
    request: HttpClientRequest.HttpClientRequest,
    describeRequest: DescribeRequest | undefined
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, E | RateLimited, R> => {
    const ctx = contextOf(compiled, request, describeRequest)
    const method = ctx.method
    const idempotent = method === "GET" || method === "HEAD"

    interface Budget {
      retries: number
      waited: number
    }
    const canRetry = (budget: Budget, delay: number) =>
      budget.retries < policy.retry.attempts && budget.waited + delay <= maxTotalWait

    // The common case in few steps: permits (synchronous when free), the send, the answer, its permits settled, and
    // an answer that is no refusal handed on; everything else goes through `answered`.
    const attempt = (budget: Budget): Effect.Effect<Attempt<E>, never, R> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.exit(permits.acquirePermit(ctx, restore)), (permitExit) => {
          if (Exit.isFailure(permitExit)) return Effect.succeed({ _tag: "Failed", cause: permitExit.cause } as const)
          const permit = permitExit.value
          return Effect.flatMap(
            permit.markSent,
            (sent) =>
              Effect.flatMap(Effect.exit(restore(effect)), (exit) =>
                Effect.clockWith((clock) => {
                  const now = clock.unsafeCurrentTimeMillis()
                  // the server counted the request when it received it, after we sent it: the window permit runs
                  // from now
                  const settling = permits.settle(ctx, permit, now)
                  if (Exit.isSuccess(exit) && !special(exit.value.status)) {
                    const done = Effect.map(finish(exit.value, permit, budget), toDone)
                    return settling === undefined ? done : Effect.zipRight(settling, done)
                  }
                  const handled = answered(budget, permit, sent, exit, now)
                  return settling === undefined ? handled : Effect.zipRight(settling, handled)
                }))
          )
        })
      )

    const answered = (
      budget: Budget,
      permit: Permit,
      sent: SendRecord,
      exit: Exit.Exit<HttpClientResponse.HttpClientResponse, E>,
      now: number
    ): Effect.Effect<Attempt<E>, never, R> =>
      Effect.gen(function*() {
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
            Effect.zipRight(drainAndRelease, Effect.flip(stats.rateLimited(ctx, reason, delay, status))),
            (error) => ({ _tag: "Failed", cause: Cause.fail(error) } as const)
          )
        if (status === 429 || status === 503) yield* stats.refused(status)
        const refusal = status === 429 || status === 503 ?
          classifyRefusal(ctx, sent, response.headers, status, now) :
          undefined
        // a refusal (a 429, or a 503 carrying a retry hint or rate headers) was refused unprocessed: safe to retry
        // whatever the method. A bare 503 is a proxy's page, like a 502.
        if (refusal !== undefined) {
          // the limiter let this request go believing it within the policy: the portal's limits (or traffic the
          // limiter does not see, another process or user on the same account) say otherwise
          // the route template when the caller described one (`describeRequest`), never the real URL
          const { route } = yield* ctx.describe
          yield* Effect.logWarning("the portal refused a request the rate-limit policy allowed").pipe(
            Effect.annotateLogs({
              ...(route === undefined ? {} : { "http.route": route }),
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
          permits.closeScopedGates(scoped, now + delay, now)
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

    // the permit is held until the body is consumed, or the caller's scope (if any) closes; a child scope keeps a
    // long-lived parent scope from accumulating one finalizer per response
    const finish = (
      response: HttpClientResponse.HttpClientResponse,
      permit: Permit,
      budget: Budget
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, never, R> => {
      if (hasNoBody(response)) return Effect.as(permit.release, response)
      return Effect.contextWithEffect((context: Context.Context<R>) => {
        // a GET/HEAD whose body is cut by the connection is sent again, like a transport error before the headers
        const refetch = idempotent && request.body._tag !== "Stream" ?
          Effect.suspend(() => Effect.provide(refetchBody(budget), context)) :
          undefined
        const scope = Context.getOption(context as Context.Context<never>, Scope.Scope)
        if (Option.isNone(scope)) {
          return Effect.succeed(holdPermit(response, permit.release, { gcFallback: true, refetch }))
        }
        return Effect.flatMap(Scope.fork(scope.value, ExecutionStrategy.sequential), (child) =>
          Effect.as(
            Scope.addFinalizer(child, permit.release),
            holdPermit(response, Effect.zipRight(permit.release, Scope.close(child, Exit.void)), {
              gcFallback: false,
              refetch
            })
          ))
      })
    }

    // the same retry budget as the run that produced the cut answer: bounded by attempts and total wait
    const refetchBody = (budget: Budget): Effect.Effect<HttpClientResponse.HttpClientResponse, unknown, R> =>
      Effect.gen(function*() {
        const delay = yield* backoff(budget.retries)
        if (!canRetry(budget, delay)) return yield* Effect.fail("retry budget spent")
        budget.retries++
        budget.waited += delay
        yield* stats.retried
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

    const run = (budget: Budget): Effect.Effect<HttpClientResponse.HttpClientResponse, E | RateLimited, R> =>
      Effect.flatMap(attempt(budget), (result) => {
        if (result._tag === "Done") return Effect.succeed(result.response)
        if (result._tag === "Failed") return Effect.failCause(result.cause)
        return Effect.zipRight(retryAfter(budget, result), Effect.suspend(() => run(budget)))
      })
    const retryAfter = (budget: Budget, result: Extract<Attempt<E>, { _tag: "Retry" }>) =>
      Effect.gen(function*() {
        budget.retries++
        budget.waited += result.delay
        yield* stats.retried
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
      })

    // The common case in the fewest steps: the permits free (taken synchronously from a memory store), the send, and
    // an answer that is no refusal with no body left to hold the permit for (core's JSON answers), its permits given
    // back synchronously too. Anything else continues as `attempt` does, from where the fast path is.
    const fast = (restore: Restore) =>
      Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, E | RateLimited, R>((fiber) => {
        // one budget per run of the request
        const budget: Budget = { retries: 0, waited: 0 }
        const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
        const permit = permits.fastPermit(ctx, clock.unsafeCurrentTimeMillis())
        if (permit === undefined) return restore(run(budget))
        const sent = permit.unsafeMarkSent(fiber)
        const then = (exit: Exit.Exit<HttpClientResponse.HttpClientResponse, E>) => {
          const now = clock.unsafeCurrentTimeMillis()
          // the server counted the request when it received it, after we sent it: the window permit runs from now
          const settling = permits.settle(ctx, permit, now)
          if (Exit.isSuccess(exit) && !special(exit.value.status)) {
            if (settling === undefined && hasNoBody(exit.value)) {
              const releasing = permit.unsafeRelease(fiber)
              return releasing === undefined ? exit : Effect.as(releasing, exit.value)
            }
            const done = Effect.map(finish(exit.value, permit, budget), toDone)
            return Effect.flatMap(
              settling === undefined ? done : Effect.zipRight(settling, done),
              handle(budget, restore)
            )
          }
          const handled = answered(budget, permit, sent, exit, now)
          return Effect.flatMap(
            settling === undefined ? handled : Effect.zipRight(settling, handled),
            handle(budget, restore)
          )
        }
        return Effect.matchCauseEffect(restore(effect), {
          onSuccess: (response) => then(Exit.succeed(response)),
          onFailure: (cause) => then(Exit.failCause(cause))
        })
      })
    const handle = (budget: Budget, restore: Restore) =>
    (
      result: Attempt<E>
    ): Effect.Effect<HttpClientResponse.HttpClientResponse, E | RateLimited, R> => {
      if (result._tag === "Done") return Effect.succeed(result.response)
      if (result._tag === "Failed") return Effect.failCause(result.cause)
      return restore(Effect.zipRight(retryAfter(budget, result), Effect.suspend(() => run(budget))))
    }

    return Effect.uninterruptibleMask(fast)
  }

  const limiter: RateLimiter = {
    policy,
    apply: <E, R>(client: HttpClient.HttpClient.With<E, R>, options?: ApplyOptions) => {
      const describeRequest = options?.describeRequest
      return HttpClient.transform(client, (effect, request) => execute(effect, request, describeRequest))
    },
    stats: Effect.map(Clock.currentTimeMillis, (now): RateLimitStats =>
      stats.report(permits.gateClosedUntil(now), {
        read: caps.read,
        write: caps.write,
        windows: compiled.globals.map((g) => g.spec.limit)
      }))
  }
  return limiter
})

import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as NodeDocSpace from "@effect-docspace/resources/NodeDocSpace"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Client from "../Client.js"
import { UsageError } from "../CliError.js"
import * as Config from "../Config.js"

const decodeTimeout = (text: string): Duration.Duration | undefined => {
  const trimmed = text.trim()
  const input = /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed} seconds` : trimmed
  try {
    return Duration.decode(input as Duration.DurationInput)
  } catch {
    return undefined
  }
}

const usage = (text: string, why: string) =>
  new UsageError({
    message: `rate limit "${text}": ${why} (expected cloud | legacy | none, then optional ` +
      `,read=N ,write=N ,window=N/<duration>)`
  })

/** @internal */
export const policyOf = (text: string): Effect.Effect<RateLimitPolicy.RateLimitPolicy, UsageError> =>
  Effect.gen(function*() {
    const [base, ...overrides] = text.split(",").map((s) => s.trim())
    let policy: RateLimitPolicy.RateLimitPolicy = base === "cloud"
      ? RateLimitPolicy.docSpaceCloud
      : base === "legacy"
      ? RateLimitPolicy.docSpaceLegacy
      : base === "none"
      ? RateLimitPolicy.unlimited
      : yield* Effect.fail(usage(text, `unknown policy "${base}"`))
    for (const override of overrides) {
      const [key, value = ""] = override.split("=").map((s) => s.trim())
      if (key === "read" || key === "write") {
        const n = Number(value)
        if (!Number.isSafeInteger(n) || n < 1) {
          return yield* Effect.fail(usage(text, `${key} must be a positive integer`))
        }
        policy = { ...policy, name: `${policy.name}+`, concurrency: { ...policy.concurrency, [key]: n } }
      } else if (key === "window") {
        const match = /^(\d+)\s*\/\s*(.+)$/.exec(value)
        const interval = match === null ? undefined : decodeTimeout(match[2]!)
        if (match === null || interval === undefined || Duration.toMillis(interval) <= 0) {
          return yield* Effect.fail(usage(text, "window must be N/<duration>, e.g. 1500/1 minute"))
        }
        policy = { ...policy, name: `${policy.name}+`, windows: [RateLimitPolicy.window(Number(match[1]), interval)] }
      } else {
        return yield* Effect.fail(usage(text, `unknown setting "${key}"`))
      }
    }
    return yield* RateLimitPolicy.validate(policy).pipe(Effect.mapError((e) => usage(text, e.message)))
  })

/** @internal */
export const layer = (resolved: Config.Resolved) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    let timeout: Duration.Duration | undefined
    if (resolved.timeout !== undefined) {
      timeout = decodeTimeout(resolved.timeout)
      if (timeout === undefined) {
        return yield* new UsageError({ message: `timeout "${resolved.timeout}" is not a duration (e.g. "60 seconds")` })
      }
    }
    const policy = yield* policyOf(resolved.rateLimit)
    const limiter = RateLimiter.layer(policy).pipe(Layer.orDie)
    const client = NodeDocSpace.layer({
      baseUrl: resolved.url,
      auth: resolved.auth,
      userAgent: Client.userAgent,
      ...(timeout !== undefined ? { timeout } : {})
    }).pipe(
      Layer.mapError((e) => new UsageError({ message: `invalid portal URL "${resolved.url}": ${String(e)}` }))
    )
    return Layer.provideMerge(client, limiter)
  }))

/** @internal */
export const layerFromFlags = (flags: Config.Flags) => Layer.unwrapEffect(Effect.map(Config.resolve(flags), layer))

import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
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
    const limiter = RateLimiter.layer(Client.policyOf(resolved.rateLimit)).pipe(Layer.orDie)
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

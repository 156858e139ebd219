import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Output from "../Output.js"
import type * as Progress from "../Progress.js"

const seconds = (millis: number): string => `${(millis / 1000).toFixed(1)}s`

/** @internal */
export const format = (s: Progress.Snapshot, width?: number): string => {
  const parts: Array<string> = []
  if (s.percent === true) {
    const line = `${s.label} ${Math.round(s.done)}%, ${seconds(s.elapsedMillis)}`
    return width !== undefined && line.length > width - 1 ? line.slice(0, Math.max(0, width - 1)) : line
  }
  const count = s.total === undefined ? `${s.done}` : `${s.done}/${s.total}`
  let bar = ""
  if (width !== undefined && s.total !== undefined && s.total > 0) {
    const size = 20
    const filled = Math.min(size, Math.floor((s.done / s.total) * size))
    bar = `[${"#".repeat(filled)}${".".repeat(size - filled)}] `
  }
  parts.push(`${s.label} ${bar}${count} done`)
  if (s.bytes > 0 || s.totalBytes !== undefined) {
    parts.push(
      s.totalBytes === undefined
        ? Output.formatBytes(s.bytes)
        : `${Output.formatBytes(s.bytes)}/${Output.formatBytes(s.totalBytes)}`
    )
  }
  parts.push(`${s.inFlight} in flight`, `${s.waiting} waiting for rate limit`)
  if (s.skipped > 0) parts.push(`${s.skipped} skipped`)
  if (s.failed > 0) parts.push(`${s.failed} failed`)
  parts.push(seconds(s.elapsedMillis))
  const line = parts.join(", ")
  return width !== undefined && line.length > width - 1 ? line.slice(0, Math.max(0, width - 1)) : line
}

/** @internal */
export const start = (
  options: Progress.Options
): Effect.Effect<Progress.Progress, never, Output.Output | Scope.Scope> =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const limiter = yield* Effect.serviceOption(RateLimiter.RateLimiter)
    const started = yield* Clock.currentTimeMillis
    const state = {
      done: 0,
      total: options.total,
      bytes: 0,
      totalBytes: options.totalBytes,
      inFlight: 0,
      waiting: 0,
      failed: 0,
      skipped: 0
    }
    let now = started
    const snapshot = (): Progress.Snapshot => ({
      label: options.label,
      ...(options.percent === true ? { percent: true } : {}),
      ...state,
      elapsedMillis: now - started
    })
    const refresh = Effect.gen(function*() {
      now = yield* Clock.currentTimeMillis
      if (Option.isSome(limiter)) {
        const stats = yield* limiter.value.stats
        state.waiting = stats.read.waiting + stats.write.waiting
      }
    })
    const tty = output.terminal.isTTY
    const width = output.terminal.columns
    let drawn = false
    const draw = Effect.zipRight(
      refresh,
      Effect.suspend(() => {
        if (tty) {
          drawn = true
          return output.terminal.stderr(`\r\x1b[2K${format(snapshot(), width)}`)
        }
        return output.terminal.stderr(format(snapshot()) + "\n")
      })
    )
    if (options.quiet !== true) {
      const interval = tty
        ? Duration.decode(options.redraw ?? "100 millis")
        : Duration.decode(options.every ?? "5 seconds")
      yield* Effect.forkScoped(Effect.repeat(Effect.delay(draw, interval), Schedule.spaced(interval)))
    }
    yield* Effect.addFinalizer(() =>
      Effect.zipRight(
        refresh,
        Effect.suspend(() => output.terminal.stderr(`${tty && drawn ? "\r\x1b[2K" : ""}${format(snapshot())}\n`))
      )
    )
    return {
      advance: (items, bytes) => {
        state.done += items
        state.bytes += bytes ?? 0
      },
      grow: (items, bytes) => {
        state.total = (state.total ?? 0) + items
        if (bytes !== undefined) state.totalBytes = (state.totalBytes ?? 0) + bytes
      },
      inFlight: (delta) => {
        state.inFlight += delta
      },
      failed: (n) => {
        state.failed += n ?? 1
      },
      skipped: (n) => {
        state.skipped += n ?? 1
      },
      snapshot
    }
  })

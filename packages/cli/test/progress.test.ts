import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Output from "../src/Output.js"
import * as Progress from "../src/Progress.js"

const withOutput = (isTTY: boolean) => {
  const terminal = Output.memoryTerminal({ isTTY })
  return { terminal, layer: Output.layer({ mode: "human", terminal }) }
}

describe("Progress", () => {
  it.scoped("not a terminal: a plain line every 5 seconds, and a final one", () =>
    Effect.gen(function*() {
      const { layer, terminal } = withOutput(false)
      yield* Effect.scoped(Effect.gen(function*() {
        const progress = yield* Progress.start({ label: "uploading", total: 4 })
        progress.advance(1, 10)
        progress.inFlight(2)
        yield* TestClock.adjust("4 seconds")
        expect(terminal.stderrText()).toBe("")
        yield* TestClock.adjust("1 second")
        expect(terminal.stderrText()).toBe("uploading 1/4 done, 10 B, 2 in flight, 0 waiting for rate limit, 5.0s\n")
        progress.advance(3, 30)
        progress.inFlight(-2)
      })).pipe(Effect.provide(layer))
      expect(terminal.stderrText().split("\n").at(-2)).toBe(
        "uploading 4/4 done, 40 B, 0 in flight, 0 waiting for rate limit, 5.0s"
      )
    }))

  it.scoped("a terminal: one line redrawn in place with a bar, cleared before the final line", () =>
    Effect.gen(function*() {
      const { layer, terminal } = withOutput(true)
      yield* Effect.scoped(Effect.gen(function*() {
        const progress = yield* Progress.start({ label: "copying", total: 10 })
        progress.advance(5)
        yield* TestClock.adjust("100 millis")
        expect(terminal.stderrText()).toContain("\r\x1b[2Kcopying [##########..........] 5/10 done")
        progress.advance(5)
      })).pipe(Effect.provide(layer))
      expect(
        terminal.stderrText().endsWith("\r\x1b[2Kcopying 10/10 done, 0 in flight, 0 waiting for rate limit, 0.1s\n")
      )
        .toBe(true)
    }))

  it("a file operation's line is a percentage", () => {
    expect(Progress.format({
      label: "move",
      percent: true,
      done: 45,
      total: 100,
      bytes: 0,
      totalBytes: undefined,
      inFlight: 0,
      waiting: 0,
      failed: 0,
      skipped: 0,
      elapsedMillis: 2000
    })).toBe("move 45%, 2.0s")
  })
})

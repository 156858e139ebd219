import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { PassThrough } from "node:stream"
import * as Internal from "../src/internal/output.js"

// a terminal's streams: PassThroughs that say they are TTYs, so readline runs in terminal mode as it does for a user
const fakeTty = () => {
  const tty = () => {
    const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; setRawMode: () => void }
    stream.isTTY = true
    stream.columns = 80
    stream.setRawMode = () => undefined
    return stream
  }
  const stdin = tty()
  const stderr = tty()
  let shown = ""
  stderr.on("data", (chunk) => void (shown += String(chunk)))
  const terminal = Internal.streamTerminal({ stdin: stdin as any, stdout: tty() as any, stderr: stderr as any })
  return { stdin, terminal, shown: () => shown }
}

describe("the process terminal's prompts", () => {
  it.effect("readLine returns the typed answer, not the close that follows it", () =>
    Effect.gen(function*() {
      const { shown, stdin, terminal } = fakeTty()
      const fiber = yield* Effect.fork(terminal.readLine("URL? "))
      stdin.write("https://portal.example\r")
      const answer = yield* Fiber.join(fiber)
      expect(answer).toBe("https://portal.example")
      expect(shown()).toContain("URL? ")
    }))

  it.effect("confirm counts a typed yes as yes and anything else as no", () =>
    Effect.gen(function*() {
      const yes = fakeTty()
      const output = Internal.make({ mode: "human", terminal: yes.terminal })
      const fiber = yield* Effect.fork(output.confirm("Delete 3 items?"))
      yes.stdin.write("y\r")
      expect(yield* Fiber.join(fiber)).toBe(true)

      const no = fakeTty()
      const fiber2 = yield* Effect.fork(Internal.make({ mode: "human", terminal: no.terminal }).confirm("Delete?"))
      no.stdin.write("n\r")
      expect(yield* Fiber.join(fiber2)).toBe(false)
    }))

  it.effect("readLine answers undefined when the input closes without an answer", () =>
    Effect.gen(function*() {
      const { stdin, terminal } = fakeTty()
      const fiber = yield* Effect.fork(terminal.readLine("URL? "))
      stdin.end()
      expect(yield* Fiber.join(fiber)).toBeUndefined()
    }))
})

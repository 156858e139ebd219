#!/usr/bin/env node
/**
 * The `docspace` program as the bin runs it: arguments from `process.argv`, the process's terminal, exit code.
 *
 * @since 0.2.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fs from "node:fs"
import * as Main from "./main.js"
import * as Output from "./Output.js"

const program = Effect.gen(function*() {
  const terminal = yield* Output.processTerminal
  const code = yield* Main.run(process.argv.slice(2)).pipe(
    Effect.provideService(Output.Terminal, terminal),
    // Ctrl-C: the command's finalizers have run (upload sessions aborted, temporary files removed)
    Effect.onInterrupt(() =>
      Effect.sync(() => {
        Fs.writeSync(2, "docspace: interrupted\n")
        process.exitCode = 130
      })
    )
  )
  process.exitCode = code
}).pipe(Effect.provide(NodeContext.layer))

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  // the exit code is the command's (130 after Ctrl-C), not runMain's 0 for an interruption
  teardown: (exit, onExit) =>
    onExit(typeof process.exitCode === "number" ? process.exitCode : Exit.isSuccess(exit) ? 0 : 1)
})

#!/usr/bin/env node
/**
 * The `docspace` bin.
 *
 * @since 0.2.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Main from "./main.js"
import * as Output from "./Output.js"

const program = Effect.gen(function*() {
  const terminal = yield* Output.processTerminal
  const code = yield* Main.run(process.argv.slice(2)).pipe(Effect.provideService(Output.Terminal, terminal))
  process.exitCode = code
}).pipe(Effect.provide(NodeContext.layer))

NodeRuntime.runMain(program, { disableErrorReporting: true, disablePrettyLogger: true })

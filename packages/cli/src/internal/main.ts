import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { rewriteHelp } from "../commands/api.js"
import { commands } from "../commands/index.js"
import * as Exit from "../Exit.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

/** @internal */
export const version = "0.1.0"

/** @internal */
export const command = Root.root.pipe(
  Command.withDescription("ONLYOFFICE DocSpace from the command line"),
  Command.withSubcommands(commands)
)

const cli = Command.run(command, { name: "docspace", version })

// @effect/cli prints help and usage errors with Console.log: send them to the terminal's stdout (help) or stderr
// (its colours only on a terminal: piped or captured help is plain text)

const ansi = /\x1b\[[0-9;]*m/g

const consoleOf = (terminal: Output.Terminal, base: Console.Console): Console.Console => {
  const text = (args: ReadonlyArray<unknown>) => {
    const joined = args.join(" ") + "\n"
    return terminal.isTTY ? joined : joined.replace(ansi, "")
  }
  const out = (...args: ReadonlyArray<unknown>) => Effect.runFork(terminal.stdout(text(args)))
  const err = (...args: ReadonlyArray<unknown>) => Effect.runFork(terminal.stderr(text(args)))
  return {
    ...base,
    log: (...args) => Effect.sync(() => out(...args)),
    error: (...args) => Effect.sync(() => err(...args)),
    unsafe: { ...base.unsafe, log: out, error: err, info: out, warn: err }
  } as Console.Console
}

// the library's logs (the limiter's warnings, debug lines) go to stderr, never into the results on stdout:
// warnings and errors always, everything from Debug up with --verbose
const loggerOf = (terminal: Output.Terminal) =>
  Logger.make((options) => {
    const line = Logger.logfmtLogger.log(options)
    Effect.runFork(terminal.stderr(line + "\n"))
  })

/** @internal */
export const run = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const terminal = yield* Output.Terminal
    const verbose = args.includes("--verbose") || args.includes("-v")
    const base = yield* Effect.console
    // `docspace api <operationId> --help` describes the operation (commands/api.ts)
    const exit = yield* cli(["node", "docspace", ...rewriteHelp(args)]).pipe(
      Effect.withConsole(consoleOf(terminal, base)),
      Logger.withMinimumLogLevel(verbose ? LogLevel.Debug : LogLevel.Warning),
      Effect.provide(Logger.replace(Logger.defaultLogger, loggerOf(terminal))),
      Effect.exit
    )
    if (exit._tag === "Success") return 0
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some") {
      const error = failure.value
      if (ValidationError.isValidationError(error)) {
        // @effect/cli printed it already
        return ValidationError.isHelpRequested(error) ? 0 : 2
      }
      yield* terminal.stderr(Exit.format(error) + "\n")
      if (verbose) yield* terminal.stderr(Exit.details(error))
      return Exit.codeOf(error)
    }
    if (Cause.isInterruptedOnly(exit.cause)) {
      yield* terminal.stderr("docspace: interrupted\n")
      return 130
    }
    const defect = Cause.squash(exit.cause)
    yield* terminal.stderr(`docspace: internal error: ${defect instanceof Error ? defect.message : String(defect)}\n`)
    if (verbose) yield* terminal.stderr(Cause.pretty(exit.cause) + "\n")
    return 1
  })

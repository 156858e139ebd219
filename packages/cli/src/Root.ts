/**
 * The root command `docspace`, its global options, and the helpers every subcommand is built with. The global
 * options are accepted before the subcommand (`docspace --json ls`) and after it (`docspace ls --json`).
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Types from "effect/Types"
import * as Client from "./Client.js"
import type * as CliError from "./CliError.js"
import { UsageError } from "./CliError.js"
import type * as Config from "./Config.js"
import * as Output from "./Output.js"

/**
 * The global options, in the form `Command.make` takes them.
 *
 * @since 0.2.0
 * @category options
 */
export const globalOptions = {
  profile: Options.text("profile").pipe(
    Options.withDescription("the stored profile to use (default: DOCSPACE_PROFILE, then the default profile)"),
    Options.optional
  ),
  url: Options.text("url").pipe(
    Options.withDescription("the portal, e.g. https://example.onlyoffice.com (default: DOCSPACE_URL, the profile)"),
    Options.optional
  ),
  apiKey: Options.redacted("api-key").pipe(
    Options.withDescription("an API key sk-... (default: DOCSPACE_API_KEY, the profile); prefer the variable"),
    Options.optional
  ),
  json: Options.boolean("json").pipe(Options.withDescription("print one JSON document")),
  jsonl: Options.boolean("jsonl").pipe(Options.withDescription("print one JSON value per line, as results stream")),
  verbose: Options.boolean("verbose").pipe(
    Options.withAlias("v"),
    Options.withDescription("details of errors, and debug lines")
  ),
  yes: Options.boolean("yes").pipe(Options.withAlias("y"), Options.withDescription("answer yes to confirmations"))
} as const

/**
 * The global options' values, merged from before and after the subcommand.
 *
 * @since 0.2.0
 * @category models
 */
export interface Globals extends Config.Flags {
  readonly json: boolean
  readonly jsonl: boolean
  readonly verbose: boolean
  readonly yes: boolean
  readonly mode: Output.Mode
}

/**
 * The merged global options as a service, for code deep inside a command.
 *
 * @since 0.2.0
 * @category tags
 */
export const Globals: Context.Tag<Globals, Globals> = Context.GenericTag<Globals>("@effect-docspace/cli/Globals")

/**
 * The root command, without its subcommands (`main.ts` adds them). A subcommand reads the options given before it
 * with `yield* root`; {@link command} does that for you.
 *
 * @since 0.2.0
 * @category commands
 */
export const root = Command.make("docspace", globalOptions)

type GlobalValues = Command.Command.ParseConfig<typeof globalOptions>

const merge = (before: GlobalValues, after: GlobalValues): Effect.Effect<Globals, UsageError> => {
  const json = before.json || after.json
  const jsonl = before.jsonl || after.jsonl
  if (json && jsonl) return Effect.fail(new UsageError({ message: "--json and --jsonl cannot be used together" }))
  return Effect.succeed({
    profile: Option.orElse(after.profile, () => before.profile),
    url: Option.orElse(after.url, () => before.url),
    apiKey: Option.orElse(after.apiKey, () => before.apiKey) as Option.Option<Redacted.Redacted<string>>,
    json,
    jsonl,
    verbose: before.verbose || after.verbose,
    yes: before.yes || after.yes,
    mode: json ? "json" : jsonl ? "jsonl" : "human"
  })
}

/**
 * What a command's handler may use without providing it: the output, the merged globals, and (for
 * {@link command}) the client and its rate limiter.
 *
 * @since 0.2.0
 * @category models
 */
export type Provided = Output.Output | Globals | DocSpaceClient.DocSpaceClient | RateLimiter.RateLimiter

/**
 * What every command needs from the program running it: the terminal and the platform's file system and paths
 * (`NodeContext.layer` provides the latter).
 *
 * @since 0.2.0
 * @category models
 */
export type Environment = Output.Terminal | FileSystem.FileSystem | Path.Path

const prepare = (
  values: GlobalValues
): Effect.Effect<
  { globals: Globals; output: Output.Output },
  UsageError,
  Command.Command.Context<"docspace"> | Output.Terminal
> =>
  Effect.gen(function*() {
    const before = yield* root
    const globals = yield* merge(before, values)
    const terminal = yield* Output.Terminal
    const output = Output.make({ mode: globals.mode, verbose: globals.verbose, yes: globals.yes, terminal })
    return { globals, output }
  })

const stripGlobals = <A extends GlobalValues>(args: A): Omit<A, keyof GlobalValues> => {
  const { apiKey: _a, json: _j, jsonl: _l, profile: _p, url: _u, verbose: _v, yes: _y, ...rest } = args
  return rest
}

/**
 * A subcommand that talks to the portal: `config` are its own options and arguments (the global options are added),
 * `handler` gets their values and may use the client (any `@effect-docspace/resources` function), `Output.Output`
 * and `Globals`. The client is built from the flags, the environment and the profile when the command runs.
 *
 * @since 0.2.0
 * @category constructors
 */
export const command = <Name extends string, const Config extends Command.Command.Config, E, R>(
  name: Name,
  config: Config,
  handler: (args: Types.Simplify<Command.Command.ParseConfig<Config>>) => Effect.Effect<void, E, R>
): Command.Command<
  Name,
  Exclude<R, Provided> | Environment | Command.Command.Context<"docspace">,
  E | UsageError | CliError.NotConfigured | CliError.ConfigFileError,
  unknown
> =>
  Command.make(name, { ...globalOptions, ...config }, (values: any) =>
    Effect.gen(function*() {
      const { globals, output } = yield* prepare(values)
      const run = handler(stripGlobals(values) as any) as Effect.Effect<void, E, any>
      return yield* run.pipe(
        Effect.provide(Layer.mergeAll(
          Client.layerFromFlags(globals),
          Layer.succeed(Output.Output, output),
          Layer.succeed(Globals, globals)
        ))
      )
    })) as any

/**
 * A subcommand that does not need a portal (`login`, `fake`, `api --list`): like {@link command} without the client.
 *
 * @since 0.2.0
 * @category constructors
 */
export const localCommand = <Name extends string, const Config extends Command.Command.Config, E, R>(
  name: Name,
  config: Config,
  handler: (args: Types.Simplify<Command.Command.ParseConfig<Config>>) => Effect.Effect<void, E, R>
): Command.Command<
  Name,
  Exclude<R, Output.Output | Globals> | Environment | Command.Command.Context<"docspace">,
  E | UsageError,
  unknown
> =>
  Command.make(name, { ...globalOptions, ...config }, (values: any) =>
    Effect.gen(function*() {
      const { globals, output } = yield* prepare(values)
      const run = handler(stripGlobals(values) as any) as Effect.Effect<void, E, any>
      return yield* run.pipe(
        Effect.provideService(Output.Output, output),
        Effect.provideService(Globals, globals)
      )
    })) as any

/**
 * A group of subcommands (`docspace trash ls|restore|empty`): a command without a handler of its own, so that
 * `docspace trash` alone prints its help.
 *
 * @since 0.2.0
 * @category constructors
 */
export const group = <
  Name extends string,
  const Subcommands extends readonly [
    Command.Command<any, any, any, any>,
    ...Array<Command.Command<any, any, any, any>>
  ]
>(
  name: Name,
  description: string,
  subcommands: Subcommands
) => Command.make(name).pipe(Command.withDescription(description), Command.withSubcommands(subcommands))

import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Client from "../Client.js"
import { LocalFileError, UsageError } from "../CliError.js"
import * as Api from "../internal/api.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const options = {
  list: Options.boolean("list").pipe(
    Options.withDescription("list the operations (their ids, methods and paths); a filter narrows the list")
  ),
  describe: Options.boolean("describe").pipe(
    Options.withDescription("show an operation's parameters and body instead of running it (also: <id> --help)")
  ),
  param: Options.text("param").pipe(
    Options.withAlias("p"),
    Options.withDescription("a parameter name=value (repeat it; a repeated name is a list)"),
    Options.repeated
  ),
  all: Options.boolean("all").pipe(
    Options.withDescription("a paged operation: every item, page by page (one JSON value per item with --jsonl)")
  ),
  raw: Options.boolean("raw").pipe(
    Options.withDescription(
      "print the portal's JSON as it is, without the generated decoder (for an answer the spec gets wrong)"
    )
  ),
  body: Options.text("body").pipe(
    Options.withDescription("the JSON body: @file.json, @- for stdin, or the JSON text"),
    Options.optional
  ),
  operation: Args.text({ name: "operationId | filter" }).pipe(Args.optional)
} as const

const unknownOperation = (id: string): UsageError => {
  const near = Api.suggest(id)
  return new UsageError({
    message: `unknown operation "${id}"${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}; ` +
      "`docspace api --list [filter]` lists them"
  })
}

const readBody = (
  spec: string
): Effect.Effect<unknown, UsageError | LocalFileError, FileSystem.FileSystem | Output.Output> =>
  Effect.gen(function*() {
    let text: string
    let source: string
    if (spec.startsWith("@")) {
      const path = spec.slice(1)
      if (path === "") return yield* new UsageError({ message: "--body @ needs a file name (or @- for stdin)" })
      source = spec
      if (path === "-") {
        if (process.stdin.isTTY === true) {
          const output = yield* Output.Output
          yield* output.note("reading the body from the terminal: end it with Ctrl-D")
        }
        text = yield* Effect.tryPromise({
          try: async () => {
            const chunks: Array<Buffer> = []
            for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
            return Buffer.concat(chunks).toString("utf8")
          },
          catch: (e) => new LocalFileError({ path: "-", message: `cannot read the body from stdin: ${String(e)}` })
        })
      } else {
        const fs = yield* FileSystem.FileSystem
        text = yield* fs.readFileString(path).pipe(
          Effect.mapError((e) =>
            new LocalFileError({
              path,
              message: `cannot read the body file ${path}: ${
                e._tag === "SystemError" ? e.reason === "NotFound" ? "no such file" : e.reason : e.message
              }`
            })
          )
        )
      }
    } else {
      text = spec
      source = "(inline)"
    }
    return yield* Either.match(Api.parseBody(text, source), {
      onLeft: (message) => Effect.fail(new UsageError({ message })),
      onRight: Effect.succeed
    })
  })

const listOperations = (filter: string | undefined) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const found = Api.list(filter)
    yield* output.list(Stream.fromIterable(found), {
      columns: [
        { header: "OPERATION", get: (o) => o.operationId },
        { header: "METHOD", get: (o) => o.method },
        { header: "PATH", get: (o) => o.path },
        { header: "GROUP", get: (o) => o.group }
      ],
      json: (o) => ({
        operationId: o.operationId,
        method: o.method,
        path: o.path,
        group: o.group,
        tag: o.tag,
        body: o.body,
        response: o.response,
        paginated: o.paginated,
        rateLimitClass: o.rateLimitClass
      }),
      empty: `no operation matches "${filter ?? ""}"`
    })
  })

const describeOperation = (id: string) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const info = Api.find(id)
    if (info === undefined) return yield* unknownOperation(id)
    const described = Api.describe(info, yield* Api.load(info))
    yield* output.value(
      {
        operationId: info.operationId,
        method: info.method,
        path: info.path,
        group: info.group,
        tag: info.tag,
        body: info.body,
        response: info.response,
        paginated: info.paginated,
        rateLimitClass: info.rateLimitClass,
        parameters: described.params.filter((p) => p.location !== "body").map((p) => ({
          name: p.name,
          in: p.location,
          wire: p.wire,
          required: p.required
        }))
      },
      () => Api.help(described)
    )
  })

const call = (
  id: string,
  pairs: ReadonlyArray<string>,
  bodySpec: Option.Option<string>,
  flags: { readonly all: boolean; readonly raw: boolean }
) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const info = Api.find(id)
    if (info === undefined) return yield* unknownOperation(id)
    const fn = yield* Api.load(info)
    const params = yield* Either.match(Api.parseParams(Api.describe(info, fn), pairs), {
      onLeft: (message) => Effect.fail(new UsageError({ message })),
      onRight: Effect.succeed
    })
    const body = Option.isSome(bodySpec) ? yield* readBody(bodySpec.value) : undefined
    const bodyProblem = Api.checkBody(info, body)
    if (bodyProblem !== undefined) return yield* new UsageError({ message: bodyProblem })
    yield* output.debug(`${info.operationId}: ${info.method} ${info.path}`)
    // the client is built only now: --list and --describe work without a portal
    const globals = yield* Root.Globals
    if (flags.all && flags.raw) return yield* new UsageError({ message: "--all and --raw cannot be used together" })
    if (flags.raw && info.response !== "json") {
      return yield* new UsageError({
        message: `${info.operationId} answers ${info.response}, not JSON: --raw does not apply`
      })
    }
    if (flags.all) {
      if ("count" in params || "startIndex" in params) {
        return yield* new UsageError({ message: "--all pages by itself: leave out --param count and startIndex" })
      }
      const streamFn = yield* Api.loadStream(info)
      if (streamFn === undefined) {
        return yield* new UsageError({ message: `${info.operationId} is not paged: --all does not apply` })
      }
      yield* output.list(Api.invokeAll(streamFn, body === undefined ? params : { ...params, body }), {
        columns: [],
        json: (item) => item
      }).pipe(Effect.provide(Client.layerFromFlags(globals)))
      return
    }
    const input = body === undefined ? params : { ...params, body }
    const result = yield* (flags.raw
      ? Effect.map(Api.invokeRaw(info, fn, input), (value): Api.Result => ({ _tag: "Value", value }))
      : Api.invoke(fn, input)).pipe(Effect.provide(Client.layerFromFlags(globals)))
    if (result._tag === "Bytes") {
      // a byte answer (a chat's event stream, an export) goes to stdout as it comes
      const decoder = new TextDecoder()
      yield* Stream.runForEach(result.bytes, (chunk) => output.terminal.stdout(decoder.decode(chunk, { stream: true })))
      return
    }
    if (result.value === undefined) {
      yield* output.note(`${info.operationId}: done (no content)`)
      return
    }
    // one JSON document in every mode: the answer's shape is the operation's, not a table's
    yield* output.terminal.stdout(
      (output.mode === "jsonl" ? JSON.stringify(result.value) : JSON.stringify(result.value, null, 2)) + "\n"
    )
  })

/**
 * `docspace api <operationId> [--param name=value ...] [--body @file.json]`: any operation of the DocSpace API by
 * its `operationId`, through the generated `Api`; `api --list [filter]` lists the operations, and `api <operationId>
 * --describe` (or `--help`, see {@link rewriteHelp}) shows its parameters. The answer is printed as JSON.
 *
 * @since 0.2.0
 * @category commands
 */
export const api = Root.localCommand("api", options, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const target = Option.getOrUndefined(args.operation)
    if (args.list) return yield* listOperations(target)
    if (target === undefined) {
      return yield* new UsageError({
        message: "name an operation (`docspace api getApiKeys`) or list them (`docspace api --list [filter]`)"
      })
    }
    if (args.describe) return yield* describeOperation(target)
    if (args.all && output.mode === "human") {
      return yield* new UsageError({
        message: "--all prints JSON: add --json (one array) or --jsonl (one item per line)"
      })
    }
    return yield* call(target, args.param, args.body, { all: args.all, raw: args.raw })
  })).pipe(
    Command.withDescription(
      "call any operation of the DocSpace API by its operationId (--list [filter] lists them, <id> --describe shows one)"
    )
  )

/**
 * `docspace api <operationId> --help` describes the operation (its parameters, from the operation table) instead
 * of printing the `api` command's own help: the arguments are rewritten to `--describe` before `@effect/cli` sees
 * them (its `--help` is built in and cannot show help generated at run time). Other arguments are returned as they
 * are.
 *
 * @since 0.2.0
 * @category commands
 */
export const rewriteHelp = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const at = args.indexOf("api")
  if (at < 0) return args
  const rest = args.slice(at + 1)
  const id = rest.find((a) => !a.startsWith("-"))
  if (id === undefined || Api.find(id) === undefined) return args
  if (!rest.includes("--help") && !rest.includes("-h")) return args
  return [...args.slice(0, at + 1), ...rest.map((a) => (a === "--help" || a === "-h" ? "--describe" : a))]
}

/**
 * The subcommands of `docspace`, in the order `--help` lists them.
 *
 * HOW TO ADD A COMMAND (part B: add your import and your entry below, nothing else in this file)
 *
 * One file per command (or per group) in `src/commands/<name>.ts`, exporting a `Command` (every export needs JSDoc
 * with `@since 0.2.0` and `@category commands`: `pnpm docs:check` checks it):
 *
 * ```ts
 * import * as Rooms from "@effect-docspace/resources/Rooms"
 * import * as Args from "@effect/cli/Args"
 * import * as Command from "@effect/cli/Command"
 * import * as Options from "@effect/cli/Options"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import * as Output from "../Output.js"
 * import * as Root from "../Root.js"
 *
 * // Root.command adds the global options (--profile --url --api-key --json --jsonl --verbose --yes) and provides:
 * //   DocSpaceClient (any @effect-docspace/resources function works), RateLimiter, Output.Output, Root.Globals.
 * // Root.localCommand: the same without the client (for commands that do not talk to a portal).
 * const ls = Root.command("ls", { archived: Options.boolean("archived") }, ({ archived }) =>
 *   Effect.gen(function*() {
 *     const output = yield* Output.Output
 *     // lists: Output.list streams (table for people, one JSON array for --json, one line per entry for --jsonl)
 *     yield* output.list(Rooms.stream({ ... }), {
 *       columns: [{ header: "ID", get: (r) => r.id, align: "right" }, { header: "TITLE", get: (r) => r.title }],
 *       json: (r) => ({ id: r.id, title: r.title }) // stable fields only: the --json golden tests compare these
 *     })
 *   })).pipe(Command.withDescription("list rooms"))
 *
 * // one result: output.value(obj) (key/value lines for people, JSON otherwise); a note: output.note("...") (stderr)
 * // confirmations: `if (!(yield* output.confirm("Delete 3 rooms?"))) return yield* new CliError.Declined({...})`
 * // progress for bulk work: `const p = yield* Progress.start({ label: "inviting", total })` inside Effect.scoped
 * // errors: fail with the library's DocSpaceError as is, or CliError.UsageError / NotFound / LocalFileError;
 * //   main maps them to the exit code and the one-line message (Exit.ts). Never print errors yourself.
 *
 * export const rooms = Root.group("rooms", "rooms: list, create, archive, ...", [ls, create, ...])
 * ```
 *
 * Tests: `test/<name>.test.ts`, using `test/harness.ts`: `const { env } = yield* serveFake()` (a FakeDocSpace on
 * loopback, in `Effect.scoped`), then `runCli(["rooms", "ls", "--json"], { env })` returns `{ code, stdout, stderr }`.
 *
 * @since 0.2.0
 */
import { api } from "./api.js"
import { fake } from "./fake.js"
import { ls, mkdir, stat, tree } from "./files.js"
import { groups } from "./groups.js"
import { keys } from "./keys.js"
import { login } from "./login.js"
import { cp, mv, rm, trash } from "./ops.js"
import { people } from "./people.js"
import { rooms } from "./rooms.js"
import { share } from "./share.js"
import { download, mirror, push, upload } from "./transfer.js"
import { webhooks } from "./webhooks.js"
import { whoami } from "./whoami.js"

/**
 * Every subcommand of `docspace`.
 *
 * @since 0.2.0
 * @category commands
 */
export const commands = [
  login,
  whoami,
  ls,
  tree,
  stat,
  mkdir,
  upload,
  download,
  mirror,
  push,
  mv,
  cp,
  rm,
  trash,
  rooms,
  share,
  people,
  groups,
  keys,
  webhooks,
  fake,
  api
] as const

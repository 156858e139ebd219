/**
 * Everything a command prints goes through the {@link Output} service: a readable table or tree for people (the
 * default), one JSON document (`--json`) or one JSON entry per line, streamed (`--jsonl`) for scripts. Results go to
 * stdout; notes, progress and errors to stderr, so that `--json` output stays parseable.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import * as Internal from "./internal/output.js"

/**
 * How results are printed: `human` (tables, trees, key/value lines), `json` (one document), `jsonl` (one line per
 * entry).
 *
 * @since 0.2.0
 * @category models
 */
export type Mode = "human" | "json" | "jsonl"

/**
 * Where the output goes: the process's stdout and stderr in the bin, buffers in tests. `stdin` answers
 * confirmations (`undefined`: no input, every question is answered "no").
 *
 * @since 0.2.0
 * @category models
 */
export interface Terminal {
  readonly stdout: (text: string) => Effect.Effect<void>
  readonly stderr: (text: string) => Effect.Effect<void>
  /** Whether stderr is a terminal: progress bars redraw one line there; otherwise they print periodic lines. */
  readonly isTTY: boolean
  /** Columns of the terminal (tables are not cut to it; progress lines are). */
  readonly columns: number
  /** Reads one line of the user's answer, or `undefined` when there is no interactive input. */
  readonly readLine: (prompt: string) => Effect.Effect<string | undefined>
  /**
   * Reads a secret without echoing it: on a terminal the typed characters are not shown; from a pipe the first line
   * of stdin is read (`echo $KEY | docspace login`). `undefined` when there is no input.
   */
  readonly readSecret: (prompt: string) => Effect.Effect<string | undefined>
}

/**
 * The terminal as a service: the bin provides {@link processTerminal}, tests a {@link memoryTerminal}.
 *
 * @since 0.2.0
 * @category tags
 */
export const Terminal: Context.Tag<Terminal, Terminal> = Context.GenericTag<Terminal>("@effect-docspace/cli/Terminal")

/**
 * A column of a table: its header and how to show an entry in it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Column<A> {
  readonly header: string
  readonly get: (a: A) => string | number | boolean | null | undefined
  /** Numbers read better right-aligned. Default `left`. */
  readonly align?: "left" | "right" | undefined
}

/**
 * A node of a tree (`docspace tree`, `people` by group): a label and its children.
 *
 * @since 0.2.0
 * @category models
 */
export interface TreeNode {
  readonly label: string
  readonly children: ReadonlyArray<TreeNode>
}

/**
 * What a list prints: the columns of the human table and the JSON form of an entry (default: the entry itself).
 *
 * @since 0.2.0
 * @category models
 */
export interface ListOptions<A> {
  readonly columns: ReadonlyArray<Column<A>>
  readonly json?: ((a: A) => unknown) | undefined
  /** Printed (human mode only, to stderr) when the list is empty. */
  readonly empty?: string | undefined
}

/**
 * The output service. Every command prints through it, never with `console.log`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Output {
  readonly mode: Mode
  readonly verbose: boolean
  /** `--yes`: confirmations are answered yes without asking. */
  readonly yes: boolean
  readonly terminal: Terminal
  /**
   * One result (whoami, stat, a created item): key/value lines for people (`human`, default: every scalar field),
   * the JSON document, or one JSON line.
   */
  readonly value: (value: unknown, human?: ((value: any) => string) | undefined) => Effect.Effect<void>
  /**
   * A list, consumed as it streams: `jsonl` prints each entry as it arrives, `json` one array written as it streams
   * (nothing when the list fails before its first entry, the array closed when it fails later), `human` a table
   * printed in pages of 100 rows (columns only grow, so pages line up).
   */
  readonly list: <A, E, R>(entries: Stream.Stream<A, E, R>, options: ListOptions<A>) => Effect.Effect<number, E, R>
  /** A tree for people; its JSON form for scripts (`{label, children}` nested). */
  readonly tree: (root: TreeNode) => Effect.Effect<void>
  /** A line for people on stdout (human mode); in the JSON modes it goes to stderr so stdout stays parseable. */
  readonly line: (text: string) => Effect.Effect<void>
  /** A note on stderr (always). */
  readonly note: (text: string) => Effect.Effect<void>
  /** A debug line on stderr, only with `--verbose`. */
  readonly debug: (text: string) => Effect.Effect<void>
  /**
   * Asks a yes/no question on stderr; `--yes` answers yes without asking. Without `--yes` and without interactive
   * input the answer is no.
   */
  readonly confirm: (question: string) => Effect.Effect<boolean>
}

/**
 * The output service's tag.
 *
 * @since 0.2.0
 * @category tags
 */
export const Output: Context.Tag<Output, Output> = Context.GenericTag<Output>("@effect-docspace/cli/Output")

/**
 * Builds the service for a mode and a terminal.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: (options: {
  readonly mode: Mode
  readonly verbose?: boolean | undefined
  readonly yes?: boolean | undefined
  readonly terminal: Terminal
}) => Output = Internal.make

/**
 * The service as a layer.
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (options: Parameters<typeof make>[0]): Layer.Layer<Output> => Layer.succeed(Output, make(options))

/**
 * The process's terminal: `process.stdout`/`process.stderr` (waiting for drain, so a large `--jsonl` output keeps
 * constant memory) and `process.stdin` for confirmations when it is a TTY.
 *
 * @since 0.2.0
 * @category constructors
 */
export const processTerminal: Effect.Effect<Terminal> = Effect.sync(Internal.processTerminal)

/**
 * A terminal that records everything (tests): `stdout()`/`stderr()` read what was printed so far, `answers` are
 * read by confirmations in order.
 *
 * @since 0.2.0
 * @category constructors
 */
export const memoryTerminal: (options?: {
  readonly isTTY?: boolean | undefined
  readonly answers?: ReadonlyArray<string> | undefined
}) => Terminal & { readonly stdoutText: () => string; readonly stderrText: () => string } = Internal.memoryTerminal

/**
 * Formats rows as an aligned text table (two spaces between columns, no trailing spaces).
 *
 * @since 0.2.0
 * @category formatting
 */
export const formatTable: <A>(rows: ReadonlyArray<A>, columns: ReadonlyArray<Column<A>>) => string =
  Internal.formatTable

/**
 * Formats a tree with box-drawing branches (`├── `, `└── `).
 *
 * @since 0.2.0
 * @category formatting
 */
export const formatTree: (root: TreeNode) => string = Internal.formatTree

/**
 * A byte count for people: `512 B`, `1.5 KiB`, `10.0 MiB`.
 *
 * @since 0.2.0
 * @category formatting
 */
export const formatBytes: (bytes: number) => string = Internal.formatBytes

import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import type * as Readline from "node:readline"
import type * as Output from "../Output.js"

const cell = (value: string | number | boolean | null | undefined): string =>
  value === null || value === undefined ? "" : String(value).replace(/[\r\n\t]/g, " ")

const widthOf = (s: string): number => [...s].length

const pad = (s: string, width: number, align: "left" | "right" | undefined): string => {
  const gap = " ".repeat(Math.max(0, width - widthOf(s)))
  return align === "right" ? gap + s : s + gap
}

const renderRows = <A>(
  rows: ReadonlyArray<A>,
  columns: ReadonlyArray<Output.Column<A>>,
  widths: Array<number>,
  header: boolean
): string => {
  const cells = rows.map((row) => columns.map((c) => cell(c.get(row))))
  columns.forEach((c, i) => {
    widths[i] = Math.max(widths[i] ?? 0, widthOf(c.header), ...cells.map((r) => widthOf(r[i]!)))
  })
  const line = (values: ReadonlyArray<string>) =>
    values.map((v, i) =>
      pad(v, i === values.length - 1 && columns[i]!.align !== "right" ? 0 : widths[i]!, columns[i]!.align)
    )
      .join("  ").trimEnd()
  const lines = cells.map(line)
  if (header) lines.unshift(line(columns.map((c) => c.header)))
  return lines.map((l) => l + "\n").join("")
}

/** @internal */
export const formatTable = <A>(rows: ReadonlyArray<A>, columns: ReadonlyArray<Output.Column<A>>): string =>
  renderRows(rows, columns, [], true)

/** @internal */
export const formatTree = (root: Output.TreeNode): string => {
  const lines: Array<string> = [root.label]
  const walk = (node: Output.TreeNode, prefix: string) => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1
      lines.push(`${prefix}${last ? "└── " : "├── "}${child.label}`)
      walk(child, prefix + (last ? "    " : "│   "))
    })
  }
  walk(root, "")
  return lines.map((l) => l + "\n").join("")
}

/** @internal */
export const formatBytes = (bytes: number): string => {
  if (!Number.isFinite(bytes)) return String(bytes)
  if (Math.abs(bytes) < 1024) return `${bytes} B`
  const units = ["KiB", "MiB", "GiB", "TiB"]
  let value = bytes / 1024
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean"

const keyValues = (value: unknown): string => {
  if (value === null || typeof value !== "object") return `${cell(value as any)}\n`
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => isScalar(v))
  const width = Math.max(0, ...entries.map(([k]) => k.length))
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${cell(v as any)}\n`).join("")
}

const json = (value: unknown): string => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v))

const treeJson = (node: Output.TreeNode): unknown => ({
  label: node.label,
  children: node.children.map(treeJson)
})

const pageSize = 100

/** @internal */
export const make = (options: {
  readonly mode: Output.Mode
  readonly verbose?: boolean | undefined
  readonly yes?: boolean | undefined
  readonly terminal: Output.Terminal
}): Output.Output => {
  const { mode, terminal } = options
  const verbose = options.verbose === true
  const yes = options.yes === true
  const out = terminal.stdout
  const err = (text: string) => terminal.stderr(text.endsWith("\n") ? text : text + "\n")
  return {
    mode,
    verbose,
    yes,
    terminal,
    value: (value, human) =>
      mode === "human"
        ? out(human === undefined ? keyValues(value) : (human(value).replace(/\n?$/, "\n")))
        : mode === "json"
        ? out(JSON.stringify(value, null, 2) + "\n")
        : out(json(value) + "\n"),
    list: <A, E, R>(entries: Stream.Stream<A, E, R>, list: Output.ListOptions<A>) => {
      const toJson = list.json ?? ((a: A) => a)
      if (mode === "jsonl") {
        return Stream.runFoldEffect(entries, 0, (n, a) => Effect.as(out(json(toJson(a)) + "\n"), n + 1))
      }
      if (mode === "json") {
        // one document, written as it streams: `[` with the first entry, entries separated by `,`, `]`. A listing
        // that fails before its first entry prints nothing; one that fails later closes its array, so that stdout
        // never holds a broken document (the exit code and stderr say the list is incomplete)
        return Effect.suspend(() => {
          let n = 0
          return Stream.runForEach(entries, (a) => {
            const text = (n === 0 ? "[\n  " : ",\n  ") + json(toJson(a))
            n++
            return out(text)
          }).pipe(
            Effect.onExit((exit) => n > 0 ? out("\n]\n") : Exit.isSuccess(exit) ? out("[]\n") : Effect.void),
            Effect.map(() => n)
          )
        })
      }
      const widths: Array<number> = []
      return Effect.gen(function*() {
        const n = yield* entries.pipe(
          Stream.grouped(pageSize),
          Stream.runFoldEffect(0, (n, chunk) => {
            const rows = Array.from(chunk)
            return Effect.as(out(renderRows(rows, list.columns, widths, n === 0)), n + rows.length)
          })
        )
        if (n === 0 && list.empty !== undefined) yield* err(list.empty)
        return n
      })
    },
    tree: (root) => mode === "human" ? out(formatTree(root)) : out(json(treeJson(root)) + "\n"),
    line: (text) => mode === "human" ? out(text.endsWith("\n") ? text : text + "\n") : err(text),
    note: err,
    debug: (text) => verbose ? err(`debug: ${text}`) : Effect.void,
    confirm: (question) =>
      yes
        ? Effect.succeed(true)
        : Effect.map(terminal.readLine(`${question} [y/N] `), (answer) => /^\s*y(es)?\s*$/i.test(answer ?? ""))
  }
}

const write = (stream: NodeJS.WriteStream, text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    if (stream.write(text)) resume(Effect.void)
    else stream.once("drain", () => resume(Effect.void))
  })

// `docspace ls | head`: once the reader is gone, stop quietly as other command line tools do
let pipeGuard = false
const guardPipes = () => {
  if (pipeGuard) return
  pipeGuard = true
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0)
      throw error
    })
  }
}

/** @internal */
export const processTerminal = (): Output.Terminal => {
  guardPipes()
  return processTerminalUnguarded()
}

const processTerminalUnguarded = (): Output.Terminal =>
  streamTerminal({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })

/**
 * The terminal over a set of streams: the process's in the bin, fake TTY streams in tests.
 *
 * @internal
 */
export const streamTerminal = (streams: {
  readonly stdin: NodeJS.ReadStream
  readonly stdout: NodeJS.WriteStream
  readonly stderr: NodeJS.WriteStream
}): Output.Terminal => ({
  stdout: (text) => write(streams.stdout, text),
  stderr: (text) => write(streams.stderr, text),
  isTTY: streams.stderr.isTTY === true,
  columns: streams.stderr.columns ?? 80,
  readLine: (prompt) =>
    streams.stdin.isTTY !== true
      ? Effect.as(write(streams.stderr, `${prompt}(no interactive input: pass --yes)\n`), undefined)
      : Effect.async<string | undefined>((resume) => {
        let rl: Readline.Interface | undefined
        let settled = false
        // resolves once: closing the interface after an answer fires "close" too, which must not count as "no answer"
        const settle = (answer: string | undefined) => {
          if (settled) return
          settled = true
          rl?.close()
          resume(Effect.succeed(answer))
        }
        void import("node:readline").then(({ createInterface }) => {
          if (settled) return
          rl = createInterface({ input: streams.stdin, output: streams.stderr })
          rl.once("close", () => settle(undefined))
          rl.question(prompt, (answer) => settle(answer))
        })
        return Effect.sync(() => {
          settled = true
          rl?.close()
        })
      }),
  readSecret: (prompt) => readSecret(streams.stdin, streams.stderr, prompt)
})

const readSecret = (
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
  prompt: string
): Effect.Effect<string | undefined> =>
  Effect.async<string | undefined>((resume) => {
    if (stdin.isTTY === true) {
      stderr.write(prompt)
      let answer = ""
      stdin.setRawMode(true)
      stdin.resume()
      stdin.setEncoding("utf8")
      const done = (value: string | undefined) => {
        stdin.setRawMode(false)
        stdin.pause()
        stdin.off("data", onData)
        stderr.write("\n")
        resume(Effect.succeed(value))
      }
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === "\r" || ch === "\n") return done(answer)
          if (ch === "\u0003" || ch === "\u0004") return done(undefined)
          if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1)
          else answer += ch
        }
      }
      stdin.on("data", onData)
      return
    }
    // a pipe: the first line
    let data = ""
    stdin.setEncoding("utf8")
    const onData = (chunk: string) => {
      data += chunk
      if (data.includes("\n")) finish()
    }
    const finish = () => {
      stdin.off("data", onData)
      stdin.off("end", finish)
      stdin.pause()
      const line = data.split(/\r?\n/)[0]?.trim()
      resume(Effect.succeed(line === undefined || line === "" ? undefined : line))
    }
    stdin.on("data", onData)
    stdin.once("end", finish)
    stdin.resume()
  })

/** @internal */
export const memoryTerminal = (options?: {
  readonly isTTY?: boolean | undefined
  readonly answers?: ReadonlyArray<string> | undefined
}): Output.Terminal & { readonly stdoutText: () => string; readonly stderrText: () => string } => {
  let stdout = ""
  let stderr = ""
  const answers = [...(options?.answers ?? [])]
  return {
    stdout: (text) => Effect.sync(() => void (stdout += text)),
    stderr: (text) => Effect.sync(() => void (stderr += text)),
    isTTY: options?.isTTY === true,
    columns: 80,
    readLine: (prompt) =>
      Effect.sync(() => {
        const answer = answers.shift()
        stderr += `${prompt}${answer ?? ""}\n`
        return answer
      }),
    readSecret: (prompt) =>
      Effect.sync(() => {
        stderr += `${prompt}\n`
        return answers.shift()
      }),
    stdoutText: () => stdout,
    stderrText: () => stderr
  }
}

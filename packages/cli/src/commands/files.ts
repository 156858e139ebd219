/**
 * Browsing: `ls`, `tree`, `stat`, `mkdir`.
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Folders from "@effect-docspace/resources/Folders"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { NotFound, UsageError } from "../CliError.js"
import * as Remote from "../internal/remote.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

/** The stable JSON form of an entry (what `--json`/`--jsonl` print for `ls` and `stat`). */
const entryJson = (entry: Folders.Entry, path?: string) =>
  entry._tag === "File"
    ? {
      type: "file" as const,
      id: entry.id,
      title: entry.title,
      ...(path !== undefined ? { path } : {}),
      size: entry.pureContentLength ?? null,
      version: entry.version ?? null,
      folderId: entry.folderId ?? null,
      updated: entry.updated ?? null
    }
    : {
      type: "folder" as const,
      id: entry.id,
      title: entry.title,
      ...(path !== undefined ? { path } : {}),
      filesCount: entry.filesCount ?? null,
      foldersCount: entry.foldersCount ?? null,
      parentId: entry.parentId ?? null,
      updated: entry.updated ?? null
    }

const size = (entry: Folders.Entry): string =>
  entry._tag === "File" && entry.pureContentLength !== undefined ? Output.formatBytes(entry.pureContentLength) : ""

const shortDate = (iso: string | undefined): string => (iso === undefined ? "" : iso.slice(0, 16).replace("T", " "))

const sortOption = Options.choice("sort", ["name", "modified", "created", "size"]).pipe(
  Options.withDescription("order within each folder (folders first): name (default), modified, created, size"),
  Options.withDefault("name" as const)
)

const folderArg = (name: string, description: string) => Args.text({ name }).pipe(Args.withDescription(description))

/**
 * `docspace ls [folder]`: the entries of a folder or room (default `@my`), streamed; `--recursive` walks the
 * subfolders, `--long` adds size, version and modification time.
 *
 * @since 0.2.0
 * @category commands
 */
export const ls = Root.command("ls", {
  folder: folderArg("folder", "a folder or room: an id, @my, @common, @rooms, @trash, or a path like @my/reports")
    .pipe(Args.withDefault("@my")),
  recursive: Options.boolean("recursive").pipe(Options.withAlias("R"), Options.withDescription("walk subfolders")),
  long: Options.boolean("long").pipe(Options.withAlias("l"), Options.withDescription("size, version, modified")),
  sort: sortOption
}, ({ folder, long, recursive, sort }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const target = yield* Remote.folder(folder)
    const entries: Stream.Stream<Remote.Walked, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> = recursive
      ? Remote.walk(target.id, { list: Remote.sorts[sort] })
      : Stream.map(Folders.stream(target.id, Remote.sorts[sort]), (entry) => ({ entry, path: entry.title, depth: 1 }))
    const columns: Array<Output.Column<Remote.Walked>> = [
      { header: "TYPE", get: (w) => (w.entry._tag === "Folder" ? "dir" : "file") },
      { header: "ID", get: (w) => w.entry.id, align: "right" }
    ]
    if (long) {
      columns.push(
        { header: "SIZE", get: (w) => size(w.entry), align: "right" },
        { header: "VER", get: (w) => (w.entry._tag === "File" ? w.entry.version : ""), align: "right" },
        { header: "MODIFIED", get: (w) => shortDate(w.entry.updated) }
      )
    }
    columns.push({ header: "NAME", get: (w) => (w.entry._tag === "Folder" ? `${w.path}/` : w.path) })
    yield* output.list(entries, {
      columns,
      json: (w) => entryJson(w.entry, recursive ? w.path : undefined),
      empty: "(empty)"
    })
  })).pipe(Command.withDescription("list a folder or room (streams; --recursive, --long)"))

/**
 * `docspace tree [folder]`: the folder's subtree (`--depth`, `--dirs-only`).
 *
 * @since 0.2.0
 * @category commands
 */
export const tree = Root.command("tree", {
  folder: folderArg("folder", "the folder to start from (default @my)").pipe(Args.withDefault("@my")),
  depth: Options.integer("depth").pipe(
    Options.withDescription("how deep to go (default: all the way)"),
    Options.optional
  ),
  dirsOnly: Options.boolean("dirs-only").pipe(Options.withDescription("folders only")),
  sort: sortOption
}, ({ depth, dirsOnly, folder, sort }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (Option.isSome(depth) && depth.value < 1) {
      return yield* new UsageError({ message: "--depth must be at least 1" })
    }
    const target = yield* Remote.folder(folder)
    interface Node {
      label: string
      children: Array<Node>
    }
    const root: Node = { label: target.title ?? folder, children: [] }
    const stack: Array<Node> = [root]
    yield* Remote.walk(target.id, { maxDepth: Option.getOrUndefined(depth), list: Remote.sorts[sort] }).pipe(
      Stream.filter((w) => !dirsOnly || w.entry._tag === "Folder"),
      Stream.runForEach((w) =>
        Effect.sync(() => {
          // depth-first order: the parent of an entry at depth d is the last node at depth d - 1
          stack.length = w.depth
          const node: Node = { label: w.entry._tag === "Folder" ? `${w.entry.title}/` : w.entry.title, children: [] }
          stack[w.depth - 1]!.children.push(node)
          stack[w.depth] = node
        })
      )
    )
    yield* output.tree(root)
  })).pipe(Command.withDescription("show a folder's subtree"))

/**
 * `docspace stat <item>`: a file's or folder's details.
 *
 * @since 0.2.0
 * @category commands
 */
export const stat = Root.command("stat", {
  item: Args.text({ name: "item" }).pipe(
    Args.withDescription("a file or folder: 123, file:123, folder:123, @my, or a path like @my/a.docx")
  )
}, ({ item }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const found = yield* Remote.item(item)
    const entry: Folders.Entry = found._tag === "File" ? found.file : found.folder
    const json = entryJson(entry)
    yield* output.value(json, () => {
      const lines: Array<[string, unknown]> = Object.entries(json)
      if (entry._tag === "File") {
        lines.push(["webUrl", entry.webUrl], ["created", entry.created], ["createdBy", entry.createdBy?.displayName])
      } else {
        lines.push(["created", entry.created], ["createdBy", entry.createdBy?.displayName])
      }
      const shown = lines.filter(([, v]) => v !== undefined && v !== null && v !== "")
      const width = Math.max(...shown.map(([k]) => k.length))
      return shown.map(([k, v]) =>
        `${k.padEnd(width)}  ${k === "size" && typeof v === "number" ? `${v} (${Output.formatBytes(v)})` : String(v)}`
      ).join("\n")
    })
  })).pipe(Command.withDescription("show a file's or folder's details"))

/**
 * `docspace mkdir <path>`: creates a folder, e.g. `@my/reports/2026`; `--parents` creates the missing ones above it
 * and is not an error when it exists.
 *
 * @since 0.2.0
 * @category commands
 */
export const mkdir = Root.command("mkdir", {
  path: Args.text({ name: "path" }).pipe(Args.withDescription("where and what: @my/reports, 123/new-folder")),
  parents: Options.boolean("parents").pipe(
    Options.withAlias("p"),
    Options.withDescription("create missing parents; no error if it exists")
  )
}, ({ parents, path }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const parsed = yield* Remote.parse(path)
    if (parsed.path.length === 0) {
      return yield* new UsageError({ message: `${path}: name the new folder after its parent, e.g. @my/new-folder` })
    }
    const head = path.split("/")[0]!
    let current: { id: Remote.Id; title: string | undefined } = yield* Remote.folder(head)
    let created: Folders.Folder | undefined
    for (const [i, part] of parsed.path.entries()) {
      const last = i === parsed.path.length - 1
      const existing = yield* Folders.stream(current.id, { filterValue: part }).pipe(
        Stream.filter((e) => e.title === part),
        Stream.runHead
      )
      if (Option.isSome(existing)) {
        if (existing.value._tag !== "Folder") {
          return yield* new UsageError({ message: `${path}: "${part}" is a file` })
        }
        if (last && !parents) return yield* new UsageError({ message: `${path} exists already` })
        current = { id: existing.value.id, title: existing.value.title }
        continue
      }
      if (!last && !parents) {
        return yield* new NotFound({ message: `${path}: no folder "${part}" (--parents creates it)` })
      }
      created = yield* Folders.create(current.id, part)
      current = { id: created.id, title: created.title }
    }
    yield* output.value(
      { type: "folder", id: current.id, title: current.title ?? null, created: created !== undefined },
      () => `${created !== undefined ? "created" : "exists"} folder ${current.id} ${current.title ?? ""}`
    )
  })).pipe(Command.withDescription("create a folder (--parents: and the missing ones above it)"))

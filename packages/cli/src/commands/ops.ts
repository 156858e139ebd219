/**
 * File operations: `mv`, `cp`, `rm`, and `trash ls|restore|empty`. Each starts the portal's file operation and
 * follows it to the end with a progress line (`FileOperations` of `@effect-docspace/resources`).
 *
 * @since 0.2.0
 */
import * as FileOperations from "@effect-docspace/resources/FileOperations"
import type * as Folders from "@effect-docspace/resources/Folders"
import * as Trash from "@effect-docspace/resources/Trash"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Declined } from "../CliError.js"
import * as Remote from "../internal/remote.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import * as Root from "../Root.js"

const itemsArg = Args.text({ name: "item" }).pipe(
  Args.withDescription("files and folders: 123, file:123, folder:123, or paths like @my/a.docx")
)

const selection = (items: ReadonlyArray<Remote.Item>) => ({
  fileIds: items.filter((i) => i._tag === "File").map((i) => i.id),
  folderIds: items.filter((i) => i._tag === "Folder").map((i) => i.id)
})

const describe = (items: ReadonlyArray<Remote.Item>): string =>
  items.length === 1 ? `"${items[0]!.title}"` : `${items.length} items`

/** Runs one file operation with a progress line (percent) and prints its result. */
const follow = <E, R>(
  label: string,
  items: ReadonlyArray<Remote.Item>,
  run: (onProgress: (op: FileOperations.TrackedOperation) => Effect.Effect<void>) => Effect.Effect<
    ReadonlyArray<FileOperations.TrackedOperation>,
    E,
    R
  >,
  extra: Record<string, unknown> = {}
) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const ops = yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* Progress.start({ label, total: 100, percent: true })
      let last = 0
      return yield* run((op) =>
        Effect.sync(() => {
          const now = Math.max(last, Math.min(100, Math.round(op.progress ?? 0)))
          progress.advance(now - last)
          last = now
        })
      )
    }))
    yield* output.value(
      {
        operation: label,
        items: items.map((i) => ({ type: i._tag === "File" ? "file" : "folder", id: i.id, title: i.title })),
        finished: ops.every((op) => op.finished === true || op.reported === false),
        ...extra
      },
      () => `${label}: ${describe(items)} done`
    )
  })

const conflictOption = Options.choice("on-conflict", ["skip", "overwrite", "duplicate"]).pipe(
  Options.withDescription("when the destination has an entry of the same name (default: the portal's, skip)"),
  Options.optional
)

const conflictType = (value: { _tag: "Some"; value: string } | { _tag: "None" }) =>
  value._tag === "None"
    ? undefined
    : value.value === "overwrite"
    ? "Overwrite" as const
    : value.value === "duplicate"
    ? "Duplicate" as const
    : "Skip" as const

const transfer = (name: "mv" | "cp") =>
  Root.command(name, {
    items: itemsArg.pipe(Args.atLeast(2)),
    onConflict: conflictOption
  }, ({ items, onConflict }) =>
    Effect.gen(function*() {
      const sources = items.slice(0, -1)
      const dest = yield* Remote.folder(items[items.length - 1]!)
      const found = yield* Effect.forEach(sources, (s) => Remote.item(s))
      const conflictResolveType = conflictType(onConflict)
      yield* follow(name === "mv" ? "move" : "copy", found, (onProgress) =>
        (name === "mv" ? FileOperations.move : FileOperations.copy)({
          ...selection(found),
          destFolderId: dest.id,
          ...(conflictResolveType !== undefined ? { conflictResolveType } : {}),
          onProgress
        }), { destFolderId: dest.id })
    })).pipe(
      Command.withDescription(
        name === "mv" ? "move files and folders into a folder" : "copy files and folders into a folder"
      )
    )

/**
 * `docspace mv <item...> <folder>`: moves files and folders into a folder.
 *
 * @since 0.2.0
 * @category commands
 */
export const mv = transfer("mv")

/**
 * `docspace cp <item...> <folder>`: copies files and folders into a folder.
 *
 * @since 0.2.0
 * @category commands
 */
export const cp = transfer("cp")

/**
 * `docspace rm <item...>`: moves files and folders to the trash, or deletes them for good with `--permanent`; asks
 * first unless `--yes`.
 *
 * @since 0.2.0
 * @category commands
 */
export const rm = Root.command("rm", {
  items: itemsArg.pipe(Args.atLeast(1)),
  permanent: Options.boolean("permanent").pipe(Options.withDescription("delete for good instead of to the trash"))
}, ({ items, permanent }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const found = yield* Effect.forEach(items, (s) => Remote.item(s))
    const question = permanent
      ? `Delete ${describe(found)} for good?`
      : `Move ${describe(found)} to the trash?`
    if (!(yield* output.confirm(question))) {
      return yield* new Declined({ message: "nothing deleted" })
    }
    yield* follow(permanent ? "delete" : "trash", found, (onProgress) =>
      FileOperations.remove({ ...selection(found), immediately: permanent, onProgress }))
  })).pipe(Command.withDescription("move files and folders to the trash (--permanent: delete for good)"))

const entryColumns: ReadonlyArray<Output.Column<Folders.Entry>> = [
  { header: "TYPE", get: (e) => (e._tag === "Folder" ? "dir" : "file") },
  { header: "ID", get: (e) => e.id, align: "right" },
  {
    header: "SIZE",
    get: (e) => (e._tag === "File" && e.pureContentLength !== undefined ? Output.formatBytes(e.pureContentLength) : ""),
    align: "right"
  },
  { header: "DELETED", get: (e) => (e.updated ?? "").slice(0, 16).replace("T", " ") },
  { header: "NAME", get: (e) => (e._tag === "Folder" ? `${e.title}/` : e.title) }
]

const trashLs = Root.command("ls", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    yield* output.list(Trash.stream(), {
      columns: entryColumns,
      json: (e) => ({ type: e._tag === "File" ? "file" : "folder", id: e.id, title: e.title }),
      empty: "(the trash is empty)"
    })
  })).pipe(Command.withDescription("list the trash"))

const trashRestore = Root.command("restore", {
  items: itemsArg.pipe(Args.atLeast(1)),
  to: Options.text("to").pipe(
    Options.withDescription("where to put them (the trash does not remember where they were); default @my"),
    Options.withDefault("@my")
  )
}, ({ items, to }) =>
  Effect.gen(function*() {
    const dest = yield* Remote.folder(to)
    const found = yield* Effect.forEach(items, (s) => Remote.item(s))
    yield* follow("restore", found, (onProgress) =>
      Trash.restore({ ...selection(found), destFolderId: dest.id, onProgress }), { destFolderId: dest.id })
  })).pipe(Command.withDescription("move entries out of the trash (--to a folder, default @my)"))

const trashEmpty = Root.command("empty", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const count = yield* Stream.runCount(Trash.stream())
    if (count === 0) {
      return yield* output.value({ operation: "empty", deleted: 0 }, () => "the trash is empty")
    }
    if (!(yield* output.confirm(`Delete the ${count} entries in the trash for good?`))) {
      return yield* new Declined({ message: "the trash was not emptied" })
    }
    yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* Progress.start({ label: "emptying the trash", total: 100, percent: true })
      let last = 0
      yield* Trash.empty({
        onProgress: (op) =>
          Effect.sync(() => {
            const now = Math.max(last, Math.min(100, Math.round(op.progress ?? 0)))
            progress.advance(now - last)
            last = now
          })
      })
    }))
    yield* output.value({ operation: "empty", deleted: count }, () => `deleted ${count} entries for good`)
  })).pipe(Command.withDescription("delete everything in the trash for good (asks unless --yes)"))

/**
 * `docspace trash ls|restore|empty`.
 *
 * @since 0.2.0
 * @category commands
 */
export const trash = Root.group("trash", "the trash: ls, restore, empty", [trashLs, trashRestore, trashEmpty])

/**
 * Moving bytes: `upload`, `download`, `mirror` (portal to disk) and `push` (disk to portal). Files go in parallel
 * (the client's rate limiter keeps the portal's limits), each through `NodeUploads.fromFile` /
 * `NodeDownloads.toFile` of `@effect-docspace/resources/node`. A file that already matches (same size, and the copy
 * at least as new as the source) is skipped, so an interrupted transfer is resumed by running it again.
 *
 * @since 0.2.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as FileOperations from "@effect-docspace/resources/FileOperations"
import * as Folders from "@effect-docspace/resources/Folders"
import * as NodeDownloads from "@effect-docspace/resources/NodeDownloads"
import * as NodeUploads from "@effect-docspace/resources/NodeUploads"
import * as Uploads from "@effect-docspace/resources/Uploads"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Declined, LocalFileError, PartialFailure, UsageError } from "../CliError.js"
import * as Exit from "../Exit.js"
import * as Local from "../internal/local.js"
import * as Remote from "../internal/remote.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import * as Root from "../Root.js"

const parallelOption = Options.integer("parallel").pipe(
  Options.withDescription("files transferred at once (the rate limiter still keeps the portal's limits); default 8"),
  Options.withDefault(8)
)

const dryRunOption = Options.boolean("dry-run").pipe(Options.withDescription("print what would be done, do nothing"))

/** One file's outcome, as `--jsonl` prints it. */
interface Outcome {
  readonly path: string
  readonly status: "uploaded" | "downloaded" | "skipped" | "failed" | "deleted" | "planned" | "would-delete"
  readonly id?: Remote.Id | undefined
  readonly size?: number | undefined
  readonly error?: string | undefined
}

const checkParallel = (n: number) =>
  Number.isSafeInteger(n) && n >= 1 && n <= 64
    ? Effect.void
    : Effect.fail(new UsageError({ message: `--parallel must be 1..64, got ${n}` }))

const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso)
  return Number.isNaN(t) ? 0 : t
}

/** The entries of one remote folder by title, listed once and kept up to date as folders are created. */
const makeListings = Effect.gen(function*() {
  // one listing per folder, even when many uploads into it start together (they wait for the first one's)
  const load = yield* Effect.cachedFunction((folderId: string) =>
    Stream.runFold(Folders.stream(folderId, Remote.byName), new Map<string, Folders.Entry>(), (m, e) => {
      // a folder wins over a file of the same title: a tree needs its folders
      const prev = m.get(e.title)
      if (prev === undefined || e._tag === "Folder") m.set(e.title, e)
      return m
    })
  )
  return { get: (folderId: Remote.Id) => load(String(folderId)) }
})

interface Summary {
  transferred: number
  skipped: number
  failed: number
  bytes: number
  deleted: number
}

const finish = (
  verb: "uploaded" | "downloaded",
  summary: Summary,
  outcomes: ReadonlyArray<Outcome>,
  startedMillis: number,
  dryRun = false
) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const now = yield* Clock.currentTimeMillis
    const seconds = (now - startedMillis) / 1000
    if (output.mode === "json") {
      yield* output.value({
        [verb]: summary.transferred,
        skipped: summary.skipped,
        failed: summary.failed,
        deleted: summary.deleted,
        bytes: summary.bytes,
        ...(dryRun ? { dryRun: true } : {}),
        files: outcomes
      })
    } else if (output.mode === "human") {
      yield* output.line(
        `${dryRun ? "dry run: would have " : ""}${verb} ${summary.transferred}, skipped ${summary.skipped}` +
          (summary.deleted > 0 ? `, deleted ${summary.deleted}` : "") +
          `, failed ${summary.failed}: ${Output.formatBytes(summary.bytes)} in ${seconds.toFixed(1)}s`
      )
    }
    if (summary.failed > 0) {
      return yield* new PartialFailure({
        message: `${summary.failed} of ${outcomes.length} files failed (listed above)`,
        failed: summary.failed
      })
    }
  })

const report = (outcome: Outcome) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (output.mode === "jsonl") yield* output.value(outcome)
    if (outcome.status === "failed") yield* output.note(`${outcome.path}: ${outcome.error}`)
    else if (outcome.status === "planned" && output.mode === "human") {
      yield* output.line(`would transfer ${outcome.path}`)
    } else if (outcome.status === "would-delete" && output.mode === "human") {
      yield* output.line(`would delete ${outcome.path}`)
    } else if (outcome.status === "deleted" && output.mode === "human") yield* output.line(`deleted ${outcome.path}`)
  })

const errorText = (error: unknown) => Exit.format(error).replace(/^docspace: /, "")

// ---------------------------------------------------------------------------------------------------------------
// upload / push

const uploadTree = (
  tree: Local.LocalTree,
  destId: Remote.Id,
  options: { readonly parallel: number; readonly dryRun: boolean; readonly base: string }
) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const path = yield* Path.Path
    const listings = yield* makeListings
    const summary: Summary = { transferred: 0, skipped: 0, failed: 0, bytes: 0, deleted: 0 }
    const outcomes: Array<Outcome> = []
    const record = (outcome: Outcome) =>
      Effect.zipRight(Effect.sync(() => void outcomes.push(outcome)), report(outcome))
    for (const skipped of tree.skipped) yield* output.note(`${skipped}: not a file or directory, skipped`)
    // the folders first, one at a time (parents before children), so that no two uploads race to create one
    const folderIds = new Map<string, Remote.Id>([["", destId]])
    for (const dirs of tree.dirs) {
      const key = dirs.join("/")
      const parentId = folderIds.get(dirs.slice(0, -1).join("/"))
      if (parentId === undefined) continue // below a folder that a dry run did not create
      const name = Local.portalTitle(dirs[dirs.length - 1]!)
      const listing = yield* listings.get(parentId)
      const existing = listing.get(name)
      if (existing !== undefined && existing._tag === "Folder") {
        folderIds.set(key, existing.id)
      } else if (existing !== undefined) {
        return yield* new UsageError({ message: `${key}: the portal has a file of that name where a folder goes` })
      } else if (!options.dryRun) {
        const created = yield* Folders.create(parentId, name)
        listing.set(name, { ...created, _tag: "Folder" })
        folderIds.set(key, created.id)
        yield* output.debug(`created folder ${key} (${created.id})`)
      }
    }
    const totalBytes = tree.files.reduce((n, f) => n + f.size, 0)
    // the portal's chunk size, asked once before the parallel uploads (each would ask while none has the answer)
    if (!options.dryRun && tree.files.length > 0) yield* Uploads.chunkSize
    const started = yield* Clock.currentTimeMillis
    yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* Progress.start({
        label: options.dryRun ? "checking" : "uploading",
        total: tree.files.length,
        totalBytes
      })
      yield* Effect.forEach(tree.files, (file) =>
        Effect.gen(function*() {
          const rel = path.relative(options.base, file.path) || file.name
          const folderId = folderIds.get(file.dirs.join("/"))
          const title = Local.portalTitle(file.name)
          const existing = folderId === undefined ? undefined : (yield* listings.get(folderId)).get(title)
          if (existing !== undefined && existing._tag === "Folder") {
            summary.failed++
            progress.failed()
            return yield* record({ path: rel, status: "failed", error: "the portal has a folder of that name" })
          }
          if (
            existing !== undefined && existing.pureContentLength === file.size &&
            timeOf(existing.updated) >= Math.floor(file.mtimeMs / 1000) * 1000
          ) {
            summary.skipped++
            progress.skipped()
            progress.advance(1, file.size)
            return yield* record({ path: rel, status: "skipped", id: existing.id, size: file.size })
          }
          if (options.dryRun || folderId === undefined) {
            summary.transferred++
            summary.bytes += file.size
            progress.advance(1, file.size)
            return yield* record({ path: rel, status: "planned", size: file.size })
          }
          progress.inFlight(1)
          let sent = 0
          const result = yield* NodeUploads.fromFile(file.path, {
            folderId,
            fileName: title,
            onProgress: ({ bytesSent }) =>
              Effect.sync(() => {
                progress.advance(0, bytesSent - sent)
                sent = bytesSent
              })
          }).pipe(Effect.either, Effect.ensuring(Effect.sync(() => progress.inFlight(-1))))
          if (result._tag === "Left") {
            summary.failed++
            progress.failed()
            progress.advance(1, -sent)
            return yield* record({ path: rel, status: "failed", size: file.size, error: errorText(result.left) })
          }
          summary.transferred++
          summary.bytes += file.size
          progress.advance(1, file.size - sent)
          yield* record({ path: rel, status: "uploaded", id: result.right.id, size: file.size })
        }), { concurrency: options.parallel, discard: true })
    }))
    return { summary, outcomes, started, folderIds, listings }
  })

/**
 * `docspace upload <path...> <folder>`: uploads files and directories (recreating the tree) into a folder; files
 * that are there already with the same size and a newer date are skipped.
 *
 * @since 0.2.0
 * @category commands
 */
export const upload = Root.command("upload", {
  paths: Args.text({ name: "path" }).pipe(
    Args.withDescription("local files and directories, then the destination folder (@my, an id, @my/reports)"),
    Args.atLeast(2)
  ),
  parallel: parallelOption,
  dryRun: dryRunOption
}, ({ dryRun, parallel, paths }) =>
  Effect.gen(function*() {
    yield* checkParallel(parallel)
    const path = yield* Path.Path
    const sources = paths.slice(0, -1)
    const dest = yield* Remote.folder(paths[paths.length - 1]!)
    const trees = yield* Effect.forEach(sources, (source) => {
      const abs = path.resolve(source)
      return Local.walk(abs, [path.basename(abs)])
    })
    const tree: Local.LocalTree = {
      files: trees.flatMap((t) => t.files),
      dirs: trees.flatMap((t) => t.dirs),
      skipped: trees.flatMap((t) => t.skipped)
    }
    const base = sources.length === 1 ? path.dirname(path.resolve(sources[0]!)) : path.resolve(".")
    const { outcomes, started, summary } = yield* uploadTree(tree, dest.id, { parallel, dryRun, base })
    yield* finish("uploaded", summary, outcomes, started, dryRun)
  })).pipe(Command.withDescription("upload files and directories into a folder (parallel, resumable)"))

/**
 * `docspace push <dir> <folder>`: makes the folder hold what the directory holds (one way: disk to portal).
 * `--delete` also moves to the trash what the folder has and the directory has not (asks unless `--yes`);
 * `--dry-run` only prints the plan.
 *
 * @since 0.2.0
 * @category commands
 */
export const push = Root.command("push", {
  dir: Args.directory({ name: "dir", exists: "yes" }).pipe(Args.withDescription("the local directory")),
  folder: Args.text({ name: "folder" }).pipe(Args.withDescription("the folder to update")),
  parallel: parallelOption,
  dryRun: dryRunOption,
  delete: Options.boolean("delete").pipe(
    Options.withDescription("move to the trash what the directory does not have (asks unless --yes)")
  )
}, (args) =>
  Effect.gen(function*() {
    yield* checkParallel(args.parallel)
    const output = yield* Output.Output
    const path = yield* Path.Path
    const dest = yield* Remote.folder(args.folder)
    const abs = path.resolve(args.dir)
    const tree = yield* Local.walk(abs, [])
    const result = yield* uploadTree(tree, dest.id, { parallel: args.parallel, dryRun: args.dryRun, base: abs })
    if (args.delete) {
      // what the folder has below it and the directory has not: the top-most such entry of each branch
      const remotePath = (parts: ReadonlyArray<string>) => parts.map(Local.portalTitle).join("/")
      const localPaths = new Set([
        ...tree.files.map((f) => remotePath([...f.dirs, f.name])),
        ...tree.dirs.map(remotePath)
      ])
      const extra: Array<Remote.Walked> = []
      yield* Remote.walk(dest.id).pipe(
        Stream.filter((w) => !localPaths.has(w.path) && !extra.some((e) => w.path.startsWith(`${e.path}/`))),
        Stream.runForEach((w) => Effect.sync(() => void extra.push(w)))
      )
      if (extra.length > 0) {
        const question = `Move ${extra.length} entries that are not in ${args.dir} to the trash?`
        if (args.dryRun) {
          for (const e of extra) {
            const outcome: Outcome = { path: e.path, status: "would-delete", id: e.entry.id }
            result.summary.deleted++
            result.outcomes.push(outcome)
            yield* report(outcome)
          }
        } else if (!(yield* output.confirm(question))) {
          return yield* new Declined({ message: "nothing deleted; the uploads are done" })
        } else {
          yield* FileOperations.remove({
            fileIds: extra.filter((e) => e.entry._tag === "File").map((e) => e.entry.id),
            folderIds: extra.filter((e) => e.entry._tag === "Folder").map((e) => e.entry.id)
          })
          for (const e of extra) {
            result.summary.deleted++
            result.outcomes.push({ path: e.path, status: "deleted", id: e.entry.id })
            yield* report({ path: e.path, status: "deleted", id: e.entry.id })
          }
        }
      }
    }
    yield* finish("uploaded", result.summary, result.outcomes, result.started, args.dryRun)
  })).pipe(Command.withDescription("one-way sync of a directory to a folder (--dry-run, --delete)"))

// ---------------------------------------------------------------------------------------------------------------
// download / mirror

interface RemoteFile {
  readonly id: Remote.Id
  /** Path below the target directory, made of safe names. */
  readonly rel: string
  readonly size: number | undefined
  readonly updated: number
}

const downloadFiles = (
  files: Stream.Stream<RemoteFile, DocSpaceError.DocSpaceError | UsageError, DocSpaceClient.DocSpaceClient>,
  dir: string,
  options: { readonly parallel: number; readonly dryRun: boolean }
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const summary: Summary = { transferred: 0, skipped: 0, failed: 0, bytes: 0, deleted: 0 }
    const outcomes: Array<Outcome> = []
    const seen = new Set<string>()
    const started = yield* Clock.currentTimeMillis
    yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* Progress.start({ label: options.dryRun ? "checking" : "downloading" })
      yield* files.pipe(
        Stream.tap((f) => Effect.sync(() => progress.grow(1, f.size ?? 0))),
        Stream.mapEffect((file) =>
          Effect.gen(function*() {
            const target = path.join(dir, file.rel)
            seen.add(file.rel)
            const record = (outcome: Outcome) =>
              Effect.zipRight(Effect.sync(() => void outcomes.push(outcome)), report(outcome))
            const local = yield* fs.stat(target).pipe(Effect.option)
            if (
              Option.isSome(local) && local.value.type === "File" && Number(local.value.size) === file.size &&
              Option.match(local.value.mtime, { onNone: () => 0, onSome: (d) => d.getTime() }) >= file.updated
            ) {
              summary.skipped++
              progress.skipped()
              progress.advance(1, file.size)
              return yield* record({ path: file.rel, status: "skipped", id: file.id, size: file.size })
            }
            if (options.dryRun) {
              summary.transferred++
              summary.bytes += file.size ?? 0
              progress.advance(1, file.size ?? 0)
              return yield* record({ path: file.rel, status: "planned", id: file.id, size: file.size })
            }
            progress.inFlight(1)
            let written = 0
            const result = yield* fs.makeDirectory(path.dirname(target), { recursive: true }).pipe(
              Effect.mapError((e) =>
                new LocalFileError({ path: target, message: `cannot create ${path.dirname(target)}: ${e.message}` })
              ),
              Effect.zipRight(NodeDownloads.toFile(file.id, target, {
                ...(file.size !== undefined ? { expectedSize: file.size } : {}),
                onProgress: ({ bytesWritten }) =>
                  Effect.sync(() => {
                    progress.advance(0, bytesWritten - written)
                    written = bytesWritten
                  })
              })),
              Effect.either,
              Effect.ensuring(Effect.sync(() => progress.inFlight(-1)))
            )
            if (result._tag === "Left") {
              summary.failed++
              progress.failed()
              progress.advance(1, -written)
              return yield* record({ path: file.rel, status: "failed", id: file.id, error: errorText(result.left) })
            }
            summary.transferred++
            summary.bytes += result.right.size
            progress.advance(1, result.right.size - written)
            yield* record({ path: file.rel, status: "downloaded", id: file.id, size: result.right.size })
          }), { concurrency: options.parallel, unordered: true }),
        Stream.runDrain
      )
    }))
    return { summary, outcomes, started, seen }
  })

/** The files below a folder, with safe relative paths under `prefix`. */
const remoteTree = (
  folderId: Remote.Id,
  prefix: string
): Stream.Stream<RemoteFile, DocSpaceError.DocSpaceError | UsageError, DocSpaceClient.DocSpaceClient> =>
  Remote.walk(folderId).pipe(
    Stream.filter((w) => w.entry._tag === "File"),
    Stream.mapEffect((w) => {
      const parts = w.path.split("/").map(Local.safeName)
      if (parts.some((p) => p === undefined)) {
        return Effect.fail(new UsageError({ message: `${w.path}: a name that cannot be a local file name` }))
      }
      const rel = [prefix, ...parts].filter((p) => p !== "").join("/")
      const entry = w.entry as Folders.FileEntry
      return Effect.succeed<RemoteFile>({
        id: entry.id,
        rel,
        size: entry.pureContentLength,
        updated: timeOf(entry.updated)
      })
    })
  )

/**
 * `docspace download <item...> <dir>`: downloads files, and folders with everything below them, into a local
 * directory. Each file is written to a temporary file and renamed when complete (`NodeDownloads.toFile`), so a
 * failure never leaves a half-written file; files already there with the same size and a newer date are skipped.
 *
 * @since 0.2.0
 * @category commands
 */
export const download = Root.command("download", {
  items: Args.text({ name: "item" }).pipe(
    Args.withDescription("files (123, file:123, @my/a.docx) or folders (folder:123, @my/reports), then the directory"),
    Args.atLeast(2)
  ),
  parallel: parallelOption
}, ({ items, parallel }) =>
  Effect.gen(function*() {
    yield* checkParallel(parallel)
    const path = yield* Path.Path
    const dir = path.resolve(items[items.length - 1]!)
    const found = yield* Effect.forEach(items.slice(0, -1), (ref) => Remote.item(ref, "file"))
    const files = Stream.fromIterable(found).pipe(
      Stream.flatMap(
        (item): Stream.Stream<RemoteFile, DocSpaceError.DocSpaceError | UsageError, DocSpaceClient.DocSpaceClient> => {
          const name = Local.safeName(item.title)
          if (name === undefined) {
            return Stream.fail(new UsageError({ message: `"${item.title}" cannot be a local file name` }))
          }
          return item._tag === "File"
            ? Stream.succeed({
              id: item.id,
              rel: name,
              size: item.file.pureContentLength,
              updated: timeOf(item.file.updated)
            })
            : remoteTree(item.id, name)
        }
      )
    )
    const result = yield* downloadFiles(files, dir, { parallel, dryRun: false })
    yield* finish("downloaded", result.summary, result.outcomes, result.started)
  })).pipe(Command.withDescription("download files and folders into a directory (parallel, resumable)"))

/**
 * `docspace mirror <folder> <dir>`: makes the directory hold what the folder holds (one way: portal to disk).
 * `--delete` also removes local files the folder does not have (asks unless `--yes`); `--dry-run` only prints the
 * plan.
 *
 * @since 0.2.0
 * @category commands
 */
export const mirror = Root.command("mirror", {
  folder: Args.text({ name: "folder" }).pipe(Args.withDescription("the folder or room to copy")),
  dir: Args.text({ name: "dir" }).pipe(Args.withDescription("the local directory (created if missing)")),
  parallel: parallelOption,
  dryRun: dryRunOption,
  delete: Options.boolean("delete").pipe(
    Options.withDescription("remove local files the folder does not have (asks unless --yes)")
  )
}, (args) =>
  Effect.gen(function*() {
    yield* checkParallel(args.parallel)
    const output = yield* Output.Output
    const path = yield* Path.Path
    const fs = yield* FileSystem.FileSystem
    const source = yield* Remote.folder(args.folder)
    const dir = path.resolve(args.dir)
    const result = yield* downloadFiles(remoteTree(source.id, ""), dir, {
      parallel: args.parallel,
      dryRun: args.dryRun
    })
    if (args.delete && (yield* fs.exists(dir).pipe(Effect.orElseSucceed(() => false)))) {
      const local = yield* Local.walk(dir, [])
      const extra = local.files.filter((f) => !result.seen.has([...f.dirs, f.name].join("/")))
      if (extra.length > 0) {
        if (args.dryRun) {
          for (const f of extra) {
            const outcome: Outcome = { path: path.relative(dir, f.path), status: "would-delete" }
            result.summary.deleted++
            result.outcomes.push(outcome)
            yield* report(outcome)
          }
        } else if (!(yield* output.confirm(`Remove ${extra.length} local files that are not in the folder?`))) {
          return yield* new Declined({ message: "no local file removed; the downloads are done" })
        } else {
          for (const f of extra) {
            yield* fs.remove(f.path).pipe(
              Effect.mapError((e) =>
                new LocalFileError({ path: f.path, message: `cannot remove ${f.path}: ${e.message}` })
              )
            )
            const rel = path.relative(dir, f.path)
            result.summary.deleted++
            result.outcomes.push({ path: rel, status: "deleted" })
            yield* report({ path: rel, status: "deleted" })
          }
        }
      }
    }
    yield* finish("downloaded", result.summary, result.outcomes, result.started, args.dryRun)
  })).pipe(Command.withDescription("one-way sync of a folder or room to a directory (--dry-run, --delete)"))

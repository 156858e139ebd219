/**
 * Naming things on the portal from the command line. A reference is
 * - a folder alias: `@my` (My documents), `@trash`, `@common`, `@rooms` (rooms are folders too),
 * - an id: `123` (what it names depends on the command: a folder for ls, a file for download), or explicitly
 *   `file:123` / `folder:123`,
 * - a path from a folder: `@my/reports/2026`, `123/reports/q1.docx` (resolved by listing each level).
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Files from "@effect-docspace/resources/Files"
import * as Folders from "@effect-docspace/resources/Folders"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { NotFound, UsageError } from "../CliError.js"

export type Id = number | string

export type Item =
  | { readonly _tag: "File"; readonly id: Id; readonly title: string; readonly file: Folders.FileEntry }
  | { readonly _tag: "Folder"; readonly id: Id; readonly title: string; readonly folder: Folders.FolderEntry }

const aliases: Record<string, string> = { "@my": "@my", "@trash": "@trash", "@common": "@common", "@rooms": "rooms" }

const idOf = (text: string): Id => (/^\d+$/.test(text) ? Number(text) : text)

interface Parsed {
  readonly kind: "file" | "folder" | "any"
  readonly root: Id
  readonly rootIsAlias: boolean
  readonly path: ReadonlyArray<string>
}

export const parse = (text: string): Effect.Effect<Parsed, UsageError> => {
  const trimmed = text.trim()
  if (trimmed === "") return Effect.fail(new UsageError({ message: "an empty name is not a file or folder" }))
  if (trimmed.startsWith("-")) {
    return Effect.fail(new UsageError({ message: `unknown option ${trimmed} (options go before the arguments)` }))
  }
  const prefixed = /^(file|folder):(.+)$/.exec(trimmed)
  if (prefixed !== null) {
    return Effect.succeed({
      kind: prefixed[1] as "file" | "folder",
      root: idOf(prefixed[2]!),
      rootIsAlias: false,
      path: []
    })
  }
  const [head, ...rest] = trimmed.split("/")
  const path = rest.filter((p) => p !== "" && p !== ".")
  if (path.includes("..")) return Effect.fail(new UsageError({ message: `"..": paths go down from a folder only` }))
  if (head !== undefined && Object.hasOwn(aliases, head)) {
    return Effect.succeed({ kind: path.length === 0 ? "folder" : "any", root: aliases[head]!, rootIsAlias: true, path })
  }
  if (head !== undefined && /^\d+$/.test(head)) {
    return Effect.succeed({ kind: path.length === 0 ? "any" : "any", root: Number(head), rootIsAlias: false, path })
  }
  return Effect.fail(
    new UsageError({
      message: `"${text}" is not a folder or file: use an id (123, file:123, folder:123), @my, @common, @rooms, ` +
        `@trash, or a path from one of them (@my/reports)`
    })
  )
}

const child = (
  folderId: Id,
  title: string
): Effect.Effect<Option.Option<Folders.Entry>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Folders.stream(folderId, { filterValue: title }).pipe(
    Stream.filter((entry) => entry.title === title),
    Stream.runHead
  )

/** A folder: an id, an alias, `folder:ID`, or a path whose last part is a folder. */
export const folder = (
  text: string
): Effect.Effect<
  { readonly id: Id; readonly title: string | undefined },
  UsageError | NotFound | DocSpaceError.DocSpaceError,
  DocSpaceClient.DocSpaceClient
> =>
  Effect.gen(function*() {
    const parsed = yield* parse(text)
    if (parsed.kind === "file") {
      return yield* new UsageError({ message: `${text} is a file; a folder is expected here` })
    }
    let current: { id: Id; title: string | undefined } = { id: parsed.root, title: undefined }
    for (const part of parsed.path) {
      const next = yield* child(current.id, part)
      if (Option.isNone(next) || next.value._tag !== "Folder") {
        return yield* new NotFound({
          message: Option.isSome(next) ? `${text}: "${part}" is a file, not a folder` : `${text}: no folder "${part}"`
        })
      }
      current = { id: next.value.id, title: next.value.title }
    }
    return current
  })

/** A file or a folder. A bare id is looked up as both: an id both a file and a folder have is ambiguous. */
export const item = (
  text: string,
  prefer?: "file" | "folder"
): Effect.Effect<Item, UsageError | NotFound | DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.gen(function*() {
    const parsed = yield* parse(text)
    if (parsed.path.length > 0) {
      const parent = yield* folder([text.split("/")[0], ...parsed.path.slice(0, -1)].join("/"))
      const last = parsed.path[parsed.path.length - 1]!
      const found = yield* child(parent.id, last)
      if (Option.isNone(found)) return yield* new NotFound({ message: `${text}: no file or folder "${last}"` })
      return fromEntry(found.value)
    }
    if (parsed.rootIsAlias) {
      const info = yield* Folders.info(parsed.root)
      return fromEntry({ ...info, _tag: "Folder" })
    }
    const kind = parsed.kind === "any" ? prefer ?? "any" : parsed.kind
    const asFile = kind === "folder" ? Option.none() : yield* orNone(Files.get(parsed.root))
    if (kind === "file") {
      if (Option.isNone(asFile)) return yield* new NotFound({ message: `no file ${parsed.root}` })
      return fromEntry({ ...asFile.value, _tag: "File" })
    }
    const asFolder = yield* orNone(Folders.info(parsed.root))
    if (kind === "folder") {
      if (Option.isNone(asFolder)) return yield* new NotFound({ message: `no folder ${parsed.root}` })
      return fromEntry({ ...asFolder.value, _tag: "Folder" })
    }
    if (Option.isSome(asFile) && Option.isSome(asFolder)) {
      return yield* new UsageError({
        message: `${parsed.root} is both a file ("${asFile.value.title}") and a folder ("${asFolder.value.title}"): ` +
          `write file:${parsed.root} or folder:${parsed.root}`
      })
    }
    if (Option.isSome(asFile)) return fromEntry({ ...asFile.value, _tag: "File" })
    if (Option.isSome(asFolder)) return fromEntry({ ...asFolder.value, _tag: "Folder" })
    return yield* new NotFound({ message: `no file or folder ${parsed.root}` })
  })

// a NotFound answer is None; every other failure stays a failure
const orNone = <A, R>(
  effect: Effect.Effect<A, DocSpaceError.DocSpaceError, R>
): Effect.Effect<Option.Option<A>, DocSpaceError.DocSpaceError, R> =>
  effect.pipe(Effect.map(Option.some), Effect.catchTag("NotFound", () => Effect.succeed(Option.none<A>())))

export const fromEntry = (entry: Folders.Entry): Item =>
  entry._tag === "File"
    ? { _tag: "File", id: entry.id, title: entry.title, file: entry }
    : { _tag: "Folder", id: entry.id, title: entry.title, folder: entry }

/** The order listings use unless told otherwise: by name, A to Z (the portal's default is newest first). */
export const byName: Folders.ListOptions = { sortBy: "AZ", sortOrder: "ascending" }

/** `--sort` values and the portal's `sortBy` for each. */
export const sorts = {
  name: { sortBy: "AZ", sortOrder: "ascending" },
  modified: { sortBy: "DateAndTime", sortOrder: "descending" },
  created: { sortBy: "DateAndTimeCreation", sortOrder: "descending" },
  size: { sortBy: "Size", sortOrder: "descending" }
} as const satisfies Record<string, Folders.ListOptions>

/** A walked entry: the entry and its path below the walk's root (`a/b/c.txt`). */
export interface Walked {
  readonly entry: Folders.Entry
  readonly path: string
  readonly depth: number
}

/** Every entry below a folder, depth first, streamed as each folder's pages arrive. */
export const walk = (
  folderId: Id,
  options?: {
    readonly maxDepth?: number | undefined
    readonly prefix?: string | undefined
    readonly list?: Folders.ListOptions | undefined
  }
): Stream.Stream<Walked, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> => {
  const go = (
    id: Id,
    prefix: string,
    depth: number
  ): Stream.Stream<Walked, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
    Folders.stream(id, options?.list ?? byName).pipe(
      Stream.flatMap((entry) => {
        const path = prefix === "" ? entry.title : `${prefix}/${entry.title}`
        const self = Stream.succeed<Walked>({ entry, path, depth })
        return entry._tag === "Folder" && (options?.maxDepth === undefined || depth < options.maxDepth)
          ? Stream.concat(self, Stream.suspend(() => go(entry.id, path, depth + 1)))
          : self
      })
    )
  return go(folderId, options?.prefix ?? "", 1)
}

/** The size of a file in bytes, as the portal reports it (`pureContentLength`). */
export const sizeOf = (file: { readonly pureContentLength?: number | undefined }): number | undefined =>
  file.pureContentLength

/**
 * The local side of transfers: walking a directory (with @effect/platform's FileSystem) and turning portal titles
 * into safe local names.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { LocalFileError } from "../CliError.js"

export interface LocalFile {
  /** Absolute path. */
  readonly path: string
  /** The directories below the transfer's root, as portal folder names. */
  readonly dirs: ReadonlyArray<string>
  readonly name: string
  readonly size: number
  readonly mtimeMs: number
}

export interface LocalTree {
  readonly files: ReadonlyArray<LocalFile>
  /** Every directory below the root (also the empty ones), parents before children. */
  readonly dirs: ReadonlyArray<ReadonlyArray<string>>
  /** Entries that are neither files nor directories (sockets, devices), skipped. */
  readonly skipped: ReadonlyArray<string>
}

const fail = (path: string, what: string) => (e: { readonly message: string }) =>
  new LocalFileError({ path, message: `${what} ${path}: ${e.message}` })

/** Walks `root` (a file or a directory); `prefix` are the folder names the entries go under. */
export const walk = (
  root: string,
  prefix: ReadonlyArray<string>
): Effect.Effect<LocalTree, LocalFileError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const files: Array<LocalFile> = []
    const dirs: Array<ReadonlyArray<string>> = []
    const skipped: Array<string> = []
    const visit = (abs: string, dirParts: ReadonlyArray<string>, name: string): Effect.Effect<void, LocalFileError> =>
      Effect.gen(function*() {
        const info = yield* fs.stat(abs).pipe(Effect.mapError(fail(abs, "cannot read")))
        if (info.type === "File") {
          files.push({
            path: abs,
            dirs: dirParts,
            name,
            size: Number(info.size),
            mtimeMs: Option.match(info.mtime, { onNone: () => 0, onSome: (d) => d.getTime() })
          })
        } else if (info.type === "Directory") {
          const here = [...dirParts, name]
          dirs.push(here)
          const names = yield* fs.readDirectory(abs).pipe(Effect.mapError(fail(abs, "cannot list")))
          for (const child of [...names].sort()) yield* visit(path.join(abs, child), here, child)
        } else {
          skipped.push(abs)
        }
      })
    const abs = path.resolve(root)
    const info = yield* fs.stat(abs).pipe(Effect.mapError(fail(abs, "cannot read")))
    if (info.type === "Directory" && prefix.length === 0) {
      // the directory's content goes straight into the destination (push, upload of "dir/.")
      const names = yield* fs.readDirectory(abs).pipe(Effect.mapError(fail(abs, "cannot list")))
      for (const child of [...names].sort()) yield* visit(path.join(abs, child), [], child)
    } else {
      yield* visit(abs, prefix.slice(0, -1), prefix.length === 0 ? path.basename(abs) : prefix[prefix.length - 1]!)
    }
    return { files, dirs, skipped }
  })

/**
 * A portal title as a local file name: path separators and control characters become `_`; `.` and `..` (and an
 * empty title) are refused, so that nothing is ever written outside the target directory.
 */
export const safeName = (title: string): string | undefined => {
  const name = title.replace(/[/\\\u0000-\u001f]/g, "_").trim()
  return name === "" || name === "." || name === ".." ? undefined : name
}

const maxTitle = 170
// the portal's own rule: DocSpace-server products/ASC.Files/Core/Helpers/Global.cs, ReplaceInvalidCharsAndTruncate
// (.NET matches \p{Cs} per UTF-16 unit, so each half of a surrogate pair becomes "_")

const invalidTitleChars = /[\t*+:"<>?|\\/\uD800-\uDFFF]/g

/**
 * The title the portal gives a file or folder uploaded under `name`: longer than 170 UTF-16 units is cut (keeping
 * the extension when it starts within the last 20), then tab, `*+:"<>?|\/` and surrogates become `_`. Transfers
 * compare and upload with it, so that a second run finds what the first one stored.
 */
export const portalTitle = (name: string): string => {
  let title = name
  if (title.length > maxTitle) {
    const dot = title.lastIndexOf(".")
    title = maxTitle - 20 < dot
      ? title.slice(0, maxTitle - (title.length - dot)) + title.slice(dot)
      : title.slice(0, maxTitle)
  }
  return title.replace(invalidTitleChars, "_")
}

/**
 * Formats generated TypeScript with dprint, using the options of the repository's `@effect/dprint` lint rule
 * (tools/lint/dprint.json, read by tools/lint/eslint.config.js too), so that generated files are lint-clean as written and `--check` is stable.
 *
 * @since 0.1.0
 */
import { createFromBuffer } from "@dprint/formatter"
import { getPath } from "@dprint/typescript"
import * as Fs from "node:fs"

/**
 * The code style: the options of the `@effect/dprint` lint rule, read from the file the linter reads
 * (tools/lint/dprint.json), so the two cannot drift apart.
 *
 * @since 0.1.0
 * @category constants
 */
export const dprintConfig: Record<string, unknown> = JSON.parse(
  Fs.readFileSync(new URL("../../../tools/lint/dprint.json", import.meta.url), "utf8")
)

let formatter: ReturnType<typeof createFromBuffer> | undefined

/**
 * Formats one file's text (`filePath` only selects the language; it should end with `.ts`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (filePath: string, text: string): string => {
  formatter ??= createFromBuffer(Fs.readFileSync(getPath()))
  return formatter.formatText({ filePath, fileText: text, overrideConfig: dprintConfig })
}

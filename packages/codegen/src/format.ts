/**
 * Formats generated TypeScript with dprint, using the options of the repository's `@effect/dprint` lint rule
 * (tools/lint/eslint.config.js), so that generated files are lint-clean as written and `--check` is stable.
 *
 * @since 0.1.0
 */
import { createFromBuffer } from "@dprint/formatter"
import { getPath } from "@dprint/typescript"
import * as Fs from "node:fs"

/**
 * The same options as the `@effect/dprint` rule in tools/lint/eslint.config.js.
 *
 * @since 0.1.0
 * @category constants
 */
export const dprintConfig = {
  indentWidth: 2,
  lineWidth: 120,
  semiColons: "asi",
  quoteStyle: "alwaysDouble",
  trailingCommas: "never",
  operatorPosition: "maintain",
  "arrowFunction.useParentheses": "force"
} as const

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

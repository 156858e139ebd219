/**
 * Every operation of the DocSpace API, generated from the official spec: `Api.<Group>.<operationId>`, the
 * `Operations` metadata and the `Schemas`. It is its own entry point, off the main barrel, so that a program using
 * only the curated modules never loads it:
 *
 * ```ts
 * import * as Api from "@effect-docspace/resources/Api"
 * // or one group: import * as Folders from "@effect-docspace/resources/generated/Folders"
 * ```
 *
 * @since 0.2.0
 */
export * from "./generated/index.js"

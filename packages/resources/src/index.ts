/**
 * @since 0.1.0
 */
export * as DocSpace from "./DocSpace.js"

/**
 * @since 0.1.0
 */
export * as Downloads from "./Downloads.js"

/**
 * @since 0.1.0
 */
export * as FileOperations from "./FileOperations.js"

/**
 * @since 0.1.0
 */
export * as Files from "./Files.js"

/**
 * @since 0.1.0
 */
export * as Folders from "./Folders.js"

/**
 * @since 0.1.0
 */
export * as People from "./People.js"

/**
 * @since 0.1.0
 */
export * as Rooms from "./Rooms.js"

/**
 * @since 0.1.0
 */
export * as Uploads from "./Uploads.js"

/**
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"

/**
 * Every operation of the DocSpace API, generated from the official spec.
 *
 * @since 0.1.0
 */
export * as Api from "./generated/index.js"

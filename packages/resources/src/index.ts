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
 * API keys of the user: create (the key `Redacted`), list, revoke.
 *
 * @since 0.2.0
 */
export * as ApiKeys from "./ApiKeys.js"

/**
 * The user's favourites and recent files as streams.
 *
 * @since 0.2.0
 */
export * as Favorites from "./Favorites.js"

/**
 * Groups of users, with `stream`.
 *
 * @since 0.2.0
 */
export * as Groups from "./Groups.js"

/**
 * Access levels and the external links of files, folders and rooms.
 *
 * @since 0.2.0
 */
export * as Sharing from "./Sharing.js"

/**
 * The user's trash: stream, restore, empty.
 *
 * @since 0.2.0
 */
export * as Trash from "./Trash.js"

/**
 * Receives the portal's webhook deliveries: an `HttpApp` that verifies, decodes and hands them on.
 *
 * @since 0.2.0
 */
export * as WebhookReceiver from "./WebhookReceiver.js"

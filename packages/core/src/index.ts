/**
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"

/**
 * @since 0.1.0
 */
export * as DocSpaceClient from "./DocSpaceClient.js"

/**
 * @since 0.1.0
 */
export * as DocSpaceConfig from "./DocSpaceConfig.js"

/**
 * @since 0.1.0
 */
export * as DocSpaceError from "./DocSpaceError.js"

/**
 * @since 0.1.0
 */
export * as Multipart from "./Multipart.js"

/**
 * @since 0.1.0
 */
export * as Pagination from "./Pagination.js"

/**
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.js"

/**
 * @since 0.2.0
 */
export * as Streams from "./Streams.js"

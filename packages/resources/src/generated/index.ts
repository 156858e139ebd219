/**
 * Generated from the DocSpace OpenAPI spec by `pnpm codegen` (placeholder until the first generation).
 *
 * @since 0.1.0
 */

/**
 * The version of the spec the generated operations come from.
 *
 * @since 0.1.0
 * @category metadata
 */
export const specVersion = "3.7.0"

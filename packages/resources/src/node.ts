/**
 * The Node-only entry of `@effect-docspace/resources`: `import { NodeDocSpace } from "@effect-docspace/resources/node"`.
 * Needs the optional peer `@effect/platform-node`. The main entry never imports it.
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 */
export * as NodeDocSpace from "./NodeDocSpace.js"
/**
 * @since 0.2.0
 */
export * as NodeDownloads from "./NodeDownloads.js"
/**
 * @since 0.2.0
 */
export * as NodeUploads from "./NodeUploads.js"

/**
 * The `docspace` command line as a library: run it in-process (`Main.run`), or build commands of your own with the
 * same configuration, output and progress.
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 */
export * as CliError from "./CliError.js"

/**
 * @since 0.2.0
 */
export * as Client from "./Client.js"

/**
 * @since 0.2.0
 */
export * as Config from "./Config.js"

/**
 * @since 0.2.0
 */
export * as Exit from "./Exit.js"

/**
 * @since 0.2.0
 */
export * as Main from "./main.js"

/**
 * @since 0.2.0
 */
export * as Output from "./Output.js"

/**
 * @since 0.2.0
 */
export * as Progress from "./Progress.js"

/**
 * @since 0.2.0
 */
export * as Root from "./Root.js"

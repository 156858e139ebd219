/**
 * The `docspace` program: the root command with every subcommand, and `run`, which parses the arguments, runs the
 * command and turns any failure into its exit code and one line on stderr (`--verbose` adds the details).
 *
 * @since 0.2.0
 */
import * as Internal from "./internal/main.js"

/**
 * The root command with its subcommands.
 *
 * @since 0.2.0
 * @category commands
 */
export const command = Internal.command

/**
 * The version `docspace --version` prints.
 *
 * @since 0.2.0
 * @category constants
 */
export const version: string = Internal.version

/**
 * Runs `docspace` with arguments (without `node` and the script: `["ls", "--json"]`) and returns the exit code. Never
 * fails: errors are printed (one line) and become the code. Needs the terminal (`Output.Terminal`) and the platform
 * (`NodeContext.layer`).
 *
 * @since 0.2.0
 * @category running
 */
export const run = Internal.run

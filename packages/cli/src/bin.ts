#!/usr/bin/env node
/**
 * The `docspace` bin. A published package carries the whole program bundled in one file (`dist/docspace.mjs`, built
 * by `scripts/bundle.mjs` when the package is packed, removed again after): it starts about three times faster than
 * loading a few hundred modules one by one. The bundle is used only by an installed package (the bin's real path is
 * inside a `node_modules` directory); a workspace checkout always runs `cli.js` and its modules, so a bundle left
 * behind by `pnpm pack --dry-run` (which runs prepack but not postpack) never runs stale code.
 *
 * @since 0.2.0
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bundle = new URL("./docspace.mjs", import.meta.url)
const installed = fileURLToPath(import.meta.url).split(/[\\/]/).includes("node_modules")

await import(installed && existsSync(fileURLToPath(bundle)) ? bundle.href : "./cli.js")

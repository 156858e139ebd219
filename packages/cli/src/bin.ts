#!/usr/bin/env node
/**
 * The `docspace` bin. A published package carries the whole program bundled in one file (`dist/docspace.mjs`, built
 * by `scripts/bundle.mjs` when the package is packed, removed again after): it starts about three times faster than
 * loading a few hundred modules one by one. Without a bundle, or with one older than `cli.js` (a build since), the
 * bin runs `cli.js` and its modules.
 *
 * @since 0.2.0
 */
import { statSync } from "node:fs"
import { fileURLToPath } from "node:url"

const mtime = (url: URL): number | undefined => {
  try {
    return statSync(fileURLToPath(url)).mtimeMs
  } catch {
    return undefined
  }
}

const bundle = new URL("./docspace.mjs", import.meta.url)
const bundled = mtime(bundle)
const modules = mtime(new URL("./cli.js", import.meta.url))

await import(bundled !== undefined && (modules === undefined || bundled >= modules) ? bundle.href : "./cli.js")

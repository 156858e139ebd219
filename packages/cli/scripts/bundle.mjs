// Bundles the `docspace` program (dist/cli.js and everything it imports) into dist/docspace.mjs, which dist/bin.js
// loads when present: one file parses and links much faster than a few hundred modules (figures in docs/cli.md).
// Runs before `pnpm pack` (the package's prepack script), after `tsc -b`. `node scripts/bundle.mjs <file>` writes the
// bundle elsewhere (tests).
import { build } from "esbuild"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const dist = fileURLToPath(new URL("../dist/", import.meta.url))
if (!existsSync(`${dist}cli.js`)) {
  console.error("scripts/bundle.mjs: dist/cli.js is missing; build first (tsc -b)")
  process.exit(1)
}
await build({
  entryPoints: [`${dist}cli.js`],
  outfile: process.argv[2] ?? `${dist}docspace.mjs`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  logLevel: "warning",
  legalComments: "eof",
  // a few dependencies still call require() for Node built-ins
  banner: { js: "import { createRequire as __docspaceRequire } from \"node:module\"\nconst require = __docspaceRequire(import.meta.url)" }
})

// Packs the public packages of the workspace (every packages/*/package.json without "private": true) into one
// directory, as `pnpm pack` does for publishing (workspace:^ ranges become real versions). `pnpm -r pack` packs the
// same five (pnpm 12 packs private packages, so the private generator and linter carry no version, which it needs),
// but each into its own folder. Needs `pnpm build` first.
//
//   node scripts/pack.mjs [destination]     (default: build/packs)
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/** The public packages: `{ name, dir }` for each packages/* whose package.json is not private. */
export const publicPackages = () =>
  readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }))

/** Packs every public package into `destination`; returns `{ name, tarball }` (absolute paths). */
export const packPublic = (destination) => {
  mkdirSync(destination, { recursive: true })
  return publicPackages().map(({ dir, name }) => {
    if (!existsSync(join(dir, "dist", "index.js"))) {
      throw new Error(`${name} has no dist/index.js: run \`pnpm build\` first`)
    }
    const before = new Set(readdirSync(destination))
    execFileSync("npx", ["-y", "pnpm@12.4.2", "pack", "--pack-destination", destination], { cwd: dir, stdio: "ignore" })
    const tarball = readdirSync(destination).find((f) => f.endsWith(".tgz") && !before.has(f))
      ?? readdirSync(destination).find((f) => f.startsWith(name.replace("@", "").replace("/", "-")))
    if (tarball === undefined) throw new Error(`pnpm pack of ${name} produced no tarball`)
    return { name, tarball: join(destination, tarball) }
  })
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(root, "build", "packs"))
  for (const { name, tarball } of packPublic(destination)) console.log(`${name}: ${tarball}`)
}

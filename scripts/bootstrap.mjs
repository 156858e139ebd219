// Installs the workspace from the lockfile with the pinned pnpm, so that `npm run demo` and `npm test` work on a
// machine that has only Node 20 and npm; `--build` also builds the packages (what the demo runs). Says what it is
// doing before each step: the first install downloads pnpm and the dependencies and can take a minute. A no-op (about
// a second) when node_modules is current.
import { execSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const pnpm = process.env.npm_execpath?.includes("pnpm") ? "pnpm" : "npx -y pnpm@12.4.2"
const timed = (what, command) => {
  const started = Date.now()
  console.log(`bootstrap: ${what} ...`)
  execSync(command, { stdio: "inherit", cwd: root })
  console.log(`bootstrap: ${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

timed("installing the workspace from the lockfile (pnpm 12.4.2)", `${pnpm} install --frozen-lockfile --reporter=silent`)
if (process.argv.includes("--build")) timed("building the packages (tsc -b tsconfig.build.json)", "node_modules/.bin/tsc -b tsconfig.build.json")

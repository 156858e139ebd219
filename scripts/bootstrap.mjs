// Installs the workspace from the lockfile with the pinned pnpm, so that `npm run demo` and `npm test`
// work on a machine that has only Node 20 and npm. A no-op (about a second) when node_modules is current.
import { execSync } from "node:child_process"

const pnpm = process.env.npm_execpath?.includes("pnpm") ? "pnpm" : "npx -y pnpm@12.4.2"
execSync(`${pnpm} install --frozen-lockfile --reporter=silent`, { stdio: "inherit" })

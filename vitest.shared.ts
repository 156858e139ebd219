import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

/**
 * Shared by every package's vitest config: tests import the workspace packages from source, by the same
 * specifiers users write (`@effect-docspace/core`, `@effect-docspace/core/DocSpaceClient`).
 */
export const shared: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^@effect-docspace\/([\w-]+)$/, replacement: path.join(root, "packages/$1/src/index.ts") },
      { find: /^@effect-docspace\/([\w-]+)\/(.+)$/, replacement: path.join(root, "packages/$1/src/$2.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    fakeTimers: { toFake: undefined },
    sequence: { concurrent: false }
  }
}

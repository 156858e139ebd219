import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.ts"

const here = path.dirname(fileURLToPath(import.meta.url))

export default mergeConfig(
  shared,
  defineProject({ test: { name: "rate-limit", globalSetup: [path.join(here, "test/globalSetup.ts")] } })
)

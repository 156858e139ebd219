import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../../vitest.shared.ts"

export default mergeConfig(shared, defineProject({ test: { name: "cli", testTimeout: 60_000 } }))

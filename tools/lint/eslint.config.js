import effectPlugin from "@effect/eslint-plugin"
import { readFileSync } from "node:fs"
import tseslint from "typescript-eslint"

const dprint = JSON.parse(readFileSync(new URL("dprint.json", import.meta.url), "utf8"))

export default tseslint.config(
  {
    ignores: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/*.d.ts", "tools/lint/**", "**/*.mjs", "**/*.js"]
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommended],
    plugins: { "@effect": effectPlugin },
    rules: {
      // the code style; packages/codegen formats generated code with the same file
      "@effect/dprint": ["error", { config: dprint }],
      "@typescript-eslint/array-type": ["error", { default: "generic", readonly: "generic" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off"
    }
  }
)

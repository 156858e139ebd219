import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli, serveFake } from "./harness.js"

const stable = (text: string) => JSON.parse(text.replace(/"updated":\s*"[^"]*"/g, `"updated":"<date>"`))

const seed = (env: Record<string, string>) =>
  Effect.gen(function*() {
    for (const path of ["@my/docs", "@my/docs/2026", "@my/empty"]) {
      const made = yield* runCli(["mkdir", path], { env })
      expect(made.code, made.stderr).toBe(0)
    }
  })

describe("ls, tree, stat, mkdir", () => {
  it.live("ls --json and --jsonl (golden), tree, stat", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      yield* seed(env)
      const json = yield* runCli(["ls", "--json"], { env })
      expect(json.code).toBe(0)
      expect(stable(json.stdout)).toEqual([
        { type: "folder", id: 5, title: "docs", filesCount: 0, foldersCount: 1, parentId: 3, updated: "<date>" },
        { type: "folder", id: 7, title: "empty", filesCount: 0, foldersCount: 0, parentId: 3, updated: "<date>" }
      ])
      const jsonl = yield* runCli(["--jsonl", "ls", "--recursive"], { env })
      expect(jsonl.stdout.trim().split("\n").map((l) => stable(l))).toEqual([
        {
          type: "folder",
          id: 5,
          title: "docs",
          path: "docs",
          filesCount: 0,
          foldersCount: 1,
          parentId: 3,
          updated: "<date>"
        },
        {
          type: "folder",
          id: 6,
          title: "2026",
          path: "docs/2026",
          filesCount: 0,
          foldersCount: 0,
          parentId: 5,
          updated: "<date>"
        },
        {
          type: "folder",
          id: 7,
          title: "empty",
          path: "empty",
          filesCount: 0,
          foldersCount: 0,
          parentId: 3,
          updated: "<date>"
        }
      ])
      const human = yield* runCli(["ls", "-R"], { env })
      expect(human.stdout).toBe(
        "TYPE  ID  NAME\n" +
          "dir    5  docs/\n" +
          "dir    6  docs/2026/\n" +
          "dir    7  empty/\n"
      )
      const tree = yield* runCli(["tree"], { env })
      expect(tree.stdout).toBe("@my\n├── docs/\n│   └── 2026/\n└── empty/\n")
      const stat = yield* runCli(["stat", "@my/docs/2026", "--json"], { env })
      expect(stable(stat.stdout)).toEqual({
        type: "folder",
        id: 6,
        title: "2026",
        filesCount: 0,
        foldersCount: 0,
        parentId: 5,
        updated: "<date>"
      })
      const empty = yield* runCli(["ls", "@my/empty"], { env })
      expect(empty).toMatchObject({ code: 0, stdout: "" })
      expect(empty.stderr).toContain("(empty)")
    })))

  it.live("not found is exit 4, a bad reference exit 2, mkdir without --parents exit 4", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const missing = yield* runCli(["ls", "@my/nope"], { env })
      expect(missing.code).toBe(4)
      expect(missing.stderr).toBe("docspace: @my/nope: no folder \"nope\"\n")
      const missingId = yield* runCli(["stat", "99999"], { env })
      expect(missingId.code).toBe(4)
      const missingList = yield* runCli(["ls", "99999", "--json"], { env })
      expect(missingList.code).toBe(4)
      expect(missingList.stdout).toBe("")
      const bad = yield* runCli(["ls", "reports"], { env })
      expect(bad.code).toBe(2)
      expect(bad.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1)
      const flagLike = yield* runCli(["ls", "--bogus"], { env })
      expect(flagLike.code).toBe(2)
      const deep = yield* runCli(["mkdir", "@my/a/b"], { env })
      expect(deep.code).toBe(4)
      const parents = yield* runCli(["mkdir", "-p", "@my/a/b", "--json"], { env })
      expect(parents.code).toBe(0)
      expect(JSON.parse(parents.stdout)).toMatchObject({ type: "folder", title: "b", created: true })
      const again = yield* runCli(["mkdir", "@my/a/b"], { env })
      expect(again.code).toBe(2)
      expect(again.stderr).toContain("exists already")
    })))

  it.live("tree --depth and --dirs-only; --json and --jsonl together is a usage error", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      yield* seed(env)
      const shallow = yield* runCli(["tree", "--depth", "1", "--json"], { env })
      expect(JSON.parse(shallow.stdout)).toEqual({
        label: "@my",
        children: [{ label: "docs/", children: [] }, { label: "empty/", children: [] }]
      })
      const both = yield* runCli(["ls", "--json", "--jsonl"], { env })
      expect(both.code).toBe(2)
    })))
})

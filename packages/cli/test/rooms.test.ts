import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli, serveFake } from "./harness.js"

describe("rooms", () => {
  it.live("create, ls (golden --json), archive, unarchive, rm with confirmation", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const created = yield* runCli(["rooms", "create", "Contracts", "--type", "editing", "--tag", "legal", "--json"], {
        env
      })
      expect(created.code).toBe(0)
      const room = JSON.parse(created.stdout)
      expect(room).toEqual({ id: room.id, title: "Contracts", type: "editing", private: false, tags: ["legal"] })
      const second = yield* runCli(["rooms", "create", "Scratch"], { env })
      expect(second.stdout).toMatch(/^created room \d+ "Scratch" \(custom\)\n$/)

      const listed = yield* runCli(["rooms", "ls", "--json"], { env })
      expect(listed.code).toBe(0)
      const rooms = JSON.parse(listed.stdout) as Array<{ id: number; title: string }>
      expect(rooms.map((r) => r.title).sort()).toEqual(["Contracts", "Scratch"])
      expect(rooms.find((r) => r.title === "Contracts")).toEqual(room)
      const human = yield* runCli(["rooms", "ls", "--type", "editing"], { env })
      expect(human.stdout.split("\n")[0]).toMatch(/^\s*ID\s+TYPE\s+FILES\s+TITLE$/)
      expect(human.stdout).toContain("Contracts")
      expect(human.stdout).not.toContain("Scratch")

      const archived = yield* runCli(["rooms", "archive", String(room.id)], { env })
      expect(archived.code).toBe(0)
      expect(archived.stdout).toBe(`archived room ${room.id}\n`)
      const inArchive = yield* runCli(["rooms", "ls", "--archived", "--jsonl"], { env })
      expect(inArchive.stdout.trim().split("\n").map((l) => JSON.parse(l).title)).toEqual(["Contracts"])
      const active = yield* runCli(["rooms", "ls", "--jsonl"], { env })
      expect(active.stdout.trim().split("\n").map((l) => JSON.parse(l).title)).toEqual(["Scratch"])
      const back = yield* runCli(["rooms", "unarchive", String(room.id)], { env })
      expect(back.code).toBe(0)

      const declined = yield* runCli(["rooms", "rm", String(room.id)], { env, answers: ["n"] })
      expect(declined.code).toBe(1)
      expect(declined.stderr).toContain("for good")
      const still = yield* runCli(["rooms", "ls", "--json"], { env })
      expect(JSON.parse(still.stdout)).toHaveLength(2)
      const removed = yield* runCli(["rooms", "rm", String(room.id), "--yes"], { env })
      expect(removed.code).toBe(0)
      expect(removed.stdout).toBe(`deleted room ${room.id} "Contracts"\n`)
      const after = yield* runCli(["rooms", "ls", "--all", "--json"], { env })
      expect(JSON.parse(after.stdout).map((r: { title: string }) => r.title)).toEqual(["Scratch"])
    })))

  it.live("share invites by email with an access level, and None removes", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const room = JSON.parse(
        (yield* runCli(["rooms", "create", "Deals", "--type", "editing", "--json"], { env })).stdout
      )
      const shared = yield* runCli(
        ["rooms", "share", String(room.id), "ann@example.com", "bob@example.com", "--access", "editing", "--json"],
        { env }
      )
      expect(shared.code).toBe(0)
      const members = JSON.parse(shared.stdout) as Array<{ email: string; access: string }>
      expect(members.map(({ access, email }) => ({ email, access }))).toEqual([
        { email: "ann@example.com", access: "Editing" },
        { email: "bob@example.com", access: "Editing" }
      ])
      const removed = yield* runCli(["rooms", "share", String(room.id), "bob@example.com", "--access", "None"], { env })
      expect(removed.code).toBe(0)
      expect(removed.stdout).toBe(`removed bob@example.com from room ${room.id}\n`)
    })))

  it.live("bad input: unknown type or access, bad id, missing room", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const type = yield* runCli(["rooms", "create", "X", "--type", "gallery"], { env })
      expect(type.code).toBe(2)
      expect(type.stderr).toBe(
        "docspace: unknown room type \"gallery\" (one of custom, editing, forms, public, vdr, ai, or a number)\n"
      )
      const access = yield* runCli(["rooms", "share", "1", "a@example.com", "--access", "owner"], { env })
      expect(access.code).toBe(2)
      expect(access.stderr).toContain("unknown access level \"owner\"")
      const id = yield* runCli(["rooms", "archive", "abc"], { env })
      expect(id.code).toBe(2)
      expect(id.stderr).toBe("docspace: \"abc\" is not a room id (a positive number)\n")
      const missing = yield* runCli(["rooms", "rm", "424242", "--yes"], { env })
      expect(missing.code).toBe(4)
      expect(missing.stderr.trim().split("\n")).toHaveLength(1)
    })))
})

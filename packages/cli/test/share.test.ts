import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCli, serveFake } from "./harness.js"

describe("share", () => {
  it.live("prints the primary link (created once), --new, --list (golden --json), --revoke", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env, fake } = yield* serveFake()
      const my = yield* fake.state.myFolderId()
      const file = yield* fake.state.seedFile({ folderId: my, title: "report.docx", content: "hello" })

      const primary = yield* runCli(["share", String(file.id)], { env })
      expect(primary.code).toBe(0)
      const [url, details] = primary.stdout.split("\n")
      expect(url).toMatch(/^http/)
      expect(details).toMatch(/^ {2}Read, primary {2}\(id [0-9a-f-]+\)$/)
      const again = yield* runCli(["share", String(file.id), "--json"], { env })
      const link = JSON.parse(again.stdout)
      expect(link.url).toBe(url)

      const made = yield* runCli(
        ["share", String(file.id), "--new", "--title", "Reviewers", "--access", "Review", "--deny-download", "--json"],
        { env }
      )
      expect(made.code).toBe(0)
      const second = JSON.parse(made.stdout)
      expect({ ...second, id: "-", url: "-" }).toEqual({
        id: "-",
        title: "Reviewers",
        url: "-",
        access: "Review",
        primary: false,
        internal: false,
        denyDownload: true,
        expired: false,
        password: false
      })

      const listed = yield* runCli(["share", String(file.id), "--list", "--json"], { env })
      expect(JSON.parse(listed.stdout).map((l: { title: string; access: string }) => [l.title, l.access])).toEqual([
        [link.title, "Read"],
        ["Reviewers", "Review"]
      ])
      const revoked = yield* runCli(["share", String(file.id), "--revoke", second.id], { env })
      expect(revoked.code).toBe(0)
      expect(revoked.stdout).toBe(`revoked link ${second.id}\n`)
      const after = yield* runCli(["share", String(file.id), "--list", "--jsonl"], { env })
      expect(after.stdout.trim().split("\n")).toHaveLength(1)

      // an unknown or already revoked link id: not found, and no link is created by the attempt
      const unknown = "00000000-0000-4000-8000-000000000000"
      for (const linkId of [second.id, unknown]) {
        const again = yield* runCli(["share", String(file.id), "--revoke", linkId], { env })
        expect(again.code).toBe(4)
        expect(again.stdout).toBe("")
        expect(again.stderr).toContain(`no link ${linkId}`)
      }
      const still = yield* runCli(["share", String(file.id), "--list", "--jsonl"], { env })
      expect(still.stdout.trim().split("\n")).toHaveLength(1)
    })))

  it.live("rooms and folders too; conflicting flags and bad dates are usage errors", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const room = JSON.parse(
        (yield* runCli(["rooms", "create", "Open", "--type", "public", "--json"], { env })).stdout
      )
      const roomLink = yield* runCli(["share", String(room.id), "--room", "--json"], { env })
      expect(roomLink.code).toBe(0)
      expect(JSON.parse(roomLink.stdout).url).toMatch(/^http/)
      const both = yield* runCli(["share", "1", "--room", "--folder"], { env })
      expect(both.code).toBe(2)
      expect(both.stderr).toBe("docspace: --folder and --room cannot be used together\n")
      const date = yield* runCli(["share", "1", "--new", "--expires", "next tuesday"], { env })
      expect(date.code).toBe(2)
      expect(date.stderr).toBe("docspace: --expires \"next tuesday\" is not a date\n")
      const stray = yield* runCli(["share", "1", "--title", "x"], { env })
      expect(stray.code).toBe(2)
      const missing = yield* runCli(["share", "987654"], { env })
      expect(missing.code).toBe(4)
    })))
})

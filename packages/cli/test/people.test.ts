import { FakeDocSpace, FakeServer } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import { runCli, serveFake, tempDir } from "./harness.js"

// the fake has no PUT /people/status/{status} (UserController.UpdateUserStatus): this one answers it as the portal
// does, with the users' profiles, the status changed, and records the requests
const serveWithStatus = Effect.gen(function*() {
  const running = yield* Effect.orDie(FakeDocSpace.make({ storageRedirect: false }))
  const calls: Array<{ status: string; userIds: ReadonlyArray<string> }> = []
  const statuses = new Map<string, number>()
  const text = (s: Stream.Stream<Uint8Array, unknown>) =>
    Stream.runFold(Stream.orDie(s), "", (acc, chunk) => acc + new TextDecoder().decode(chunk))
  const handler: FakeServer.Handler = (request) =>
    Effect.gen(function*() {
      const match = /^\/api\/2\.0\/people\/status\/(\w+)$/.exec(request.url.pathname)
      if (request.method === "PUT" && match !== null) {
        const body = JSON.parse(new TextDecoder().decode(request.body)) as { userIds: Array<string> }
        calls.push({ status: match[1]!, userIds: body.userIds })
        const profiles: Array<unknown> = []
        for (const id of body.userIds) {
          statuses.set(id, Number(match[1]))
          const got = yield* running.handler({
            ...request,
            method: "GET",
            url: new URL(`/api/2.0/people/${id}`, request.url),
            body: new Uint8Array()
          })
          profiles.push({ ...JSON.parse(yield* text(got.body)).response, status: Number(match[1]) })
        }
        return {
          status: 200,
          headers: { "content-type": "application/json" },
          body: Stream.make(
            new TextEncoder().encode(JSON.stringify({ response: profiles, status: 0, statusCode: 200 }))
          )
        }
      }
      return yield* running.handler(request)
    })
  const served = yield* Effect.orDie(FakeServer.serve(handler))
  const configDir = yield* tempDir("docspace-config-")
  return {
    running,
    calls,
    env: {
      DOCSPACE_URL: served.url,
      DOCSPACE_API_KEY: Redacted.value(running.apiKey),
      DOCSPACE_CONFIG_DIR: configDir,
      DOCSPACE_RATE_LIMIT: "none"
    }
  }
})

describe("people", () => {
  it.live("invite from a CSV file in batches, then ls (golden --json)", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env, fake } = yield* serveFake()
      const dir = yield* tempDir()
      const csv = path.join(dir, "people.csv")
      fs.writeFileSync(
        csv,
        "email,type\r\nann@example.com,RoomAdmin\r\nbob@example.com,\r\n\"cy@example.com\",User\r\n"
      )
      const invited = yield* runCli(["people", "invite", "--csv", csv, "--batch-size", "2", "--json"], { env })
      expect(invited.stderr).not.toContain("docspace:")
      expect(invited.code).toBe(0)
      expect(JSON.parse(invited.stdout)).toEqual([
        { email: "ann@example.com", type: "RoomAdmin" },
        { email: "bob@example.com", type: "User" },
        { email: "cy@example.com", type: "User" }
      ])
      const counts = yield* fake.state.counts
      expect(counts.byRoute["POST /api/2.0/people/invite"]).toBe(2)

      const listed = yield* runCli(["people", "ls", "--json"], { env })
      const people = JSON.parse(listed.stdout) as Array<{ email: string; type: string; status: string }>
      expect(people.map(({ email, status, type }) => ({ email, type, status }))).toEqual([
        { email: "admin@example.com", type: "owner", status: "active" },
        { email: "ann@example.com", type: "RoomAdmin", status: "pending" },
        { email: "bob@example.com", type: "User", status: "pending" },
        { email: "cy@example.com", type: "User", status: "pending" }
      ])
      const filtered = yield* runCli(["people", "ls", "--filter", "bob"], { env })
      expect(filtered.stdout.split("\n")[0]).toMatch(/^ID\s+EMAIL\s+NAME\s+TYPE\s+STATUS$/)
      expect(filtered.stdout.trim().split("\n")).toHaveLength(2)

      const dry = yield* runCli(
        ["people", "invite", "dee@example.com", "--type", "RoomAdmin", "--dry-run", "--jsonl"],
        {
          env
        }
      )
      expect(dry.code).toBe(0)
      expect(JSON.parse(dry.stdout)).toEqual({ email: "dee@example.com", type: "RoomAdmin" })
      expect((yield* fake.state.counts).byRoute["POST /api/2.0/people/invite"]).toBe(2)
    })))

  it.live("bad CSV rows: one line each on stderr, exit 2, nobody invited", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env, fake } = yield* serveFake()
      const dir = yield* tempDir()
      const csv = path.join(dir, "bad.csv")
      fs.writeFileSync(csv, "ok@example.com\nnot-an-email\nx@example.com,Boss\n")
      const result = yield* runCli(["people", "invite", "--csv", csv], { env })
      expect(result.code).toBe(2)
      expect(result.stderr).toBe(
        [
          `${csv}:2: "not-an-email" is not an email the portal accepts`,
          `${csv}:3: unknown type "Boss" (one of DocSpaceAdmin, RoomAdmin, User)`,
          "docspace: 2 bad invitations: nobody was invited",
          ""
        ].join("\n")
      )
      expect((yield* fake.state.counts).byRoute["POST /api/2.0/people/invite"]).toBeUndefined()
      const missing = yield* runCli(["people", "invite", "--csv", path.join(dir, "nope.csv")], { env })
      expect(missing.code).toBe(1)
      expect(missing.stderr).toBe(`docspace: cannot read ${path.join(dir, "nope.csv")}: no such file\n`)
      const nothing = yield* runCli(["people", "invite"], { env })
      expect(nothing.code).toBe(2)
      const args = yield* runCli(["people", "invite", "ok@example.com", "bob", "--csv", csv], { env })
      expect(args.code).toBe(2)
      expect(args.stderr).toBe(
        [
          `${csv}:2: "not-an-email" is not an email the portal accepts`,
          `${csv}:3: unknown type "Boss" (one of DocSpaceAdmin, RoomAdmin, User)`,
          "argument 2: \"bob\" is not an email the portal accepts",
          "docspace: 3 bad invitations: nobody was invited",
          ""
        ].join("\n")
      )
    })))

  it.live("a batch the portal refuses after others went through is a partial failure naming the batch", () =>
    Effect.scoped(Effect.gen(function*() {
      const running = yield* Effect.orDie(FakeDocSpace.make({ storageRedirect: false }))
      let invites = 0
      const handler: FakeServer.Handler = (request) => {
        if (request.method === "POST" && request.url.pathname === "/api/2.0/people/invite" && ++invites === 2) {
          const body = { error: { message: "The number of admins exceeds the limit" }, status: 1, statusCode: 402 }
          return Effect.succeed({
            status: 402,
            headers: { "content-type": "application/json" },
            body: Stream.make(new TextEncoder().encode(JSON.stringify(body)))
          })
        }
        return running.handler(request)
      }
      const served = yield* Effect.orDie(FakeServer.serve(handler))
      const configDir = yield* tempDir("docspace-config-")
      const env = {
        DOCSPACE_URL: served.url,
        DOCSPACE_API_KEY: Redacted.value(running.apiKey),
        DOCSPACE_CONFIG_DIR: configDir,
        DOCSPACE_RATE_LIMIT: "none"
      }
      const result = yield* runCli(
        ["people", "invite", "a@example.com", "b@example.com", "c@example.com", "--batch-size", "2", "--jsonl"],
        { env }
      )
      expect(result.code).toBe(1)
      expect(result.stdout.trim().split("\n").map((l) => JSON.parse(l).email)).toEqual([
        "a@example.com",
        "b@example.com"
      ])
      expect(result.stderr).toMatch(
        /^docspace: invited 2 of 3; the batch from c@example\.com \(argument 3\) failed: .*exceeds the limit/m
      )
      expect(invites).toBe(2)
      const first = yield* runCli(["people", "invite", "d@example.com", "--batch-size", "1"], { env })
      expect(first.code).toBe(0)
    })))

  it.live("disable and enable by email through the generated updateUserStatus", () =>
    Effect.scoped(Effect.gen(function*() {
      const { calls, env } = yield* serveWithStatus
      yield* runCli(["people", "invite", "eve@example.com"], { env })
      const disabled = yield* runCli(["people", "disable", "eve@example.com", "--json"], { env })
      expect(disabled.stderr).toBe("")
      expect(disabled.code).toBe(0)
      const [row] = JSON.parse(disabled.stdout)
      expect(row).toMatchObject({ email: "eve@example.com", status: "disabled" })
      expect(calls).toEqual([{ status: "2", userIds: [row.id] }])
      const enabled = yield* runCli(["people", "enable", row.id], { env })
      expect(enabled.code).toBe(0)
      expect(calls[1]).toEqual({ status: "1", userIds: [row.id] })
      const unknown = yield* runCli(["people", "disable", "nobody@example.com"], { env })
      expect(unknown.code).toBe(4)
      expect(calls).toHaveLength(2)
    })))
})

describe("groups", () => {
  it.live("ls (golden --json) and --members as a tree", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const me = JSON.parse((yield* runCli(["whoami", "--json"], { env })).stdout)
      const made = yield* runCli(
        ["api", "addGroup", "--body", JSON.stringify({ groupName: "Legal", groupManager: me.id, members: [] })],
        { env }
      )
      expect(made.code).toBe(0)
      const id = JSON.parse(made.stdout).id
      const listed = yield* runCli(["groups", "ls", "--json"], { env })
      expect(JSON.parse(listed.stdout)).toEqual([
        { id, name: "Legal", membersCount: 1, manager: "admin@example.com" }
      ])
      const tree = yield* runCli(["groups", "ls", "--members"], { env })
      expect(tree.stdout).toBe("groups\n└── Legal (1)\n    └── admin@example.com (manager)\n")
    })))
})

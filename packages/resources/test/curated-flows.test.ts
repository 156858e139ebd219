// Issue 12's flows against FakeDocSpace in process: rooms (remove, members, invitations), shared links, API keys,
// groups, trash, favourites and recent, the webhook log, and generated operations fed to the curated ones.
import { Auth } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import {
  ApiKeys,
  DocSpace,
  Favorites,
  FileOperations,
  Files,
  Folders,
  Groups,
  People,
  Rooms,
  Sharing,
  Trash,
  Uploads,
  Webhooks
} from "@effect-docspace/resources"
import * as ApiFileOperations from "@effect-docspace/resources/generated/FileOperations"
import * as ApiPortal from "@effect-docspace/resources/generated/Portal"
import * as ApiRooms from "@effect-docspace/resources/generated/Rooms"
import type * as ApiSchemas from "@effect-docspace/resources/generated/Schemas"
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { envelope, fakeUrl, make, onFake } from "./curated-mock.js"

const Fake = FakeDocSpace.layer({ baseUrl: fakeUrl, fileOperationMillis: 1000 })

const uploadText = (folderId: number | string, fileName: string, text: string) => {
  const bytes = new TextEncoder().encode(text)
  return Uploads.upload({ folderId, fileName, size: bytes.length, content: Stream.make(bytes) })
}

describe("Rooms", () => {
  it.effect("remove deletes a room for good (no trash) after its operation finished", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        yield* Webhooks.register({
          name: "w",
          uri: "https://hooks.example.com/in",
          secret: Redacted.make("hook-secret-1")
        })
        const room = yield* Rooms.create({ title: "Scratch", roomType: "CustomRoom" })
        const kept = yield* Rooms.create({ title: "Kept", roomType: "CustomRoom" })
        const op = yield* Rooms.remove(room.id)
        const gone = yield* Effect.flip(Rooms.get(room.id))
        const left = yield* Rooms.stream().pipe(Stream.map((r) => r.id), Stream.runCollect)
        return { op, gone, left: Chunk.toReadonlyArray(left), kept: kept.id }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect(Option.getOrThrow(result.op)).toMatchObject({ finished: true, reported: true, operation: 2 })
      expect(result.gone._tag).toBe("NotFound")
      expect(result.left).toEqual([result.kept])
      const triggers = (yield* fake.state.webhookDeliveries).map((d) => d.trigger)
      expect(triggers.slice(0, 3)).toEqual(["room.created", "room.created", "room.deleted"])
    }))

  it.effect("remove with deleteAfter finishes unreported instead of failing", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const room = yield* Rooms.create({ title: "Scratch", roomType: "CustomRoom" })
        const op = yield* Rooms.remove(room.id, { deleteAfter: true })
        return { op, gone: yield* Effect.flip(Rooms.get(room.id)) }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect(Option.getOrThrow(result.op)).toMatchObject({ finished: true, reported: false })
      expect(result.gone._tag).toBe("NotFound")
    }))

  it.effect("share invites by email and by id with access levels; members pages; None removes", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const room = yield* Rooms.create({ title: "Contracts", roomType: "EditingRoom" })
        const [colleague] = yield* People.invite([{ email: "colleague@example.com" }])
        const shared = yield* Rooms.share(room.id, [
          { email: "lawyer@example.com", access: "Editing" },
          { id: colleague!.id, access: Sharing.Access.Read }
        ])
        const firstPage = yield* Rooms.members(room.id, { count: 2 })
        const all = yield* Rooms.streamMembers(room.id, { pageSize: 1 }).pipe(Stream.runCollect)
        yield* Rooms.share(room.id, [{ id: colleague!.id, access: "None" }])
        const after = yield* Rooms.streamMembers(room.id).pipe(Stream.runCollect)
        return { shared, firstPage, all: Chunk.toReadonlyArray(all), after: Chunk.toReadonlyArray(after) }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect(result.shared.members.map((m) => [m.sharedToUser?.email, m.access])).toEqual([
        ["lawyer@example.com", 10],
        ["colleague@example.com", 2]
      ])
      expect(result.firstPage.total).toBe(3)
      expect(result.firstPage.items).toHaveLength(2)
      expect(result.all.map((m) => m.isOwner)).toEqual([true, false, false])
      expect(result.all[0]!.access).toBe(Sharing.Access.RoomManager)
      expect(result.after.map((m) => m.sharedToUser?.email)).toEqual(["admin@example.com", "lawyer@example.com"])
    }))
})

describe("Sharing", () => {
  it.effect("primary link of a file, extra room links, revoke; the link password is Redacted", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const file = yield* uploadText(Folders.my, "a.txt", "hello")
        const primary = yield* Sharing.primaryLink({ file: file.id })
        const again = yield* Sharing.primaryLink({ file: file.id })
        const folder = yield* Folders.create(Folders.my, "Shared folder")
        const folderLink = yield* Sharing.primaryLink({ folder: folder.id })
        const room = yield* Rooms.create({ title: "Public", roomType: "PublicRoom" })
        const extra = yield* Sharing.setLink({ room: room.id }, {
          title: "auditors",
          access: "Read",
          password: Redacted.make("link-pass-1")
        })
        const roomPrimary = yield* Sharing.primaryLink({ room: room.id })
        const before = yield* Sharing.links({ room: room.id })
        const linkId = Option.getOrThrow(extra).sharedLink!.id
        yield* Sharing.revokeLink({ room: room.id }, linkId)
        const after = yield* Sharing.links({ room: room.id })
        const badDate = yield* Effect.flip(Sharing.setLink({ room: room.id }, { expirationDate: new Date("nonsense") }))
        return {
          primary,
          again,
          folderLink,
          roomPrimary,
          extra: Option.getOrThrow(extra),
          before,
          after,
          linkId,
          badDate
        }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect(result.primary.sharedLink?.primary).toBe(true)
      expect(result.primary.sharedLink?.shareLink).toMatch(/^https:\/\/fake\.docspace\.test\/s\//)
      expect(result.again.sharedLink?.id).toBe(result.primary.sharedLink?.id)
      expect(result.folderLink.sharedLink?.primary).toBe(true)
      expect(result.roomPrimary.sharedLink?.primary).toBe(true)
      expect(result.before.map((s) => s.sharedLink?.id)).toContain(result.roomPrimary.sharedLink?.id)
      expect(result.extra.sharedLink?.title).toBe("auditors")
      expect(Redacted.isRedacted(result.extra.sharedLink?.password)).toBe(true)
      expect(String(result.extra.sharedLink?.password)).not.toContain("link-pass-1")
      expect(result.before.map((s) => s.sharedLink?.id)).toContain(result.linkId)
      expect(result.after.map((s) => s.sharedLink?.id)).not.toContain(result.linkId)
      expect(result.badDate._tag).toBe("BadRequest")
    }))
})

describe("ApiKeys", () => {
  it.effect("create gives the key Redacted; it authenticates; list masks it; revoke ends it", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(Effect.gen(function*() {
        const created = yield* ApiKeys.create({ name: "ci", permissions: ["files:read"], expiresInDays: 30 })
        const listed = yield* ApiKeys.list()
        return { created, listed }
      }))
      const { created, listed } = yield* exit
      const key = Redacted.value(created.key)
      expect(key).toMatch(/^sk-[0-9a-f]{64}$/)
      expect(JSON.stringify(created)).not.toContain(key)
      expect(String(created.key)).not.toContain(key)
      expect(created.permissions).toEqual(["files:read"])
      expect(listed.map((k) => [k.id, k.key])).toEqual([[created.id, `sk-***${key.slice(-4)}`]])
      // the new key is a working credential until it is revoked
      const http = yield* HttpClient.HttpClient
      const withKey = DocSpace.layer({
        baseUrl: fakeUrl,
        auth: Auth.apiKey(created.key),
        rateLimit: RateLimitPolicy.unlimited
      })
        .pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)), Layer.orDie)
      const me = yield* Effect.provide(People.self(), withKey)
      expect(me.email).toBe("admin@example.com")
      yield* Effect.provide(ApiKeys.revoke(created.id), withKey)
      const refused = yield* Effect.flip(Effect.provide(People.self(), withKey))
      expect(refused._tag).toBe("Unauthorized")
      expect((yield* fake.state.counts).byRoute["DELETE /api/2.0/keys/{keyId}"]).toBe(1)
    }).pipe(Effect.provide(Fake)))

  it.effect("a user who is not an admin cannot revoke someone else's key: Forbidden, and the key still works", () =>
    Effect.gen(function*() {
      const userKey = `sk-${"0".repeat(63)}1`
      const http = yield* HttpClient.HttpClient
      const { exit } = yield* onFake(Effect.gen(function*() {
        const scopes = yield* ApiKeys.permissions()
        const created = yield* ApiKeys.create({ name: "admin's" })
        const asUser = DocSpace.layer({
          baseUrl: fakeUrl,
          auth: Auth.apiKey(Redacted.make(userKey)),
          rateLimit: RateLimitPolicy.unlimited
        }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, http)), Layer.orDie)
        const refused = yield* Effect.flip(Effect.provide(ApiKeys.revoke(created.id), asUser))
        const theirs = yield* Effect.provide(ApiKeys.list(), asUser)
        const mine = yield* ApiKeys.list()
        return { scopes, refused, theirs, mine, created }
      }))
      const result = yield* exit
      expect(result.scopes).toContain("files:read")
      expect(result.refused._tag).toBe("Forbidden")
      expect(result.theirs).toEqual([])
      expect(result.mine.map((k) => k.id)).toEqual([result.created.id])
    }).pipe(Effect.provide(FakeDocSpace.layer({
      baseUrl: fakeUrl,
      users: [
        { email: "admin@example.com", password: "admin-password", isAdmin: true },
        { email: "user@example.com", password: "user-password" }
      ],
      apiKeys: [
        { key: `sk-${"0".repeat(63)}2`, email: "admin@example.com" },
        { key: `sk-${"0".repeat(63)}1`, email: "user@example.com" }
      ]
    }))))

  it.effect("an answer that does not fit is a DecodeError that does not carry the new key", () =>
    Effect.gen(function*() {
      const key = `sk-${"ab".repeat(32)}`
      const portal = make(() => envelope({ key, name: "ci" })) // no id
      const error = yield* Effect.flip(ApiKeys.create({ name: "ci" })).pipe(Effect.provide(portal.layer))
      expect(error._tag).toBe("DecodeError")
      expect(JSON.stringify(error)).not.toContain(key)
      expect(String(error)).not.toContain(key)
    }))

  it.effect("unknown permissions are a BadRequest", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.flip(ApiKeys.create({ name: "x", permissions: ["everything"] })))
        .pipe(Effect.provide(Fake))
      const error = yield* exit
      expect(error._tag).toBe("BadRequest")
      expect(error.message).toMatch(/Permissions are not valid/)
    }))
})

describe("Groups", () => {
  it.effect("create, stream page by page, get with members, remove", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const me = yield* People.self()
        const legal = yield* Groups.create({ name: "Legal", manager: me.id })
        yield* Groups.create({ name: "Sales" })
        yield* Groups.create({ name: "Support", members: [me.id] })
        const names = yield* Groups.stream({ pageSize: 2 }).pipe(Stream.map((g) => g.name), Stream.runCollect)
        const got = yield* Groups.get(legal.id)
        yield* Groups.remove(legal.id)
        const gone = yield* Effect.flip(Groups.get(legal.id))
        return { names: Chunk.toReadonlyArray(names), got, gone, me }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect(result.names).toEqual(["Legal", "Sales", "Support"])
      expect(result.got.manager?.id).toBe(result.me.id)
      expect(result.got.members?.map((m) => m.id)).toEqual([result.me.id])
      expect(result.gone._tag).toBe("NotFound")
    }))
})

describe("Trash", () => {
  it.effect("a removed file is in the trash stream; restore moves it back; empty purges the rest", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const a = yield* uploadText(Folders.my, "a.txt", "a")
        const b = yield* uploadText(Folders.my, "b.txt", "b")
        yield* Files.remove(a.id)
        yield* Files.remove(b.id)
        const trashed = yield* Trash.stream({ pageSize: 1 }).pipe(Stream.map((e) => e.title), Stream.runCollect)
        yield* Trash.restore({ fileIds: [a.id], destFolderId: Folders.my })
        const mine = yield* Folders.stream(Folders.my).pipe(Stream.map((e) => e.title), Stream.runCollect)
        const emptied = yield* Trash.empty()
        const after = yield* Trash.list()
        return {
          trashed: Chunk.toReadonlyArray(trashed),
          mine: Chunk.toReadonlyArray(mine),
          emptied,
          after,
          gone: yield* Effect.flip(Files.get(b.id))
        }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect([...result.trashed].sort()).toEqual(["a.txt", "b.txt"])
      expect(result.mine).toEqual(["a.txt"])
      expect(result.emptied.map((op) => op.finished)).toEqual([true])
      expect(result.after.files).toEqual([])
      expect(result.gone._tag).toBe("NotFound")
    }))
})

describe("Favorites", () => {
  it.effect("favourites and recent as streams; add and remove", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const a = yield* uploadText(Folders.my, "a.txt", "a")
        const b = yield* uploadText(Folders.my, "b.txt", "b")
        const folder = yield* Folders.create(Folders.my, "Starred")
        yield* Favorites.add({ fileIds: [a.id, b.id], folderIds: [folder.id] })
        const starred = yield* Favorites.stream().pipe(Stream.map((e) => `${e._tag}:${e.title}`), Stream.runCollect)
        yield* Favorites.remove({ fileIds: [a.id] })
        const left = yield* Favorites.stream().pipe(Stream.map((e) => e.title), Stream.runCollect)
        yield* Favorites.markRecent(a.id)
        yield* Favorites.markRecent(b.id)
        const recent = yield* Favorites.recent().pipe(Stream.map((e) => e.title), Stream.runCollect)
        return {
          starred: Chunk.toReadonlyArray(starred),
          left: Chunk.toReadonlyArray(left),
          recent: Chunk.toReadonlyArray(recent)
        }
      })).pipe(Effect.provide(Fake))
      const result = yield* exit
      expect([...result.starred].sort()).toEqual(["File:a.txt", "File:b.txt", "Folder:Starred"])
      expect([...result.left].sort()).toEqual(["Starred", "b.txt"])
      expect(result.recent).toEqual(["b.txt", "a.txt"])
    }))
})

describe("Webhooks log", () => {
  it.effect("one row per event: 0 while the portal retries, then the last attempt's status", () =>
    Effect.gen(function*() {
      // "Logged" fails once and then succeeds; "Doomed" fails every attempt (the first and 5 retries)
      const attempts = { logged: 0, doomed: 0 }
      const receiver = HttpClient.make((request) =>
        Effect.sync(() => {
          if (request.method === "HEAD") return HttpClientResponse.fromWeb(request, new Response(null, { status: 200 }))
          const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
          const doomed = body.includes("Doomed")
          const n = doomed ? attempts.doomed++ : attempts.logged++
          const status = doomed || n === 0 ? 500 : 200
          return HttpClientResponse.fromWeb(request, new Response(null, { status }))
        })
      )
      const { exit } = yield* onFake(Effect.gen(function*() {
        const hook = yield* Webhooks.register({
          name: "log",
          uri: "https://hooks.example.com/in",
          secret: Redacted.make("hook-secret-1")
        })
        yield* Folders.create(Folders.my, "Logged")
        yield* Folders.create(Folders.my, "Doomed")
        const pending = yield* Webhooks.log({ webhookId: hook.id })
        for (let i = 0; i < 40; i++) yield* TestClock.adjust("1 second")
        const all = yield* Webhooks.streamLog({ webhookId: hook.id }).pipe(Stream.runCollect)
        const failed = yield* Webhooks.log({ webhookId: hook.id, status: ["4xx", "5xx"] })
        const notSent = yield* Webhooks.log({ status: ["notSent"] })
        return { pending, all: Chunk.toReadonlyArray(all), failed, notSent }
      })).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, webhookClient: receiver })))
      const result = yield* exit
      expect(result.pending.items.map((entry) => entry.status)).toEqual([0, 0])
      // newest first
      expect(result.all.map((entry) => entry.status)).toEqual([500, 200])
      expect(result.all.map((entry) => entry.requestPayload?.includes("Doomed"))).toEqual([true, false])
      expect(result.all[0]!.configName).toBe("log")
      expect(attempts).toEqual({ logged: 2, doomed: 6 })
      expect(result.failed.items.map((entry) => entry.status)).toEqual([500])
      expect(result.failed.total).toBe(1)
      expect(result.notSent.total).toBe(0)
    }))
})

describe("generated and curated fit together", () => {
  it("the same id types: generated DTO ids go into curated functions; both operation shapes are OperationInput", () => {
    type GeneratedFolder = ApiSchemas.FolderDtoInteger
    type GeneratedFile = ApiSchemas.FileDtoInteger
    expectTypeOf<NonNullable<GeneratedFolder["id"]>>().toMatchTypeOf<Parameters<typeof Rooms.get>[0]>()
    expectTypeOf<NonNullable<GeneratedFolder["id"]>>().toMatchTypeOf<Folders.Id>()
    expectTypeOf<NonNullable<GeneratedFile["id"]>>().toMatchTypeOf<Parameters<typeof Files.get>[0]>()
    expectTypeOf<NonNullable<ApiSchemas.EmployeeFullDto["id"]>>().toEqualTypeOf<People.Person["id"]>()
    expectTypeOf<ApiSchemas.GroupDto["id"]>().toEqualTypeOf<Groups.Group["id"]>()
    expectTypeOf<ApiSchemas.FileOperationDto>().toMatchTypeOf<FileOperations.OperationInput>()
    expectTypeOf<FileOperations.FileOperation>().toMatchTypeOf<FileOperations.OperationInput>()
    expectTypeOf<FileOperations.TrackedOperation>().toMatchTypeOf<FileOperations.OperationInput>()
  })

  it.effect("an operation started by a generated function is followed by FileOperations.wait and track", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(Effect.gen(function*() {
        const room = yield* ApiRooms.createRoom({ body: { title: "Generated", roomType: 5 } })
        // a generated DTO's ids go into curated functions as they are
        const curated = yield* Rooms.get(room.id!)
        const file = yield* uploadText(Folders.my, "a.txt", "a")
        const started = yield* ApiFileOperations.copyBatchItems({
          body: { fileIds: [file.id as number], destFolderId: room.id, returnSingleOperation: true }
        })
        const done = yield* FileOperations.wait(started)
        const tracked = yield* FileOperations.track(
          ApiFileOperations.deleteBatchItems({ body: { fileIds: [file.id as number], returnSingleOperation: true } })
        ).pipe(Stream.runLast)
        const quota = yield* ApiPortal.getPortalQuota()
        return { room, curated, done, tracked: Option.getOrThrow(tracked), quota }
      })).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl, fileOperationMillis: 1000, quotaBytes: 5000 })))
      const result = yield* exit
      expect(result.curated.id).toBe(result.room.id)
      expect(result.done).toHaveLength(1)
      expect(result.done[0]).toMatchObject({ finished: true, reported: true, operation: 1 })
      expect(result.tracked.map((op) => op.finished)).toEqual([true])
      expect(result.quota.maxTotalSize).toBe(5000)
    }))

  it.effect("an operation without an id cannot be followed: FileOperationFailed, nothing polled", () =>
    Effect.gen(function*() {
      const { exit, fake } = yield* onFake(
        Effect.flip(FileOperations.wait([{ Operation: 1, progress: 10, finished: false }]))
      ).pipe(Effect.provide(Fake))
      const error = yield* exit
      expect(error._tag).toBe("FileOperationFailed")
      expect((yield* fake.state.counts).byRoute["GET /api/2.0/files/fileops"]).toBeUndefined()
    }))
})

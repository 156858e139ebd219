import { Files, Folders, People, Rooms } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { envelope, make } from "./curated-mock.js"

// a folder of `folders` subfolders followed by `files` files, paged as the portal pages it
const folderPortal = (folders: number, files: number) =>
  make((request) => {
    const startIndex = Number(request.url.searchParams.get("startIndex") ?? 0)
    const count = Number(request.url.searchParams.get("count") ?? 100)
    const all = [
      ...Array.from({ length: folders }, (_, i) => ({ kind: "folder", id: 1000 + i, title: `folder ${i}` })),
      ...Array.from({ length: files }, (_, i) => ({ kind: "file", id: 2000 + i, title: `file ${i}.txt` }))
    ]
    const page = all.slice(startIndex, startIndex + count)
    return envelope({
      folders: page.filter((e) => e.kind === "folder").map(({ id, title }) => ({ id, title, filesCount: 0 })),
      files: page.filter((e) => e.kind === "file").map(({ id, title }) => ({ id, title, version: 1, unknownField: 1 })),
      current: { id: 7, title: "My documents", type: 5 },
      pathParts: [{ id: 7, title: "My documents" }],
      startIndex,
      count: page.length,
      total: all.length
    })
  })

describe("Folders", () => {
  it.effect("stream: pages through a folder and stops on total", () => {
    const portal = folderPortal(30, 220)
    return Effect.gen(function*() {
      const entries = Chunk.toReadonlyArray(yield* Stream.runCollect(Folders.stream("@my")))
      expect(entries.length).toBe(250)
      expect(entries.filter((e) => e._tag === "Folder").length).toBe(30)
      expect(entries[0]).toMatchObject({ _tag: "Folder", id: 1000, title: "folder 0" })
      expect(entries[249]).toMatchObject({ _tag: "File", id: 2219, title: "file 219.txt", version: 1 })
      expect(portal.requests.map((r) => r.url.pathname)).toEqual(Array(3).fill("/api/2.0/files/@my"))
      expect(portal.requests.map((r) => r.url.searchParams.get("startIndex"))).toEqual(["0", "100", "200"])
      expect(portal.requests.every((r) => r.url.searchParams.get("count") === "100")).toBe(true)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("stream: an exact multiple of the page size needs no extra request", () => {
    const portal = folderPortal(0, 200)
    return Effect.gen(function*() {
      const entries = yield* Stream.runCollect(Folders.stream(7))
      expect(Chunk.size(entries)).toBe(200)
      expect(portal.requests.length).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("stream: only as many pages as consumed", () => {
    const portal = folderPortal(0, 1000)
    return Effect.gen(function*() {
      yield* Stream.runCollect(Stream.take(Folders.stream(7, { pageSize: 50 }), 120))
      expect(portal.requests.map((r) => r.url.searchParams.get("startIndex"))).toEqual(["0", "50", "100"])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("get: one page with current, pathParts and total; create sends the title", () => {
    const portal = make((request) =>
      request.method === "POST"
        ? envelope({ id: 55, title: (request.json as { title: string }).title, parentId: 7 })
        : envelope({ files: null, folders: [], current: { id: 7, title: "Docs" }, pathParts: [7], total: 0 })
    )
    return Effect.gen(function*() {
      const content = yield* Folders.get(7, { count: 10, filterType: 1 })
      expect(content.files).toEqual([])
      expect(content.current?.title).toBe("Docs")
      expect(content.total).toBe(0)
      expect(portal.requests[0]!.url.searchParams.get("filterType")).toBe("1")
      const folder = yield* Folders.create(7, "Reports")
      expect(folder).toMatchObject({ id: 55, title: "Reports", parentId: 7 })
      expect(portal.requests[1]!.url.pathname).toBe("/api/2.0/files/folder/7")
      expect(portal.requests[1]!.json).toEqual({ title: "Reports" })
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("a path parameter cannot change the path", () => {
    const portal = make(() => envelope({}))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Files.get("../settings"))
      expect(error._tag).toBe("BadRequest")
      expect(portal.requests.length).toBe(0)
    }).pipe(Effect.provide(portal.layer))
  })
})

describe("People", () => {
  it.effect("self: the authenticated user's profile, with the API key as Bearer", () => {
    const portal = make(() =>
      envelope({
        id: "0f7e7c8a-0000-4000-8000-000000000001",
        displayName: "Ada Lovelace",
        email: "ada@example.com",
        status: 1,
        activationStatus: 99,
        isAdmin: true,
        registrationDate: "2024-01-15T10:30:00.0000000+00:00",
        groups: [{ id: "g", name: "Staff" }]
      })
    )
    return Effect.gen(function*() {
      const me = yield* People.self()
      expect(me).toMatchObject({ displayName: "Ada Lovelace", email: "ada@example.com", isAdmin: true })
      // an enum value this client does not know is kept, not a failure
      expect(me.activationStatus).toBe(99)
      expect(portal.requests[0]!.url.pathname).toBe("/api/2.0/people/@self")
      expect(portal.requests[0]!.headers.authorization).toMatch(/^Bearer sk-/)
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("self: a body of the wrong shape is a DecodeError naming the field", () => {
    const portal = make(() => envelope({ id: 42, displayName: "x" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(People.self())
      expect(error._tag).toBe("DecodeError")
      expect(error._tag === "DecodeError" && error.path).toBe("response.id")
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("stream: uses the envelope's total", () => {
    const portal = make((request) => {
      const startIndex = Number(request.url.searchParams.get("startIndex"))
      const people = Array.from({ length: 150 }, (_, i) => ({ id: `u${i}`, displayName: `User ${i}` }))
      return envelope(people.slice(startIndex, startIndex + 100), { total: 150 })
    })
    return Effect.gen(function*() {
      const people = yield* Stream.runCollect(People.stream())
      expect(Chunk.size(people)).toBe(150)
      expect(portal.requests.length).toBe(2)
    }).pipe(Effect.provide(portal.layer))
  })
})

describe("Rooms", () => {
  it.effect("create sends the room type as its number; list reads folders and total", () => {
    const portal = make((request) =>
      request.method === "POST"
        ? envelope({ id: 9, title: "Contracts", roomType: 5 })
        : envelope({ folders: [{ id: 9, title: "Contracts", roomType: 5 }], files: [], total: 1 })
    )
    return Effect.gen(function*() {
      const room = yield* Rooms.create({ title: "Contracts", roomType: "CustomRoom" })
      expect(room.roomType).toBe(Rooms.RoomType.CustomRoom)
      expect(portal.requests[0]!.json).toEqual({ title: "Contracts", roomType: 5 })
      const page = yield* Rooms.list({ type: ["CustomRoom", 6] })
      expect(page).toMatchObject({ items: [{ id: 9 }], total: 1 })
      expect(portal.requests[1]!.url.searchParams.getAll("type")).toEqual(["5", "6"])
    }).pipe(Effect.provide(portal.layer))
  })

  it.effect("searchArea by name is the API's SearchArea number (0 active, 1 archive, 2 any)", () => {
    const portal = make(() => envelope({ folders: [], files: [], total: 0 }))
    return Effect.gen(function*() {
      for (const searchArea of ["Active", "Archive", "Any", 1] as const) yield* Rooms.list({ searchArea })
      yield* Rooms.list()
      expect(portal.requests.map((r) => r.url.searchParams.get("searchArea"))).toEqual(["0", "1", "2", "1", null])
      expect(Rooms.SearchArea).toEqual({ Active: 0, Archive: 1, Any: 2 })
    }).pipe(Effect.provide(portal.layer))
  })
})

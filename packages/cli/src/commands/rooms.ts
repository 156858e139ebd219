import * as Rooms from "@effect-docspace/resources/Rooms"
import * as Sharing from "@effect-docspace/resources/Sharing"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Declined, UsageError } from "../CliError.js"
import * as Names from "../internal/admin.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const roomJson = (room: Rooms.Room) => ({
  id: room.id,
  title: room.title,
  type: Names.roomTypeName(room.roomType),
  private: room.private ?? false,
  tags: room.tags ?? []
})

const ls = Root.command("ls", {
  archived: Options.boolean("archived").pipe(Options.withDescription("the archived rooms instead of the active ones")),
  all: Options.boolean("all").pipe(Options.withDescription("active and archived rooms")),
  type: Options.text("type").pipe(
    Options.withDescription(`only rooms of this type (${Names.roomTypeNames.join(", ")}); repeat for several`),
    Options.repeated
  ),
  filter: Options.text("filter").pipe(Options.withDescription("a text the titles contain"), Options.optional)
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.archived && args.all) {
      return yield* new UsageError({ message: "--archived and --all cannot be used together" })
    }
    const types = yield* Effect.forEach(args.type, Names.roomType)
    yield* output.list(
      Rooms.stream({
        searchArea: args.all ? "Any" : args.archived ? "Archive" : "Active",
        ...(types.length > 0 ? { type: types } : {}),
        ...(Option.isSome(args.filter) ? { filterValue: args.filter.value } : {})
      }),
      {
        columns: [
          { header: "ID", get: (r) => r.id, align: "right" },
          { header: "TYPE", get: (r) => Names.roomTypeName(r.roomType) },
          { header: "FILES", get: (r) => r.filesCount, align: "right" },
          { header: "TITLE", get: (r) => r.title }
        ],
        json: roomJson,
        empty: "no rooms"
      }
    )
  })).pipe(Command.withDescription("list rooms (the active ones unless --archived or --all)"))

const create = Root.command("create", {
  title: Args.text({ name: "title" }),
  type: Options.text("type").pipe(
    Options.withDescription(`the room type: ${Names.roomTypeNames.join(", ")} (default custom)`),
    Options.withDefault("custom")
  ),
  private: Options.boolean("private").pipe(Options.withDescription("an encrypted private room")),
  tag: Options.text("tag").pipe(Options.withDescription("a tag (repeat for several)"), Options.repeated)
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.title.trim() === "") return yield* new UsageError({ message: "the room title is empty" })
    const roomType = yield* Names.roomType(args.type)
    const room = yield* Rooms.create({
      title: args.title,
      roomType,
      ...(args.private ? { private: true } : {}),
      ...(args.tag.length > 0 ? { tags: args.tag } : {})
    })
    yield* output.value(roomJson(room), (r: ReturnType<typeof roomJson>) =>
      `created room ${r.id} "${r.title}" (${r.type})`)
  })).pipe(Command.withDescription("create a room"))

const archiveLike = (kind: "archive" | "unarchive") =>
  Root.command(kind, { room: Args.text({ name: "room id" }) }, (args) =>
    Effect.gen(function*() {
      const output = yield* Output.Output
      const id = yield* Names.id(args.room, "room")
      yield* (kind === "archive" ? Rooms.archive(id) : Rooms.unarchive(id))
      yield* output.value({ id, archived: kind === "archive" }, () => `${kind}d room ${id}`)
    })).pipe(
      Command.withDescription(kind === "archive" ? "move a room to the archive" : "bring a room back from the archive")
    )

const rm = Root.command(
  "rm",
  { rooms: Args.text({ name: "room id" }).pipe(Args.atLeast(1)) },
  (args) =>
    Effect.gen(function*() {
      const output = yield* Output.Output
      const ids = yield* Effect.forEach(args.rooms, (room) => Names.id(room, "room"))
      const rooms = yield* Effect.forEach(ids, (id) => Rooms.get(id))
      const names = rooms.map((r) => `${r.id} "${r.title}"`).join(", ")
      const yes = yield* output.confirm(
        `Delete ${rooms.length === 1 ? "room" : `${rooms.length} rooms`} ${names} and all ${
          rooms.length === 1 ? "its" : "their"
        } content for good (rooms do not go to the trash)?`
      )
      if (!yes) return yield* new Declined({ message: `nothing deleted: ${names} kept` })
      yield* Effect.forEach(rooms, (room) =>
        Effect.zipRight(
          Rooms.remove(room.id),
          output.line(`deleted room ${room.id} "${room.title}"`)
        ), { discard: true })
      if (output.mode !== "human") yield* output.value({ deleted: rooms.map((r) => r.id) })
    })
).pipe(Command.withDescription("delete rooms and their content for good (asks first unless --yes)"))

const share = Root.command("share", {
  room: Args.text({ name: "room id" }),
  emails: Args.text({ name: "email" }).pipe(Args.atLeast(1)),
  access: Options.text("access").pipe(
    Options.withDescription(
      "the access level: RoomManager, ContentCreator, Editing, Review, Comment, FillForms, Read (default), or None to " +
        "remove; the levels a room takes depend on its type"
    ),
    Options.withDefault("Read")
  ),
  notify: Options.boolean("notify").pipe(Options.withDescription("send the invitees an email")),
  message: Options.text("message").pipe(Options.withDescription("a message for the email"), Options.optional)
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const id = yield* Names.id(args.room, "room")
    const access = yield* Names.access(args.access)
    const bad = args.emails.filter((e) => !/^[^@\s]+@[^@\s]+$/.test(e))
    if (bad.length > 0) return yield* new UsageError({ message: `not an email: ${bad.join(", ")}` })
    const result = yield* Rooms.share(
      id,
      args.emails.map((email) => ({ email, access })),
      { notify: args.notify, ...(Option.isSome(args.message) ? { message: args.message.value } : {}) }
    )
    if (result.warning !== undefined) yield* output.note(`warning: ${result.warning}`)
    if (result.error !== undefined && result.error !== 0) {
      yield* output.note(`the portal reported error ${result.error}`)
    }
    const wanted = new Set(args.emails.map((e) => e.toLowerCase()))
    const rows = result.members.filter((m) => wanted.has((m.sharedToUser?.email ?? "").toLowerCase()))
    if (Sharing.accessNumber(access) === 0) {
      yield* output.value({ room: id, removed: args.emails }, () => `removed ${args.emails.join(", ")} from room ${id}`)
      return
    }
    yield* output.list(Stream.fromIterable(rows), {
      columns: [
        { header: "EMAIL", get: (m) => m.sharedToUser?.email },
        { header: "ACCESS", get: (m) => Names.accessName(m.access) },
        { header: "NAME", get: (m) => m.sharedToUser?.displayName }
      ],
      json: (m) => ({ email: m.sharedToUser?.email, userId: m.sharedToUser?.id, access: Names.accessName(m.access) })
    })
  })).pipe(Command.withDescription("invite people to a room by email with an access level (--access None removes)"))

/**
 * `docspace rooms ls|create|archive|unarchive|rm|share`: the portal's rooms (`Rooms` of
 * `@effect-docspace/resources`).
 *
 * @since 0.2.0
 * @category commands
 */
export const rooms = Root.group("rooms", "rooms: list, create, archive, unarchive, delete, invite people", [
  ls,
  create,
  archiveLike("archive"),
  archiveLike("unarchive"),
  rm,
  share
])

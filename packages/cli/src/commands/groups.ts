import * as Groups from "@effect-docspace/resources/Groups"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const ls = Root.command("ls", {
  filter: Options.text("filter").pipe(Options.withDescription("a text the names contain"), Options.optional),
  members: Options.boolean("members").pipe(
    Options.withDescription("with each group's members (a tree for people; one more request per group)")
  )
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const groups = Groups.stream(Option.isSome(args.filter) ? { filterValue: args.filter.value } : undefined)
    if (!args.members) {
      yield* output.list(groups, {
        columns: [
          { header: "ID", get: (g) => g.id },
          { header: "MEMBERS", get: (g) => g.membersCount, align: "right" },
          { header: "MANAGER", get: (g) => g.manager?.email ?? g.manager?.displayName },
          { header: "NAME", get: (g) => g.name }
        ],
        json: (g) => ({ id: g.id, name: g.name, membersCount: g.membersCount ?? 0, manager: g.manager?.email }),
        empty: "no groups"
      })
      return
    }
    const withMembers = groups.pipe(Stream.mapEffect((g) => Groups.get(g.id, { includeMembers: true })))
    if (output.mode === "human") {
      const all = yield* Stream.runCollect(withMembers)
      yield* output.tree({
        label: "groups",
        children: Array.from(all, (g) => ({
          label: `${g.name} (${g.members?.length ?? 0})`,
          children: (g.members ?? []).map((m) => ({
            label: `${m.email ?? m.id}${m.id === g.manager?.id ? " (manager)" : ""}`,
            children: []
          }))
        }))
      })
      return
    }
    yield* output.list(withMembers, {
      columns: [],
      json: (g) => ({
        id: g.id,
        name: g.name,
        manager: g.manager?.email,
        members: (g.members ?? []).map((m) => ({ id: m.id, email: m.email }))
      })
    })
  })).pipe(Command.withDescription("list the portal's groups (--members: with their members)"))

/**
 * `docspace groups ls`: the portal's groups (`Groups` of `@effect-docspace/resources`).
 *
 * @since 0.2.0
 * @category commands
 */
export const groups = Root.group("groups", "groups: list them, with their members", [ls])

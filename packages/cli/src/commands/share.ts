import * as Sharing from "@effect-docspace/resources/Sharing"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { NotFound, UsageError } from "../CliError.js"
import * as Names from "../internal/admin.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const linkJson = (share: Sharing.Share) => ({
  id: share.sharedLink?.id,
  title: share.sharedLink?.title,
  url: share.sharedLink?.shareLink,
  access: Names.accessName(share.access),
  primary: share.sharedLink?.primary ?? false,
  internal: share.sharedLink?.internal ?? false,
  denyDownload: share.sharedLink?.denyDownload ?? false,
  expires: share.sharedLink?.expirationDate,
  expired: share.sharedLink?.isExpired ?? false,
  password: share.sharedLink?.password !== undefined
})

const columns: ReadonlyArray<Output.Column<Sharing.Share>> = [
  { header: "LINK ID", get: (s) => s.sharedLink?.id },
  { header: "ACCESS", get: (s) => Names.accessName(s.access) },
  { header: "TITLE", get: (s) => s.sharedLink?.title },
  { header: "URL", get: (s) => s.sharedLink?.shareLink }
]

const showLink = (share: Sharing.Share) =>
  Effect.flatMap(Output.Output, (output) =>
    output.value(linkJson(share), (l: ReturnType<typeof linkJson>) =>
      [
        l.url ?? "(no url)",
        `  ${l.access}${l.primary ? ", primary" : ""}${l.internal ? ", portal users only" : ""}${
          l.denyDownload ? ", no download" : ""
        }${l.password ? ", password" : ""}${l.expires !== undefined ? `, expires ${l.expires}` : ""}  (id ${l.id})`
      ].join("\n")))

const linkPage = 100

/** The id of the first link of `target` that `matches`, paging through every link. */
const findLink = (target: Sharing.Target, matches: (linkId: string) => boolean) =>
  Effect.gen(function*() {
    for (let startIndex = 0;; startIndex += linkPage) {
      const page = yield* Sharing.links(target, { count: linkPage, startIndex })
      const found = page.find((s) => s.sharedLink?.id !== undefined && matches(s.sharedLink.id))
      if (found?.sharedLink?.id !== undefined) return found.sharedLink.id
      if (page.length < linkPage) return undefined
    }
  })

/**
 * `docspace share <id>`: the external links of a file (default), a folder (`--folder`) or a room (`--room`). Alone it
 * prints the primary link, which the portal creates when there is none; `--list` lists every link, `--new` creates
 * another one (`--access`, `--title`, `--expires`, `--internal`, `--deny-download`, `--password`), `--revoke <link
 * id>` revokes one.
 *
 * @since 0.2.0
 * @category commands
 */
export const share = Root.command("share", {
  id: Args.text({ name: "id" }),
  folder: Options.boolean("folder").pipe(Options.withDescription("the id is a folder's")),
  room: Options.boolean("room").pipe(Options.withDescription("the id is a room's")),
  list: Options.boolean("list").pipe(Options.withDescription("list every link")),
  new: Options.boolean("new").pipe(Options.withDescription("create another link")),
  revoke: Options.text("revoke").pipe(Options.withDescription("revoke the link with this id"), Options.optional),
  access: Options.text("access").pipe(
    Options.withDescription("with --new: Read (default), Review, Comment, FillForms, Editing..."),
    Options.optional
  ),
  title: Options.text("title").pipe(Options.withDescription("with --new: the link's title"), Options.optional),
  expires: Options.text("expires").pipe(
    Options.withDescription("with --new: when the link stops working (ISO date, e.g. 2027-01-31T18:00:00Z)"),
    Options.optional
  ),
  internal: Options.boolean("internal").pipe(Options.withDescription("with --new: only for the portal's users")),
  denyDownload: Options.boolean("deny-download").pipe(Options.withDescription("with --new: no downloads")),
  password: Options.redacted("password").pipe(
    Options.withDescription("with --new: a password for the link"),
    Options.optional
  )
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.folder && args.room) {
      return yield* new UsageError({ message: "--folder and --room cannot be used together" })
    }
    const actions = [args.list, args.new, Option.isSome(args.revoke)].filter((b) => b).length
    if (actions > 1) return yield* new UsageError({ message: "choose one of --list, --new and --revoke" })
    const linkOptionsGiven = Option.isSome(args.access) || Option.isSome(args.title) || Option.isSome(args.expires) ||
      args.internal || args.denyDownload || Option.isSome(args.password)
    if (linkOptionsGiven && !args.new) {
      return yield* new UsageError({
        message: "--access, --title, --expires, --internal, --deny-download and --password go with --new"
      })
    }
    const kind = args.room ? "room" : args.folder ? "folder" : "file"
    const id = yield* Names.id(args.id, kind)
    const target: Sharing.Target = kind === "room" ? { room: id } : kind === "folder" ? { folder: id } : { file: id }

    if (args.list) {
      const links = yield* Sharing.links(target)
      yield* output.list(Stream.fromIterable(links.filter((s) => s.sharedLink !== undefined)), {
        columns,
        json: linkJson,
        empty: `no links on ${kind} ${id}`
      })
      return
    }
    if (Option.isSome(args.revoke)) {
      // revoking is "set this link's access to None", which creates a link when the id is unknown: look it up first
      const wanted = args.revoke.value.trim().toLowerCase()
      const found = yield* findLink(target, (linkId) => linkId.toLowerCase() === wanted)
      if (found === undefined) {
        return yield* new NotFound({ message: `no link ${args.revoke.value} on ${kind} ${id}` })
      }
      yield* Sharing.revokeLink(target, found)
      yield* output.value({ revoked: found }, () => `revoked link ${found}`)
      return
    }
    if (args.new) {
      let expirationDate: Date | undefined
      if (Option.isSome(args.expires)) {
        expirationDate = new Date(args.expires.value)
        if (Number.isNaN(expirationDate.getTime())) {
          return yield* new UsageError({ message: `--expires "${args.expires.value}" is not a date` })
        }
      }
      const access = Option.isSome(args.access) ? yield* Names.access(args.access.value) : undefined
      const created = yield* Sharing.setLink(target, {
        ...(access !== undefined ? { access } : {}),
        ...(Option.isSome(args.title) ? { title: args.title.value } : {}),
        ...(expirationDate !== undefined ? { expirationDate } : {}),
        ...(args.internal ? { internal: true } : {}),
        ...(args.denyDownload ? { denyDownload: true } : {}),
        ...(Option.isSome(args.password) ? { password: args.password.value } : {})
      })
      if (Option.isNone(created)) {
        return yield* new UsageError({ message: `the portal created no link on ${kind} ${id}` })
      }
      yield* showLink(created.value)
      return
    }
    yield* showLink(yield* Sharing.primaryLink(target))
  })).pipe(
    Command.withDescription(
      "external links of a file (or --folder, --room): the primary link, --list, --new, --revoke <link id>"
    )
  )

import * as People from "@effect-docspace/resources/People"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { LocalFileError, PartialFailure, UsageError } from "../CliError.js"
import * as Csv from "../internal/csv.js"
import * as Output from "../Output.js"
import * as Progress from "../Progress.js"
import * as Root from "../Root.js"

// EmployeeStatus (DocSpace-server ASC.Core.Common/Core/EmployeeStatus.cs): 1 active, 2 terminated (disabled), 4 pending
const statusName = (person: People.Person): string =>
  person.status === 2
    ? "disabled"
    : person.activationStatus === 2 || person.status === 4
    ? "pending"
    : person.status === 1 || person.status === undefined
    ? "active"
    : String(person.status)

const typeName = (person: People.Person): string =>
  person.isOwner === true
    ? "owner"
    : person.isAdmin === true
    ? "DocSpaceAdmin"
    : person.isRoomAdmin === true
    ? "RoomAdmin"
    : person.isVisitor === true
    ? "Guest"
    : "User"

const personJson = (person: People.Person) => ({
  id: person.id,
  email: person.email,
  displayName: person.displayName,
  type: typeName(person),
  status: statusName(person)
})

const personColumns: ReadonlyArray<Output.Column<People.Person>> = [
  { header: "ID", get: (p) => p.id },
  { header: "EMAIL", get: (p) => p.email },
  { header: "NAME", get: (p) => p.displayName },
  { header: "TYPE", get: typeName },
  { header: "STATUS", get: statusName }
]

const ls = Root.command("ls", {
  filter: Options.text("filter").pipe(Options.withDescription("a text names or emails contain"), Options.optional)
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    yield* output.list(
      People.stream(Option.isSome(args.filter) ? { filterValue: args.filter.value } : undefined),
      { columns: personColumns, json: personJson, empty: "no people" }
    )
  })).pipe(Command.withDescription("list the portal's people"))

const readCsv = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    fs.readFileString(path).pipe(
      Effect.mapError((e) =>
        new LocalFileError({
          path,
          message: `cannot read ${path}: ${
            e._tag === "SystemError" ? e.reason === "NotFound" ? "no such file" : e.reason : e.message
          }`
        })
      )
    ))

const invite = Root.command("invite", {
  emails: Args.text({ name: "email" }).pipe(Args.repeated),
  csv: Options.file("csv").pipe(
    Options.withDescription("a CSV file of invitations: an email column and an optional type column"),
    Options.optional
  ),
  type: Options.choice("type", Csv.invitationTypes).pipe(
    Options.withDescription("the type of the people invited when a row (or the command line) does not say"),
    Options.withDefault("User")
  ),
  batchSize: Options.integer("batch-size").pipe(
    Options.withDescription("invitations per request (default 50)"),
    Options.withDefault(50)
  ),
  culture: Options.text("culture").pipe(
    Options.withDescription("the invitation emails' language, e.g. en-US"),
    Options.optional
  ),
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("check the invitations and print them; send nothing"))
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.batchSize < 1 || args.batchSize > 1000) {
      return yield* new UsageError({ message: `--batch-size must be 1 to 1000, got ${args.batchSize}` })
    }
    if (Option.isNone(args.csv) && args.emails.length === 0) {
      return yield* new UsageError({ message: "give emails, or a CSV file with --csv" })
    }
    const invitations: Array<Csv.Invitation & { readonly where: string }> = []
    const problems: Array<string> = []
    const seen = new Set<string>()
    const add = (invitation: Csv.Invitation, where: string) => {
      if (seen.has(invitation.email.toLowerCase())) return
      seen.add(invitation.email.toLowerCase())
      invitations.push({ ...invitation, where })
    }
    if (Option.isSome(args.csv)) {
      const source = args.csv.value
      const read = Csv.readInvitations(yield* readCsv(source), { source, defaultType: args.type })
      if (read._tag === "Bad") problems.push(...read.problems)
      else for (const invitation of read.invitations) add(invitation, `${source}:${invitation.line}`)
    }
    // emails on the command line are checked as the file's rows are
    args.emails.forEach((email, i) => {
      if (Csv.isEmail(email.trim())) add({ line: i + 1, email: email.trim(), type: args.type }, `argument ${i + 1}`)
      else problems.push(`argument ${i + 1}: ${JSON.stringify(email)} is not an email the portal accepts`)
    })
    if (problems.length > 0) {
      for (const problem of problems) yield* output.note(problem)
      return yield* new UsageError({
        message: `${problems.length} bad ${problems.length === 1 ? "invitation" : "invitations"}: nobody was invited`
      })
    }
    if (invitations.length === 0) return yield* new UsageError({ message: "the CSV file has no invitations" })
    const columns: ReadonlyArray<Output.Column<{ email: string; type: string }>> = [
      { header: "EMAIL", get: (r) => r.email },
      { header: "TYPE", get: (r) => r.type }
    ]
    if (args.dryRun) {
      yield* output.note(`dry run: ${invitations.length} invitations checked, nothing sent`)
      yield* output.list(Stream.fromIterable(invitations.map((i) => ({ email: i.email, type: i.type }))), { columns })
      return
    }
    const batches: Array<typeof invitations> = []
    for (let i = 0; i < invitations.length; i += args.batchSize) batches.push(invitations.slice(i, i + args.batchSize))
    const invited: Array<{ email: string; type: string }> = []
    const failure = yield* Effect.scoped(Effect.gen(function*() {
      const progress = yield* Progress.start({ label: "inviting", total: invitations.length })
      for (const batch of batches) {
        progress.inFlight(batch.length)
        const result = yield* Effect.either(People.invite(
          batch.map((i) => ({ email: i.email, type: i.type })),
          Option.isSome(args.culture) ? { culture: args.culture.value } : undefined
        ))
        progress.inFlight(-batch.length)
        if (result._tag === "Left") {
          progress.failed(invitations.length - invited.length)
          return Option.some({ error: result.left, batch })
        }
        // the portal answers with every pending profile the user can see, as EmployeeDto, which has no email
        // (DocSpace-server UserController.InviteUsers): the rows printed are the invitations sent
        for (const i of batch) invited.push({ email: i.email, type: i.type })
        progress.advance(batch.length)
      }
      return Option.none()
    }))
    yield* output.list(Stream.fromIterable(invited), { columns })
    if (Option.isSome(failure)) {
      const { batch, error } = failure.value
      if (invited.length === 0) return yield* Effect.fail(error)
      return yield* new PartialFailure({
        message: `invited ${invited.length} of ${invitations.length}; the batch from ${batch[0]!.email} (${
          batch[0]!.where
        }) failed: ${error.message}`,
        failed: invitations.length - invited.length
      })
    }
  })).pipe(Command.withDescription("invite people by email, from the command line or a CSV file (--csv)"))

const setStatus = (kind: "disable" | "enable") =>
  Root.command(
    kind,
    { users: Args.text({ name: "user id or email" }).pipe(Args.atLeast(1)) },
    (args) =>
      Effect.gen(function*() {
        const output = yield* Output.Output
        const people = yield* Effect.forEach(args.users, (user) => People.get(user))
        // no curated function: the generated operation (PUT /api/2.0/people/status/{status}, UserController
        // .UpdateUserStatus, which takes only Active 1 and Terminated 2)
        const { updateUserStatus } = yield* Effect.promise(() => import("@effect-docspace/resources/generated/People"))
        const updated = yield* updateUserStatus({
          status: kind === "disable" ? 2 : 1,
          body: { userIds: people.map((p) => p.id) }
        })
        const byId = new Map(updated.map((p) => [p.id, p]))
        yield* output.list(Stream.fromIterable(people), {
          columns: [
            { header: "ID", get: (p) => p.id },
            { header: "EMAIL", get: (p) => p.email },
            { header: "STATUS", get: (p) => statusName({ ...p, status: byId.get(p.id)?.status ?? p.status }) }
          ],
          json: (p) => ({
            id: p.id,
            email: p.email,
            status: statusName({ ...p, status: byId.get(p.id)?.status ?? p.status })
          })
        })
      })
  ).pipe(
    Command.withDescription(
      kind === "disable"
        ? "disable people (they are signed out and cannot sign in; `people enable` undoes it)"
        : "enable disabled people"
    )
  )

/**
 * `docspace people ls|invite|disable|enable`: the portal's people (`People` of `@effect-docspace/resources`, and the
 * generated `updateUserStatus` for disable and enable).
 *
 * @since 0.2.0
 * @category commands
 */
export const people = Root.group("people", "people: list, invite (from a CSV file), disable, enable", [
  ls,
  invite,
  setStatus("disable"),
  setStatus("enable")
])

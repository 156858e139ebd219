import * as ApiKeys from "@effect-docspace/resources/ApiKeys"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Declined, UsageError } from "../CliError.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const keyJson = (key: ApiKeys.ApiKey) => ({
  id: key.id,
  name: key.name,
  key: key.key,
  permissions: key.permissions,
  expiresAt: key.expiresAt,
  isActive: key.isActive ?? true
})

const ls = Root.command("ls", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    yield* output.list(Stream.fromIterableEffect(ApiKeys.list()), {
      columns: [
        { header: "ID", get: (k) => k.id },
        { header: "NAME", get: (k) => k.name },
        { header: "KEY", get: (k) => k.key },
        { header: "PERMISSIONS", get: (k) => k.permissions.length === 0 ? "*" : k.permissions.join(",") },
        { header: "EXPIRES", get: (k) => k.expiresAt ?? "never" },
        { header: "LAST USED", get: (k) => k.lastUsed },
        { header: "ACTIVE", get: (k) => (k.isActive ?? true) ? "yes" : "no" }
      ],
      json: keyJson,
      empty: "no API keys"
    })
  })).pipe(Command.withDescription("list the API keys (masked): yours, or every user's for an admin"))

const create = Root.command("create", {
  name: Args.text({ name: "name" }),
  permission: Options.text("permission").pipe(
    Options.withDescription("a scope such as files:read (repeat; `docspace keys permissions` lists them; none: all)"),
    Options.repeated
  ),
  expiresInDays: Options.integer("expires-in-days").pipe(
    Options.withDescription("the key stops working after this many days (default: never)"),
    Options.optional
  )
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.name.trim() === "") return yield* new UsageError({ message: "the key's name is empty" })
    if (Option.isSome(args.expiresInDays) && args.expiresInDays.value < 1) {
      return yield* new UsageError({ message: `--expires-in-days must be at least 1, got ${args.expiresInDays.value}` })
    }
    const created = yield* ApiKeys.create({
      name: args.name,
      ...(args.permission.length > 0 ? { permissions: args.permission } : {}),
      ...(Option.isSome(args.expiresInDays) ? { expiresInDays: args.expiresInDays.value } : {})
    })
    // the one place the key is ever shown: it stays Redacted everywhere else (logs, errors, --verbose)
    const shown = { ...keyJson({ ...created, key: undefined }), key: Redacted.value(created.key) }
    yield* output.value(shown, (k: typeof shown) => `${k.key}\n`)
    yield* output.note(`created API key ${created.id} "${args.name}": copy it now, the portal never shows it again`)
  })).pipe(Command.withDescription("create an API key and print it (once: it is never shown again)"))

const revoke = Root.command("revoke", { id: Args.text({ name: "key id" }) }, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const keys = yield* ApiKeys.list()
    const key = keys.find((k) => k.id === args.id)
    const what = key === undefined ? `API key ${args.id}` : `API key ${key.id} "${key.name ?? ""}" (${key.key ?? ""})`
    const yes = yield* output.confirm(`Revoke ${what}? Programs using it stop working.`)
    if (!yes) return yield* new Declined({ message: `${what} kept` })
    yield* ApiKeys.revoke(args.id)
    yield* output.value({ revoked: args.id }, () => `revoked ${what}`)
  })).pipe(Command.withDescription("revoke (delete) an API key (asks first unless --yes)"))

const permissions = Root.command("permissions", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    yield* output.list(Stream.fromIterableEffect(ApiKeys.permissions()), {
      columns: [{ header: "PERMISSION", get: (p) => p }]
    })
  })).pipe(Command.withDescription("list the scopes a key can be given"))

/**
 * `docspace keys ls|create|revoke|permissions`: API keys (`ApiKeys` of `@effect-docspace/resources`). A new key is
 * printed once, by `create`; everywhere else it is masked or `Redacted`.
 *
 * @since 0.2.0
 * @category commands
 */
export const keys = Root.group("keys", "API keys: list, create (printed once), revoke, permissions", [
  ls,
  create,
  revoke,
  permissions
])

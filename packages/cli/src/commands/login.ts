/**
 * `docspace login`: checks a portal URL and API key, then stores them as a profile.
 *
 * @since 0.2.0
 */
import * as Auth from "@effect-docspace/core/Auth"
import * as People from "@effect-docspace/resources/People"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as EffectConfig from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Client from "../Client.js"
import { UsageError } from "../CliError.js"
import * as Config from "../Config.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const env = (name: string): Effect.Effect<string | undefined> =>
  EffectConfig.option(EffectConfig.string(name)).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.orElseSucceed(() => undefined)
  )

/**
 * `docspace login [--profile name] [--url URL] [--default]`: asks for what is missing (the API key is read without
 * echo, or from stdin when piped), signs in once to check it, then stores the profile: the URL in `config.json`,
 * the key in `credentials.json` (mode 0600). The key is never printed.
 *
 * @since 0.2.0
 * @category commands
 */
export const login = Root.localCommand("login", {
  makeDefault: Options.boolean("default").pipe(Options.withDescription("make this the default profile"))
}, ({ makeDefault }) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const globals = yield* Root.Globals
    const terminal = output.terminal
    const name = Option.getOrElse(globals.profile, () => "default")
    if (!/^[\w.-]+$/.test(name)) {
      return yield* new UsageError({ message: `profile names use letters, digits, ".", "_" and "-": "${name}"` })
    }
    const envUrl = yield* env("DOCSPACE_URL")
    const url = Option.getOrUndefined(globals.url) ?? envUrl ?? (yield* terminal.readLine("Portal URL: "))
    if (url === undefined || url.trim() === "") {
      return yield* new UsageError({ message: "no portal URL: pass --url or set DOCSPACE_URL" })
    }
    const envKey = yield* env("DOCSPACE_API_KEY")
    const key = Option.isSome(globals.apiKey)
      ? globals.apiKey.value
      : envKey !== undefined
      ? Redacted.make(envKey)
      : yield* Effect.map(terminal.readSecret("API key (input hidden): "), (k) =>
        k === undefined ? undefined : Redacted.make(k))
    if (key === undefined || Redacted.value(key).trim() === "") {
      return yield* new UsageError({
        message: "no API key: type it when asked, pipe it on stdin, or set DOCSPACE_API_KEY"
      })
    }
    const resolved: Config.Resolved = {
      url: url.trim(),
      auth: Auth.apiKey(Redacted.make(Redacted.value(key).trim())),
      profile: name,
      urlSource: "flag",
      authSource: "flag",
      rateLimit: "cloud"
    }
    const me = yield* People.self().pipe(Effect.provide(Client.layer(resolved)))
    yield* Config.saveProfile(name, { url: resolved.url, apiKey: Redacted.make(Redacted.value(key).trim()) }, {
      makeDefault
    })
    const dir = yield* Config.directory
    yield* output.value(
      {
        profile: name,
        url: resolved.url,
        user: { id: me.id, displayName: me.displayName ?? null, email: me.email ?? null }
      },
      () =>
        `logged in to ${resolved.url} as ${me.displayName ?? me.email ?? me.id}; saved as profile "${name}" in ${dir}`
    )
  })).pipe(Command.withDescription("check a portal URL and API key and store them as a profile"))

import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { UsageError } from "../CliError.js"
import * as Config from "../Config.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

/**
 * `docspace fake [--port N] [--limits cloud|legacy] [--time-scale X] [--seed N] [--save-profile NAME]`: runs the
 * embedded FakeDocSpace of `@effect-docspace/testing` on a loopback port until Ctrl-C and prints the environment
 * (`DOCSPACE_URL`, `DOCSPACE_API_KEY`: the fake's own key, valid only in this process) to try every command without
 * a portal; `--save-profile` also stores it as a profile (`docspace ls --profile fake`). Webhooks registered on it
 * are delivered to their URLs as a portal does (`docspace webhooks listen` receives them).
 *
 * @since 0.2.0
 * @category commands
 */
export const fake = Root.localCommand("fake", {
  port: Options.integer("port").pipe(
    Options.withDescription("the port (default 0: a free one)"),
    Options.withDefault(0)
  ),
  limits: Options.choice("limits", ["off", "cloud", "legacy"]).pipe(
    Options.withDescription("enforce DocSpace Cloud's or an older portal's rate limits (default off)"),
    Options.withDefault("off")
  ),
  timeScale: Options.float("time-scale").pipe(
    Options.withDescription("multiplies every limit window, e.g. 0.01: a minute lasts 600 ms (default 1)"),
    Options.withDefault(1)
  ),
  seed: Options.integer("seed").pipe(
    Options.withDescription("seeds ids and the API key: the same seed, the same key (default 1)"),
    Options.withDefault(1)
  ),
  saveProfile: Options.text("save-profile").pipe(
    Options.withDescription("also store the fake as this profile"),
    Options.optional
  )
}, (args) =>
  Effect.scoped(Effect.gen(function*() {
    const output = yield* Output.Output
    if (args.port < 0 || args.port > 65535) {
      return yield* new UsageError({ message: `--port ${args.port} is not a port` })
    }
    if (!(args.timeScale > 0)) {
      return yield* new UsageError({ message: `--time-scale must be above 0, got ${args.timeScale}` })
    }
    if (Option.isSome(args.saveProfile) && !/^[\w.-]+$/.test(args.saveProfile.value)) {
      return yield* new UsageError({
        message: `profile names use letters, digits, ".", "_" and "-": "${args.saveProfile.value}"`
      })
    }
    // imported here, so that the other commands never load the fake
    const FakeDocSpace = yield* Effect.promise(() => import("@effect-docspace/testing/FakeDocSpace"))
    // webhooks as on a portal: registering one checks its URL with a HEAD, each event is POSTed to it (with retries),
    // so `docspace webhooks listen` receives what this fake sends
    const webhookClient = yield* HttpClient.HttpClient.pipe(Effect.provide(FetchHttpClient.layer))
    const running = yield* FakeDocSpace.serve({
      port: args.port,
      seed: args.seed,
      webhookClient,
      ...(args.limits === "off" ? {} : { limits: { regime: args.limits, timeScale: args.timeScale } })
    }).pipe(Effect.mapError((e) => new UsageError({ message: `cannot start the fake: ${e.message}` })))
    if (Option.isSome(args.saveProfile)) {
      yield* Config.saveProfile(args.saveProfile.value, {
        url: running.url,
        apiKey: running.apiKey,
        rateLimit: args.limits === "legacy" ? "legacy" : args.limits === "cloud" ? "cloud" : "none"
      })
    }
    // the fake's key exists only in this process: printing it is the point of the command
    const key = Redacted.value(running.apiKey)
    const info = {
      url: running.url,
      apiKey: key,
      limits: args.limits,
      ...(Option.isSome(args.saveProfile) ? { profile: args.saveProfile.value } : {}),
      env: { DOCSPACE_URL: running.url, DOCSPACE_API_KEY: key }
    }
    yield* output.value(info, () =>
      [
        `FakeDocSpace listening on ${running.url} (limits: ${
          args.limits === "off" ? "off" : `${args.limits}, time scale ${args.timeScale}`
        })`,
        "",
        `export DOCSPACE_URL=${running.url}`,
        `export DOCSPACE_API_KEY=${key}`,
        "",
        Option.isSome(args.saveProfile)
          ? `saved as profile "${args.saveProfile.value}": docspace whoami --profile ${args.saveProfile.value}`
          : "then: docspace whoami (or start it with --save-profile NAME and add --profile NAME to commands)",
        "Ctrl-C to stop."
      ].join("\n"))
    return yield* Effect.never
  }))).pipe(Command.withDescription("run a fake DocSpace on a loopback port to try every command without a portal"))

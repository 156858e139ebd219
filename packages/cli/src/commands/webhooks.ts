import * as Webhooks from "@effect-docspace/resources/Webhooks"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { UsageError } from "../CliError.js"
import * as Names from "../internal/admin.js"
import * as Listen from "../internal/listen.js"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

const webhookJson = (w: Webhooks.Webhook) => ({
  id: w.id,
  name: w.name,
  uri: w.uri,
  enabled: w.enabled ?? false,
  ssl: w.ssl ?? false,
  triggers: w.triggers ?? 0
})

const ls = Root.command("ls", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    yield* output.list(Stream.fromIterableEffect(Webhooks.list()), {
      columns: [
        { header: "ID", get: (w) => w.id, align: "right" },
        { header: "NAME", get: (w) => w.name },
        { header: "ENABLED", get: (w) => (w.enabled ?? false) ? "yes" : "no" },
        { header: "TRIGGERS", get: (w) => (w.triggers ?? 0) === 0 ? "all" : w.triggers },
        { header: "URI", get: (w) => w.uri }
      ],
      json: webhookJson,
      empty: "no webhooks"
    })
  })).pipe(Command.withDescription("list the portal's webhooks"))

const secretOption = (description: string) =>
  Options.redacted("secret").pipe(
    Options.withDescription(`${description} (default: DOCSPACE_WEBHOOK_SECRET; prefer the variable)`),
    Options.withFallbackConfig(Config.redacted("DOCSPACE_WEBHOOK_SECRET")),
    Options.optional
  )

// 24 characters of upper and lower case letters, digits and a symbol: passes the portal's default password policy
const generateSecret = (): Redacted.Redacted<string> => {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
  const bytes = crypto.getRandomValues(new Uint8Array(21))
  const body = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("")
  return Redacted.make(`Aa1${body}`)
}

const create = Root.command("create", {
  name: Args.text({ name: "name" }),
  uri: Args.text({ name: "receiver url" }),
  secret: secretOption("the secret deliveries are signed with, 8 to 30 characters; without it one is made and printed"),
  triggers: Options.integer("triggers").pipe(
    Options.withDescription("a bit set of WebhookTrigger values (default 0: every event)"),
    Options.withDefault(0)
  ),
  disabled: Options.boolean("disabled").pipe(Options.withDescription("register it disabled")),
  insecure: Options.boolean("insecure").pipe(
    Options.withDescription("do not check the receiver's TLS certificate (an https receiver is checked by default)")
  )
}, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    if (!/^https?:\/\/\S+$/.test(args.uri)) {
      return yield* new UsageError({ message: `"${args.uri}" is not an http(s) URL` })
    }
    const made = Option.isNone(args.secret)
    if (Option.isSome(args.secret)) {
      const length = Redacted.value(args.secret.value).length
      const { max, min } = Webhooks.secretLength
      if (length < min || length > max) {
        return yield* new UsageError({
          message: `the secret must be ${min} to ${max} characters long (it has ${length})`
        })
      }
    }
    const secret = Option.getOrElse(args.secret, generateSecret)
    const webhook = yield* Webhooks.register({
      name: args.name,
      uri: args.uri,
      secret,
      enabled: !args.disabled,
      ssl: args.uri.startsWith("https://") && !args.insecure,
      triggers: args.triggers
    })
    // a generated secret is printed once, as `keys create` prints a key; a given one is never echoed
    const shown = made ? { ...webhookJson(webhook), secret: Redacted.value(secret) } : webhookJson(webhook)
    yield* output.value(shown, (w: typeof shown) =>
      `registered webhook ${w.id} "${w.name ?? ""}" -> ${w.uri ?? ""}` +
      ("secret" in w ? `\nsecret: ${w.secret}\n(copy it now: give it to \`docspace webhooks listen --secret\`)` : ""))
  })).pipe(
    Command.withDescription("register a webhook; the portal checks the receiver with a HEAD first (it must answer 2xx)")
  )

const rm = Root.command("rm", { id: Args.text({ name: "webhook id" }) }, (args) =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const id = yield* Names.id(args.id, "webhook")
    yield* Webhooks.remove(id)
    yield* output.value({ removed: id }, () => `removed webhook ${id}`)
  })).pipe(Command.withDescription("remove a webhook"))

const listen = Root.localCommand("listen", {
  secret: secretOption("the webhook's secret"),
  port: Options.integer("port").pipe(
    Options.withDescription("the local port (default 8080; 0: any free port)"),
    Options.withDefault(8080)
  ),
  host: Options.text("host").pipe(
    Options.withDescription("the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"),
    Options.withDefault("127.0.0.1")
  ),
  count: Options.integer("count").pipe(
    Options.withDescription("stop after this many verified deliveries (default: run until Ctrl-C)"),
    Options.optional
  )
}, (args) =>
  Effect.scoped(Effect.gen(function*() {
    const output = yield* Output.Output
    if (Option.isNone(args.secret)) {
      return yield* new UsageError({ message: "give the webhook's secret: --secret or DOCSPACE_WEBHOOK_SECRET" })
    }
    if (args.port < 0 || args.port > 65535) {
      return yield* new UsageError({ message: `--port ${args.port} is not a port` })
    }
    if (Option.isSome(args.count) && args.count.value < 1) {
      return yield* new UsageError({ message: `--count must be at least 1, got ${args.count.value}` })
    }
    const listener = yield* Listen.listen({
      secret: args.secret.value,
      port: args.port,
      host: args.host,
      onRejected: (r) => output.note(`refused a request: ${r.status} ${r.message}`)
    })
    yield* output.note(
      `listening on ${listener.url}/ for deliveries signed with the secret` +
        (Option.isSome(args.count) ? ` (until ${args.count.value} arrived)` : " (Ctrl-C to stop)")
    )
    const deliveries = Option.isSome(args.count)
      ? Stream.take(listener.deliveries, args.count.value)
      : listener.deliveries
    if (output.mode === "human") {
      yield* Stream.runForEach(deliveries, (d) => output.line(Listen.formatDelivery(d)))
    } else {
      yield* output.list(deliveries, { columns: [], json: (d) => d })
    }
  }))).pipe(Command.withDescription("receive webhook deliveries on a local port and print the verified ones"))

/**
 * `docspace webhooks ls|create|rm|listen`: the portal's webhooks (`Webhooks` of `@effect-docspace/resources`);
 * `listen` serves the library's `WebhookReceiver` on a local port and prints each verified delivery.
 *
 * @since 0.2.0
 * @category commands
 */
export const webhooks = Root.group("webhooks", "webhooks: list, register, remove, listen for deliveries", [
  ls,
  create,
  rm,
  listen
])

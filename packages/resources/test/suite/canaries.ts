/**
 * Recognisable secrets for every suite, and a recorder of everything a program prints: its logs at every level, its
 * spans (attributes, events and exits, through a recording tracer) and, added by the suites, errors in every printed
 * form (`toString`, JSON, `inspect`, `Cause.pretty`). `leaks` finds a canary in any of them, also base64- or
 * percent-encoded.
 */
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as List from "effect/List"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { inspect } from "node:util"

/** `sk-` + 64 hex, as the server's `ApiKeyBearerAuthHandler` wants them. */
export const apiKey = "sk-" + "c4a7a11e".repeat(8)
export const password = "Canary-Passw0rd-Q7x"
/** A second factor the fake expects (`FakeUser.tfaCode`). */
export const code = "739146"
export const webhookSecret = "Canary-Webhook-S3cret"
export const userName = "canary-tfa@example.com"

/** Values that must never be printed. Tokens issued by a portal during a run are added with `addSecret`. */
const secrets = new Set<string>([apiKey, password, code, webhookSecret])

export const addSecret = (value: string): void => {
  if (value.length >= 6) secrets.add(value)
}

const forms = (secret: string): Array<string> => {
  const out = new Set<string>([secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")])
  // the distinctive middle of an API key, in case only part of it is printed
  if (secret.startsWith("sk-")) out.add(secret.slice(3, 27))
  out.add(Buffer.from(`${userName}:${secret}`).toString("base64"))
  return Array.from(out)
}

/** Printed outputs, as text. */
export interface Recorder {
  readonly outputs: Array<string>
  /** Logger at every level and a tracer that keeps every span; provide it to the program. */
  readonly layer: Layer.Layer<never>
  /** Records an exit in every printed form (also the error's and defect's `toString`, JSON and inspect). */
  readonly exit: (exit: Exit.Exit<unknown, unknown>) => void
  readonly text: (label: string, value: unknown) => void
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? "undefined"
  } catch (e) {
    return `<JSON failed: ${String(e)}>`
  }
}

const printed = (value: unknown): Array<string> => [
  String(value),
  safeJson(value),
  inspect(value, { depth: 12, getters: false }),
  typeof value === "object" && value !== null && "message" in value ? String(value.message) : ""
]

export const makeRecorder = (): Recorder => {
  const outputs: Array<string> = []
  const push = (...values: Array<string>) => {
    for (const v of values) outputs.push(v)
  }
  const exit = (e: Exit.Exit<unknown, unknown>): void => {
    push(inspect(e, { depth: 12 }), safeJson(e))
    if (Exit.isFailure(e)) {
      push(Cause.pretty(e.cause, { renderErrorCause: true }))
      for (const error of Cause.failures(e.cause)) push(...printed(error))
      for (const defect of Cause.defects(e.cause)) push(...printed(defect))
    }
  }
  const logger = Logger.make((options) => {
    const annotations = Array.from(HashMap.toEntries(options.annotations))
    push(
      printed(options.message).join("\n"),
      inspect(annotations, { depth: 8 }),
      Cause.isEmpty(options.cause) ? "" : Cause.pretty(options.cause),
      inspect(List.toArray(options.spans), { depth: 4 })
    )
  })
  class RecordingSpan implements Tracer.Span {
    readonly _tag = "Span"
    readonly spanId = Math.random().toString(16).slice(2)
    readonly traceId: string
    readonly sampled = true
    status: Tracer.SpanStatus
    readonly attributes = new Map<string, unknown>()
    links: Array<Tracer.SpanLink>
    constructor(
      readonly name: string,
      readonly parent: Option.Option<Tracer.AnySpan>,
      readonly context: Context.Context<never>,
      links: ReadonlyArray<Tracer.SpanLink>,
      startTime: bigint,
      readonly kind: Tracer.SpanKind
    ) {
      this.traceId = Option.match(parent, { onNone: () => "trace", onSome: (p) => p.traceId })
      this.status = { _tag: "Started", startTime }
      this.links = Array.from(links)
      push(`span ${name}`)
    }
    end(endTime: bigint, exitValue: Exit.Exit<unknown, unknown>): void {
      this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit: exitValue }
      push(`span ${this.name} ${inspect(Object.fromEntries(this.attributes), { depth: 8 })}`)
      push(safeJson(Object.fromEntries(this.attributes)))
      exit(exitValue)
    }
    attribute(key: string, value: unknown): void {
      this.attributes.set(key, value)
      push(`${key}=${printed(value).join(" ")}`)
    }
    event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
      push(`event ${name} ${inspect(attributes, { depth: 8 })} ${safeJson(attributes)}`)
    }
    addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
      this.links.push(...links)
    }
  }
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) =>
      new RecordingSpan(name, parent, context, links, startTime, kind),
    context: (f) => f()
  })
  const layer = Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All),
    Layer.setTracer(tracer)
  )
  return { outputs, layer, exit, text: (label, value) => push(`${label}: ${printed(value).join("\n")}`) }
}

/** Every canary found in the outputs, with where. */
export const leaks = (outputs: ReadonlyArray<string>): Array<string> => {
  const found: Array<string> = []
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      for (const out of outputs) {
        const at = out.indexOf(form)
        if (at >= 0) {
          found.push(`${secret.slice(0, 4)}... as ${JSON.stringify(form.slice(0, 8))}...: ${out.slice(0, 300)}`)
          break
        }
      }
    }
  }
  return found
}

/** Runs `effect` with the recorder's logger and tracer, and records its exit. */
export const recorded = <A, E, R>(recorder: Recorder, effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.withTracerEnabled(true),
    Effect.provide(recorder.layer),
    Effect.exit,
    Effect.tap((exit) => Effect.sync(() => recorder.exit(exit)))
  )

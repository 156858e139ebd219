import { Auth, DocSpaceClient } from "@effect-docspace/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import { API_KEY, clientLayer, envelope, errorEnvelope, mockTransport } from "./utils.js"

const PASSWORD = "hunter2-hunter2"
const TOKEN = "tok-0123456789abcdef0123456789abcdef"
const CODE = "654321"

/** A tracer that keeps every span it makes (the native spans record their attributes). */
const recordingTracer = () => {
  const spans: Array<Tracer.Span> = []
  const native = Effect.runSync(Effect.tracer)
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = native.span(name, parent, context, links, startTime, kind, options)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

describe("tracing", () => {
  it.effect("one span per request named after the operation, and no secret in any span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { client } = yield* mockTransport((s) => {
        if (s.url.pathname === "/api/2.0/authentication") return envelope({ tfa: true })
        if (s.url.pathname.startsWith("/api/2.0/authentication/")) {
          return envelope({ token: TOKEN, expires: new Date(3_600_000).toISOString() })
        }
        return s.url.pathname.endsWith("/missing") ? errorEnvelope(404, "nope") : envelope({ id: "me" })
      })
      const auth = Auth.password({
        userName: "me@example.com",
        password: Redacted.make(PASSWORD),
        code: Effect.succeed(Redacted.make(CODE))
      })
      const program = Effect.gen(function*() {
        yield* DocSpaceClient.request(
          { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
          Schema.Struct({ id: Schema.String })
        )
        yield* Effect.either(DocSpaceClient.request(
          { operation: "getMissing", method: "GET", path: "/api/2.0/people/missing" },
          Schema.Unknown
        ))
      })
      yield* Effect.provide(program, clientLayer(client, { auth })).pipe(Effect.withTracer(tracer))

      const names = spans.map((span) => span.name)
      expect(names.filter((n) => n === "DocSpace.getSelfProfile")).toHaveLength(1)
      expect(names.filter((n) => n === "DocSpace.getMissing")).toHaveLength(1)
      expect(names).toContain("DocSpace.authenticate")
      const own = spans.find((span) => span.name === "DocSpace.getSelfProfile")!
      expect(own.attributes.get("docspace.operation")).toBe("getSelfProfile")
      expect(own.attributes.get("url.template")).toBe("/api/2.0/people/@self")

      // What an exporter sends: name, attributes, and a failure's cause. Our own spans' values are checked whole.
      const everything = spans.map((span) => {
        const exit = span.status._tag === "Ended" ? span.status.exit : undefined
        return JSON.stringify(
          {
            name: span.name,
            attributes: Object.fromEntries(span.attributes),
            exit: exit === undefined
              ? undefined
              : span.name.startsWith("DocSpace.") || exit._tag === "Failure"
              ? Inspectable.toJSON(exit)
              : "success"
          },
          (_, value) => (typeof value === "bigint" ? String(value) : value)
        )
      }).join("\n")
      for (const secret of [PASSWORD, TOKEN, CODE, API_KEY]) expect(everything).not.toContain(secret)
      // the platform's http.client spans are there too, with the Authorization header redacted
      expect(everything).toContain("http.client")
    }))

  it.effect("API-key requests: the key is in no span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { client } = yield* mockTransport(() => envelope({ id: "me" }))
      yield* Effect.provide(
        DocSpaceClient.request(
          { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
          Schema.Unknown
        ),
        clientLayer(client)
      ).pipe(Effect.withTracer(tracer))
      const everything = spans.map((s) => Inspectable.format(Object.fromEntries(s.attributes))).join("\n")
      expect(spans.length).toBeGreaterThan(1)
      expect(everything).not.toContain(API_KEY)
    }))
})

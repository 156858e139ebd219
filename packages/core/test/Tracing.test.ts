import { Auth, DocSpaceClient } from "@effect-docspace/core"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Inspectable from "effect/Inspectable"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import { currentRequest } from "../src/internal/current.js"
import { withRequest } from "../src/internal/span.js"
import { API_KEY, clientLayer, envelope, errorEnvelope, json, mockTransport } from "./utils.js"

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

      // What a recording tracer keeps: name, attributes and every span's exit, values included, checked whole
      const everything = spans.map((span) => {
        const exit = span.status._tag === "Ended" ? span.status.exit : undefined
        return JSON.stringify(
          {
            name: span.name,
            attributes: Object.fromEntries(span.attributes),
            exit: exit === undefined ? undefined : Inspectable.toJSON(exit)
          },
          (_, value) => (typeof value === "bigint" ? String(value) : value)
        ) + Inspectable.format(exit)
      }).join("\n")
      for (const secret of [PASSWORD, TOKEN, CODE, API_KEY]) expect(everything).not.toContain(secret)
      // the platform's http.client spans, whose exit value is the response with its request (Authorization header,
      // login body), are not made: the client's own span carries the status instead
      expect(names.filter((n) => n.startsWith("http.client"))).toEqual([])
      expect(own.attributes.get("http.response.status_code")).toBe(200)
    }))

  // Under the default clock the request runs in a fiber of its own (its timer's): it must carry the request's settings
  // (the platform's span off, the client's span as parent) as the TestClock path above does
  it.live("under the default clock too: one span, no http.client span, the trace reaches the portal", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { client, seen } = yield* mockTransport(() => envelope({ id: "me" }))
      const outer = yield* Effect.provide(
        Effect.withSpan(
          Effect.zipRight(
            DocSpaceClient.request(
              { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
              Schema.Struct({ id: Schema.String })
            ),
            Effect.currentSpan
          ),
          "caller"
        ),
        clientLayer(client)
      ).pipe(Effect.withTracer(tracer))
      expect(spans.map((span) => span.name)).toEqual(["caller", "DocSpace.getSelfProfile"])
      const own = spans[1]
      expect(own.parent._tag === "Some" && own.parent.value.spanId).toBe(outer.spanId)
      expect(own.attributes.get("http.response.status_code")).toBe(200)
      // after the request, the caller's own span is current again
      expect(outer.name).toBe("caller")
      const sent = yield* Ref.get(seen)
      expect(sent[0].headers["traceparent"]).toContain(own.spanId)
    }))

  it.effect("a raw response's span keeps no value (the response holds its request with the Authorization header)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { client, seen } = yield* mockTransport(() => new Response("bytes", { status: 200 }))
      yield* Effect.provide(
        Effect.scoped(DocSpaceClient.raw({ operation: "download", method: "GET", path: "/filehandler.ashx" })),
        clientLayer(client)
      ).pipe(Effect.withTracer(tracer))
      expect(spans.map((s) => s.name)).toEqual(["DocSpace.download"])
      const exit = spans[0].status._tag === "Ended" ? spans[0].status.exit : undefined
      expect(exit !== undefined && Exit.isSuccess(exit) && exit.value).toBeUndefined()
      // the trace still reaches the portal
      const sent = yield* Ref.get(seen)
      expect(sent[0].headers["traceparent"]).toContain(spans[0].spanId)
    }))

  it.effect("a validation 400 to the login that echoes the password: not in the error, nor the authenticate span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { client } = yield* mockTransport(() =>
        json({
          response: {
            title: `password ${PASSWORD} is invalid`,
            errors: { Password: [`'${PASSWORD}' is too weak`], UserName: ["ok"] }
          },
          status: 1,
          statusCode: 400
        }, 400)
      )
      const auth = Auth.password({ userName: "me@example.com", password: Redacted.make(PASSWORD) })
      const result = yield* Effect.either(
        Effect.provide(
          DocSpaceClient.request(
            { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
            Schema.Unknown
          ),
          clientLayer(client, { auth })
        ).pipe(Effect.withTracer(tracer))
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("BadRequest")
      const error = Either.isLeft(result) ? result.left : undefined
      expect(error !== undefined && "fields" in error && error.fields).toMatchObject({ UserName: ["ok"] })
      const printed = [
        Inspectable.format(error),
        JSON.stringify(error),
        String(error),
        error?.message,
        Inspectable.format(Exit.fail(error))
      ].join("\n")
      expect(printed).toContain("too weak")
      expect(printed).not.toContain(PASSWORD)
      const login = spans.find((span) => span.name === "DocSpace.authenticate")
      expect(login?.status._tag).toBe("Ended")
      const exit = login?.status._tag === "Ended" ? login.status.exit : undefined
      expect(exit !== undefined && Exit.isFailure(exit)).toBe(true)
      expect(Inspectable.format(exit) + JSON.stringify(Inspectable.toJSON(exit))).not.toContain(PASSWORD)
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
      const everything = spans.map((s) =>
        Inspectable.format(Object.fromEntries(s.attributes)) +
        Inspectable.format(s.status._tag === "Ended" ? s.status.exit : undefined)
      ).join("\n")
      expect(spans.length).toBe(1)
      expect(everything).not.toContain(API_KEY)
    }))
})

describe("a request's settings are put back however it ends", () => {
  // the client's own scrub never fails; should it die (a bug), the request still ends cleanly: its span ended with
  // the defect, the caller's settings back, no parent span left behind
  const run = (onError: (error: string) => Effect.Effect<string>) =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const exit = yield* Effect.exit(
        withRequest(
          "getSelfProfile",
          {},
          [["operation", "getSelfProfile"]],
          {
            operation: "getSelfProfile",
            timeout: Duration.seconds(5)
          },
          ["authorization"],
          onError,
          () => Effect.fail("refused")
        ).pipe(Effect.withTracer(tracer))
      )
      return {
        exit,
        spans,
        current: yield* FiberRef.get(currentRequest),
        parent: yield* Effect.option(Effect.currentParentSpan)
      }
    })

  it.effect("a scrub that succeeds: the scrubbed error, the span ended with it", () =>
    Effect.gen(function*() {
      const { current, exit, parent, spans } = yield* run((error) => Effect.succeed(`scrubbed ${error}`))
      expect(exit).toEqual(Exit.fail("scrubbed refused"))
      expect(current).toBeUndefined()
      expect(parent._tag).toBe("None")
      expect(spans.map((span) => span.status._tag)).toEqual(["Ended"])
    }))

  it.effect("a scrub that dies: the defect, the span ended, the settings back", () =>
    Effect.gen(function*() {
      const { current, exit, parent, spans } = yield* run(() => Effect.die("scrub failed"))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
      expect(current).toBeUndefined()
      expect(parent._tag).toBe("None")
      expect(spans.map((span) => span.status._tag)).toEqual(["Ended"])
    }))
})

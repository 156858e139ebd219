/**
 * docs/observability.md's OpenTelemetry recipe, run: `NodeSdk.layer` from `@effect/opentelemetry` (the Effect 3
 * line) with an in-memory exporter, the client on FakeDocSpace in-process. Checks the spans the doc promises, their
 * attributes, the parent-child link to the user's span, and that the API key is in none of them.
 */
import { Auth } from "@effect-docspace/core"
import { DocSpace, Folders, People } from "@effect-docspace/resources"
import { FakeDocSpace } from "@effect-docspace/testing"
import { NodeSdk } from "@effect/opentelemetry"
import { describe, expect, it } from "@effect/vitest"
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"

const ClientOnFake = Layer.unwrapEffect(
  Effect.map(FakeDocSpace.Server, (fake) => DocSpace.layer({ baseUrl: fake.url, auth: Auth.apiKey(fake.apiKey) }))
).pipe(Layer.provideMerge(FakeDocSpace.layer()))

describe("observability recipe (@effect/opentelemetry)", () => {
  it.effect("exports one span per request with the documented attributes, children of the user's span", () => {
    const exporter = new InMemorySpanExporter()
    const TracingLive = NodeSdk.layer(() => ({
      resource: { serviceName: "observability-test" },
      spanProcessor: new SimpleSpanProcessor(exporter)
    }))
    return Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      const program = Effect.gen(function*() {
        const me = yield* People.self()
        yield* Folders.create(Folders.my, `report for ${me.displayName}`)
        return yield* Effect.flip(Folders.info(987654321))
      }).pipe(Effect.withSpan("nightly-report"))
      const missing = yield* program
      expect(missing._tag).toBe("NotFound")

      const spans = exporter.getFinishedSpans()
      const byName = (name: string) => spans.find((span) => span.name === name)
      const root = byName("nightly-report")
      const self = byName("DocSpace.getSelfProfile")
      const create = byName("DocSpace.createFolder")
      const info = byName("DocSpace.getFolderInfo")
      expect(root && self && create && info, `spans: ${spans.map((s) => s.name).join(", ")}`).toBeTruthy()
      expect(self!.attributes).toMatchObject({
        "docspace.operation": "getSelfProfile",
        "http.request.method": "GET",
        "url.template": "/api/2.0/people/@self",
        "server.address": "fake.docspace.localhost"
      })
      expect(create!.attributes).toMatchObject({
        "http.request.method": "POST",
        "url.template": "/api/2.0/files/folder/{folderId}"
      })
      expect(info!.status.code).toBe(2) // SpanStatusCode.ERROR
      for (const child of [self!, create!, info!]) {
        expect(child.parentSpanContext?.spanId).toBe(root!.spanContext().spanId)
        expect(child.spanContext().traceId).toBe(root!.spanContext().traceId)
      }
      // nothing secret in any exported span
      const key = Redacted.value(fake.apiKey)
      const exported = JSON.stringify(
        spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status }))
      )
      expect(exported).not.toContain(key)
    }).pipe(Effect.provide(ClientOnFake), Effect.provide(TracingLive))
  })

  it("docs/observability.md lists exactly the metrics the rate limiter defines", () => {
    const root = new URL("../../../", import.meta.url)
    const doc = readFileSync(new URL("docs/observability.md", root), "utf8")
    const source = readFileSync(new URL("packages/rate-limit/src/internal/metrics.ts", root), "utf8")
    const documented = new Set(
      [...doc.matchAll(/^\| `([a-z_]+)` \| (?:gauge|counter|histogram|summary) \|/gm)].map((m) => m[1])
    )
    const defined = new Set(
      [...source.matchAll(/"([a-z][a-z0-9_]*)"/g)].map((m) => m[1]).filter((n) => n.includes("_"))
    )
    expect(defined.size).toBeGreaterThan(0)
    expect([...documented].sort()).toEqual([...defined].sort())
    // one prefix for every metric of the packages, so a dashboard can select them all
    expect([...defined].filter((name) => !name.startsWith("docspace_"))).toEqual([])
  })
})

import * as ApiKeys from "@effect-docspace/resources/generated/ApiKeys"
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Redacted from "effect/Redacted"
import { fakeUrl, onFake } from "./curated-mock.js"

describe("generated API: secrets the portal returns are Redacted", () => {
  it.effect("createApiKey gives the new key Redacted (codegen override secretProperties)", () =>
    Effect.gen(function*() {
      const { exit } = yield* onFake(ApiKeys.createApiKey({ body: { name: "ci", permissions: ["files:read"] } }))
      const created = yield* exit
      expect(Redacted.isRedacted(created.key)).toBe(true)
      const key = Redacted.value(created.key!)
      expect(key).toMatch(/^sk-[0-9a-f]{64}$/)
      for (const form of [JSON.stringify(created), Inspectable.format(created), String(created.key)]) {
        expect(form).not.toContain(key)
      }
    }).pipe(Effect.provide(FakeDocSpace.layer({ baseUrl: fakeUrl }))))
})

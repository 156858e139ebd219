import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { FakeDocSpace } from "@effect-docspace/testing"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const Me = Schema.Struct({ id: Schema.String })
const self = DocSpaceClient.request({ operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" }, Me)

const withClient = (auth: Auth.Auth) =>
  Layer.provideMerge(
    DocSpaceClient.layer().pipe(
      Layer.provide(
        DocSpaceConfig.layer({
          baseUrl: "http://fake.docspace.localhost",
          auth,
          rateLimit: RateLimitPolicy.unlimited
        })
      )
    ),
    FakeDocSpace.layer({ users: [{ email: "two@example.com", password: "pw", tfaCode: "123456" }] })
  )

const twoFactor = Auth.password({
  userName: "two@example.com",
  password: Redacted.make("pw"),
  code: Effect.succeed(Redacted.make("123456"))
})

describe("the core client against the fake, as against the server (issue 8 items 2, 4, 5, 9)", () => {
  it.effect("a two-factor login succeeds (code in the body), logout revokes by cookie, the next call logs in again", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      assert.isString((yield* self).id)
      // logout answers null: no `response`, a success with no value
      yield* DocSpaceClient.logout
      assert.isString((yield* self).id)
      const counts = yield* fake.state.counts
      assert.strictEqual(counts.byRoute["POST /api/2.0/authentication/{code}"], 2)
      assert.strictEqual(counts.byRoute["POST /api/2.0/authentication/logout"], 1)
    }).pipe(Effect.provide(withClient(twoFactor))))

  it.effect("a count the server's model binding refuses is a BadRequest with its field messages", () =>
    Effect.gen(function*() {
      const result = yield* Effect.either(
        DocSpaceClient.request({
          operation: "getAllProfiles",
          method: "GET",
          path: "/api/2.0/people",
          urlParams: { count: 101 }
        }, Schema.Unknown)
      )
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "BadRequest")
        if (result.left._tag === "BadRequest") {
          assert.deepStrictEqual(result.left.fields, { Count: ["The field Count must be between 1 and 100."] })
          assert.include(result.left.message, "Count: The field Count must be between 1 and 100.")
        }
      }
    }).pipe(Effect.provide(withClient(twoFactor))))
})

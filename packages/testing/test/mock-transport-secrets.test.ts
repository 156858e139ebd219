import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { inspect } from "node:util"
import * as MockTransport from "../src/MockTransport.js"

const base = "https://portal.example.com"
const CODE = "913577"

describe("MockTransport: a two-factor code in the path is a secret (issue 10 item 6)", () => {
  it.effect("printed requests show /authentication/<redacted>; the path getter keeps the code for assertions", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      yield* client.post(`${base}/api/2.0/authentication/${CODE}`)
      yield* client.post(`${base}/api/2.0/authentication/logout`)
      const [login, logout] = yield* MockTransport.requests
      for (
        const printed of [JSON.stringify(login), String(login), inspect(login, { depth: 10 }), inspect({ ...login })]
      ) {
        assert.notInclude(printed, CODE)
      }
      assert.include(String(login), "/api/2.0/authentication/<redacted>")
      assert.strictEqual(login.path, `/api/2.0/authentication/${CODE}`)
      assert.include(String(logout), "/api/2.0/authentication/logout")
    }).pipe(Effect.provide(MockTransport.layer({
      "POST /api/2.0/authentication/{code}": MockTransport.json({ token: "t" })
    }))))

  it.effect("the no-route NotFound message does not quote the code", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.post(`${base}/api/2.0/authentication/${CODE}`)
      assert.strictEqual(response.status, 404)
      const text = yield* response.text
      assert.notInclude(text, CODE)
      assert.include(text, "no route for POST /api/2.0/authentication/<redacted>")
    }).pipe(Effect.provide(MockTransport.layer({}))))
})

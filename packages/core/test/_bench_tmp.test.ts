import { DocSpaceClient } from "@effect-docspace/core"
import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { clientLayer, envelope, mockTransport } from "./utils.js"

it.live("bench", () =>
  Effect.gen(function*() {
    const { client } = yield* mockTransport(() => envelope({ id: "me" }))
    const req = DocSpaceClient.request(
      { operation: "getSelfProfile", method: "GET", path: "/api/2.0/people/@self" },
      Schema.Struct({ id: Schema.String })
    )
    yield* Effect.provide(
      Effect.gen(function*() {
        for (let round = 0; round < 5; round++) {
          const t0 = process.cpuUsage()
          const w0 = performance.now()
          for (let i = 0; i < 3000; i++) yield* req
          const cpu = process.cpuUsage(t0)
          console.log(
            `round ${round}: ${((cpu.user + cpu.system) / 3000).toFixed(1)} us CPU/request, ${
              ((performance.now() - w0) * 1000 / 3000).toFixed(1)
            } us wall`
          )
        }
      }),
      clientLayer(client)
    )
  }), 120_000)

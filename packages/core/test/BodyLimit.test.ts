import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createGzip } from "node:zlib"
import { PassThroughLimiter } from "./utils.js"

const MiB = 1024 * 1024

/** A loopback portal answering every request with a gzip-compressed JSON body of `inflated` bytes, sent lazily. */
const gzipBomb = (inflated: number) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly server: Server; readonly written: () => number }>((resume) => {
      let written = 0
      const server = createServer((_, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" })
        const gzip = createGzip()
        gzip.pipe(res)
        const chunk = Buffer.alloc(64 * 1024, 0x20) // spaces: valid JSON whitespace, compresses about 1000:1
        gzip.write("{\"response\":\"")
        const pump = () => {
          while (written < inflated) {
            written += chunk.length
            if (!gzip.write(chunk)) return void gzip.once("drain", pump)
          }
          gzip.end("\",\"status\":0,\"statusCode\":200}")
        }
        res.on("close", () => gzip.destroy())
        pump()
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, server, written: () => written }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
  )

describe("JSON body bound over a real socket with FetchHttpClient (issue 10 item 7)", () => {
  it.scoped(
    "a gzip bomb stops being inflated at maxBodyBytes: DecodeError, the rest is never produced",
    () =>
      Effect.gen(function*() {
        const bomb = yield* gzipBomb(512 * MiB)
        const layer = DocSpaceClient.layer().pipe(
          Layer.provide(
            DocSpaceConfig.layer({
              baseUrl: bomb.url,
              auth: Auth.token(Redacted.make("t0k3n")),
              maxBodyBytes: 4 * MiB,
              timeout: "60 seconds"
            })
          ),
          Layer.provide(FetchHttpClient.layer),
          Layer.provide(PassThroughLimiter),
          Layer.orDie
        )
        const before = process.memoryUsage().rss
        const result = yield* Effect.either(
          Effect.provide(
            DocSpaceClient.request({ operation: "getBomb", method: "GET", path: "/api/2.0/bomb" }, Schema.String),
            layer
          )
        )
        expect(Either.isLeft(result) && result.left._tag).toBe("DecodeError")
        expect(Either.isLeft(result) && result.left.message).toContain("maxBodyBytes (4194304 bytes)")
        // the server stopped far short of the 512 MiB it would have inflated to, and the client never held it
        expect(bomb.written()).toBeLessThan(128 * MiB)
        expect(process.memoryUsage().rss - before).toBeLessThan(256 * MiB)
      }),
    60_000
  )
})

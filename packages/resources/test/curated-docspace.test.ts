import { Auth } from "@effect-docspace/core"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import { DocSpace, People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import type * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

const key = `sk-${"0123456789abcdef".repeat(4)}`

// answers @self and records the URL and Authorization header of each request
const transport = () => {
  const seen: Array<{ url: string; authorization: string | undefined; userAgent: string | undefined }> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      seen.push({
        url: request.url,
        authorization: request.headers.authorization,
        userAgent: request.headers["user-agent"]
      })
      return HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify({ response: { id: "u1", displayName: "Ada" } }), {
          headers: { "content-type": "application/json" }
        })
      )
    })
  )
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

describe("DocSpace layers", () => {
  it.effect("layer: base URL, API key as Bearer, user agent, transformClient", () => {
    const t = transport()
    let transformed = 0
    const Live = DocSpace.layer({
      baseUrl: "https://portal.example.com/",
      auth: Auth.apiKey(Redacted.make(key)),
      rateLimit: RateLimitPolicy.unlimited,
      userAgent: "my-app/1.0",
      transformClient: (client) => {
        transformed++
        return client
      }
    }).pipe(Layer.provide(t.layer))
    return Effect.gen(function*() {
      const me = yield* People.self()
      expect(me.displayName).toBe("Ada")
      expect(t.seen).toEqual([{
        url: "https://portal.example.com/api/2.0/people/@self",
        authorization: `Bearer ${key}`,
        userAgent: "my-app/1.0"
      }])
      expect(transformed).toBe(1)
    }).pipe(Effect.provide(Live))
  })

  it.effect("layer: an invalid base URL is a ConfigError naming baseUrl", () => {
    const t = transport()
    const Live = DocSpace.layer({ baseUrl: "ftp://portal", auth: Auth.apiKey(Redacted.make(key)) }).pipe(
      Layer.provide(t.layer)
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(People.self(), Live))
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("baseUrl")
      expect(t.seen.length).toBe(0)
    })
  })

  it.effect("layerConfig reads DOCSPACE_URL and DOCSPACE_API_KEY", () => {
    const t = transport()
    const env = ConfigProvider.fromMap(
      new Map([["DOCSPACE_URL", "https://env.example.com"], ["DOCSPACE_API_KEY", key]])
    )
    const Live = DocSpace.layerConfig({ rateLimit: RateLimitPolicy.unlimited }).pipe(
      Layer.provide(t.layer),
      Layer.provide(Layer.setConfigProvider(env))
    )
    return Effect.gen(function*() {
      yield* People.self()
      expect(t.seen[0]).toMatchObject({
        url: "https://env.example.com/api/2.0/people/@self",
        authorization: `Bearer ${key}`
      })
    }).pipe(Effect.provide(Live))
  })

  it.effect("layerConfig without credentials is a ConfigError naming the variable", () => {
    const t = transport()
    const env = ConfigProvider.fromMap(new Map([["DOCSPACE_URL", "https://env.example.com"]]))
    const Live = DocSpace.layerConfig().pipe(Layer.provide(t.layer), Layer.provide(Layer.setConfigProvider(env)))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(People.self(), Live))
      expect(error._tag).toBe("ConfigError")
      expect(String(error)).toContain("DOCSPACE_API_KEY")
    })
  })

  it("NodeDocSpace.layer and layerConfig (the /node entry) need no HttpClient", () => {
    const node: Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError, never> = NodeDocSpace.layer({
      baseUrl: "https://portal.example.com",
      auth: Auth.apiKey(Redacted.make(key))
    })
    const fromEnv: Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError, never> = NodeDocSpace
      .layerConfig()
    expect(Layer.isLayer(node) && Layer.isLayer(fromEnv)).toBe(true)
  })
})

import { Auth, DocSpaceClient, DocSpaceConfig } from "@effect-docspace/core"
import * as RateLimiter from "@effect-docspace/rate-limit/RateLimiter"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"

export const API_KEY = `sk-${"ab12".repeat(16)}`
export const BASE = "https://portal.example.com"

/** What the mock saw. */
export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Record<string, string>
  readonly body: string
}

export type Reply = Response | Effect.Effect<Response, never, never>

const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return String(body.body)
    case "FormData":
      return "[form-data]"
    default:
      return ""
  }
}

/** A mock transport: records every request, answers with `reply`. */
export const mockTransport = (reply: (seen: Seen, index: number) => Reply) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<Seen>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const entry: Seen = {
          method: request.method,
          url,
          headers: { ...(request.headers as unknown as Record<string, string>) },
          body: bodyText(request)
        }
        const index = yield* Ref.modify(seen, (all) => [all.length, [...all, entry]])
        const answer = reply(entry, index)
        const response = Effect.isEffect(answer) ? yield* answer : answer
        return HttpClientResponse.fromWeb(request, response)
      })
    )
    return { client, seen }
  })

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } })

export const envelope = (response: unknown, extra: Record<string, unknown> = {}) =>
  json({
    response,
    count: Array.isArray(response) ? response.length : 1,
    links: [],
    status: 0,
    statusCode: 200,
    ...extra
  })

export const errorEnvelope = (status: number, message: string, type = "System.Exception") =>
  json({ error: { message, type, hresult: -2146233088 }, status: 1, statusCode: status }, status)

/** A limiter that lets everything through: core's tests are about core, not the limiter. */
export const PassThroughLimiter = Layer.succeed(
  RateLimiter.RateLimiter,
  RateLimiter.RateLimiter.of({
    policy: RateLimitPolicy.unlimited,
    apply: (client) => client,
    stats: Effect.die("not used")
  })
)

/** The client over a given transport, API-key auth unless told otherwise. */
export const clientLayer = (
  client: HttpClient.HttpClient,
  options: { readonly auth?: Auth.Auth; readonly timeout?: number } = {}
) =>
  DocSpaceClient.layer().pipe(
    Layer.provide(
      DocSpaceConfig.layer({
        baseUrl: BASE,
        auth: options.auth ?? Auth.apiKey(Redacted.make(API_KEY)),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {})
      })
    ),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.provide(PassThroughLimiter),
    Layer.orDie
  )

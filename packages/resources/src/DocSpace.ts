/**
 * One layer for an application: the configuration and the `DocSpaceClient` every operation needs.
 *
 * @example
 * ```ts
 * import { Auth } from "@effect-docspace/core"
 * import { DocSpace, People } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const Live = DocSpace.layerNode({
 *   baseUrl: "https://example.onlyoffice.com",
 *   auth: Auth.apiKey(Redacted.make("sk-..."))
 * })
 *
 * // or from DOCSPACE_URL and DOCSPACE_API_KEY | DOCSPACE_TOKEN | DOCSPACE_USERNAME + DOCSPACE_PASSWORD
 * const FromEnv = DocSpace.layerConfigNode()
 *
 * Effect.runPromise(People.self().pipe(Effect.provide(Live)))
 * ```
 *
 * @since 0.1.0
 */
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceConfig from "@effect-docspace/core/DocSpaceConfig"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"

/**
 * What {@link layer} takes: the configuration (`baseUrl`, `auth`, `rateLimit`, `userAgent`, `timeout`,
 * `allowInsecureHttp`) and an optional `transformClient` for your own HTTP middleware.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends DocSpaceConfig.Options, DocSpaceClient.MakeOptions {}

/**
 * The client for a portal; needs an `HttpClient` (use {@link layerNode} on Node, or provide
 * `FetchHttpClient.layer`, a mock, or `FakeDocSpace`). Fails with a `ConfigError` naming `baseUrl` when it is
 * not a valid portal URL.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  DocSpaceClient.layer({ transformClient: options.transformClient }).pipe(
    Layer.provide(DocSpaceConfig.layer(options))
  )

/**
 * {@link layer} with Node's HTTP client (undici) included.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNode = (
  options: Options
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError> =>
  layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))

/**
 * The client configured from the environment (or any `ConfigProvider`): `DOCSPACE_URL` and `DOCSPACE_API_KEY` |
 * `DOCSPACE_TOKEN` | `DOCSPACE_USERNAME` + `DOCSPACE_PASSWORD`; `overrides` set what the environment does not
 * (rate-limit policy, user agent, timeout). Needs an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides?: Partial<Omit<DocSpaceConfig.Options, "baseUrl" | "auth">> & DocSpaceClient.MakeOptions
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError, HttpClient.HttpClient> => {
  const { transformClient, ...config } = overrides ?? {}
  return DocSpaceClient.layer({ transformClient }).pipe(
    Layer.provide(DocSpaceConfig.layerConfig(config))
  )
}

/**
 * {@link layerConfig} with Node's HTTP client (undici) included.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfigNode = (
  overrides?: Partial<Omit<DocSpaceConfig.Options, "baseUrl" | "auth">> & DocSpaceClient.MakeOptions
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError> =>
  layerConfig(overrides).pipe(Layer.provide(NodeHttpClient.layerUndici))

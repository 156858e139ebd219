/**
 * One layer for an application: the configuration and the `DocSpaceClient` every operation needs. Runtime-neutral:
 * provide any `HttpClient` (`FetchHttpClient.layer` on Bun, Deno, browsers and workers; on Node, the `NodeDocSpace`
 * layers of `@effect-docspace/resources/node` include undici).
 *
 * @example
 * ```ts
 * import { Auth } from "@effect-docspace/core"
 * import { DocSpace, People } from "@effect-docspace/resources"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Redacted from "effect/Redacted"
 *
 * const Live = DocSpace.layer({
 *   baseUrl: "https://example.onlyoffice.com",
 *   auth: Auth.apiKey(Redacted.make("sk-..."))
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * // or from DOCSPACE_URL and DOCSPACE_API_KEY | DOCSPACE_TOKEN | DOCSPACE_USERNAME + DOCSPACE_PASSWORD
 * const FromEnv = DocSpace.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 *
 * Effect.runPromise(People.self().pipe(Effect.provide(Live)))
 * ```
 *
 * @since 0.1.0
 */
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as DocSpaceConfig from "@effect-docspace/core/DocSpaceConfig"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
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
 * The client for a portal; needs an `HttpClient` (provide `FetchHttpClient.layer`, a mock, or `FakeDocSpace`; on
 * Node, `NodeDocSpace.layer` from `@effect-docspace/resources/node` includes undici). Fails with a `ConfigError` naming `baseUrl` when it is
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
 * What {@link layerConfig} takes: any field of `DocSpaceConfig.Options`, as a value or as a `Config` of your own
 * variable (`baseUrl: Config.string("PORTAL_URL")`; a field left out is read from its `DOCSPACE_*` variable or takes
 * its default), and an optional `transformClient`.
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOverrides =
  & {
    readonly [K in keyof DocSpaceConfig.Options]?: DocSpaceConfig.Options[K] | Config.Config<DocSpaceConfig.Options[K]>
  }
  & DocSpaceClient.MakeOptions

/**
 * The client configured from the environment (or any `ConfigProvider`): `DOCSPACE_URL` and `DOCSPACE_API_KEY` |
 * `DOCSPACE_TOKEN` | `DOCSPACE_USERNAME` + `DOCSPACE_PASSWORD`. `options` set what the environment does not
 * (rate-limit policy, user agent), or read a field from a `Config` of your own; a whole `Config.Wrap<Options>` (the
 * form `@effect/ai-openai`'s `layerConfig` takes) is accepted too. Needs an `HttpClient`.
 *
 * @example
 * import { DocSpace } from "@effect-docspace/resources"
 * import { Auth } from "@effect-docspace/core"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Config from "effect/Config"
 * import * as Layer from "effect/Layer"
 *
 * const Live = DocSpace.layerConfig({
 *   baseUrl: Config.string("PORTAL_URL"),
 *   auth: Config.map(Config.redacted("PORTAL_KEY"), Auth.apiKey)
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: ConfigOverrides | Config.Config.Wrap<DocSpaceConfig.Options>
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError, HttpClient.HttpClient> => {
  if (Config.isConfig(options)) {
    return DocSpaceClient.layer().pipe(Layer.provide(DocSpaceConfig.layerConfig(options)))
  }
  const { transformClient, ...config } = (options ?? {}) as ConfigOverrides
  return DocSpaceClient.layer({ transformClient }).pipe(
    Layer.provide(DocSpaceConfig.layerConfig(config))
  )
}

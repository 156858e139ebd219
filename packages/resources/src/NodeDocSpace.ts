/**
 * The {@link DocSpace} layers with Node's HTTP client (undici) included. Imported from the `/node` entry, so that the
 * main entry of `@effect-docspace/resources` stays free of `@effect/platform-node` and `node:*` imports and runs on
 * any runtime (Node, Bun, Deno, browsers, workers) with the `HttpClient` you provide.
 *
 * @example
 * ```ts
 * import { Auth } from "@effect-docspace/core"
 * import { People } from "@effect-docspace/resources"
 * import { NodeDocSpace } from "@effect-docspace/resources/node"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const Live = NodeDocSpace.layer({
 *   baseUrl: "https://example.onlyoffice.com",
 *   auth: Auth.apiKey(Redacted.make("sk-..."))
 * })
 *
 * // or from DOCSPACE_URL and DOCSPACE_API_KEY | DOCSPACE_TOKEN | DOCSPACE_USERNAME + DOCSPACE_PASSWORD
 * const FromEnv = NodeDocSpace.layerConfig()
 *
 * Effect.runPromise(People.self().pipe(Effect.provide(Live)))
 * ```
 *
 * @since 0.2.0
 */
import * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as DocSpace from "./DocSpace.js"
import * as Undici from "./internal/undici.js"

// undici (its agent and `request` only: see internal/undici.ts) aborts a request when its signal fires: the client's
// timeouts abort it, without a fiber per request
const transport = Layer.merge(Undici.layer, Layer.succeed(DocSpaceClient.TransportAborts, true))

/**
 * {@link DocSpace.layer} with Node's HTTP client (undici) included. Its requests' timeouts abort them through their
 * abort signal (see `DocSpaceClient.TransportAborts`).
 *
 * @since 0.2.0
 * @category layers
 */
export const layer = (
  options: DocSpace.Options
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError> =>
  DocSpace.layer(options).pipe(Layer.provide(transport))

/**
 * {@link DocSpace.layerConfig} with Node's HTTP client (undici) included, its requests' timeouts by abort signal as
 * with {@link layer}.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig = (
  options?: Parameters<typeof DocSpace.layerConfig>[0]
): Layer.Layer<DocSpaceClient.DocSpaceClient, ConfigError.ConfigError> =>
  DocSpace.layerConfig(options).pipe(Layer.provide(transport))

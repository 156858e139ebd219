/**
 * An in-memory DocSpace that behaves like the real one for everything the curated resource modules use: password,
 * token, API-key, cookie and Basic authentication (2FA included), people, groups, rooms, folders, files with
 * versions, trash, favorites and recent, chunked uploads (the `location` handler and the 3.7 REST sessions),
 * downloads with `Range`, presigned URIs, file operations that progress with the `Clock`, sharing links and signed
 * webhook deliveries. Bodies use the real envelope and the real field names of the 3.7 spec.
 *
 * `makeHandler` gives the raw `Handler` and a `FakeState` to inspect the server side; `layer` / `serve` (below)
 * expose it as an `HttpClient` or on a loopback port.
 *
 * @since 0.1.0
 */
import type * as HttpClient_ from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { postWith, sendWithRetries } from "./internal/fake/deliver.js"
import { setStorageOrigin, storageHandler } from "./internal/fake/files.js"
import type { Counters } from "./internal/fake/server.js"
import { makeDispatcher } from "./internal/fake/server.js"
import { FakeModel } from "./internal/fake/state.js"
import { formatDate, HttpError, makeRandom } from "./internal/fake/util.js"
import { shortUtc, withReceiverCheck } from "./internal/fake/webhooks.js"
import type { Handler } from "./internal/handler.js"
import { ConnectionReset } from "./internal/handler.js"

/**
 * A state-API call the fake cannot honour: an unknown user, a missing folder, the quota.
 *
 * @since 0.1.0
 * @category errors
 */
export class FakeStateError extends Schema.TaggedError<FakeStateError>()("FakeStateError", {
  message: Schema.String
}) {}

/**
 * A user the fake knows from the start.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeUser {
  readonly email: string
  readonly password: string | Redacted.Redacted<string>
  readonly firstName?: string
  readonly lastName?: string
  readonly isAdmin?: boolean
  /** Turns on two-factor authentication: login answers `tfa: true` and `/authentication/{code}` needs this code. */
  readonly tfaCode?: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Seeds ids, tokens and keys; the same seed gives the same values. Default 1. */
  readonly seed?: number
  /** Users; the first is the portal owner. Default: `admin@example.com` / `admin-password`, an admin. */
  readonly users?: ReadonlyArray<FakeUser>
  /**
   * API keys (`sk-` + 64 hex) and the user each acts as (by email; default the first user). Default: one key,
   * derived from the seed, for the first user.
   */
  readonly apiKeys?: ReadonlyArray<{ readonly key: string | Redacted.Redacted<string>; readonly email?: string }>
  /** Stored bytes (every version, trash included) may not exceed this; the excess gets 402. Default 1 GiB. */
  readonly quotaBytes?: number
  /** `chunkUploadSize` from `GET /api/2.0/files/settings`. Default 10 MiB. */
  readonly chunkUploadSize?: number
  /** Lifetime of a login token. Default 24 hours. */
  readonly tokenLifetimeMillis?: number
  /** Lifetime of a presigned download URL. Default 1 hour. */
  readonly presignedLifetimeMillis?: number
  /**
   * Downloads as on a portal whose storage is not local disk (every DocSpace Cloud portal): `filehandler.ashx`
   * (a file's current version, bulk archives) answers 302 to a presigned URL on a second origin, which serves the
   * bytes with standard `Range` support and refuses any request that carries credentials (an `Authorization` header
   * or the `asc_auth_key` cookie) with 400. `true` uses `storageOrigin`. Default: on for `serve` (a second loopback
   * listener), off for `layer` and `makeHandler`.
   *
   * @since 0.2.0
   */
  readonly storageRedirect?: boolean | undefined
  /**
   * The storage's origin for `storageRedirect` in process (`layer`): default `http://storage.fake.docspace.localhost`.
   * `serve` uses its second listener's.
   *
   * @since 0.2.0
   */
  readonly storageOrigin?: string | undefined
  /** How long a file operation takes to reach 100 %. Default 2 seconds. */
  readonly fileOperationMillis?: number
  /** An upload session expires after this long without a chunk. Default 12 hours. */
  readonly uploadSessionLifetimeMillis?: number
  /** Called with each signed webhook delivery after it is recorded, e.g. to POST it with an `HttpClient`. */
  readonly deliver?: (delivery: WebhookDelivery) => Effect.Effect<void>
  /**
   * How the portal reaches webhook receivers, as the real one does: registering or updating a webhook sends a
   * `HEAD` to its `uri` and is refused (400 "Webhook URL is not available...") unless it answers 2xx; each delivery
   * is POSTed in the background and, when it fails or is not answered 2xx, retried 5 times after 1, 2, 4, 8 and 16
   * seconds on the `Clock`, each retry a new body (`webhook.retryCount`, `retryOn`, `lastFailureOn`,
   * `lastFailureContent`) signed again and recorded (`attempt` 1 to 5); a final 410 deletes the webhook. Without
   * it registration is not checked and deliveries are only recorded (and passed to `deliver`).
   *
   * @since 0.2.0
   */
  readonly webhookClient?: HttpClient_.HttpClient | undefined
}

/**
 * A webhook delivery as the fake recorded it: `headers["x-docspace-signature-256"]` is
 * `sha256=<UPPERCASE hex HMAC-SHA256(secretKey, body)>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookDelivery {
  readonly id: number
  readonly webhookId: number
  readonly uri: string
  readonly trigger: string
  readonly triggerType: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly timestamp: number
  /** 0 for the first attempt; 1 to 5 for retries (with `webhookClient`). */
  readonly attempt: number
}

/**
 * What the server received: requests by `"METHOD /template"` (unknown routes as `"METHOD (unknown)"`), writes
 * (anything but GET/HEAD/OPTIONS), and requests in flight, counted until their response body stream ends.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestCounts {
  readonly total: number
  readonly writes: number
  readonly inFlight: number
  readonly peakInFlight: number
  readonly byRoute: Readonly<Record<string, number>>
}

/**
 * A stored file as the state API shows it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredFile {
  readonly id: number
  readonly folderId: number
  readonly title: string
  readonly versions: number
  readonly size: number
}

/**
 * A file operation as the state API shows it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredOperation {
  readonly id: string
  /** `FileOperationType`: Move 0, Copy 1, Delete 2, Download 3, Duplicate 7. */
  readonly type: number
  readonly progress: number
  readonly finished: boolean
  readonly error: string
}

/**
 * Inspects and seeds the fake from the test side. Every read first advances file operations to the `Clock`.
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeState {
  /** The ready API key of the first user (`Authorization: Bearer sk-...`). */
  readonly apiKey: Redacted.Redacted<string>
  /** The first user's email and password. */
  readonly admin: { readonly email: string; readonly password: Redacted.Redacted<string> }
  readonly counts: Effect.Effect<RequestCounts>
  readonly resetCounts: Effect.Effect<void>
  readonly storedBytes: Effect.Effect<number>
  readonly files: Effect.Effect<ReadonlyArray<StoredFile>>
  readonly fileContent: (fileId: number) => Effect.Effect<Option.Option<Uint8Array>>
  readonly operations: Effect.Effect<ReadonlyArray<StoredOperation>>
  readonly webhookDeliveries: Effect.Effect<ReadonlyArray<WebhookDelivery>>
  /** The id of a user's "My documents" (default: the first user). */
  readonly myFolderId: (email?: string) => Effect.Effect<number, FakeStateError>
  /** Stores a file directly (no request, not counted); it still counts against the quota. */
  readonly seedFile: (input: {
    readonly folderId: number
    readonly title: string
    readonly content: Uint8Array | string
    readonly email?: string
  }) => Effect.Effect<StoredFile, FakeStateError>
  /** Logs a user in without a request and returns the token. */
  readonly login: (email?: string) => Effect.Effect<Redacted.Redacted<string>, FakeStateError>
}

const unwrap = (value: string | Redacted.Redacted<string>): string =>
  typeof value === "string" ? value : Redacted.value(value)

/**
 * The storage origin of `storageRedirect` in process: `http://storage.fake.docspace.localhost`.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultStorageOrigin = "http://storage.fake.docspace.localhost"

/**
 * Builds a fresh fake: its `Handler` (what `layer` and `serve` wrap) and its `FakeState`.
 *
 * @example
 * ```ts
 * import { FakeDocSpace } from "@effect-docspace/testing"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const { handler, state } = yield* FakeDocSpace.makeHandler({ quotaBytes: 1024 * 1024 })
 *   const counts = yield* state.counts
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHandler = (
  options: Options = {}
): Effect.Effect<{ readonly handler: Handler; readonly state: FakeState }> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const seed = options.seed ?? 1
    const users = (options.users ?? [{ email: "admin@example.com", password: "admin-password", isAdmin: true }]).map((
      u
    ) => ({ ...u, password: unwrap(u.password) }))
    const firstEmail = users[0]?.email ?? "admin@example.com"
    const defaultKey = `sk-${makeRandom(seed ^ 0x5eed).hex(64)}`
    const apiKeys = (options.apiKeys ?? [{ key: defaultKey }]).map((k) => ({
      key: unwrap(k.key),
      email: k.email ?? firstEmail
    }))
    const model = new FakeModel({
      seed,
      users,
      apiKeys,
      quotaBytes: options.quotaBytes ?? 1024 * 1024 * 1024,
      chunkUploadSize: options.chunkUploadSize ?? 10 * 1024 * 1024,
      tokenLifetimeMillis: options.tokenLifetimeMillis ?? 24 * 60 * 60 * 1000,
      presignedLifetimeMillis: options.presignedLifetimeMillis ?? 60 * 60 * 1000,
      fileOperationMillis: options.fileOperationMillis ?? 2000,
      uploadSessionLifetimeMillis: options.uploadSessionLifetimeMillis ?? 12 * 60 * 60 * 1000,
      now
    })
    if (options.storageRedirect === true) setStorageOrigin(model, options.storageOrigin ?? defaultStorageOrigin)
    const counters: Counters = { total: 0, writes: 0, inFlight: 0, peakInFlight: 0, byRoute: new Map() }
    const deliver = options.deliver
    const webhookClient = options.webhookClient
    const handler = withReceiverCheck(
      model,
      makeDispatcher(model, counters, (deliveries) =>
        Effect.zipRight(
          deliver === undefined ? Effect.void : Effect.forEach(deliveries, deliver, { discard: true }),
          // the portal sends from a queue: the request that raised the event does not wait for its receivers
          webhookClient === undefined ? Effect.void : Effect.forEach(
            deliveries,
            (delivery) => Effect.forkDaemon(sendWithRetries(model, webhookClient, delivery, shortUtc)),
            { discard: true }
          )
        )),
      webhookClient
    )
    const synced = <A>(f: (now: number) => A): Effect.Effect<A> =>
      Effect.flatMap(Clock.currentTimeMillis, (t) =>
        Effect.sync(() => {
          model.advance(t)
          return f(t)
        }))
    const userOf = (email?: string) => {
      const user = model.userByEmail(email ?? firstEmail)
      if (user === undefined) throw new HttpError(404, `FakeDocSpace: no user ${email ?? firstEmail}`)
      return user
    }
    /** Like `synced`, but an `HttpError` thrown by the model becomes a `FakeStateError`. */
    const attempt = <A>(f: (now: number) => A): Effect.Effect<A, FakeStateError> =>
      Effect.flatMap(Clock.currentTimeMillis, (t) =>
        Effect.try({
          try: () => {
            model.advance(t)
            return f(t)
          },
          catch: (e) => new FakeStateError({ message: e instanceof HttpError ? e.message : String(e) })
        }))
    const stored = (id: number): StoredFile => {
      const f = model.files.get(id)!
      return {
        id: f.id,
        folderId: f.folderId,
        title: f.title,
        versions: f.versions.length,
        size: model.fileSize(f)
      }
    }
    const state: FakeState = {
      apiKey: Redacted.make(apiKeys[0]?.key ?? defaultKey),
      admin: { email: firstEmail, password: Redacted.make(users[0]?.password ?? "") },
      counts: Effect.sync(() => ({
        total: counters.total,
        writes: counters.writes,
        inFlight: counters.inFlight,
        peakInFlight: counters.peakInFlight,
        byRoute: Object.fromEntries(counters.byRoute)
      })),
      resetCounts: Effect.sync(() => {
        counters.total = 0
        counters.writes = 0
        counters.peakInFlight = counters.inFlight
        counters.byRoute.clear()
      }),
      storedBytes: synced(() => model.storedBytes()),
      files: synced(() => [...model.files.keys()].map(stored)),
      fileContent: (id) =>
        synced(() => {
          const f = model.files.get(id)
          return f === undefined ? Option.none() : Option.some(f.versions[f.versions.length - 1].bytes)
        }),
      operations: synced(() =>
        model.operations.map((op) => ({
          id: op.id,
          type: op.type,
          progress: op.progress,
          finished: op.finished,
          error: op.error
        }))
      ),
      webhookDeliveries: Effect.sync(() => [...model.deliveries]),
      myFolderId: (email) => attempt(() => userOf(email).myFolderId),
      seedFile: (input) =>
        attempt((t) => {
          const bytes = typeof input.content === "string" ? new TextEncoder().encode(input.content) : input.content
          const { file } = model.storeUpload(input.folderId, input.title, bytes, userOf(input.email).id, t, false)
          model.pending.splice(0)
          return stored(file.id)
        }),
      login: (email) =>
        attempt((t) => {
          const token = model.random.hex(64)
          model.tokens.set(token, { userId: userOf(email).id, expires: t + model.options.tokenLifetimeMillis })
          return Redacted.make(token)
        })
    }
    return { handler, state }
  })

/**
 * A `deliver` option that POSTs each signed delivery to its webhook's `uri` through the given `HttpClient`, with
 * the `x-docspace-signature-256` header and the raw body; the subscriber's answer and failures are ignored.
 *
 * @example
 * ```ts
 * import { FakeDocSpace } from "@effect-docspace/testing"
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* HttpClient.HttpClient
 *   const fake = yield* FakeDocSpace.makeHandler({ deliver: FakeDocSpace.deliverWith(client) })
 * })
 * ```
 *
 * @since 0.1.0
 * @category webhooks
 */
export const deliverWith: (client: HttpClient_.HttpClient) => (delivery: WebhookDelivery) => Effect.Effect<void> =
  postWith

/**
 * The wire format of dates (`ApiDateTime`): `2026-11-27T04:00:00.0000000+00:00`.
 *
 * @since 0.1.0
 * @category utils
 */
export const formatApiDate: (millis: number) => string = formatDate

// ---------------------------------------------------------------------------------------------------------------
// Runners: the fake as an in-process HttpClient layer or on a loopback port, with server-side limits and faults.
// (Imports for this part are kept here so the part above stays as its author wrote it.)
// ---------------------------------------------------------------------------------------------------------------

import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as FakeServer from "./FakeServer.js"
import * as Adapters from "./internal/adapters.js"
import * as Faults from "./internal/faults.js"
import type { InvalidOptions } from "./internal/limits.js"
import * as Limits from "./internal/limits.js"

/**
 * Options of `layer`, `serve` and `make`: the fake's own options, plus server-side limits and faults. Faults sit in
 * front of the limits (as a proxy sits in front of the server): a fault that never reaches the server is not
 * counted by the limits.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunOptions extends Options {
  /** Server-side rate limits (off unless given). */
  readonly limits?: FakeServer.LimitsOptions | undefined
  /** Fault injection (off unless given). */
  readonly faults?: FakeServer.FaultsOptions | undefined
}

/**
 * A running fake: where it is, a ready API key, its state, and the limits' and faults' counters.
 *
 * @since 0.1.0
 * @category models
 */
export interface Running {
  /** The base URL to give the client: `http://127.0.0.1:<port>` for `serve`, `baseUrl` for `layer`. */
  readonly url: string
  /** The first user's API key (`sk-` + 64 hex), sent as `Authorization: Bearer`. */
  readonly apiKey: Redacted.Redacted<string>
  readonly state: FakeState
  /** The complete handler (faults, then limits, then the fake). */
  readonly handler: Handler
  readonly limits: Option.Option<FakeServer.Limits>
  readonly faults: Option.Option<FakeServer.Faults>
  /**
   * The storage origin downloads redirect to (`storageRedirect`), when they do.
   *
   * @since 0.2.0
   */
  readonly storageUrl?: string | undefined
}

/**
 * The running fake, provided by `layer` next to its `HttpClient`.
 *
 * @since 0.1.0
 * @category tags
 */
export class Server extends Context.Tag("@effect-docspace/testing/FakeDocSpace/Server")<Server, Running>() {}

/**
 * Builds a fresh fake wrapped in its limits and faults, without running it anywhere (`url` is `baseUrl`, default
 * `http://fake.docspace.localhost`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: RunOptions & { readonly baseUrl?: string | undefined } = {}
): Effect.Effect<Running, InvalidOptions> =>
  Effect.gen(function*() {
    const url = (options.baseUrl ?? "http://fake.docspace.localhost").replace(/\/+$/, "")
    const { handler: inner, state } = yield* makeHandler(options)
    const limits = options.limits === undefined ? undefined : yield* Limits.make(options.limits)
    const faults = options.faults === undefined ? undefined : yield* Faults.make(options.faults)
    const limited = limits === undefined ? inner : limits.middleware(inner)
    const portal = faults === undefined ? limited : faults.middleware(limited)
    // the storage is another server: the portal's limits do not apply to it; faults do (a proxy, the network),
    // with rules on `GET /storage/presigned/{token}`
    const storageUrl = options.storageRedirect === true
      ? (options.storageOrigin ?? defaultStorageOrigin).replace(/\/+$/, "")
      : undefined
    const storage = faults === undefined ? storageHandler(inner) : faults.middleware(storageHandler(inner))
    const handler: Handler = storageUrl === undefined
      ? portal
      : (request) => request.url.origin === storageUrl ? storage(request) : portal(request)
    return {
      url,
      apiKey: state.apiKey,
      state,
      handler,
      limits: Option.fromNullable(limits),
      faults: Option.fromNullable(faults),
      ...(storageUrl !== undefined ? { storageUrl } : {})
    }
  })

/**
 * The fake as an in-process `HttpClient` layer: no sockets, and everything that takes time (file operations,
 * limits' windows, latency and drip faults) follows the `Clock`, so tests are deterministic under `TestClock`.
 * Requests may use any host; give the client `baseUrl` (default `http://fake.docspace.localhost`). The `Server`
 * service gives the API key, the state and the counters.
 *
 * @example
 * ```ts
 * import { FakeDocSpace } from "@effect-docspace/testing"
 * import * as HttpClient from "@effect/platform/HttpClient"
 * import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* FakeDocSpace.Server
 *   const client = yield* HttpClient.HttpClient
 *   const me = yield* client.execute(
 *     HttpClientRequest.get(`${fake.url}/api/2.0/people/@self`).pipe(
 *       HttpClientRequest.bearerToken(Redacted.value(fake.apiKey))
 *     )
 *   )
 *   return me.status
 * }).pipe(Effect.provide(FakeDocSpace.layer({ limits: { regime: "cloud", timeScale: 0.01 } })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: RunOptions & { readonly baseUrl?: string | undefined } = {}
): Layer.Layer<HttpClient.HttpClient | Server, InvalidOptions> =>
  Layer.effectContext(
    Effect.map(make(options), (running) =>
      Context.make(HttpClient.HttpClient, Adapters.toHttpClient(running.handler)).pipe(
        Context.add(Server, running)
      ))
  )

/**
 * Serves the fake on a loopback port for the life of the scope: `port` 0 (default) picks a free one, `host`
 * defaults to `127.0.0.1`. Returns the URL (`http://127.0.0.1:<port>`) and a ready API key. Time is the `Clock`
 * of the caller (real time in a program, `TestClock` under `it.effect`). Downloads redirect to a storage on a second
 * loopback listener (`storageUrl`) that refuses credentials, as on a Cloud portal, unless `storageRedirect: false`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  options: RunOptions & { readonly port?: number | undefined; readonly host?: string | undefined } = {}
): Effect.Effect<Running, InvalidOptions | FakeServer.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.storageRedirect === false) {
      const running = yield* make(options)
      const served = yield* Adapters.serve(running.handler, { port: options.port, host: options.host })
      return { ...running, url: served.url }
    }
    // the storage on a second loopback listener: its origin is known before the fake is built
    const current: { handler?: Handler } = {}
    const storage = yield* Adapters.serve(
      (request) =>
        current.handler === undefined
          ? Effect.fail(new ConnectionReset({ reason: "not ready" }))
          : current.handler(request),
      { port: 0, host: options.host }
    )
    const running = yield* make({ ...options, storageRedirect: true, storageOrigin: storage.url })
    current.handler = running.handler
    const served = yield* Adapters.serve(running.handler, { port: options.port, host: options.host })
    return { ...running, url: served.url }
  })

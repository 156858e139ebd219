/**
 * A webhook receiver: an `@effect/platform` `HttpApp` that takes the portal's deliveries, verifies their signature
 * ({@link Webhooks.decodeDelivery}), decodes them into a {@link Webhooks.Delivery} and hands them to your Effect
 * ({@link make}) or to a `Stream` ({@link stream}). Mount it on any `HttpRouter` route, or serve it alone; it runs on
 * every runtime `@effect/platform` serves (Node, Bun, Deno, a web `Request` handler via `HttpApp.toWebHandler`).
 *
 * What it answers, and why (DocSpace-server `WebhooksController.CheckWebhook`, `WebhookSender`):
 * - `HEAD` (and `GET`): 200, empty. The portal sends a `HEAD` when a webhook is registered or changed and refuses
 *   the registration unless the answer is 2xx.
 * - `POST` with a valid signature and a delivery body: your handler runs, then 200. If the handler fails or dies,
 *   500: the portal sends the delivery again (5 retries, 1 to 16 s apart, each signed again, same `event.id`; make
 *   the handler idempotent on `event.id`).
 * - A missing or wrong signature: 401, and the body is not parsed. A body that is not a delivery: 400. A body over
 *   `maxBodyBytes`: 413. Other methods: 405. These are refused without calling the handler; the portal retries
 *   them as well, and a receiver answering `410 Gone` would delete the webhook (this one never does).
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "@effect-docspace/resources"
 * import * as HttpRouter from "@effect/platform/HttpRouter"
 * import * as Console from "effect/Console"
 * import * as Redacted from "effect/Redacted"
 *
 * const receiver = WebhookReceiver.make({
 *   secret: Redacted.make("my-webhook-secret"),
 *   handle: (delivery) => Console.log(delivery.event.trigger, delivery.payload)
 * })
 *
 * // mount it at the URL registered with Webhooks.register, then serve the router with your platform's server
 * export const router = HttpRouter.empty.pipe(HttpRouter.all("/hooks/docspace", receiver))
 * ```
 *
 * @since 0.2.0
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Webhooks from "./Webhooks.js"

/**
 * The largest body {@link make} reads by default: 10 MiB.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultMaxBodyBytes = 10 * 1024 * 1024

/**
 * @since 0.2.0
 * @category models
 */
export interface Options<E, R> {
  /** The webhook's secret, as given to {@link Webhooks.register}. */
  readonly secret: Redacted.Redacted<string>
  /** Runs for each verified delivery before the answer; a failure answers 500, and the portal retries. */
  readonly handle: (delivery: Webhooks.Delivery) => Effect.Effect<void, E, R>
  /** Default {@link defaultMaxBodyBytes} (also when this is not a finite number >= 0). */
  readonly maxBodyBytes?: number | undefined
  /** Called with each refused request's reason (status and message), e.g. to log it. Never sees the secret. */
  readonly onRejected?: ((rejection: Rejection) => Effect.Effect<void>) | undefined
}

/**
 * Why a request was refused.
 *
 * @since 0.2.0
 * @category models
 */
export interface Rejection {
  /** 503 only from {@link stream}, when its queue is full. */
  readonly status: 400 | 401 | 405 | 413 | 500 | 503
  readonly message: string
}

class TooLarge {
  readonly _tag = "TooLarge"
}

const readBody = (request: HttpServerRequest.HttpServerRequest, max: number) => {
  const declared = Number(request.headers["content-length"])
  if (Number.isFinite(declared) && declared > max) return Effect.fail(new TooLarge())
  return request.stream.pipe(
    Stream.runFoldEffect({ size: 0, chunks: [] as Array<Uint8Array> }, (acc, chunk) => {
      const size = acc.size + chunk.length
      if (size > max) return Effect.fail(new TooLarge())
      acc.chunks.push(chunk)
      return Effect.succeed({ size, chunks: acc.chunks })
    }),
    Effect.map(({ chunks, size }) => {
      const body = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      return body
    })
  )
}

/**
 * An `HttpApp` that receives deliveries and runs `handle` on each verified one; see the module's description for
 * what it answers.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <E, R>(
  options: Options<E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, R | HttpServerRequest.HttpServerRequest> =>
  makeWith(options, () => ({ status: 500, message: "the handler failed" }))

const makeWith = <E, R>(
  options: Options<E, R>,
  onFailure: (cause: Cause.Cause<E>) => Rejection
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, R | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const reject = (status: Rejection["status"], message: string) =>
      Effect.as(
        options.onRejected === undefined ? Effect.void : options.onRejected({ status, message }),
        HttpServerResponse.text(message, { status })
      )
    const method = request.method.toUpperCase()
    if (method === "HEAD" || method === "GET") return HttpServerResponse.empty({ status: 200 })
    if (method !== "POST") {
      return yield* Effect.map(
        reject(405, `${method} is not accepted: the portal POSTs deliveries and checks the receiver with HEAD`),
        HttpServerResponse.setHeader("allow", "GET, HEAD, POST")
      )
    }
    const max = options.maxBodyBytes
    const body = yield* Effect.either(
      readBody(request, max !== undefined && Number.isFinite(max) && max >= 0 ? max : defaultMaxBodyBytes)
    )
    if (body._tag === "Left") {
      return yield* body.left instanceof TooLarge
        ? reject(413, "the delivery body is too large")
        : reject(400, "the delivery body could not be read")
    }
    const delivery = yield* Effect.either(
      Webhooks.decodeDelivery({
        secret: options.secret,
        body: body.right,
        signature: request.headers[Webhooks.signatureHeader]
      })
    )
    if (delivery._tag === "Left") {
      return yield* reject(delivery.left.reason === "signature" ? 401 : 400, delivery.left.message)
    }
    const handled = yield* Effect.exit(options.handle(delivery.right))
    if (handled._tag === "Failure") {
      const rejection = onFailure(handled.cause)
      return yield* reject(rejection.status, rejection.message)
    }
    return HttpServerResponse.empty({ status: 200 })
  })

/**
 * A receiver whose deliveries come out as a `Stream`: `app` is the `HttpApp` to mount, `deliveries` the verified
 * deliveries in the order they arrived. A delivery is answered 200 once it is queued; when `capacity` deliveries are
 * waiting (default 1024), a new one is answered 503 and the portal sends it again later. The queue ends with the
 * scope.
 *
 * @example
 * ```ts
 * import { WebhookReceiver } from "@effect-docspace/resources"
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const { app, deliveries } = yield* WebhookReceiver.stream({ secret: Redacted.make("my-webhook-secret") })
 *   // serve `app` at the registered URL, then:
 *   yield* deliveries.pipe(Stream.filter((d) => d.event.trigger === "file.created"), Stream.take(1), Stream.runDrain)
 *   return app
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const stream = (
  options: Omit<Options<never, never>, "handle"> & { readonly capacity?: number | undefined }
): Effect.Effect<
  {
    readonly app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    readonly deliveries: Stream.Stream<Webhooks.Delivery>
  },
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(
      Queue.dropping<Webhooks.Delivery>(options.capacity ?? 1024),
      Queue.shutdown
    )
    const app = makeWith(
      {
        ...options,
        handle: (delivery) =>
          Effect.flatMap(Queue.offer(queue, delivery), (queued) => queued ? Effect.void : Effect.fail("full" as const))
      },
      (cause) =>
        Cause.isFailure(cause)
          ? { status: 503, message: "too many deliveries waiting" }
          : { status: 500, message: "the delivery could not be queued" }
    )
    return { app, deliveries: Stream.fromQueue(queue) }
  })

/**
 * The README's demo: starts the embedded fake DocSpace on a loopback port, connects to it with the real client over
 * fetch (rate limiter included), runs the resources package's demo program against it, then fires a burst of
 * requests and shows the limiter at work: a live line on a terminal, a plain line per second otherwise. The fake's
 * downloads redirect to a second listener (a storage, as on DocSpace Cloud): fetch follows the redirect (and drops the
 * Authorization header on the way, as the storage requires); Node's undici transport would not follow it.
 *
 *   npm run demo
 */
console.log("demo: loading the packages ...")

const { Auth } = await import("@effect-docspace/core")
const { RateLimiter, RateLimitPolicy } = await import("@effect-docspace/rate-limit")
const { DocSpace, People } = await import("@effect-docspace/resources")
const { FakeDocSpace } = await import("@effect-docspace/testing")
const FetchHttpClient = await import("@effect/platform/FetchHttpClient")
const Console = await import("effect/Console")
const Effect = await import("effect/Effect")
const Fiber = await import("effect/Fiber")
const Layer = await import("effect/Layer")
const Schedule = await import("effect/Schedule")
const { demo } = await import("../packages/resources/examples/demo.ts")

// a terminal gets a live limiter line rewritten in place; a pipe or a log file gets plain lines
const tty = process.stdout.isTTY === true
const BURST = 200

const main = Effect.gen(function*() {
  yield* Console.log("demo: starting the fake DocSpace on a loopback port ...")
  const fake = yield* FakeDocSpace.serve({ port: 0 })
  yield* Console.log(`demo: fake DocSpace listening on ${fake.url}`)
  // one limiter for the whole demo, so that its stats can be shown
  const limiter = yield* RateLimiter.make(RateLimitPolicy.docSpaceCloud)
  const live = DocSpace.layer({
    baseUrl: fake.url,
    auth: Auth.apiKey(fake.apiKey),
    rateLimit: RateLimitPolicy.docSpaceCloud
  }).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(Layer.succeed(RateLimiter.RateLimiter, limiter)))

  yield* Console.log("demo: the tour (who am I, folder, 25 MiB upload in chunks, list, download + SHA-256, copy)")
  yield* demo.pipe(Effect.provide(live))

  yield* Console.log(
    `demo: a burst of ${BURST} GET requests at once through the ${RateLimitPolicy.docSpaceCloud.name} policy ` +
      `(at most ${RateLimitPolicy.docSpaceCloud.concurrency.read} reads in flight)`
  )
  let done = 0
  const line = Effect.map(
    limiter.stats,
    (s) =>
      `limiter: ${done}/${BURST} done, ${s.read.inFlight} in flight, ${s.read.waiting} waiting, ` +
      `peak ${s.read.peakInFlight} in flight, ${s.throttled} throttled, ${s.refused429 + s.refused503} refused`
  )
  const show = Effect.flatMap(
    line,
    (text) => tty ? Effect.sync(() => process.stdout.write(`\r${text}\x1b[K`)) : Console.log(text)
  )
  const reporter = yield* Effect.fork(Effect.repeat(show, Schedule.spaced(tty ? "100 millis" : "1 second")))
  yield* Effect.forEach(
    Array.from({ length: BURST }),
    () => Effect.tap(People.self(), () => Effect.sync(() => done++)),
    { concurrency: "unbounded", discard: true }
  ).pipe(Effect.provide(live))
  yield* Fiber.interrupt(reporter)
  const final = yield* line
  yield* Console.log(tty ? `\r${final}\x1b[K` : final)

  const counts = yield* fake.state.counts
  yield* Console.log(
    `demo: the fake received ${counts.total} requests (${counts.writes} writes, peak ${counts.peakInFlight} in ` +
      `flight); done`
  )
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exit(1)
})

/**
 * Issue 10's interruption sweep: each curated flow is interrupted at every request boundary, at the worst moment:
 * the portal has done the work of request k (the proxy holds its answer), and the client's fiber is interrupted
 * before it sees the answer. Afterwards the portal must hold no leftover (no open upload session, no operation still
 * running), the interruption must complete within a bound (clean-up requests are bounded by the client's timeout),
 * no fiber forked by the flow may still run, and no canary secret may have been printed.
 */
import { FileOperations, Folders, People } from "@effect-docspace/resources"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Supervisor from "effect/Supervisor"
import * as Canaries from "./suite/canaries.js"
import * as Flows from "./suite/flows.js"
import * as Hostile from "./suite/hostile.js"

/**
 * Boundaries that are not clean yet, with why: printed on every run (the gap stays visible) without failing CI. A
 * boundary listed here that is clean is reported.
 */
const knownFailures: Record<string, string> = {}

interface SweepFlow {
  readonly name: string
  readonly envOptions?: Flows.EnvOptions | undefined
  /** Boundaries to sweep when the flow has no natural end within the suite (a long file operation). */
  readonly maxBoundaries?: number | undefined
  readonly run: (env: Flows.Env) => Effect.Effect<unknown, unknown, never>
  /** The matrix's server-side checks (half files, a replaced older copy, temporary files). */
  readonly invariant?: Flows.Invariant | undefined
}

const fromMatrix = (name: string): SweepFlow => {
  const flow = Flows.flows.find((f) => f.name === name)!
  return {
    name,
    envOptions: { ...flow.envOptions, listSize: name === "paged list" ? 230 : 0 },
    run: (env) => Effect.provide(flow.run(env), env.layer),
    invariant: flow.invariant
  }
}

// file operations that run for a minute unless terminated: an interrupted wait must terminate its operation
const longOperation = { fileOperationMillis: 60_000, listSize: 0 }
const waitOptions = { schedule: Schedule.spaced(Duration.millis(50)), cleanupTimeout: Flows.requestTimeout }

const sweepFlows: ReadonlyArray<SweepFlow> = [
  fromMatrix("upload (location)"),
  fromMatrix("upload (session)"),
  fromMatrix("download (portal)"),
  fromMatrix("download (toFile)"),
  fromMatrix("paged list"),
  {
    name: "password login (2FA)",
    envOptions: { listSize: 0 },
    run: (env) => Effect.provide(People.self(), env.layer)
  },
  {
    name: "copy",
    envOptions: longOperation,
    maxBoundaries: 5,
    run: (env) =>
      Effect.provide(
        FileOperations.copy({ fileIds: [env.download.id], destFolderId: env.myFolder, ...waitOptions }),
        env.layer
      )
  },
  {
    name: "move",
    envOptions: longOperation,
    maxBoundaries: 6,
    run: (env) =>
      Effect.gen(function*() {
        const dest = yield* Folders.create(env.myFolder, "dest")
        return yield* FileOperations.move({ fileIds: [env.download.id], destFolderId: dest.id, ...waitOptions })
      }).pipe(Effect.provide(env.layer))
  },
  {
    name: "delete",
    envOptions: longOperation,
    maxBoundaries: 5,
    run: (env) => Effect.provide(FileOperations.remove({ fileIds: [env.download.id], ...waitOptions }), env.layer)
  }
]

/** How many requests the flow sends when nothing interrupts it. */
const boundaries = (flow: SweepFlow) =>
  Effect.gen(function*() {
    if (flow.maxBoundaries !== undefined) return flow.maxBoundaries
    const env = yield* Flows.env(flow.envOptions)
    yield* flow.run(env)
    return env.hostile.log.length
  }).pipe(Effect.scoped)

interface Boundary {
  readonly flow: string
  readonly index: number
  readonly request: string
  readonly problems: ReadonlyArray<string>
}

const sweepAt = (flow: SweepFlow, index: number, recorder: Canaries.Recorder) =>
  Effect.gen(function*() {
    const env = yield* Flows.env(flow.envOptions)
    const reached = yield* Deferred.make<Hostile.Exchange>()
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    env.hostile.setHook({
      afterUpstream: (exchange) => {
        if (exchange.index !== index) return Promise.resolve()
        Deferred.unsafeDone(reached, Effect.succeed(exchange))
        return released
      }
    })
    const supervisor = yield* Supervisor.track
    const fiber = yield* Effect.fork(
      Effect.supervised(Canaries.recorded(recorder, flow.run(env)), supervisor)
    )
    const hit = yield* Effect.race(
      Deferred.await(reached),
      Effect.as(Fiber.await(fiber), undefined).pipe(Effect.delay("10 millis"))
    ).pipe(Effect.timeoutOption("20 seconds"))
    if (hit._tag === "None" || hit.value === undefined) {
      release()
      yield* Fiber.interrupt(fiber)
      return undefined // the flow ended (or never got there) before this boundary
    }
    const request = `${hit.value.method} ${hit.value.path}`
    const problems: Array<string> = []
    const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
    yield* Effect.sleep("20 millis")
    release()
    const done = yield* Fiber.await(interrupting).pipe(Effect.timeoutOption("20 seconds"))
    if (done._tag === "None") problems.push("the interruption did not complete within 20 s")
    // let the clean-up requests land, then look at the portal
    for (let i = 0; i < 100 && env.hostile.inFlight() > 0; i++) yield* Effect.sleep("20 millis")
    problems.push(...Hostile.openSessions(env.hostile.log).map((id) => `upload session ${id.slice(0, 8)} left open`))
    const running = (yield* env.fake.state.operations).filter((op) => !op.finished)
    if (running.length > 0) problems.push(`${running.length} file operation(s) left running`)
    if (flow.invariant !== undefined) problems.push(...(yield* flow.invariant(env, undefined)))
    let alive = 0
    for (let i = 0; i < 50; i++) {
      alive = (yield* supervisor.value).length
      if (alive === 0) break
      yield* Effect.sleep("20 millis")
    }
    if (alive > 0) problems.push(`${alive} fiber(s) forked by the flow still running`)
    Flows.learnTokens(env.hostile)
    return { flow: flow.name, index, request, problems } satisfies Boundary
  }).pipe(Effect.scoped)

const exchange = (method: string, target: string, status: number, body: unknown): Hostile.Exchange => {
  const url = new URL(target, "http://proxy")
  return {
    method,
    path: url.pathname,
    query: url.searchParams,
    index: 0,
    headers: {},
    requestBody: Buffer.alloc(0),
    forwarded: true,
    upstreamStatus: status,
    upstreamBody: Buffer.from(JSON.stringify(body)),
    fault: undefined
  }
}

describe("interruption sweep", () => {
  it("the leftover detector sees a session opened and never closed, and one closed by abort, 201 or DELETE", () => {
    const opened = (id: string) =>
      exchange("POST", "/api/2.0/files/5/upload/create_session", 200, { response: { success: true, data: { id } } })
    const openedB = (id: string) => exchange("POST", "/api/2.0/files/5/session", 200, { response: { id } })
    expect(Hostile.openSessions([opened("a")])).toEqual(["a"])
    expect(Hostile.openSessions([opened("a"), exchange("POST", "/ChunkedUploader.ashx?uid=a&abort=true", 200, {})]))
      .toEqual([])
    expect(Hostile.openSessions([
      opened("a"),
      exchange("POST", "/ChunkedUploader.ashx?uid=a", 201, { success: true, data: { uploaded: true } })
    ])).toEqual([])
    expect(Hostile.openSessions([openedB("b")])).toEqual(["b"])
    expect(Hostile.openSessions([openedB("b"), exchange("DELETE", "/api/2.0/files/5/session/b", 200, {})])).toEqual([])
  })

  it.live(
    "every curated flow, interrupted at every request boundary, leaves nothing behind",
    () =>
      Effect.gen(function*() {
        const recorder = Canaries.makeRecorder()
        const results: Array<Boundary> = []
        for (const flow of sweepFlows) {
          const n = yield* boundaries(flow)
          const swept = yield* Effect.forEach(
            Array.from({ length: n }, (_, i) => i),
            (i) => sweepAt(flow, i, recorder),
            { concurrency: 3 }
          )
          for (const b of swept) if (b !== undefined) results.push(b)
        }
        const dirty = results.filter((b) => b.problems.length > 0)
        const unexpected = dirty.filter((b) => knownFailures[`${b.flow} #${b.index}`] === undefined)
        for (const b of dirty) {
          const known = knownFailures[`${b.flow} #${b.index}`]
          console.log(
            `${known ? "known failure" : "NOT CLEAN"}: ${b.flow} at #${b.index} (${b.request}): ` +
              b.problems.join("; ") + (known ? ` [${known}]` : "")
          )
        }
        for (const key of Object.keys(knownFailures)) {
          if (!dirty.some((b) => `${b.flow} #${b.index}` === key)) {
            console.log(`now clean, remove from knownFailures: ${key}`)
          }
        }
        const leaks = Canaries.leaks(recorder.outputs)
        console.log(`interruption sweep: ${results.length - dirty.length}/${results.length} boundaries clean`)
        expect(results.length).toBeGreaterThan(30)
        expect(leaks).toEqual([])
        expect(unexpected.map((b) => `${b.flow} #${b.index} ${b.request}: ${b.problems.join("; ")}`)).toEqual([])
      }),
    240_000
  )
})

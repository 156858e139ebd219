/**
 * Issue 10's fault matrix: every operation kind (read, write, paged list, upload over both protocols, download,
 * file operation start and poll) against every fault the hostile proxy can do (suite/hostile.ts), over real sockets.
 * A cell holds when the fault did hit its request, the flow ended within a bound in the right result or one of the
 * client's named typed errors (never a defect, never a hang), the portal did no write twice, no upload session was
 * left open, no part of a file was stored, no credential reached another origin, and no canary secret was printed.
 * Real time: the client's timeouts are one second, so silence costs about that; cells run a few at a time.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Canaries from "./suite/canaries.js"
import * as Flows from "./suite/flows.js"
import * as Hostile from "./suite/hostile.js"

/** Cells that do not hold yet, with why; printed on every run, and a cell listed here that holds is reported. */
const knownFailures: Record<string, string> = {}

/** The columns: no fault (the flow must succeed, so that no cell holds by failing every time), then each fault. */
const columns = ["none", ...Hostile.faultKinds] as const
type Column = typeof columns[number]

interface Cell {
  readonly flow: string
  readonly fault: Column
  readonly outcome: string
  readonly problems: ReadonlyArray<string>
}

const runCell = (flow: Flows.Flow, fault: Column, transport: "node" | "undici") =>
  Effect.gen(function*() {
    // a flow that needs a transport of its own (fetch, to follow a storage redirect) keeps it
    const env = yield* Flows.env({ transport, ...flow.envOptions })
    env.hostile.setRules(fault === "none" ? [] : [{ match: flow.target, fault, skip: flow.skip }])
    const recorder = Canaries.makeRecorder()
    const started = Date.now()
    // disconnected: a flow stuck where it cannot be interrupted is reported as a hang instead of hanging the suite
    const exit = yield* Canaries.recorded(recorder, Effect.provide(flow.run(env), env.layer)).pipe(
      Effect.disconnect,
      Effect.timeoutOption("20 seconds")
    )
    const problems: Array<string> = []
    let outcome: string
    let detail = ""
    if (exit._tag === "None") {
      outcome = "HANG"
      problems.push("no result within 20 s")
    } else if (Exit.isSuccess(exit.value)) {
      outcome = exit.value.value === undefined ? "ok" : "WRONG"
      if (exit.value.value !== undefined) problems.push(`wrong result: ${exit.value.value}`)
    } else {
      const failure = Cause.failureOption(exit.value.cause)
      if (failure._tag === "Some" && Flows.isTyped(failure.value)) {
        outcome = failure.value._tag
        detail = String((failure.value as { message?: unknown }).message ?? "").slice(0, 200)
      } else {
        outcome = Cause.isInterruptedOnly(exit.value.cause) ? "INTERRUPTED" : "DEFECT"
        problems.push(`${outcome}: ${Cause.pretty(exit.value.cause).slice(0, 300)}`)
      }
    }
    if (fault === "none" && outcome !== "ok") problems.push(`fails without any fault: ${outcome} ${detail}`)
    if (fault !== "none" && !env.hostile.log.some((e) => e.fault === fault)) {
      problems.push(`the fault never hit its request (${detail})`)
    }
    const succeeded = exit._tag === "Some" && Exit.isSuccess(exit.value)
    // let clean-up requests (aborts, terminates) that run after the failure land before looking
    yield* Effect.sleep("50 millis")
    problems.push(...(yield* flow.invariant(env, succeeded)))
    for (const received of env.hostile.foreign.received) {
      const headers = received.headers as Record<string, unknown>
      if (headers.authorization !== undefined || headers.cookie !== undefined) {
        problems.push(`credentials sent to another origin (${Object.keys(headers).join(",")})`)
      }
    }
    Flows.learnTokens(env.hostile)
    problems.push(...Canaries.leaks(recorder.outputs).map((l) => `canary printed: ${l}`))
    return { flow: flow.name, fault, outcome: `${outcome} ${Date.now() - started}ms`, problems } satisfies Cell
  }).pipe(Effect.scoped)

const table = (cells: ReadonlyArray<Cell>): string => {
  const faults = columns
  const width = 16
  const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n - 1) + " " : s + " ".repeat(n - s.length))
  const lines = [pad("", 24) + faults.map((f) => pad(f, width)).join("")]
  for (const flow of Flows.flows) {
    let line = pad(flow.name, 24)
    for (const fault of faults) {
      const cell = cells.find((c) => c.flow === flow.name && c.fault === fault)
      const text = cell === undefined
        ? "n/a"
        : (cell.problems.length === 0 ? "" : "FAIL:") + cell.outcome.split(" ")[0]
      line += pad(text, width)
    }
    lines.push(line)
  }
  return lines.join("\n")
}

// over NodeDocSpace.layer's own transport (timeouts abort the request's signal) and over @effect/platform-node's
// undici client under DocSpace.layer (a fiber per request for its timeout)
describe.each(["node", "undici"] as const)("fault matrix (%s)", (transport) => {
  it.live(
    "every operation kind x every fault: the right result or a named typed error, nothing duplicated or left",
    () =>
      Effect.gen(function*() {
        const work = Flows.flows.flatMap((flow) =>
          columns.filter((f) => f === "none" || !(flow.notApplicable ?? []).includes(f)).map((fault) => ({
            flow,
            fault
          }))
        )
        const cells = yield* Effect.forEach(work, ({ fault, flow }) => runCell(flow, fault, transport), {
          concurrency: 8
        })
        // a row whose flow fails without any fault verifies nothing: its cells do not hold
        const broken = new Set(cells.filter((c) => c.fault === "none" && c.problems.length > 0).map((c) => c.flow))
        for (const c of cells) {
          if (broken.has(c.flow) && c.fault !== "none" && c.problems.length === 0) {
            ;(c.problems as Array<string>).push("unverified: the flow fails without any fault")
          }
        }
        const failing = cells.filter((c) => c.problems.length > 0)
        const unexpected = failing.filter((c) => knownFailures[`${c.flow} x ${c.fault}`] === undefined)
        console.log(`${table(cells)}\n`)
        for (const c of failing) {
          const known = knownFailures[`${c.flow} x ${c.fault}`]
          console.log(
            `${known ? "known failure" : "FAILS"}: ${c.flow} x ${c.fault} (${c.outcome}): ${c.problems.join("; ")}` +
              (known ? ` [${known}]` : "")
          )
        }
        for (const key of Object.keys(knownFailures)) {
          if (!failing.some((c) => `${c.flow} x ${c.fault}` === key)) {
            console.log(`now holds, remove from knownFailures: ${key}`)
          }
        }
        const slowest = cells.reduce((
          a,
          b
        ) => (Number.parseInt(b.outcome.split(" ")[1]!) > Number.parseInt(a.outcome.split(" ")[1]!) ? b : a))
        console.log(`slowest cell: ${slowest.flow} x ${slowest.fault}, ${slowest.outcome} (bound 20 s)`)
        console.log(`fault matrix (${transport}): ${cells.length - failing.length}/${cells.length} cells hold`)
        expect(cells.length).toBeGreaterThan(80)
        expect(unexpected.map((c) => `${c.flow} x ${c.fault}: ${c.problems.join("; ")}`)).toEqual([])
      }),
    240_000
  )
})

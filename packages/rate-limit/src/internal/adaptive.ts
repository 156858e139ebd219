/**
 * What the limiter learns from the server's refusals: its own log of recent sends, the refusal classification fed
 * with it, the limits it lowers, and how long a sliding window needs before it admits one more.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { Refusal } from "../RateLimitRefusal.js"
import type { WindowSpec } from "../RateLimitStore.js"
import { classify } from "./refusal.js"

/** @internal */
export type Class = "read" | "write"

/** A window of the policy; its limit is mutable: the limit in force can be lowered by what the server shows. @internal */
export interface GlobalWindow {
  readonly spec: { -readonly [K in keyof WindowSpec]: WindowSpec[K] }
  readonly methods: ReadonlySet<string> | undefined
}

/** @internal */
export interface SendRecord {
  readonly at: number
  readonly inFlightBefore: number
  /** refused by the server's window: the server did not count it */
  windowRefused: boolean
}

/** What a refused request was. @internal */
export interface RefusedRequest {
  readonly method: string
  readonly cls: Class
  readonly routeLimits: ReadonlyArray<number>
}

// the server's request window (1500 per minute) when the policy has none of its own
const DEFAULT_WINDOW = 60 * 1000

/** @internal */
export const makeAdaptive = (options: {
  /** learning lower limits from the server only makes sense when this process sees all the traffic */
  readonly adaptive: boolean
  readonly globals: ReadonlyArray<GlobalWindow>
  /** the concurrency caps in force, lowered in place */
  readonly caps: Record<Class, number | undefined>
  readonly writesPerDay: number | undefined
}) => {
  const { adaptive, caps, globals } = options
  // The global window a refusal is measured against: the single one every request counts in.
  const unfiltered = globals.filter((g) => g.methods === undefined)
  const primary = unfiltered.length === 1 ? unfiltered[0] : undefined
  const windowInterval = primary?.spec.intervalMillis ?? DEFAULT_WINDOW
  // what this limiter sent lately (the longest global window, at least a minute): the refusal classification's count
  const horizon = Math.max(DEFAULT_WINDOW, ...globals.map((g) => g.spec.intervalMillis))
  let sendLog: Array<SendRecord> = []
  let sendHead = 0

  const logSend = (record: SendRecord) => {
    sendLog.push(record)
    while (sendHead < sendLog.length && sendLog[sendHead].at <= record.at - horizon) sendHead++
    if (sendHead > 1024 && sendHead * 2 > sendLog.length) {
      sendLog = sendLog.slice(sendHead)
      sendHead = 0
    }
  }

  // the sends in (from, to] the server counted in its window (it does not count what its window refused)
  const counted = (from: number, to: number, except?: SendRecord): Array<SendRecord> => {
    const out: Array<SendRecord> = []
    for (let i = sendLog.length - 1; i >= sendHead; i--) {
      const r = sendLog[i]
      if (r.at <= from) break
      if (r.at <= to && r !== except && !r.windowRefused) out.push(r)
    }
    return out.reverse()
  }

  // a refusal may lower a limit to no less than half of its value: weaker evidence (a refusal far below our own limit
  // comes from a route limit or from someone else's traffic) is left to the gate
  const lowered = (current: number | undefined, learned: number): number | undefined =>
    learned >= 1 && (current === undefined || (learned < current && learned >= Math.ceil(current / 2))) ?
      learned :
      undefined
  // the server's own figure, confirmed by our counts, is adopted as is (never raising a limit)
  const adopted = (current: number | undefined, learned: number): number | undefined =>
    learned >= 1 && (current === undefined || learned < current) ? learned : undefined

  const classifyRefusal = (
    ctx: RefusedRequest,
    sent: SendRecord,
    headers: HttpClientResponse.HttpClientResponse["headers"],
    status: number,
    now: number
  ): Refusal | undefined =>
    classify({
      status,
      headers: headers as unknown as Readonly<Record<string, string | undefined>>,
      now,
      method: ctx.method,
      inFlight: sent.inFlightBefore,
      sentInWindow: counted(sent.at - windowInterval, sent.at, sent).length,
      windowLimit: primary?.spec.limit,
      concurrencyCap: caps[ctx.cls],
      routeLimits: ctx.routeLimits,
      writesPerDay: options.writesPerDay
    })

  // Learns a concurrency cap only from a concurrency refusal, and a window limit only from a window refusal.
  const learn = (ctx: RefusedRequest, sent: SendRecord, refusal: Refusal) => {
    if (!adaptive) return
    const bound = refusal.evidence === "announced" && refusal.limit !== undefined ? adopted : lowered
    if (refusal.kind === "concurrency") {
      const before = caps[ctx.cls]
      const after = bound(before, refusal.limit ?? sent.inFlightBefore)
      if (after === undefined) return
      caps[ctx.cls] = after
      if (before === undefined) return
      // The two classes' caps come from one published pair (50 GET / 15 others): a policy that is wrong for one
      // class is wrong by the same factor for the other. Scale it now, rather than let that class walk into the
      // wall once more before it learns.
      for (const other of ["read", "write"] as const) {
        const cap = caps[other]
        if (other !== ctx.cls && cap !== undefined) caps[other] = Math.max(1, Math.floor(cap * after / before))
      }
      return
    }
    if (refusal.kind !== "window") return
    if (refusal.limit !== undefined) {
      if (primary !== undefined) primary.spec.limit = bound(primary.spec.limit, refusal.limit) ?? primary.spec.limit
      return
    }
    // no figure: what the server accepted in the interval before
    for (const g of unfiltered) {
      const accepted = counted(sent.at - g.spec.intervalMillis, sent.at, sent).length
      g.spec.limit = lowered(g.spec.limit, accepted) ?? g.spec.limit
    }
  }

  // How long a sliding window needs before it admits one more: until the oldest of the last `limit` sends it counted
  // leaves it (plus a margin for the time the request took to reach the server); a whole interval when our own
  // count cannot tell (someone else's traffic fills it).
  const windowWait = (now: number): number => {
    const limit = primary?.spec.limit
    const margin = Math.min(1000, Math.ceil(windowInterval / 50))
    if (limit !== undefined && limit > 0) {
      const inWindow = counted(now - windowInterval, now)
      if (inWindow.length >= limit) {
        return Math.max(1, inWindow[inWindow.length - limit].at + windowInterval - now + margin)
      }
    }
    return windowInterval + margin
  }

  return { logSend, classifyRefusal, learn, windowWait }
}

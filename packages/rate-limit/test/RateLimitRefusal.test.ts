import { RateLimitRefusal } from "@effect-docspace/rate-limit"
import { assert, describe, it } from "@effect/vitest"

const NOW = 1_700_000_000_000

// a DocSpace-like observation: policy 1500/min, 50 GET / 15 others
const observe = (
  headers: Record<string, string>,
  overrides: Partial<RateLimitRefusal.Observation> = {}
): RateLimitRefusal.Refusal | undefined =>
  RateLimitRefusal.classify({
    status: 429,
    headers,
    now: NOW,
    method: "GET",
    inFlight: 0,
    sentInWindow: 0,
    windowLimit: 1500,
    concurrencyCap: 50,
    routeLimits: [],
    writesPerDay: 10_000,
    ...overrides
  })

const kindOf = (headers: Record<string, string>, overrides: Partial<RateLimitRefusal.Observation> = {}) =>
  observe(headers, overrides)?.kind

describe("RateLimitRefusal.isRefusal", () => {
  it("429 always; 503 only with a hint or rate headers", () => {
    assert.isTrue(RateLimitRefusal.isRefusal(429, {}, NOW))
    assert.isFalse(RateLimitRefusal.isRefusal(503, {}, NOW), "a bare 503 is a proxy page")
    assert.isTrue(RateLimitRefusal.isRefusal(503, { "retry-after": "5" }, NOW))
    assert.isTrue(RateLimitRefusal.isRefusal(503, { "x-ratelimit-limit": "500" }, NOW))
    assert.isTrue(RateLimitRefusal.isRefusal(503, { "x-ratelimit-remaining": "0" }, NOW))
    assert.isFalse(RateLimitRefusal.isRefusal(503, { "retry-after": "soon" }, NOW), "an unreadable hint is none")
    assert.isFalse(RateLimitRefusal.isRefusal(502, { "retry-after": "5" }, NOW))
    assert.isFalse(RateLimitRefusal.isRefusal(200, { "x-ratelimit-limit": "1500" }, NOW))
    assert.isUndefined(observe({}, { status: 200 }))
    assert.isUndefined(observe({}, { status: 503 }))
  })
})

describe("RateLimitRefusal.classify, with the real server's headers", () => {
  it("a concurrency refusal: Limit is the cap, Remaining 0, requests in flight, the window far from full", () => {
    const r = observe({ "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0" }, {
      inFlight: 50,
      sentInWindow: 300,
      concurrencyCap: 100,
      windowLimit: 3000
    })
    assert.deepStrictEqual(r, { kind: "concurrency", limit: 50, retryAt: undefined, evidence: "announced" })
  })

  it("a concurrency refusal of writes (HEAD included) with a cap of 15, the policy saying 30", () => {
    for (const method of ["POST", "PUT", "DELETE", "HEAD"]) {
      const r = observe({ "x-ratelimit-limit": "15", "x-ratelimit-remaining": "0" }, {
        method,
        inFlight: 16,
        sentInWindow: 900,
        concurrencyCap: 30
      })
      assert.strictEqual(r?.kind, "concurrency", method)
      assert.strictEqual(r?.limit, 15)
    }
  })

  it("a negative Remaining is concurrency whatever our figures say", () => {
    const r = observe({ "x-ratelimit-limit": "15", "x-ratelimit-remaining": "-2" }, { sentInWindow: 5000 })
    assert.deepStrictEqual(r, { kind: "concurrency", limit: 15, retryAt: undefined, evidence: "announced" })
    assert.strictEqual(kindOf({ "x-ratelimit-remaining": "-1" }), "concurrency")
  })

  it("a window refusal: Limit 1500, Remaining 0, our window full, few in flight", () => {
    const r = observe({ "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0" }, {
      inFlight: 40,
      sentInWindow: 1500,
      windowLimit: 3000,
      concurrencyCap: 100
    })
    assert.deepStrictEqual(r, { kind: "window", limit: 1500, retryAt: undefined, evidence: "announced" })
  })

  it("both explain it: the limit nearest to the one we have for each kind wins", () => {
    // 60 in flight and 2000 sent: a limit of 50 is a cap, a limit of 1500 a window
    const figures = { inFlight: 60, sentInWindow: 2000, concurrencyCap: 100, windowLimit: 3000 }
    assert.strictEqual(kindOf({ "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0" }, figures), "concurrency")
    assert.strictEqual(
      kindOf({ "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0" }, { ...figures, inFlight: 1600 }),
      "window"
    )
  })

  it("a concurrency 429 never reads as the window, whatever our window count", () => {
    const r = observe({ "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0" }, {
      inFlight: 50,
      sentInWindow: 1499
    })
    assert.strictEqual(r?.kind, "concurrency")
  })

  it("the daily cap: a POST/PUT 429 with Retry-After and X-RateLimit-Reset", () => {
    const headers = {
      "x-ratelimit-limit": "10000",
      "x-ratelimit-remaining": "0",
      "retry-after": "3600",
      "x-ratelimit-reset": String(NOW / 1000 + 3600)
    }
    const r = observe(headers, { method: "POST", sentInWindow: 10 })
    assert.deepStrictEqual(r, { kind: "daily", limit: 10_000, retryAt: NOW + 3_600_000, evidence: "announced" })
    assert.strictEqual(kindOf(headers, { method: "PUT" }), "daily")
    // a short Retry-After alone on a write is not the daily cap; a day-long one is
    assert.notStrictEqual(kindOf({ "retry-after": "2" }, { method: "POST" }), "daily")
    assert.strictEqual(kindOf({ "retry-after": "86400" }, { method: "POST" }), "daily")
    // DELETE and GET do not count towards the daily cap
    assert.notStrictEqual(kindOf(headers, { method: "DELETE" }), "daily")
    assert.notStrictEqual(kindOf(headers, { method: "GET" }), "daily")
  })

  it("a route limit: the figure of a rule the request matched", () => {
    const r = observe({ "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0" }, {
      method: "POST",
      routeLimits: [5],
      sentInWindow: 2
    })
    assert.deepStrictEqual(r, { kind: "route", limit: 5, retryAt: undefined, evidence: "announced" })
    // the window's own refusal on that route is still the window
    assert.strictEqual(
      kindOf({ "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0" }, {
        method: "POST",
        routeLimits: [5],
        sentInWindow: 1500
      }),
      "window"
    )
    // a figure none of our counts reach, on a matched route: the route
    assert.strictEqual(kindOf({ "x-ratelimit-limit": "60" }, { method: "POST", routeLimits: [50] }), "route")
  })

  it("a hint is kept whatever the kind", () => {
    const r = observe({ "retry-after": "7", "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0" }, {
      inFlight: 50
    })
    assert.strictEqual(r?.kind, "concurrency")
    assert.strictEqual(r?.retryAt, NOW + 7000)
  })
})

describe("RateLimitRefusal.classify without a usable limit: absent, zero, negative, malformed", () => {
  const unusable: Array<[string, Record<string, string>]> = [
    ["absent", {}],
    ["zero", { "x-ratelimit-limit": "0" }],
    ["negative", { "x-ratelimit-limit": "-15" }],
    ["malformed", { "x-ratelimit-limit": "fifteen" }],
    ["fractional", { "x-ratelimit-limit": "1.5" }],
    ["empty", { "x-ratelimit-limit": "" }]
  ]
  const remainders: Array<[string, Record<string, string>]> = [
    ["no Remaining", {}],
    ["Remaining 0", { "x-ratelimit-remaining": "0" }],
    ["Remaining malformed", { "x-ratelimit-remaining": "none" }]
  ]
  for (const [limitCase, limitHeaders] of unusable) {
    for (const [remainingCase, remainingHeaders] of remainders) {
      const headers = { ...limitHeaders, ...remainingHeaders }
      it(`${limitCase} limit, ${remainingCase}`, () => {
        // requests in flight near the cap, the window far from full: concurrency (our count is below the window)
        const c = observe(headers, { inFlight: 45, sentInWindow: 100 })
        assert.strictEqual(c?.kind, "concurrency")
        assert.strictEqual(c?.limit, undefined, "no figure to learn")
        assert.strictEqual(c?.evidence, "inferred")
        // the window at least half used, nothing in flight: the window
        assert.strictEqual(kindOf(headers, { inFlight: 0, sentInWindow: 1400 })?.toString(), "window")
        // both: the fuller of the two
        assert.strictEqual(kindOf(headers, { inFlight: 30, sentInWindow: 1450 }), "window")
        assert.strictEqual(kindOf(headers, { inFlight: 50, sentInWindow: 800 }), "concurrency")
        // neither: someone else's traffic, a proxy
        assert.strictEqual(kindOf(headers, { inFlight: 0, sentInWindow: 3 }), "unknown-proxy")
        // a matched route rule: the route
        assert.strictEqual(kindOf(headers, { inFlight: 0, routeLimits: [5] }), "route")
        // a legacy 503 with Retry-After only: the same reading, with the hint
        const legacy = observe({ ...headers, "retry-after": "3" }, { status: 503, inFlight: 40, sentInWindow: 20 })
        assert.strictEqual(legacy?.kind, "concurrency")
        assert.strictEqual(legacy?.retryAt, NOW + 3000)
      })
    }
  }

  it("a positive Remaining says the window had room: concurrency, cap unknown", () => {
    const r = observe({ "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "100" }, { sentInWindow: 1400 })
    assert.deepStrictEqual(r, { kind: "concurrency", limit: undefined, retryAt: undefined, evidence: "inferred" })
  })

  it("a policy without a concurrency cap makes concurrency the lesser guess", () => {
    assert.strictEqual(
      kindOf({}, { concurrencyCap: undefined, inFlight: 3, sentInWindow: 3, windowLimit: 6 }),
      "window"
    )
    assert.strictEqual(
      kindOf({}, { concurrencyCap: undefined, inFlight: 3, sentInWindow: 1, windowLimit: 6 }),
      "concurrency"
    )
    assert.strictEqual(kindOf({}, { concurrencyCap: undefined, windowLimit: undefined, inFlight: 0 }), "unknown-proxy")
  })
})

describe("RateLimitRefusal.classify: figures that are not the global window", () => {
  it("a Limit our in-flight count reached is a concurrency cap when the policy has none", () => {
    // 15 writes in flight, 300 sends in a 1500/min window, no cap configured: not a window of 15
    const write = observe({ "x-ratelimit-limit": "15", "x-ratelimit-remaining": "0" }, {
      method: "POST",
      inFlight: 15,
      sentInWindow: 300,
      concurrencyCap: undefined
    })
    assert.deepStrictEqual(write, { kind: "concurrency", limit: 15, retryAt: undefined, evidence: "announced" })
    const read = observe({ "x-ratelimit-limit": "50", "x-ratelimit-remaining": "0" }, {
      inFlight: 50,
      sentInWindow: 900,
      concurrencyCap: undefined
    })
    assert.deepStrictEqual(read, { kind: "concurrency", limit: 50, retryAt: undefined, evidence: "announced" })
  })

  it("a window chosen when the in-flight count also reached the Limit is only inferred", () => {
    const refusal = observe({ "x-ratelimit-limit": "1500", "x-ratelimit-remaining": "0" }, {
      inFlight: 1600,
      sentInWindow: 1500
    })
    assert.strictEqual(refusal?.kind, "window")
    assert.strictEqual(refusal?.evidence, "inferred")
  })

  it("a small Limit on a request matching no rule is a route's limit, not the global window", () => {
    // a legacy policy against a current server: POST /api/2.0/keys met sensitive_api (5 per 15 minutes)
    const refusal = observe({ "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0" }, {
      method: "POST",
      inFlight: 1,
      sentInWindow: 20,
      windowLimit: 500,
      concurrencyCap: 15
    })
    assert.strictEqual(refusal?.kind, "route")
    assert.strictEqual(refusal?.evidence, "inferred")
    // a figure plausible as the window still is one
    assert.strictEqual(
      kindOf({ "x-ratelimit-limit": "400", "x-ratelimit-remaining": "0" }, { sentInWindow: 450, windowLimit: 500 }),
      "window"
    )
  })

  it("a fixed-window refusal whose Limit is not the daily cap is a route's (the email invitations')", () => {
    const endOfDay = NOW + 8 * 60 * 60 * 1000
    const headers = {
      "x-ratelimit-limit": "100",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(endOfDay / 1000),
      "retry-after": String(8 * 60 * 60)
    }
    const invite = observe(headers, { method: "PUT", sentInWindow: 40, concurrencyCap: 15 })
    assert.deepStrictEqual(invite, { kind: "route", limit: 100, retryAt: endOfDay, evidence: "announced" })
    const daily = observe({ ...headers, "x-ratelimit-limit": "10000" }, { method: "POST" })
    assert.strictEqual(daily?.kind, "daily")
    const noLimit = observe({ "x-ratelimit-reset": String(endOfDay / 1000), "retry-after": "28800" }, {
      method: "POST"
    })
    assert.strictEqual(noLimit?.kind, "daily")
  })
})

import { RateLimiter, RateLimitPolicy } from "@effect-docspace/rate-limit"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { makeTransport } from "./utils.js"

const specPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../shared/docspace-openapi/docspace-api-sdk-java-3.7.0/openapi.yaml"
)
const hasSpec = fs.existsSync(specPath)
if (!hasSpec) console.warn(`[rate-limit] skipping the preset-vs-spec test: ${specPath} is absent`)

/**
 * The `X-RateLimit-Limit` description of each operation's 200 response. A line scanner over the generator's regular
 * layout (2-space paths, 4-space methods, 8-space status codes); the totals are checked too, so a layout change fails
 * loudly instead of matching less.
 */
const scanSpec = (text: string) => {
  const out: Array<{ readonly op: string; readonly description: string }> = []
  let pathKey = ""
  let method = ""
  let status = ""
  let inPaths = false
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (/^\S/.test(line)) inPaths = line.startsWith("paths:")
    if (!inPaths) continue
    let m = /^ {2}(\/\S*):\s*$/.exec(line)
    if (m) {
      pathKey = m[1]
      continue
    }
    m = /^ {4}(get|put|post|delete|patch|head|options):\s*$/.exec(line)
    if (m) {
      method = m[1].toUpperCase()
      continue
    }
    m = /^ {8}"?(\d{3}|default)"?:\s*$/.exec(line)
    if (m) {
      status = m[1]
      continue
    }
    if (/^\s+X-RateLimit-Limit:\s*$/.test(line) && status === "200") {
      const d = /description:\s*"?([^"]*)"?\s*$/.exec(lines[i + 1] ?? "")
      if (d) out.push({ op: `${method} ${pathKey}`, description: d[1] })
    }
  }
  return out
}

const toPattern = (op: string) => op.replace(/\{[^}]+\}/g, "*")

describe("DocSpace presets", () => {
  it.skipIf(!hasSpec)("docSpaceCloud route rules match exactly the 3.7 spec's sensitive and payment operations", () => {
    const ops = scanSpec(fs.readFileSync(specPath, "utf8"))
    const sliding = ops.filter((o) => o.description.startsWith("Sliding window rate limit: 1500 requests per minute"))
    const sensitive = ops.filter((o) => o.description === "Rate limit: 5 requests per 15 minutes per user/IP.")
    const payment = ops.filter((o) => o.description === "Rate limit: 10 requests per 1 minutes per user/IP.")
    assert.strictEqual(sliding.length, 543)
    assert.strictEqual(sensitive.length, 15)
    assert.strictEqual(payment.length, 11)
    assert.strictEqual(ops.length, 543 + 15 + 11, "no other rate limit wording in the spec")

    const rules = RateLimitPolicy.docSpaceCloud.routes
    const byWindow = (limit: number, minutes: number) =>
      rules
        .filter((r) =>
          r.windows.length === 1 && r.windows[0].limit === limit &&
          Duration.toMillis(r.windows[0].interval) === minutes * 60_000
        )
        .map((r) => r.route)
        .sort()
    assert.deepStrictEqual(byWindow(5, 15), sensitive.map((o) => toPattern(o.op)).sort())
    assert.deepStrictEqual(byWindow(10, 1), payment.map((o) => toPattern(o.op)).sort())
    assert.strictEqual(rules.length, 26)
  })

  it("the presets carry the published figures", () => {
    const cloud = RateLimitPolicy.docSpaceCloud
    assert.deepStrictEqual(cloud.concurrency, { read: 50, write: 15 })
    assert.strictEqual(cloud.windows[0].limit, 1500)
    assert.strictEqual(Duration.toMillis(cloud.windows[0].interval), 60_000)
    assert.strictEqual(cloud.writesPerDay, 10_000)
    const legacy = RateLimitPolicy.docSpaceLegacy
    assert.strictEqual(legacy.windows[0].limit, 500)
    assert.strictEqual(Duration.toMillis(legacy.windows[0].interval), 10_000)
    assert.strictEqual(legacy.routes[0].windows[0].limit, 1500)
    assert.deepStrictEqual(legacy.concurrency, { read: 50, write: 15 })
  })
})

describe("docSpaceCloud routes in action", () => {
  it.effect("a sensitive route allows 5 per 15 minutes, then fails fast (the wait exceeds maxWait)", () =>
    Effect.gen(function*() {
      const t = makeTransport(() => ({}))
      const limiter = yield* RateLimiter.make(RateLimitPolicy.docSpaceCloud)
      const client = limiter.apply(t.client)
      for (let i = 0; i < 5; i++) {
        yield* Effect.flatMap(client.put(`https://portal.test/api/2.0/people/${i}/email?lang=en`), (r) => r.text)
      }
      const error = yield* Effect.flip(client.put("https://portal.test/api/2.0/People/99/email"))
      assert.strictEqual(error._tag === "RateLimited" && error.reason, "wait-exceeds-limit")
      if (error._tag === "RateLimited") assert.strictEqual(Duration.toMillis(error.retryAfter), 15 * 60_000)
      // other routes are not affected
      yield* Effect.flatMap(client.put("https://portal.test/api/2.0/people/99/password"), (r) => r.text)
      yield* Effect.flatMap(client.get("https://portal.test/api/2.0/people/99/email"), (r) => r.text)
      assert.strictEqual(t.calls.length, 7)
    }).pipe(Effect.scoped))
})

describe("docSpaceLegacy password routes", () => {
  it.effect("5 requests per minute across the password reminder and the password change, then a wait", () =>
    Effect.gen(function*() {
      const t = makeTransport(() => ({}))
      const limiter = yield* RateLimiter.make(RateLimitPolicy.docSpaceLegacy)
      const client = limiter.apply(t.client)
      const urls = [
        "https://portal.test/api/2.0/people/password",
        "https://portal.test/api/2.0/people/0b6d1c2e-0000-4000-8000-000000000001/password"
      ]
      const sixth = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 6 }, (_, i) => i),
          (i) => Effect.flatMap(i % 2 === 0 ? client.post(urls[0]) : client.put(urls[1]), (r) => r.text)
        )
      )
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(t.calls.length, 5, "the sixth waits: the two routes share one window")
      // other People routes are not limited by the rule
      yield* Effect.flatMap(client.put("https://portal.test/api/2.0/people/1/email"), (r) => r.text)
      assert.strictEqual(t.calls.length, 6)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(sixth)
      assert.strictEqual(t.calls.length, 7)
      assert.isAtLeast(t.calls[6].at, 60_000)
    }).pipe(Effect.scoped))

  it("the rule lists the routes of DocSpace-server 2.0's sensitive_api policy", () => {
    const rule = RateLimitPolicy.docSpaceLegacy.routes.find((r) => r.route === RateLimitPolicy.docSpacePasswordRoutes)
    assert.isDefined(rule)
    assert.deepStrictEqual(RateLimitPolicy.docSpacePasswordRoutes, [
      "POST /api/2.0/people/password",
      "PUT /api/2.0/people/*/password"
    ])
    assert.strictEqual(rule!.windows[0].limit, 5)
    assert.strictEqual(Duration.toMillis(rule!.windows[0].interval), 60_000)
  })
})

// What one POST with a body of <KiB> costs, warm, over undici's `request` by hand (`undici`; `SIG=1` adds an
// AbortSignal per request) or through @effect/platform's HttpClient (`platform`: its undici client, one
// `Effect.runPromise` a request): R requests after R of warm-up, to the portal's sink; wall and CPU per request, and
// the split at the answer's headers (undici's diagnostics channel). Add `--trace-gc` to count the collections.
//   R=200 node bench/probes/post-body.mjs <portal> 10240 <undici|platform>
import dc from "node:diagnostics_channel"
import { createRequire } from "node:module"
const [base, kib, which] = process.argv.slice(2)
const R = Number(process.env.R ?? 200)
const body = new Uint8Array(Number(kib) * 1024)
const req = createRequire(import.meta.resolve("@effect-docspace/resources/NodeDocSpace"))
let post
if (which === "undici") {
  const request = req("undici/lib/api/api-request.js")
  const Agent = req("undici/lib/dispatcher/agent.js")
  const agent = new Agent()
  post = async () => {
    const res = await request.call(agent, {
      origin: base, path: "/sink", method: "POST", headers: { "content-type": "application/octet-stream" }, body,
      ...(process.env.SIG ? { signal: new AbortController().signal } : {})
    })
    return res.body.json()
  }
} else {
  const [NodeHttpClient, HttpClient, HttpClientRequest, Effect, ManagedRuntime] = await Promise.all([
    import("@effect/platform-node/NodeHttpClient"), import("@effect/platform/HttpClient"),
    import("@effect/platform/HttpClientRequest"), import("effect/Effect"), import("effect/ManagedRuntime")
  ])
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  // a request of its own each time, as a client builds them
  const one = Effect.suspend(() => Effect.scoped(Effect.flatMap(
    HttpClient.execute(HttpClientRequest.bodyUint8Array(HttpClientRequest.post(`${base}/sink`), body, "application/octet-stream")),
    (res) => res.json
  )))
  post = () => runtime.runPromise(one)
}
let created = 0, headers = 0, toHeaders = 0, afterHeaders = 0
dc.subscribe("undici:request:create", () => { created = performance.now() })
dc.subscribe("undici:request:headers", () => { headers = performance.now() })
for (let i = 0; i < R; i++) await post()
const cpu = process.cpuUsage()
const start = performance.now()
for (let i = 0; i < R; i++) {
  await post()
  toHeaders += headers - created
  afterHeaders += performance.now() - headers
}
const wall = performance.now() - start
const used = process.cpuUsage(cpu)
const ms = (x) => (x / R).toFixed(3)
console.log(`${which} ${kib} KiB, per request: wall ${ms(wall)} ms, CPU ${ms((used.user + used.system) / 1000)} ms, request to headers ${ms(toHeaders)}, headers to the parsed answer ${ms(afterHeaders)}`)
process.exit(0)

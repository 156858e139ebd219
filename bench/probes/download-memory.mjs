// What a 1 GiB download's memory is made of: the largest ArrayBuffers, heap and RSS seen (sampled every 64 chunks),
// and which mappings of /proc/self/smaps grew ([heap] is glibc's main arena, where 64 KiB chunks live).
//   node bench/probes/download-memory.mjs <portal> <MiB> <fetch|undici|platform|eds>
// undici: undici's agent and request, the body read with `for await`; platform: @effect/platform-node's undici
// HttpClient, the body as an Effect stream; eds: Downloads.stream through NodeDocSpace.layer.
const [base, mib, which] = process.argv.slice(2)
const MiB = 2 ** 20
import { readFileSync } from "node:fs"
const smaps = () => { const t = readFileSync("/proc/self/smaps", "utf8").split("\n"); let name = "", out = {}; for (const l of t) { const h = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(l); if (h) { name = h[3] || ((parseInt(h[2],16)-parseInt(h[1],16)) >= 64*MiB ? "anon-big" : "anon"); continue } const r = /^Rss:\s+(\d+)/.exec(l); if (r) out[name] = (out[name] ?? 0) + Number(r[1]) } return out }
let max = { ab: 0, heapTotal: 0, heapUsed: 0, rss: 0 }, maps
const sample = () => { const u = process.memoryUsage(); max.ab = Math.max(max.ab, u.arrayBuffers); max.heapTotal = Math.max(max.heapTotal, u.heapTotal); max.heapUsed = Math.max(max.heapUsed, u.heapUsed); if (u.rss > max.rss) { max.rss = u.rss; maps = smaps() } }
let chunks = 0
let start
if (which === "fetch") {
  start = smaps()
  const res = await fetch(`${base}/filehandler.ashx?action=download&fileid=${mib}`)
  for await (const c of res.body) { if (++chunks % 64 === 0) sample() }
} else if (which === "undici") {
  const { createRequire } = await import("node:module")
  const undici = createRequire(import.meta.resolve("@effect-docspace/resources/NodeDocSpace"))("undici/lib/api/api-request.js")
  const Agent = createRequire(import.meta.resolve("@effect-docspace/resources/NodeDocSpace"))("undici/lib/dispatcher/agent.js")
  start = smaps()
  const res = await undici.call(new Agent(), { origin: base, path: `/filehandler.ashx?action=download&fileid=${mib}`, method: "GET" })
  for await (const c of res.body) { if (++chunks % 64 === 0) sample() }
} else if (which === "platform") {
  const [NodeHttpClient, HttpClient, Effect, Stream] = await Promise.all([import("@effect/platform-node/NodeHttpClient"), import("@effect/platform/HttpClient"), import("effect/Effect"), import("effect/Stream")])
  start = smaps()
  await Effect.runPromise(Effect.scoped(Effect.flatMap(HttpClient.HttpClient, (c) => Effect.flatMap(c.get(`${base}/filehandler.ashx?action=download&fileid=${mib}`), (r) => Stream.runForEach(r.stream, () => Effect.sync(() => { if (++chunks % 64 === 0) sample() }))))).pipe(Effect.provide(NodeHttpClient.layerUndici)))
} else {
  const [Auth, NodeDocSpace, Downloads, Effect, Redacted, Stream] = await Promise.all([import("@effect-docspace/core/Auth"), import("@effect-docspace/resources/NodeDocSpace"), import("@effect-docspace/resources/Downloads"), import("effect/Effect"), import("effect/Redacted"), import("effect/Stream")])
  const client = NodeDocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make("sk-bench")) })
  start = smaps()
  await Effect.runPromise(Effect.provide(Stream.runForEach(Downloads.stream(Number(mib)), () => Effect.sync(() => { if (++chunks % 64 === 0) sample() })), client))
}
const f = (x) => (x / MiB).toFixed(0)
const grow = Object.fromEntries(Object.entries(maps).map(([k, v]) => [k.split("/").pop(), ((v - (start[k] ?? 0)) / 1024).toFixed(0)]).filter(([, v]) => Math.abs(Number(v)) >= 2))
console.log(which, JSON.stringify({ chunks, maxAb: f(max.ab), maxHeapTotal: f(max.heapTotal), maxHeapUsed: f(max.heapUsed), rssAtMax: f(max.rss), peak: (process.resourceUsage().maxRSS / 1024).toFixed(0), startRss: ((Object.values(start).reduce((a, b) => a + b, 0)) / 1024).toFixed(0), growth: grow }))
process.exit(0)

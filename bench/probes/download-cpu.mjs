// CPU and wall time of downloads in one process, run after run: how a fresh process warms up.
//   node bench/probes/download-cpu.mjs <portal> <MiB> <fetch|platform|core|ds>   (R=<runs>, default 1)
// fetch: Node's fetch read with `for await`; platform: @effect/platform-node's undici HttpClient, the body as an Effect
// stream; core: DocSpaceClient.rawStream through NodeDocSpace.layer; ds: Downloads.stream through NodeDocSpace.layer.
// Prints "cpu/wall ms" of each run and the process's peak RSS. Needs the built packages (tsc -b tsconfig.build.json).
const [base, mib, which] = process.argv.slice(2)
const MiB = 2 ** 20
let run
if (which === "fetch") run = async () => { const res = await fetch(`${base}/filehandler.ashx?action=download&fileid=${mib}`); let n = 0; for await (const c of res.body) n += c.length; return n }
else if (which === "platform") {
  const [NodeHttpClient, HttpClient, Effect, Stream] = await Promise.all([import("@effect/platform-node/NodeHttpClient"), import("@effect/platform/HttpClient"), import("effect/Effect"), import("effect/Stream")])
  run = () => Effect.runPromise(Effect.scoped(Effect.flatMap(HttpClient.HttpClient, (c) => Effect.flatMap(c.get(`${base}/filehandler.ashx?action=download&fileid=${mib}`), (r) => Stream.runFold(r.stream, 0, (n, b) => n + b.length)))).pipe(Effect.provide(NodeHttpClient.layerUndici)))
} else {
  const [Auth, NodeDocSpace, Downloads, DocSpaceClient, Effect, Redacted, Stream] = await Promise.all([import("@effect-docspace/core/Auth"), import("@effect-docspace/resources/NodeDocSpace"), import("@effect-docspace/resources/Downloads"), import("@effect-docspace/core/DocSpaceClient"), import("effect/Effect"), import("effect/Redacted"), import("effect/Stream")])
  const client = NodeDocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make("sk-bench")) })
  const program = which === "core"
    ? Effect.scoped(Effect.flatMap(DocSpaceClient.rawStream({ operation: "downloadFile", method: "GET", path: "/filehandler.ashx", urlParams: { action: "download", fileid: mib } }), (r) => Stream.runFold(r.body, 0, (n, c) => n + c.length)))
    : Stream.runFold(Downloads.stream(Number(mib)), 0, (n, c) => n + c.length)
  run = () => Effect.runPromise(Effect.provide(program, client))
}
const out = []
for (let r = 0; r < Number(process.env.R ?? 1); r++) {
  const c0 = process.cpuUsage(), t0 = performance.now()
  const n = await run()
  const c = process.cpuUsage(c0)
  out.push(`${Math.round((c.user + c.system) / 1000)}/${Math.round(performance.now() - t0)}`)
}
console.log(which.padEnd(9), "cpu/wall ms", out.join(" "), "peak", Math.round(process.resourceUsage().maxRSS / 1024))
process.exit(0)

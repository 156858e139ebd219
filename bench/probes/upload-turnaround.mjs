// Where an upload part's turnaround goes, run after run in one process: from the part's answer headers to its checked
// reply (onProgress), and from there to the next part's request (the next part cut, the request built and sent through
// the limiter), medians over the second half of the parts; and each part's write.
//   node bench/probes/upload-turnaround.mjs <portal> <MiB>   (R=<runs>, default 1)
import dc from "node:diagnostics_channel"
const [base, mib] = process.argv.slice(2)
const MiB = 2 ** 20, size = Number(mib) * MiB, piece = new Uint8Array(64 * 1024)
const H = { create: [], headers: [], bodySent: [] }, P = []
for (const k of Object.keys(H)) dc.subscribe(`undici:request:${k}`, (m) => { if (String(m.request.path).includes("ChunkedUploader")) H[k].push(performance.now()) })
const [Auth, NodeDocSpace, Uploads, Effect, Redacted, Stream, ManagedRuntime] = await Promise.all([import("@effect-docspace/core/Auth"), import("@effect-docspace/resources/NodeDocSpace"), import("@effect-docspace/resources/Uploads"), import("effect/Effect"), import("effect/Redacted"), import("effect/Stream"), import("effect/ManagedRuntime")])
const RateLimitPolicy = await import("@effect-docspace/rate-limit/RateLimitPolicy")
// docSpaceCloud with a window that never waits (bench/compare/policy.ts)
const cloudPolicy = { ...RateLimitPolicy.docSpaceCloud, windows: [RateLimitPolicy.window(1_000_000_000, "1 minute")] }
const rt = ManagedRuntime.make(NodeDocSpace.layer({ baseUrl: base, auth: Auth.apiKey(Redacted.make("sk-bench")), rateLimit: cloudPolicy }))
const up = Uploads.upload({ folderId: 1, fileName: "big.bin", size, content: Stream.range(1, size / piece.length).pipe(Stream.as(piece)), onProgress: () => Effect.sync(() => { P.push(performance.now()) }) })
for (let r = 0; r < Number(process.env.R ?? 1); r++) {
  for (const k in H) H[k] = []; P.length = 0
  await rt.runPromise(up)
  const n = Math.min(H.headers.length, P.length)
  const med = (a) => { a = [...a].sort((x, y) => x - y); return a[a.length >> 1]?.toFixed(2) }
  const hp = [], pc = [], cs = []
  for (let i = Math.floor(n / 2); i < n - 1; i++) { hp.push(P[i] - H.headers[i]); pc.push(H.create[i + 1] - P[i]); cs.push(H.bodySent[i] - H.create[i]) }
  console.log(`run ${r}: second half: headers->progress ${med(hp)} | progress->next create ${med(pc)} | create->bodySent ${med(cs)}`)
}
process.exit(0)

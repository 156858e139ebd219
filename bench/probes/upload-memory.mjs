// Where an upload's RSS growth lives: the undici reference (10 MiB parts by hand over undici's index, as the bench's
// undici-chunked once did) uploads <MiB>, and the mappings of /proc/self/smaps that grew most between the start and the
// moment of peak RSS are printed. A new 64 MiB-aligned anonymous mapping is a glibc malloc arena of another thread;
// run under `strace -f -k -e trace=mprotect` to see what grows it (TurboFan's zones, 12-03).
//   node bench/probes/upload-memory.mjs <portal> <MiB>   (node flags such as --no-concurrent-recompilation vary it)
import { createRequire } from "node:module"
import { readFileSync } from "node:fs"
const require = createRequire(import.meta.resolve("@effect/platform-node/NodeHttpClient"))
const undici = require("undici")
const [base, mibArg] = process.argv.slice(2)
const MiB = 1024 * 1024, size = Number(mibArg) * MiB, piece = new Uint8Array(64 * 1024), chunk = 10 * MiB
const snap = () => { const t = readFileSync("/proc/self/smaps", "utf8").split("\n"); let key = "", out = new Map(); for (const l of t) { const h = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(l); if (h) { key = `${h[1]} ${((parseInt(h[2],16)-parseInt(h[1],16))/MiB).toFixed(1)}M ${h[3]||"anon"}`; continue } const r = /^Rss:\s+(\d+)/.exec(l); if (r) out.set(key, Number(r[1])) } return out }
const created = await (await undici.request(`${base}/api/2.0/files/1/upload/create_session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileName: "big.bin", fileSize: size }) })).body.json()
const location = created.response.data.location
const boundary = "----b"
const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`)
const buffer = new Uint8Array(head.length + chunk + tail.length); buffer.set(head, 0)
for (let f = 0; f < chunk; f += piece.length) buffer.set(piece, head.length + f)
const s0 = snap()
let sent = 0, best = 0, bestSnap
while (sent < size) {
  const n = Math.min(chunk, size - sent)
  for (let f = 0; f < n; f += piece.length) buffer.set(piece, head.length + f)
  buffer.set(tail, head.length + n)
  const res = await undici.request(location, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body: buffer.subarray(0, head.length + n + tail.length) })
  await res.body.json(); sent += n
  const rss = process.memoryUsage().rss
  if (rss > best) { best = rss; bestSnap = snap() }
}
console.log("peak", (best / MiB).toFixed(0))
const rows = []
for (const [k, v] of bestSnap) { const d = v - (s0.get(k) ?? 0); if (Math.abs(d) > 1024) rows.push([d, k, s0.has(k) ? "" : "new"]) }
rows.sort((a, b) => b[0] - a[0]); for (const r of rows.slice(0, 15)) console.log((r[0] / 1024).toFixed(1), "MiB", r[1], r[2])
process.exit(0)

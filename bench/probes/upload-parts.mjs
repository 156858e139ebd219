// A preload: times each upload part with undici's diagnostics channel and prints the medians of the first and the
// last quarter of the parts: write (request created -> body sent), reply (-> answer headers), turn (-> next part).
//   node --import ./bench/probes/upload-parts.mjs node_modules/.cache/bench-compare/transfer.js <portal> upload 1024 <contender>
import dc from "node:diagnostics_channel"
const t = { create: [], bodySent: [], headers: [] }
for (const k of Object.keys(t)) dc.subscribe(`undici:request:${k}`, (m) => { if (String(m.request.path).includes("ChunkedUploader") || String(m.request.path).includes("upload")) t[k].push(performance.now()) })
process.on("exit", () => {
  const n = Math.min(t.create.length, t.headers.length, t.bodySent.length)
  const med = (a) => { a = [...a].sort((x, y) => x - y); return a[a.length >> 1]?.toFixed(2) }
  const seg = (from, to) => { const w = [], r = [], tu = []; for (let i = from; i < to; i++) { w.push(t.bodySent[i] - t.create[i]); r.push(t.headers[i] - t.bodySent[i]); if (i + 1 < to) tu.push(t.create[i + 1] - t.headers[i]) } return `write ${med(w)} reply ${med(r)} turn ${med(tu)}` }
  const q = Math.floor(n / 4)
  process.stderr.write(`n ${n} | first quarter: ${seg(0, q)} | last quarter: ${seg(n - q, n)}\n`)
})

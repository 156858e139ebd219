/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and by file, with the paths cut
 * to what a reader recognises (`rate-limit/dist/internal/limiter.js`, `effect/dist/esm/Effect.js`, `node:...`).
 */
import { readFileSync } from "node:fs"

interface Node {
  readonly id: number
  readonly children?: ReadonlyArray<number>
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}
interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

export interface Row {
  readonly name: string
  readonly ms: number
  readonly share: number
}

/** A short, recognisable path for a script URL. */
export const shortFile = (url: string): string => {
  if (url === "") return "(native / VM)"
  if (url.startsWith("node:")) return url
  const path = url.replace(/^file:\/\//, "")
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/(.*)$/.exec(path)
  if (pnpm !== null) return pnpm[1]
  const pkg = /\/packages\/([^/]+)\/(.*)$/.exec(path)
  if (pkg !== null) return `${pkg[1]}/${pkg[2]}`
  const modules = /node_modules\/(.*)$/.exec(path)
  if (modules !== null) return modules[1]
  return path.split("/").slice(-2).join("/")
}

/** Which library a file belongs to: our packages by name, effect, @effect/platform, undici, node, ... */
export const owner = (file: string): string => {
  if (file.startsWith("node:")) return "node internals"
  if (file === "(native / VM)") return "native / VM (incl. GC)"
  const m = /^(@[^/]+\/[^/]+|[^/]+)/.exec(file)
  const head = m === null ? file : m[1]
  return ["core", "rate-limit", "resources", "testing"].includes(head) ? `@effect-docspace/${head}` : head
}

export const summarise = (
  file: string
): {
  readonly totalMs: number
  readonly functions: Array<Row>
  readonly files: Array<Row>
  readonly owners: Array<Row>
} => {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  // the profiler's own control, `node:inspector`'s `post` (stopping the profile takes 100-140 ms, once, and showed as a
  // native "dispatch" of 50-70 us a request in every contender's profile): not part of what is measured
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const inspector = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (byId.get(at)?.callFrame.url === "node:inspector") return true
    }
    return false
  }
  const self = new Map<number, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    if (inspector(id)) return
    self.set(id, (self.get(id) ?? 0) + dt)
    total += dt
  })
  const functions = new Map<string, number>()
  const files = new Map<string, number>()
  const owners = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame
    if (frame.functionName === "(idle)" || frame.functionName === "(program)") {
      add(functions, frame.functionName, us)
      add(files, frame.functionName, us)
      add(owners, frame.functionName, us)
      continue
    }
    const f = shortFile(frame.url)
    add(functions, `${frame.functionName || "(anonymous)"} ${f}:${frame.lineNumber + 1}`, us)
    add(files, f, us)
    add(owners, owner(f), us)
  }
  const rows = (map: Map<string, number>) =>
    [...map].map(([name, us]) => ({ name, ms: us / 1000, share: us / total })).sort((a, b) => b.ms - a.ms)
  return { totalMs: total / 1000, functions: rows(functions), files: rows(files), owners: rows(owners) }
}

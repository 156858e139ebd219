/**
 * `pnpm bench:compare`: effect-docspace side by side with plain fetch, axios, @effect/platform's HttpClient and the
 * official generated SDK, on loopback servers of its own, against the goals of issue 13. Prints one table and
 * writes it into `docs/benchmarks.md` (between the `bench:compare` markers, keeping the rest of the page).
 *
 * Every measurement is paired and repeated: contenders of one measure run in the same process, in an order shuffled
 * anew each round (`order.ts`; the transfers, one process per contender, rotate), and the figures are medians of the rounds; a ratio is the median of the per-round ratios. The portal
 * runs in its own process, so a client's CPU time is its own. Knobs (environment):
 *
 * | variable | default | what |
 * |---|---|---|
 * | BENCH_ROUNDS | 9 | rounds of the GET measures (each ratio is the median of the rounds' ratios) |
 * | BENCH_REQUESTS | 1000 | requests per contender and round |
 * | BENCH_ENTRIES | 20000 | entries of the listed folder |
 * | BENCH_LIST_ROUNDS | 3 | rounds of the listing |
 * | BENCH_TRANSFER_MIB | 256 | size of the upload and the download (the issue's figure: 1024) |
 * | BENCH_TRANSFER_ROUNDS | 3 | rounds of each transfer (one process per contender and round) |
 * | BENCH_IMPORT_RUNS | 7 | cold imports per module |
 * | BENCH_PROFILE_REQUESTS | 2000 | requests of the profiled run (0: no profile) |
 * | BENCH_ONLY | all | comma-separated measures: get,get16,list,transfer,import,bundle,profile |
 * | BENCH_NO_BUILD | unset | 1: measure the `dist/` on disk without `tsc -b tsconfig.build.json` first |
 * | BENCH_NO_WRITE | unset | 1: print only, leave docs/benchmarks.md alone |
 * | BENCH_SDK_GIT | clone from GitHub | a clone (or bare git dir) of ONLYOFFICE/docspace-api-sdk-typescript |
 */
import { spawn, spawnSync } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as readline from "node:readline"
import { gzipSync } from "node:zlib"
import { summarise } from "./profile.js"
import { buildSdk, root, sdkDist } from "./sdk.js"

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, not ${process.env[name]}`)
  return value
}
const ROUNDS = Math.max(1, env("BENCH_ROUNDS", 9))
const REQUESTS = Math.max(1, env("BENCH_REQUESTS", 1000))
const ENTRIES = Math.max(100, env("BENCH_ENTRIES", 20_000))
const LIST_ROUNDS = Math.max(1, env("BENCH_LIST_ROUNDS", 3))
const TRANSFER_MIB = Math.max(1, env("BENCH_TRANSFER_MIB", 256))
const TRANSFER_ROUNDS = Math.max(1, env("BENCH_TRANSFER_ROUNDS", 3))
const IMPORT_RUNS = Math.max(1, env("BENCH_IMPORT_RUNS", 7))
const PROFILE_REQUESTS = env("BENCH_PROFILE_REQUESTS", 2000)
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim())
const wants = (measure: string) => only === undefined || only.includes(measure)

const here = path.join(root, "bench/compare")
const out = path.join(root, "node_modules/.cache/bench-compare")
const OURS = "effect-docspace (docSpaceCloud)"
const OURS_UNLIMITED = "effect-docspace (unlimited)"
const OURS_FIBER = "effect-docspace (docSpaceCloud, fiber timer)"
const started = Date.now()
const notes: Array<string> = []
const log = (line: string) => console.error(`[bench:compare ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`)

// ---------------------------------------------------------------------------------------------------- helpers

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
/** The median of the per-round ratios a[i] / b[i]. */
const pairedRatio = (a: ReadonlyArray<number>, b: ReadonlyArray<number>) =>
  median(a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / b[i]))
const fmt = (x: number, digits = 0) => Number.isFinite(x) ? x.toFixed(digits) : "n/a"
const ratio = (x: number) => Number.isFinite(x) ? `${x.toFixed(2)}x` : "n/a"

const children = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of children) child.kill()
})

/** Runs a compiled worker with plain node (no loader in the measured process); resolves to its last stdout line. */
const worker = (file: string, args: ReadonlyArray<string>, nodeArgs: ReadonlyArray<string> = []) =>
  new Promise<any>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, path.join(out, file), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.add(child)
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    child.on("exit", (code) => {
      children.delete(child)
      const last = stdout.trim().split("\n").pop() ?? ""
      if (code === 0 && last.startsWith("{")) return resolve(JSON.parse(last))
      reject(
        new Error(`${file} ${args.join(" ")} exited with ${code}: ${stderr.trim().split("\n").slice(-6).join(" | ")}`)
      )
    })
  })

// ---------------------------------------------------------------------------------------------------- setup

const machine = () => {
  const cpus = os.cpus()
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim()
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "packages"], { cwd: root, encoding: "utf8" }).stdout
    .trim() !== ""
  return [
    `- date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; commit ${commit}${
      dirty ? " with uncommitted changes in packages/" : ""
    }`,
    `- machine: ${cpus[0]?.model ?? "?"}, ${cpus.length} cores, ${
      (os.totalmem() / 2 ** 30).toFixed(0)
    } GiB, ${os.type()} ${os.release()}; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
    `- node ${process.version}; effect ${pkgVersion("effect")}, @effect/platform ${
      pkgVersion("@effect/platform")
    }, axios ${pkgVersion("axios")}`
  ]
}
function pkgVersion(name: string) {
  try {
    return JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version
  } catch {
    return "?"
  }
}

const compileWorkers = async () => {
  const esbuild = await import("esbuild")
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  writeFileSync(path.join(out, "package.json"), JSON.stringify({ type: "module" }))
  await esbuild.build({
    entryPoints: readdirSync(here).filter((f) => f.endsWith(".ts")).map((f) => path.join(here, f)),
    outdir: out,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error"
  })
}

const startServer = () =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(out, "server.js")], { stdio: ["pipe", "pipe", "inherit"] })
    children.add(child)
    const rl = readline.createInterface({ input: child.stdout })
    rl.once("line", (line) => {
      rl.close()
      resolve(`http://127.0.0.1:${JSON.parse(line).port}`)
    })
    child.once("exit", (code) => reject(new Error(`the loopback portal exited with ${code}`)))
  })

// ---------------------------------------------------------------------------------------------------- measures

interface Goal {
  readonly measure: string
  readonly figure: string
  readonly goal: string
  readonly met: boolean | undefined
}
const goals: Array<Goal> = []
const details: Array<string> = []

type GetResults = Record<string, Array<{ cpuUs: number; wallUs: number }>>

const measureGet = async (base: string, concurrency: number) => {
  log(`GET, ${concurrency} in flight: ${ROUNDS} rounds of ${REQUESTS} requests per contender`)
  const { results, skipped } =
    (await worker("requests.js", [base, String(concurrency), String(ROUNDS), String(REQUESTS)], [
      "--expose-gc"
    ])) as { results: GetResults; skipped: Array<string> }
  for (const s of skipped) notes.push(s)
  const fetchCpu = results.fetch.map((r) => r.cpuUs)
  const fetchWall = results.fetch.map((r) => r.wallUs)
  details.push(
    "",
    `#### Decoded GET of the profile, ${
      concurrency === 1 ? "sequential" : `${concurrency} concurrent`
    } (${ROUNDS} rounds x ${REQUESTS} requests)`,
    "",
    "| contender | CPU us/request | wall us/request | CPU vs fetch | wall vs fetch |",
    "|---|---:|---:|---:|---:|"
  )
  for (const [name, rows] of Object.entries(results)) {
    const cpu = rows.map((r) => r.cpuUs)
    const wall = rows.map((r) => r.wallUs)
    details.push(
      `| ${name} | ${fmt(median(cpu))} | ${fmt(median(wall))} | ${ratio(pairedRatio(cpu, fetchCpu))} | ${
        ratio(pairedRatio(wall, fetchWall))
      } |`
    )
  }
  const label = concurrency === 1 ? "sequential GET, decoded" : `GET, decoded, ${concurrency} concurrent`
  const policyOf: Record<string, string> = {
    [OURS]: "docSpaceCloud (NodeDocSpace.layer)",
    [OURS_UNLIMITED]: "unlimited (NodeDocSpace.layer)",
    [OURS_FIBER]: "docSpaceCloud, DocSpace.layer over undici (a fiber per request for its timeout)"
  }
  for (const name of [OURS, OURS_UNLIMITED, OURS_FIBER]) {
    if (results[name] === undefined) continue
    const cpu = pairedRatio(results[name].map((r) => r.cpuUs), fetchCpu)
    const wall = pairedRatio(results[name].map((r) => r.wallUs), fetchWall)
    goals.push({
      measure: `${label}, ${policyOf[name]}: CPU per request vs fetch`,
      figure: `${ratio(cpu)} (wall ${ratio(wall)}; ${fmt(median(results[name].map((r) => r.cpuUs)))} vs ${
        fmt(median(fetchCpu))
      } us)`,
      goal: name !== OURS ? "- (reference)" : concurrency === 1 ? "<= 1.3x (moonshot 1.15x)" : "<= 1.3x",
      met: name === OURS ? cpu <= 1.3 : undefined
    })
  }
  const platform = results["@effect/platform HttpClient"]
  if (platform !== undefined) {
    goals.push({
      measure: `${label}: @effect/platform HttpClient CPU vs fetch (reference)`,
      figure: ratio(pairedRatio(platform.map((r) => r.cpuUs), fetchCpu)),
      goal: "-",
      met: undefined
    })
  }
}

const measureList = async (base: string) => {
  log(`listing ${ENTRIES} entries, 100 a page: ${LIST_ROUNDS} rounds`)
  const { results } = (await worker("listing.js", [base, String(ENTRIES), String(LIST_ROUNDS)], ["--expose-gc"])) as {
    results: Record<string, Array<{ cpuMs: number; wallMs: number; heapMiB: number }>>
  }
  const fetchWall = results.fetch.map((r) => r.wallMs)
  const fetchCpu = results.fetch.map((r) => r.cpuMs)
  details.push(
    "",
    `#### ${ENTRIES} entries, 100 a page (${LIST_ROUNDS} rounds; heap: in use after a full collection following the first and the last listing, whole process)`,
    "",
    "| contender | wall ms | CPU ms | wall vs fetch loop | CPU vs fetch loop | heap after first -> last (MiB) |",
    "|---|---:|---:|---:|---:|---:|"
  )
  for (const [name, rows] of Object.entries(results)) {
    const wall = rows.map((r) => r.wallMs)
    const cpu = rows.map((r) => r.cpuMs)
    details.push(
      `| ${name} | ${fmt(median(wall))} | ${fmt(median(cpu))} | ${ratio(pairedRatio(wall, fetchWall))} | ${
        ratio(pairedRatio(cpu, fetchCpu))
      } | ${fmt(rows[0].heapMiB, 1)} -> ${fmt(rows[rows.length - 1].heapMiB, 1)} |`
    )
  }
  const ours = results[OURS]
  if (ours !== undefined) {
    const wall = pairedRatio(ours.map((r) => r.wallMs), fetchWall)
    const growth = ours[ours.length - 1].heapMiB - ours[0].heapMiB
    goals.push({
      measure: `${ENTRIES} entries via Folders.stream vs a fetch loop (same Schema decode), count=100`,
      figure: `${ratio(wall)} wall (CPU ${ratio(pairedRatio(ours.map((r) => r.cpuMs), fetchCpu))}); retained heap ${
        growth >= 0 ? "+" : ""
      }${fmt(growth, 1)} MiB over ${ours.length} listings`,
      goal: "<= 1.3x wall, retained memory flat",
      met: wall <= 1.3 && growth < 2
    })
  }
}

const measureTransfer = async (base: string) => {
  log(`transfers of ${TRANSFER_MIB} MiB: ${TRANSFER_ROUNDS} rounds, one process per contender and round`)
  details.push(
    "",
    `#### ${TRANSFER_MIB} MiB upload and download, each contender in its own process (${TRANSFER_ROUNDS} rounds)`,
    "",
    "| transfer | contender | MiB/s | CPU ms | peak RSS MiB | RSS after import MiB | throughput vs fetch | CPU vs fetch |",
    "|---|---|---:|---:|---:|---:|---:|---:|"
  )
  for (const mode of ["upload", "download"] as const) {
    // an upload to DocSpace is a chunked session (each 10 MiB part answered before the next): "undici-chunked" does
    // that protocol by hand over undici (the transport under NodeDocSpace.layer), what any client of this API can
    // reach; "fetch-chunked" does it with plain fetch, which copies each part before sending it. "parallel 2": the
    // web client's parallel mode, two parts in flight. "@effect/platform": Effect's own HttpClient doing the same
    // (the upload's protocol by hand, the download's Effect stream) without a limiter, span or Schema, a floor for any
    // Effect client
    const contenders: Record<string, ReadonlyArray<string>> = mode === "upload"
      ? {
        "fetch": ["fetch"],
        "undici-chunked": ["undici-chunked"],
        "fetch-chunked": ["fetch-chunked"],
        "@effect/platform HttpClient, chunked by hand": ["platform"],
        "effect-docspace": ["effect-docspace"],
        "effect-docspace, parallel 2": ["effect-docspace", "2"]
      }
      : {
        "fetch": ["fetch"],
        "@effect/platform HttpClient, its Effect stream": ["platform"],
        "effect-docspace": ["effect-docspace"]
      }
    // the same transfer run warm, after 512 MiB moved the same way in its process (a fresh process is cold: its first
    // few hundred MiB run a large part of the client's code in the interpreter and the baseline compilers)
    contenders["fetch, warm"] = ["fetch", "1", "warm"]
    contenders["effect-docspace, warm"] = ["effect-docspace", "1", "warm"]
    const names = Object.keys(contenders)
    const rows: Record<string, Array<{ wallMs: number; cpuMs: number; peakRssMiB: number; startRssMiB: number }>> =
      Object.fromEntries(names.map((name) => [name, []]))
    for (let round = 0; round < TRANSFER_ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length])
      for (const name of order) {
        const [contender, ...rest] = contenders[name]
        rows[name].push(await worker("transfer.js", [base, mode, String(TRANSFER_MIB), contender, ...rest]))
      }
    }
    const speed = (name: string) => rows[name].map((r) => TRANSFER_MIB / (r.wallMs / 1000))
    for (const name of Object.keys(rows)) {
      // a warm row is compared with fetch warm; its RSS covers two transfers, so it is not shown
      const warm = name.endsWith(", warm")
      const against = warm ? "fetch, warm" : "fetch"
      details.push(
        `| ${mode} | ${name} | ${fmt(median(speed(name)))} | ${fmt(median(rows[name].map((r) => r.cpuMs)))} | ${
          warm ? "-" : fmt(median(rows[name].map((r) => r.peakRssMiB)))
        } | ${warm ? "-" : fmt(median(rows[name].map((r) => r.startRssMiB)))} | ${
          ratio(pairedRatio(speed(name), speed(against)))
        } | ${ratio(pairedRatio(rows[name].map((r) => r.cpuMs), rows[against].map((r) => r.cpuMs)))} |`
      )
    }
    const throughput = pairedRatio(speed("effect-docspace"), speed("fetch"))
    const warmThroughput = pairedRatio(speed("effect-docspace, warm"), speed("fetch, warm"))
    const rss = median(rows["effect-docspace"].map((r) => r.peakRssMiB))
    const cap = mode === "upload" ? 150 : 100
    const floor = mode === "upload"
      ? "@effect/platform HttpClient, chunked by hand"
      : "@effect/platform HttpClient, its Effect stream"
    const chunked = mode === "upload"
      ? ` (the chunked protocol by hand: over undici ${
        ratio(pairedRatio(speed("undici-chunked"), speed("fetch")))
      }, with fetch ${ratio(pairedRatio(speed("fetch-chunked"), speed("fetch")))}, with @effect/platform ${
        ratio(pairedRatio(speed(floor), speed("fetch")))
      } and ${fmt(median(rows[floor].map((r) => r.peakRssMiB)))} MiB)`
      : ` (@effect/platform's own stream: ${ratio(pairedRatio(speed(floor), speed("fetch")))} and ${
        fmt(median(rows[floor].map((r) => r.peakRssMiB)))
      } MiB)`
    goals.push({
      measure: `${TRANSFER_MIB} MiB ${mode} vs fetch streaming the same bytes: throughput; client peak RSS`,
      figure: `${ratio(throughput)} in a fresh process, ${
        ratio(warmThroughput)
      } warm (after 512 MiB in the same process, against fetch's)${chunked}; ${fmt(rss)} MiB (fetch ${
        fmt(median(rows.fetch.map((r) => r.peakRssMiB)))
      } MiB)`,
      goal: `>= 0.8x; < ${cap} MiB`,
      met: throughput >= 0.8 && rss < cap
    })
  }
}

const measureImport = () => {
  log(`cold imports: ${IMPORT_RUNS} runs per module`)
  const cases = [
    { name: "node, nothing imported (baseline)", specifier: undefined },
    { name: "@effect-docspace/resources", specifier: "@effect-docspace/resources" },
    { name: "@effect-docspace/resources/People", specifier: "@effect-docspace/resources/People" },
    {
      name: "@effect-docspace/resources/NodeDocSpace (the Node layer, with undici)",
      specifier: "@effect-docspace/resources/NodeDocSpace"
    },
    {
      name: "@effect/platform-node/NodeHttpClient (reference: undici's index, and Node's bundled undici through it)",
      specifier: "@effect/platform-node/NodeHttpClient"
    },
    { name: "effect/Effect (reference)", specifier: "effect/Effect" },
    { name: "effect/Schema (reference: pulls Arbitrary and fast-check)", specifier: "effect/Schema" },
    { name: "@effect/platform/HttpClient (reference)", specifier: "@effect/platform/HttpClient" },
    {
      name:
        "effect/Schema + @effect/platform HttpClient and FetchHttpClient (the floor of any Schema-over-HttpClient client)",
      specifier: ["effect/Schema", "@effect/platform/HttpClient", "@effect/platform/FetchHttpClient"]
    },
    { name: "@effect-docspace/resources/Api (every generated operation)", specifier: "@effect-docspace/resources/Api" }
  ]
  const times: Record<string, Array<number>> = {}
  const rss: Record<string, Array<number>> = {}
  const cpu: Record<string, Array<number>> = {}
  for (let run = 0; run < IMPORT_RUNS; run++) {
    for (const c of cases) {
      const code = `${
        (c.specifier === undefined ? [] : [c.specifier].flat()).map((s) => `await import(${JSON.stringify(s)});`).join(
          ""
        )
      } const cpu = process.cpuUsage(); console.log(process.memoryUsage().rss, (cpu.user + cpu.system) / 1000)`
      const t0 = performance.now()
      const res = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8" })
      const ms = performance.now() - t0
      if (res.status !== 0) throw new Error(`import of ${c.specifier} failed: ${res.stderr.trim().split("\n")[0]}`)
      ;(times[c.name] ??= []).push(ms)
      const [rssBytes, cpuMs] = res.stdout.trim().split(" ").map(Number)
      ;(rss[c.name] ??= []).push(rssBytes / 2 ** 20)
      ;(cpu[c.name] ??= []).push(cpuMs)
    }
  }
  details.push(
    "",
    `#### Cold import, whole \`node -e\` process (${IMPORT_RUNS} runs, built dist)`,
    "",
    "| module | wall ms | minus bare node | CPU ms (whole process) | RSS after import MiB |",
    "|---|---:|---:|---:|---:|"
  )
  const bare = median(times[cases[0].name])
  for (const c of cases) {
    details.push(
      `| ${c.name} | ${fmt(median(times[c.name]))} | ${fmt(median(times[c.name]) - bare)} | ${
        fmt(median(cpu[c.name]))
      } | ${fmt(median(rss[c.name]))} |`
    )
  }
  const barrel = median(times[cases[1].name])
  const deep = median(times[cases[2].name])
  // found by its specifier list, not its place in the list (rows get added)
  const floor = cases.find((c) => Array.isArray(c.specifier))!.name
  const floorNote = `; the floor, effect/Schema + @effect/platform's HttpClient, is ${
    fmt(median(times[floor]))
  } ms (CPU ${fmt(median(cpu[floor]))} ms)`
  goals.push({
    measure: "cold import of @effect-docspace/resources (whole node -e process)",
    figure: `${fmt(barrel)} ms (CPU ${fmt(median(cpu[cases[1].name]))} ms; ${
      fmt(median(rss[cases[1].name]))
    } MiB RSS)${floorNote}`,
    goal: "< 300 ms",
    met: barrel < 300
  })
  goals.push({
    measure: "cold import of @effect-docspace/resources/People (one curated module)",
    figure: `${fmt(deep)} ms (CPU ${fmt(median(cpu[cases[2].name]))} ms; ${
      fmt(median(rss[cases[2].name]))
    } MiB RSS)${floorNote}`,
    goal: "< 150 ms",
    met: deep < 150
  })
}

const measureBundle = async (sdkBuilt: boolean) => {
  log("bundles of a one-call app (esbuild, minified, gzip)")
  const esbuild = await import("esbuild")
  const base = "http://127.0.0.1:8092"
  const key = "sk-0000"
  const apps: Array<{ name: string; node?: string; browser?: string }> = [
    {
      name: "effect-docspace: People.self() through DocSpace.layer",
      node: `import { DocSpace, People } from "@effect-docspace/resources"
import * as Auth from "@effect-docspace/core/Auth"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
const Live = DocSpace.layer({ baseUrl: "${base}", auth: Auth.apiKey(Redacted.make("${key}")) }).pipe(Layer.provide(NodeHttpClient.layerUndici))
Effect.runPromise(People.self().pipe(Effect.provide(Live))).then(console.log)`,
      browser: `import { DocSpace, People } from "@effect-docspace/resources"
import * as Auth from "@effect-docspace/core/Auth"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
const Live = DocSpace.layer({ baseUrl: "${base}", auth: Auth.apiKey(Redacted.make("${key}")) }).pipe(Layer.provide(FetchHttpClient.layer))
Effect.runPromise(People.self().pipe(Effect.provide(Live))).then(console.log)`
    },
    {
      name: "effect-docspace: the same with deep imports (DocSpace, People modules)",
      browser: `import * as DocSpace from "@effect-docspace/resources/DocSpace"
import * as People from "@effect-docspace/resources/People"
import * as Auth from "@effect-docspace/core/Auth"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
const Live = DocSpace.layer({ baseUrl: "${base}", auth: Auth.apiKey(Redacted.make("${key}")) }).pipe(Layer.provide(FetchHttpClient.layer))
Effect.runPromise(People.self().pipe(Effect.provide(Live))).then(console.log)`
    },
    {
      name: "official SDK (CommonJS as published, with axios)",
      ...(sdkBuilt
        ? (() => {
          const app = `import { ProfilesApi, Configuration } from ${JSON.stringify(sdkDist())}
new ProfilesApi(new Configuration({ basePath: "${base}", accessToken: "${key}" })).getSelfProfile().then((r) => console.log(r.data))`
          return { node: app, browser: app }
        })()
        : {})
    },
    {
      name: "effect-docspace: People.self() through NodeDocSpace.layer (the Node entry, undici's agent only)",
      node: `import { People } from "@effect-docspace/resources"
import { NodeDocSpace } from "@effect-docspace/resources/node"
import * as Auth from "@effect-docspace/core/Auth"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
const Live = NodeDocSpace.layer({ baseUrl: "${base}", auth: Auth.apiKey(Redacted.make("${key}")) })
Effect.runPromise(People.self().pipe(Effect.provide(Live))).then(console.log)`
    },
    {
      name: "plain fetch (reference)",
      node:
        `fetch("${base}/api/2.0/people/@self", { headers: { authorization: "Bearer ${key}" } }).then((r) => r.json()).then(console.log)`,
      browser:
        `fetch("${base}/api/2.0/people/@self", { headers: { authorization: "Bearer ${key}" } }).then((r) => r.json()).then(console.log)`
    }
  ]
  details.push(
    "",
    "#### Bundle of a one-call app (esbuild --bundle --minify, then gzip -9)",
    "",
    "| app | node: min / gzip KiB | browser: min / gzip KiB |",
    "|---|---:|---:|"
  )
  const sizes: Record<string, string> = {}
  for (const app of apps) {
    const cells: Array<string> = []
    for (const platform of ["node", "browser"] as const) {
      const source = app[platform]
      if (source === undefined) {
        cells.push("-")
        continue
      }
      try {
        const result = await esbuild.build({
          stdin: { contents: source, resolveDir: root, loader: "ts" },
          bundle: true,
          minify: true,
          write: false,
          format: "esm",
          platform,
          target: "es2022",
          logLevel: "silent"
        })
        const bytes = result.outputFiles[0].contents
        const cell = `${fmt(bytes.length / 1024, 1)} / ${fmt(gzipSync(bytes, { level: 9 }).length / 1024, 1)}`
        cells.push(cell)
        sizes[`${app.name} ${platform}`] = cell
      } catch (error) {
        cells.push(`failed: ${String(error instanceof Error ? error.message : error).split("\n")[1] ?? ""}`)
      }
    }
    details.push(`| ${app.name} | ${cells.join(" | ")} |`)
  }
  goals.push({
    measure: "bundle of a one-call app, min / gzip KiB: effect-docspace (node; browser)",
    figure: `${sizes[`${apps[0].name} node`] ?? "n/a"}; ${sizes[`${apps[0].name} browser`] ?? "n/a"}`,
    goal: "reported",
    met: undefined
  })
  goals.push({
    measure: "bundle of a one-call app through NodeDocSpace.layer, min / gzip KiB (node)",
    figure: sizes[`${apps[3].name} node`] ?? "n/a",
    goal: "reported",
    met: undefined
  })
  goals.push({
    measure: "bundle of a one-call app, min / gzip KiB: official SDK (node; browser)",
    figure: sdkBuilt
      ? `${sizes[`${apps[2].name} node`] ?? "n/a"}; ${sizes[`${apps[2].name} browser`] ?? "n/a"}`
      : "not built",
    goal: "reported",
    met: undefined
  })
}

const profileLines: Array<string> = []
const profileOf = async (base: string, name: string, file: string) => {
  const previous = process.env.BENCH_CPU_PROFILE
  process.env.BENCH_CPU_PROFILE = file
  try {
    await worker("requests.js", [base, "1", "1", String(PROFILE_REQUESTS), name], ["--expose-gc"])
  } finally {
    if (previous === undefined) delete process.env.BENCH_CPU_PROFILE
    else process.env.BENCH_CPU_PROFILE = previous
  }
  return summarise(file)
}

const measureProfile = async (base: string) => {
  const dir = path.join(root, "node_modules/.cache/bench-compare-profile")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const contrasts = ["fetch", "@effect/platform HttpClient", OURS_UNLIMITED]
  log(`CPU profiles, sequential GET, ${PROFILE_REQUESTS} requests each: ${OURS}, then ${contrasts.join(", ")}`)
  const ours = await profileOf(base, OURS, path.join(dir, "effect-docspace-cloud.cpuprofile"))
  const others: Array<[string, ReturnType<typeof summarise>]> = []
  for (const [i, name] of contrasts.entries()) {
    others.push([name, await profileOf(base, name, path.join(dir, `contrast-${i}.cpuprofile`))])
  }
  const busy = (p: ReturnType<typeof summarise>) => p.totalMs - (p.owners.find((r) => r.name === "(idle)")?.ms ?? 0)
  const perRequest = (ms: number) => fmt((ms * 1000) / PROFILE_REQUESTS)
  const pct = (ms: number) => `${((100 * ms) / busy(ours)).toFixed(1)}%`
  const libraries = ours.owners.filter((r) => r.name !== "(idle)").slice(0, 10).map((r) => r.name)
  profileLines.push(
    "",
    `#### Where the time goes: V8 CPU profiles of the sequential GET (${PROFILE_REQUESTS} requests after a warm-up of as many; self time in us per request; profiles in \`${
      path.relative(root, dir)
    }/\`)`,
    "",
    `| library | ${OURS} | share | ${others.map(([name]) => name).join(" | ")} |`,
    `|---|---:|---:|${others.map(() => "---:").join("|")}|`,
    ...libraries.map((lib) =>
      `| ${lib} | ${perRequest(ours.owners.find((r) => r.name === lib)!.ms)} | ${
        pct(ours.owners.find((r) => r.name === lib)!.ms)
      } | ${others.map(([, p]) => perRequest(p.owners.find((r) => r.name === lib)?.ms ?? 0)).join(" | ")} |`
    ),
    `| **all (not idle)** | **${perRequest(busy(ours))}** | 100% | ${
      others.map(([, p]) => `**${perRequest(busy(p))}**`).join(" | ")
    } |`,
    "",
    `${OURS}, by file:`,
    "",
    "| file | us/request | share |",
    "|---|---:|---:|",
    ...ours.files.filter((r) => r.name !== "(idle)").slice(0, 15).map((r) =>
      `| ${r.name} | ${perRequest(r.ms)} | ${pct(r.ms)} |`
    ),
    "",
    `${OURS}, by function (with the same function's self time in the ${others[1][0]} profile):`,
    "",
    `| function (file:line) | us/request | share | ${others[1][0]} us/request |`,
    "|---|---:|---:|---:|",
    ...ours.functions.filter((r) => r.name !== "(idle)").slice(0, 30).map((r) =>
      `| \`${r.name}\` | ${perRequest(r.ms)} | ${pct(r.ms)} | ${
        perRequest(others[1][1].functions.find((o) => o.name === r.name)?.ms ?? 0)
      } |`
    )
  )
}

// ---------------------------------------------------------------------------------------------------- run

const main = async () => {
  const header = machine()
  if (process.env.BENCH_NO_BUILD !== "1") {
    log("building the packages (tsc -b tsconfig.build.json)")
    const tsc = spawnSync(path.join(root, "node_modules/.bin/tsc"), ["-b", "tsconfig.build.json"], {
      cwd: root,
      encoding: "utf8"
    })
    if (tsc.status !== 0) {
      const first = (tsc.stdout + tsc.stderr).trim().split("\n")[0]
      notes.push(`the build failed (${first}); the figures are of the dist/ already on disk`)
      log(`build failed, measuring the dist/ on disk: ${first}`)
    }
  }
  const sdk = await buildSdk()
  notes.push(sdk.line)
  log(sdk.line)
  await compileWorkers()
  const base = await startServer()
  log(`loopback portal on ${base}`)
  const steps: Array<[string, () => unknown]> = [
    ["get", () => measureGet(base, 1)],
    ["get16", () => measureGet(base, 16)],
    ["list", () => measureList(base)],
    ["transfer", () => measureTransfer(base)],
    ["import", () => measureImport()],
    ["bundle", () => measureBundle(sdk.ok)],
    ["profile", () => PROFILE_REQUESTS > 0 ? measureProfile(base) : undefined]
  ]
  for (const [name, step] of steps) {
    if (!wants(name)) continue
    try {
      await step()
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      notes.push(`${name} failed: ${message}`)
      log(`${name} failed: ${message}`)
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1)
  const table = [
    "| measure | effect-docspace | goal | met |",
    "|---|---|---|---|",
    ...goals.map((g) =>
      `| ${g.measure} | ${g.figure} | ${g.goal} | ${g.met === undefined ? "-" : g.met ? "yes" : "no"} |`
    )
  ]
  const section = [
    "<!-- bench:compare:begin (written by `pnpm bench:compare`; edit outside the markers) -->",
    "",
    ...header,
    `- settings: BENCH_ROUNDS=${ROUNDS} BENCH_REQUESTS=${REQUESTS} BENCH_ENTRIES=${ENTRIES} BENCH_LIST_ROUNDS=${LIST_ROUNDS} BENCH_TRANSFER_MIB=${TRANSFER_MIB} BENCH_TRANSFER_ROUNDS=${TRANSFER_ROUNDS} BENCH_IMPORT_RUNS=${IMPORT_RUNS}${
      only === undefined ? "" : ` BENCH_ONLY=${only.join(",")}`
    }; the run took ${minutes} min`,
    ...[...new Set(notes)].map((n) => `- ${n}`),
    "",
    ...table,
    ...details,
    ...profileLines,
    "",
    "<!-- bench:compare:end -->"
  ].join("\n")
  console.log(section)
  if (process.env.BENCH_NO_WRITE !== "1") {
    const doc = path.join(root, "docs/benchmarks.md")
    const current = existsSync(doc) ? readFileSync(doc, "utf8") : ""
    const begin = current.indexOf("<!-- bench:compare:begin")
    const end = current.indexOf("<!-- bench:compare:end -->")
    const next = begin >= 0 && end > begin
      ? current.slice(0, begin) + section + current.slice(end + "<!-- bench:compare:end -->".length)
      : `# Benchmarks\n\n${section}\n`
    writeFileSync(doc, next)
    log(`wrote ${path.relative(root, doc)}`)
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  }
)

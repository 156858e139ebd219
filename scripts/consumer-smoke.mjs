// The consumer smoke test (issue 11): uses the packages as someone else's project would, from their packed tarballs.
// 1. packs the five public packages (after `pnpm build`) and installs them in a fresh project OUTSIDE the workspace,
//    with the pinned Effect 3 peers from the npm registry, and without ioredis;
// 2. type-checks scripts/consumer/{src,test} and the READMEs' examples under strict + NodeNext +
//    noUncheckedIndexedAccess + skipLibCheck: false, with TypeScript 5.9 (what most users have) and 7;
// 3. runs the program (src/main.ts) and the @effect/vitest file (test/smoke.test.ts) against FakeDocSpace;
// 4. runtimes: bundles the README's example with esbuild for platform=browser (fails on any node:* or
//    @effect/platform-node import in the main entries' graph), and runs it under Node, Bun and Deno against
//    FakeDocSpace on a loopback port (Bun and Deno from the npm registry; when they cannot be installed it says so).
//
//   node scripts/consumer-smoke.mjs            (KEEP=1 keeps the temporary project and prints where it is)
import { execFileSync, spawn } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { packPublic } from "./pack.mjs"

const root = fileURLToPath(new URL("..", import.meta.url))
const started = Date.now()
const say = (message) => console.log(`[consumer-smoke ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`)
const failures = []
const fail = (what, detail) => {
  failures.push(what)
  console.log(`FAILED: ${what}${detail ? `\n${detail}` : ""}`)
}
const run = (command, args, options = {}) => {
  say(`$ ${[command, ...args].join(" ")}`)
  return execFileSync(command, args, { cwd: project, stdio: "inherit", ...options })
}
const capture = (command, args, options = {}) => {
  say(`$ ${[command, ...args].join(" ")}`)
  try {
    const out = execFileSync(command, args, { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options })
    return { ok: true, out }
  } catch (error) {
    return { ok: false, out: `${error.stdout ?? ""}${error.stderr ?? ""}${error.stdout || error.stderr ? "" : error.message}` }
  }
}
const indent = (text) => text.trimEnd().split("\n").map((line) => `  | ${line}`).join("\n")

const project = mkdtempSync(join(tmpdir(), "effect-docspace-consumer-"))
say(`fresh project outside the workspace: ${project}`)
let fake
try {
  // 1. pack and install
  say("packing the public packages (scripts/pack.mjs)")
  const packs = packPublic(join(project, "packs"))
  for (const { name, tarball } of packs) say(`  ${name} -> ${tarball.slice(project.length + 1)}`)
  if (packs.some(({ name }) => name === "@effect-docspace/codegen")) fail("the private codegen package was packed")
  const dependencies = Object.fromEntries(packs.map(({ name, tarball }) => [name, `file:${tarball}`]))
  const manifest = {
    name: "effect-docspace-consumer",
    private: true,
    type: "module",
    dependencies: {
      ...dependencies,
      effect: "^3.22",
      "@effect/platform": "^0.97",
      "@effect/platform-node": "^0.108"
    },
    devDependencies: {
      "@effect/vitest": "^0.30",
      vitest: "^3.2",
      typescript: "~5.9.3",
      "@types/node": "^20",
      esbuild: "^0.28"
    }
  }
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2) + "\n")
  cpSync(join(root, "scripts/consumer"), project, { recursive: true })
  const readme = readFileSync(join(root, "README.md"), "utf8")
  const example = readme.slice(readme.indexOf("## 30-second example")).match(/```ts\n([\s\S]*?)```/)?.[1]
  if (example === undefined) throw new Error("README.md has no ```ts block after '## 30-second example'")
  writeFileSync(join(project, "src/readme-example.ts"), `// the README's 30-second example, verbatim\n${example}`)
  // and the example of each package's README (type-checked only)
  for (const { dir, name } of packs.map(({ name }) => ({ name, dir: join(root, "packages", name.split("/")[1]) }))) {
    const blocks = [...readFileSync(join(dir, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)]
    if (blocks.length === 0) fail(`${name} has no README example`)
    blocks.forEach((block, i) =>
      writeFileSync(join(project, `src/readme-${name.split("/")[1]}-${i + 1}.ts`), `// ${name} README\n${block[1]}`)
    )
  }
  say("npm install (tarballs + effect@^3.22 @effect/platform@^0.97 @effect/platform-node@^0.108 from the registry)")
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"])
  const installed = (name) => JSON.parse(readFileSync(join(project, "node_modules", name, "package.json"), "utf8")).version
  say(`installed: effect ${installed("effect")}, @effect/platform ${installed("@effect/platform")}, ` +
    `@effect/platform-node ${installed("@effect/platform-node")}, typescript ${installed("typescript")}`)
  if (existsSync(join(project, "node_modules/ioredis"))) fail("ioredis was installed although nobody asked for it")
  else say("ioredis is not installed (the Redis store is not used here)")
  // the command line's bin, as `npx docspace` runs it from the installed tarball
  const help = capture("npx", ["--no-install", "docspace", "--help"])
  if (!help.ok || !/- upload/.test(help.out)) fail("npx docspace --help does not list the commands", indent(help.out))
  else say("npx docspace --help lists the commands")

  // 2. type-check
  say("type-check: tsc -p tsconfig.json (strict, NodeNext, noUncheckedIndexedAccess, skipLibCheck: false)")
  const tsc = capture("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"])
  if (tsc.ok) say("type-check: ok (src/main.ts, the READMEs' examples, test/smoke.test.ts and every .d.ts they load)")
  else fail("type-check of the consumer project", indent(tsc.out))
  const compiled = existsSync(join(project, "dist/src/main.js")) // tsc emits despite type errors
  // the same with TypeScript 7 (the workspace's compiler); its errors in other libraries' .d.ts (vitest and
  // @types/chai declare containSubset twice) are not ours and are only listed
  say("type-check with TypeScript 7 (the workspace's tsc), same settings")
  const tsc7 = capture("node", [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--noEmit"])
  const ours = (line) => /^(src|test)\/|node_modules\/@effect-docspace\//.test(line)
  const tsc7Errors = tsc7.out.split("\n").filter((line) => /error TS\d+/.test(line))
  const tsc7Ours = tsc7Errors.filter(ours)
  const tsc7Others = tsc7Errors.filter((line) => !ours(line))
  if (tsc7Others.length > 0) console.log(indent(`not ours, ignored:\n${tsc7Others.join("\n")}`))
  if (!tsc7.ok && tsc7Errors.length === 0) fail("type-check with TypeScript 7 (tsc did not run)", indent(tsc7.out))
  else if (tsc7Ours.length > 0) fail("type-check with TypeScript 7", indent(tsc7Ours.join("\n")))
  else say("type-check with TypeScript 7: ok for our packages and the consumer's files")

  // 3. the program and the test file
  say("run: node dist/src/main.js (the Node entry against FakeDocSpace on a loopback port)")
  const main = compiled ? capture("node", ["dist/src/main.js"]) : { ok: false, out: "(not run: nothing compiled)" }
  console.log(indent(main.out))
  if (!main.ok || !main.out.includes("program OK")) fail("the consumer program")
  say("run: vitest run test/smoke.test.ts (@effect/vitest, FakeDocSpace in-process, MockTransport)")
  const vitest = capture("node", ["node_modules/vitest/vitest.mjs", "run", "test/smoke.test.ts"], {
    env: { ...process.env, CI: "true", NO_COLOR: "1" }
  })
  console.log(indent(vitest.out))
  if (!vitest.ok) fail("the consumer's vitest file")

  // 4. runtimes
  say("browser bundle: esbuild src/readme-example.ts --bundle --platform=browser")
  // the project's own esbuild: the workspace's pnpm shim sets NODE_PATH to the workspace's packages
  const esbuild = join(project, "node_modules/.bin/esbuild")
  const esbuildArgs = [
    "src/readme-example.ts",
    "--bundle",
    "--platform=browser",
    "--format=esm",
    "--outfile=bundle/readme-example.js",
    "--metafile=bundle/meta.json",
    "--log-level=warning"
  ]
  const bundle = capture(esbuild, esbuildArgs)
  if (!bundle.ok) fail("browser bundle of the README example", indent(bundle.out))
  else {
    const inputs = Object.keys(JSON.parse(readFileSync(join(project, "bundle/meta.json"), "utf8")).inputs)
    const nodeOnly = inputs.filter((input) => /(^|\/)node:|@effect\/platform-node|ioredis/.test(input))
    if (nodeOnly.length > 0) fail("the browser bundle contains Node-only modules", indent(nodeOnly.join("\n")))
    else say(`browser bundle: ok, ${inputs.length} modules, none from node:*, @effect/platform-node or ioredis`)
  }

  say("serving FakeDocSpace for the runtimes (node serve-fake.mjs)")
  fake = spawn("node", ["serve-fake.mjs"], { cwd: project, stdio: ["ignore", "pipe", "inherit"] })
  const { apiKey, url } = await new Promise((resolve, reject) => {
    let buffer = ""
    fake.stdout.on("data", (chunk) => {
      buffer += chunk
      if (buffer.includes("\n")) resolve(JSON.parse(buffer.slice(0, buffer.indexOf("\n"))))
    })
    fake.on("exit", (code) => reject(new Error(`serve-fake.mjs exited with ${code}`)))
  })
  const env = { ...process.env, DOCSPACE_URL: url, DOCSPACE_API_KEY: apiKey }
  const expectHello = (name, result) => {
    console.log(indent(result.out))
    if (result.ok && result.out.includes("Hello, ")) say(`${name}: ok`)
    else fail(`the README example under ${name}`)
  }
  if (compiled) expectHello("node", capture("node", ["dist/src/readme-example.js"], { env }))
  else fail("the README example under node (nothing compiled)")

  say("installing bun and deno from the npm registry (npm install bun deno in a separate folder)")
  const runtimes = join(project, "runtimes")
  mkdirSync(runtimes)
  writeFileSync(join(runtimes, "package.json"), "{\"private\":true}\n")
  const npmRuntimes = capture("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "bun", "deno"], {
    cwd: runtimes
  })
  for (const [name, args] of [
    ["bun", ["run", "src/readme-example.ts"]],
    ["deno", ["run", "--allow-env", "--allow-net", "--allow-read", "--allow-sys", "src/readme-example.ts"]]
  ]) {
    const binary = join(runtimes, "node_modules/.bin", name)
    const version = npmRuntimes.ok && existsSync(binary) ? capture(binary, ["--version"]) : { ok: false, out: "" }
    if (!version.ok) {
      say(`${name}: NOT RUN, it could not be installed from the npm registry on this machine` +
        (npmRuntimes.ok ? "" : `\n${indent(npmRuntimes.out)}`))
      continue
    }
    say(`${name} ${version.out.split("\n")[0]}: running the README example`)
    expectHello(name, capture(binary, args, { env: { ...env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } }))
  }
} catch (error) {
  fail("consumer smoke test", String(error?.stack ?? error))
} finally {
  fake?.kill()
  if (process.env.KEEP) say(`kept ${project}`)
  else rmSync(project, { recursive: true, force: true })
}
say(failures.length === 0 ? "all consumer checks passed" : `${failures.length} consumer checks failed: ${failures.join("; ")}`)
process.exit(failures.length === 0 ? 0 : 1)

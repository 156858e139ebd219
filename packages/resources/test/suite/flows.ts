/**
 * The curated flows the suites run over real sockets: a FakeDocSpace on 127.0.0.1 behind the hostile proxy, the
 * client configured with short, bounded timeouts (so that silence costs about a second of real time, never an hour),
 * and canary credentials (a 2FA user whose password, code and issued token are canaries).
 */
import type { DocSpaceClient } from "@effect-docspace/core"
import { Auth, DocSpaceError } from "@effect-docspace/core"
import { RateLimitPolicy } from "@effect-docspace/rate-limit"
import { DocSpace, Downloads, FileOperations, Folders, People, Uploads } from "@effect-docspace/resources"
import { NodeDocSpace, NodeDownloads } from "@effect-docspace/resources/node"
import { FakeDocSpace } from "@effect-docspace/testing"
import { NodeHttpClient } from "@effect/platform-node"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Canaries from "./canaries.js"
import * as Hostile from "./hostile.js"

/**
 * The client's bound on each request: silence and stalls end in a `Timeout` after this. Three seconds: short enough
 * for the suite, long enough for an ordinary request on two busy cores.
 */
export const requestTimeout = Duration.seconds(3)

/** Short waits so that refusals and retries cost little real time; the rest is the Cloud preset. */
export const policy: RateLimitPolicy.RateLimitPolicy = {
  ...RateLimitPolicy.docSpaceCloud,
  name: "suite",
  windows: [RateLimitPolicy.window(1500, "1 second")],
  routes: [],
  writesPerDay: undefined,
  retry: {
    attempts: 3,
    maxTotalWait: Duration.seconds(3),
    baseDelay: Duration.millis(50),
    maxDelay: Duration.millis(500),
    jitter: 0
  },
  maxWait: Duration.seconds(3)
}

export const chunk = 64 * 1024

export interface Env {
  readonly fake: FakeDocSpace.Running
  readonly hostile: Hostile.Hostile
  readonly myFolder: number
  readonly listFolder: number
  readonly download: { readonly id: number; readonly bytes: Uint8Array }
  readonly layer: Layer.Layer<DocSpaceClient.DocSpaceClient>
}

const bytesOf = (size: number, seed: number): Uint8Array => {
  const out = new Uint8Array(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

export const uploadBytes = bytesOf(2 * chunk + 20_000, 7)

export interface EnvOptions {
  readonly fileOperationMillis?: number | undefined
  readonly listSize?: number | undefined
  readonly auth?: "password" | "apiKey" | undefined
  /** Downloads answer 302 to a storage on another origin (a Cloud portal), or the portal serves the bytes. */
  readonly storageRedirect?: boolean | undefined
  /**
   * The client's transport: `NodeDocSpace.layer`'s own over undici (the default: what a Node user gets; timeouts
   * abort the request's signal), `@effect/platform-node`'s undici client under `DocSpace.layer` (neither follows
   * redirects, so a redirecting portal's download is a `ServerError` that says so), or Node's fetch (follows them,
   * dropping credentials on the way to another origin).
   */
  readonly transport?: "node" | "undici" | "fetch" | undefined
}

/** A fresh portal, proxy and client layer, closed with the scope. */
export const env = (options: EnvOptions = {}): Effect.Effect<Env, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const fake = yield* FakeDocSpace.serve({
      users: [
        { email: "admin@example.com", password: Canaries.password, isAdmin: true },
        { email: Canaries.userName, password: Canaries.password, isAdmin: true, tfaCode: Canaries.code }
      ],
      apiKeys: [{ key: Canaries.apiKey, email: Canaries.userName }],
      chunkUploadSize: chunk,
      fileOperationMillis: options.fileOperationMillis ?? 300,
      storageRedirect: options.storageRedirect ?? false
    })
    const hostile = yield* Effect.acquireRelease(
      Effect.promise(() => Hostile.make(fake.url)),
      (h) => Effect.promise(() => h.close())
    )
    const myFolder = yield* fake.state.myFolderId(Canaries.userName)
    const listSize = options.listSize ?? 230
    for (let i = 0; i < listSize; i++) {
      yield* fake.state.seedFile({
        folderId: myFolder,
        title: `entry-${i}.txt`,
        content: `${i}`,
        email: Canaries.userName
      })
    }
    const downloadBytes = bytesOf(150_000, 3)
    const stored = yield* fake.state.seedFile({
      folderId: myFolder,
      title: "download.bin",
      content: downloadBytes,
      email: Canaries.userName
    })
    const auth = options.auth === "apiKey"
      ? Auth.apiKey(Redacted.make(Canaries.apiKey))
      : Auth.password({
        userName: Canaries.userName,
        password: Redacted.make(Canaries.password),
        code: Effect.succeed(Redacted.make(Canaries.code))
      })
    const settings = { baseUrl: hostile.url, auth, timeout: requestTimeout, rateLimit: policy }
    const layer = (options.transport === undefined || options.transport === "node"
      ? NodeDocSpace.layer(settings)
      : DocSpace.layer(settings).pipe(
        Layer.provide(options.transport === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici)
      )).pipe(Layer.orDie)
    return {
      fake,
      hostile,
      myFolder,
      listFolder: myFolder,
      download: { id: stored.id, bytes: downloadBytes },
      layer
    }
  })

/** Tokens the portal issued during a run become canaries too. */
export const learnTokens = (hostile: Hostile.Hostile): void => {
  for (const e of hostile.log) {
    if (!/\/api\/2\.0\/authentication/.test(e.path)) continue
    const token = Hostile.upstreamJson(e)?.response?.token
    if (typeof token === "string") Canaries.addSecret(token)
  }
}

const concat = (chunks: Chunk.Chunk<Uint8Array>): Uint8Array => {
  const all = Chunk.toReadonlyArray(chunks)
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of all) {
    out.set(c, at)
    at += c.length
  }
  return out
}

const equalBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i])

/** What a cell checks after the flow, server-side. Returns the problems found. */
export type Invariant = (
  env: Env,
  /** `undefined`: the flow was interrupted, and whether the portal finished is not known. */
  succeeded: boolean | undefined
) => Effect.Effect<Array<string>>

export interface Flow {
  readonly name: string
  /** The request the matrix faults. */
  readonly target: (request: Hostile.Seen) => boolean
  /** The flow; resolves to a problem description when the result is wrong, undefined when right. */
  readonly run: (
    env: Env
  ) => Effect.Effect<string | undefined, unknown, DocSpaceClient.DocSpaceClient>
  readonly invariant: Invariant
  /** Faults that do not apply (e.g. a JSON fault on raw bytes). */
  readonly notApplicable?: ReadonlyArray<Hostile.FaultKind> | undefined
  readonly envOptions?: EnvOptions | undefined
  /** Matching requests let through before the fault (a chunk in the middle of an upload). */
  readonly skip?: number | undefined
}

const noOrphanSessions: Invariant = (env) =>
  Effect.sync(() => Hostile.openSessions(env.hostile.log).map((id) => `upload session ${id.slice(0, 8)} left open`))

const uploadInvariant = (title: string): Invariant => (env, succeeded) =>
  Effect.gen(function*() {
    const problems = yield* noOrphanSessions(env, succeeded)
    const files = (yield* env.fake.state.files).filter((f) => f.title.startsWith(title.replace(".bin", "")))
    if (succeeded === true && files.length !== 1) {
      problems.push(`${files.length} files stored after a successful upload`)
    }
    if (succeeded === false && files.length !== 0) problems.push(`a failed upload left ${files.length} file(s)`)
    if (files.length > 1) problems.push(`${files.length} files stored`)
    for (const f of files) {
      const content = yield* env.fake.state.fileContent(f.id)
      if (Option.isSome(content) && !equalBytes(content.value, uploadBytes)) problems.push("half file stored")
    }
    return problems
  })

const countForwarded = (env: Env, predicate: (e: Hostile.Exchange) => boolean) =>
  env.hostile.log.filter((e) => e.forwarded && predicate(e)).length

const upload = (protocol: "location" | "session"): Flow => ({
  name: `upload (${protocol})`,
  skip: protocol === "location" ? 1 : 0,
  target: protocol === "location"
    ? (r) => r.method === "POST" && /ChunkedUploader\.ashx$/i.test(r.path) && r.query.get("abort") !== "true"
    : (r) => r.method === "POST" && /\/session\/[^/]+(\/upload)?$/.test(r.path) && r.query.get("chunkNumber") !== "1",
  run: (env) =>
    Effect.map(
      Uploads.upload({
        folderId: env.myFolder,
        fileName: `up-${protocol}.bin`,
        size: uploadBytes.length,
        content: Stream.fromIterable([uploadBytes.subarray(0, 50_000), uploadBytes.subarray(50_000)]),
        protocol,
        chunkTimeout: requestTimeout
      }),
      (file) => (file.title === `up-${protocol}.bin` ? undefined : `uploaded ${file.title}`)
    ),
  invariant: uploadInvariant(`up-${protocol}.bin`)
})

const download = (redirect: boolean): Flow => ({
  name: redirect ? "download (302, fetch)" : "download (portal)",
  target: (r) => r.method === "GET" && /filehandler\.ashx$/i.test(r.path),
  envOptions: redirect ? { storageRedirect: true, transport: "fetch" } : {},
  run: (env) =>
    Effect.map(
      Stream.runCollect(Downloads.stream(env.download.id)),
      (
        chunks
      ) => (equalBytes(concat(chunks), env.download.bytes) ? undefined : `wrong bytes (${concat(chunks).length})`)
    ),
  invariant: () => Effect.succeed([]),
  // raw bytes: there is no JSON to truncate
  notApplicable: ["truncated-json"]
})

const older = new TextEncoder().encode("an older complete copy")

/** Where `toFile` saves, per env: a fresh directory holding an older complete copy of the file. */
const saveDirs = new WeakMap<Env, string>()
const saveDir = (env: Env): string => {
  let dir = saveDirs.get(env)
  if (dir === undefined) {
    dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "suite-tofile-"))
    Fs.writeFileSync(Path.join(dir, "download.bin"), older)
    saveDirs.set(env, dir)
  }
  return dir
}

const toFile: Flow = {
  name: "download (toFile)",
  target: (r) => r.method === "GET" && /filehandler\.ashx$/i.test(r.path),
  run: (env) =>
    Effect.suspend(() => {
      const path = Path.join(saveDir(env), "download.bin")
      return Effect.map(NodeDownloads.toFile(env.download.id, path), (saved) => {
        const written = new Uint8Array(Fs.readFileSync(path))
        return equalBytes(written, env.download.bytes) && saved.size === written.length
          ? undefined
          : `saved ${written.length} bytes, not the file`
      })
    }),
  invariant: (env, succeeded) =>
    Effect.sync(() => {
      const dir = saveDir(env)
      const problems: Array<string> = []
      const names = Fs.readdirSync(dir)
      if (names.length !== 1) problems.push(`files left in the directory: ${names.join(", ")}`)
      const kept = new Uint8Array(Fs.readFileSync(Path.join(dir, "download.bin")))
      if (succeeded === false && !equalBytes(kept, older)) {
        problems.push("a failed save replaced the older complete copy")
      }
      if (!equalBytes(kept, older) && !equalBytes(kept, env.download.bytes)) problems.push("a half file at the path")
      Fs.rmSync(dir, { recursive: true, force: true })
      return problems
    }),
  notApplicable: ["truncated-json"]
}

export const flows: ReadonlyArray<Flow> = [
  {
    name: "read",
    target: (r) => r.method === "GET" && r.path === "/api/2.0/people/@self",
    run: () => Effect.map(People.self(), (me) => (me.email === Canaries.userName ? undefined : `email ${me.email}`)),
    invariant: () => Effect.succeed([])
  },
  {
    name: "write",
    target: (r) => r.method === "POST" && /^\/api\/2\.0\/files\/folder\/\d+$/.test(r.path),
    run: (env) =>
      Effect.map(
        Folders.create(env.myFolder, "matrix-folder"),
        (f) => (f.title === "matrix-folder" ? undefined : f.title)
      ),
    invariant: (env) =>
      Effect.map(env.fake.state.counts, (counts) => {
        const n = counts.byRoute["POST /api/2.0/files/folder/{folderId}"] ?? 0
        return n > 1 ? [`folder created ${n} times`] : []
      })
  },
  {
    name: "paged list",
    target: (r) =>
      r.method === "GET" && /^\/api\/2\.0\/files\/\d+$/.test(r.path) && r.query.get("startIndex") === "100",
    run: (env) =>
      Effect.map(Stream.runCollect(Folders.stream(env.listFolder)), (entries) => {
        const ids = Chunk.toReadonlyArray(entries).map((e) => `${e._tag}:${e.id}`)
        const titles = Chunk.toReadonlyArray(entries).filter((e) => e.title.startsWith("entry-")).length
        if (new Set(ids).size !== ids.length) return `${ids.length - new Set(ids).size} duplicated entries`
        return titles === 230 ? undefined : `${titles} of 230 entries`
      }),
    invariant: () => Effect.succeed([])
  },
  upload("location"),
  upload("session"),
  download(false),
  download(true),
  toFile,
  {
    name: "file operation (copy)",
    target: (r) => r.method === "PUT" && r.path === "/api/2.0/files/fileops/copy",
    run: (env) =>
      Effect.map(
        FileOperations.copy({
          fileIds: [env.download.id],
          destFolderId: env.myFolder,
          schedule: Schedule.spaced(Duration.millis(50)),
          cleanupTimeout: requestTimeout
        }),
        (ops) => (ops.length === 1 ? undefined : `${ops.length} operations`)
      ),
    invariant: (env) =>
      Effect.succeed(
        countForwarded(env, (e) => e.method === "PUT" && e.path === "/api/2.0/files/fileops/copy") > 1
          ? ["copy started twice"]
          : []
      )
  },
  {
    name: "file operation (poll)",
    target: (r) => r.method === "GET" && r.path === "/api/2.0/files/fileops",
    run: (env) =>
      Effect.map(
        FileOperations.copy({
          fileIds: [env.download.id],
          destFolderId: env.myFolder,
          schedule: Schedule.spaced(Duration.millis(50)),
          cleanupTimeout: requestTimeout
        }),
        (ops) => (ops.length === 1 ? undefined : `${ops.length} operations`)
      ),
    envOptions: { fileOperationMillis: 2500 },
    invariant: (env, succeeded) =>
      Effect.gen(function*() {
        if (succeeded === true) return []
        // a failed wait must not leave its operation running: terminated, or already finished
        const running = (yield* env.fake.state.operations).filter((op) => !op.finished)
        return running.length > 0 ? [`${running.length} operation(s) left running`] : []
      })
  }
]

/** A failure the client may end in: one of its named typed errors. */
export const isTyped = (error: unknown): error is { readonly _tag: string } =>
  DocSpaceError.isDocSpaceError(error) ||
  (typeof error === "object" && error !== null && "_tag" in error && error._tag === "FileOperationFailed")

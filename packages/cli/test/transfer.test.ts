import { FakeServer } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as fs from "node:fs"
import * as path from "node:path"
import { runCli, serveFake, tempDir } from "./harness.js"

const write = (file: string, content: string | Uint8Array) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

const listFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort()

describe("upload, download, mirror, push", () => {
  it.live("upload recreates the tree, skips what matches on a second run; download brings it back", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const local = yield* tempDir()
      write(path.join(local, "site/index.html"), "<h1>hi</h1>")
      write(path.join(local, "site/css/a.css"), "body{}")
      write(path.join(local, "site/img/logo.bin"), new Uint8Array(70_000).fill(7))
      write(path.join(local, "notes.txt"), "notes")
      fs.mkdirSync(path.join(local, "site/empty"))
      const first = yield* runCli(
        ["upload", path.join(local, "site"), path.join(local, "notes.txt"), "@my", "--json"],
        { env }
      )
      expect(first.code, first.stderr).toBe(0)
      const report = JSON.parse(first.stdout)
      expect(report).toMatchObject({ uploaded: 4, skipped: 0, failed: 0, bytes: 70_000 + 11 + 6 + 5 })
      const tree = yield* runCli(["tree"], { env })
      expect(tree.stdout).toBe(
        "@my\n├── site/\n│   ├── css/\n│   │   └── a.css\n│   ├── empty/\n│   ├── img/\n│   │   └── logo.bin\n" +
          "│   └── index.html\n└── notes.txt\n"
      )
      const second = yield* runCli(["upload", path.join(local, "site"), "@my", "--jsonl"], { env })
      expect(second.code).toBe(0)
      const lines = second.stdout.trim().split("\n").map((l) => JSON.parse(l))
      expect(lines.map((l) => l.status)).toEqual(["skipped", "skipped", "skipped"])
      // download a folder and a file; the second run skips them all
      const out = yield* tempDir()
      const down = yield* runCli(["download", "@my/site", "@my/notes.txt", out], { env })
      expect(down.code, down.stderr).toBe(0)
      expect(listFiles(out)).toEqual(["notes.txt", "site/css/a.css", "site/img/logo.bin", "site/index.html"])
      expect(fs.readFileSync(path.join(out, "site/img/logo.bin"))).toEqual(Buffer.from(new Uint8Array(70_000).fill(7)))
      const again = yield* runCli(["download", "@my/site", out, "--json"], { env })
      expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: 0, skipped: 3, failed: 0 })
    })))

  it.live("names the portal would change are uploaded as it stores them, so a second run skips them", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const local = yield* tempDir()
      write(path.join(local, "q:a/what?.txt"), "?")
      const first = yield* runCli(["upload", path.join(local, "q:a"), "@my", "--json"], { env })
      expect(first.code, first.stderr).toBe(0)
      expect((yield* runCli(["stat", "@my/q_a/what_.txt"], { env })).code).toBe(0)
      const second = yield* runCli(["upload", path.join(local, "q:a"), "@my", "--json"], { env })
      expect(JSON.parse(second.stdout)).toMatchObject({ uploaded: 0, skipped: 1 })
    })))

  it.live("the library's warnings go to stderr, never into --json on stdout; --verbose adds its debug lines", () =>
    Effect.scoped(Effect.gen(function*() {
      // an older portal allowing 10 requests a second (503 + Retry-After) and a client told nothing: it is refused,
      // waits as told, and says so
      const { env, fake } = yield* serveFake({
        limits: { regime: "legacy", requests: { limit: 10, window: "1 second" } }
      })
      const local = yield* tempDir()
      for (let i = 0; i < 8; i++) write(path.join(local, `w/f${i}.txt`), `${i}`)
      const result = yield* runCli(["upload", path.join(local, "w"), "@my", "--json", "--parallel", "8"], { env })
      expect(result.code, result.stderr).toBe(0)
      expect(JSON.parse(result.stdout)).toMatchObject({ uploaded: 8, failed: 0 })
      const refused = (yield* Option.getOrThrow(fake.limits).stats).rejected.total
      expect(refused).toBeGreaterThan(0)
      expect(result.stderr).toContain("the portal refused a request the rate-limit policy allowed")
      expect(result.stderr).not.toContain("level=DEBUG")
      write(path.join(local, "v/one.txt"), "1")
      const verbose = yield* runCli(["upload", path.join(local, "v"), "@my", "--verbose"], { env })
      expect(verbose.code).toBe(0)
      expect(verbose.stderr).toContain("level=DEBUG")
      expect(verbose.stdout).not.toContain("level=")
    })))

  it.live("push --dry-run, push, push --delete (asks; --yes), mirror --delete", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const local = yield* tempDir()
      write(path.join(local, "a.txt"), "a")
      write(path.join(local, "sub/b.txt"), "bb")
      yield* runCli(["mkdir", "@my/target"], { env })
      const dry = yield* runCli(["push", local, "@my/target", "--dry-run", "--json"], { env })
      expect(JSON.parse(dry.stdout)).toMatchObject({ uploaded: 2, dryRun: true })
      expect((yield* runCli(["ls", "@my/target", "--json"], { env })).stdout).toBe("[]\n")
      const push = yield* runCli(["push", local, "@my/target"], { env })
      expect(push.code, push.stderr).toBe(0)
      fs.rmSync(path.join(local, "a.txt"))
      // not confirmed: nothing deleted, exit 1
      const declined = yield* runCli(["push", local, "@my/target", "--delete"], { env, answers: ["n"] })
      expect(declined.code).toBe(1)
      expect(declined.stderr).toContain("Move 1 entries that are not in")
      expect((yield* runCli(["stat", "@my/target/a.txt"], { env })).code).toBe(0)
      // a dry run lists and counts what --delete would remove, as "would-delete", and removes nothing
      const dryDelete = yield* runCli(["push", local, "@my/target", "--delete", "--dry-run", "--json"], { env })
      expect(dryDelete.code, dryDelete.stderr).toBe(0)
      const dryDoc = JSON.parse(dryDelete.stdout)
      expect(dryDoc).toMatchObject({ uploaded: 0, deleted: 1, dryRun: true })
      expect(dryDoc.files.filter((f: { status: string }) => f.status !== "skipped")).toMatchObject([
        { path: "a.txt", status: "would-delete" }
      ])
      const dryLines = yield* runCli(["push", local, "@my/target", "--delete", "--dry-run", "--jsonl"], { env })
      expect(dryLines.stdout.trim().split("\n").map((l) => JSON.parse(l).status).sort()).toEqual([
        "skipped",
        "would-delete"
      ])
      const dryHuman = yield* runCli(["push", local, "@my/target", "--delete", "--dry-run"], { env })
      expect(dryHuman.stdout).toContain("would delete a.txt\n")
      expect(dryHuman.stdout).not.toContain("would transfer a.txt")
      expect(dryHuman.stdout).toContain("dry run: would have uploaded 0, skipped 1, deleted 1")
      expect((yield* runCli(["stat", "@my/target/a.txt"], { env })).code).toBe(0)
      const deleted = yield* runCli(["push", local, "@my/target", "--delete", "--yes", "--json"], { env })
      expect(deleted.code, deleted.stderr).toBe(0)
      expect(JSON.parse(deleted.stdout)).toMatchObject({ uploaded: 0, skipped: 1, deleted: 1 })
      expect((yield* runCli(["stat", "@my/target/a.txt"], { env })).code).toBe(4)
      // mirror back into a directory with an extra file
      const copy = yield* tempDir()
      write(path.join(copy, "stale.txt"), "old")
      const dryMirror = yield* runCli(["mirror", "@my/target", copy, "--delete", "--dry-run", "--json"], { env })
      expect(dryMirror.code, dryMirror.stderr).toBe(0)
      const dryMirrorDoc = JSON.parse(dryMirror.stdout)
      expect(dryMirrorDoc).toMatchObject({ downloaded: 1, deleted: 1, dryRun: true })
      expect(dryMirrorDoc.files).toContainEqual({ path: "stale.txt", status: "would-delete" })
      expect(listFiles(copy)).toEqual(["stale.txt"])
      const mirror = yield* runCli(["mirror", "@my/target", copy, "--delete", "--yes", "--json"], { env })
      expect(mirror.code, mirror.stderr).toBe(0)
      expect(JSON.parse(mirror.stdout)).toMatchObject({ downloaded: 1, deleted: 1, failed: 0 })
      expect(listFiles(copy)).toEqual(["sub/b.txt"])
    })))

  it.live("a file that disappears during the upload: one line for it, the rest uploaded, exit 1", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env, fake } = yield* serveFake()
      const local = yield* tempDir()
      for (let i = 0; i < 40; i++) write(path.join(local, `batch/f${String(i).padStart(2, "0")}.txt`), `file ${i}`)
      const fiber = yield* Effect.fork(
        runCli(["upload", path.join(local, "batch"), "@my", "--parallel", "1", "--jsonl"], { env })
      )
      // once the upload is under way, remove the last file
      yield* Effect.gen(function*() {
        const counts = yield* fake.state.counts
        if (counts.writes < 6) return yield* Effect.fail("not yet")
      }).pipe(Effect.retry(Schedule.spaced("5 millis").pipe(Schedule.upTo("30 seconds"))), Effect.orDie)
      fs.rmSync(path.join(local, "batch/f39.txt"))
      const result = yield* Fiber.join(fiber)
      expect(result.code).toBe(1)
      const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l))
      expect(lines.filter((l) => l.status === "uploaded")).toHaveLength(39)
      const failed = lines.filter((l) => l.status === "failed")
      expect(failed).toHaveLength(1)
      expect(failed[0].path).toBe(path.join("batch", "f39.txt"))
      expect(result.stderr).toContain("f39.txt: ")
      expect(result.stderr).toContain("docspace: 1 of 40 files failed")
      // nothing half-written on the portal
      const ls = yield* runCli(["ls", "@my/batch", "--json"], { env })
      const titles = JSON.parse(ls.stdout).map((e: { title: string }) => e.title)
      expect(titles).toHaveLength(39)
      expect(titles).not.toContain("f39.txt")
    })))

  it.live("a file cut short while its parts are being sent: that file fails, its session is aborted, exit 1", () =>
    Effect.scoped(Effect.gen(function*() {
      // 64 KiB parts answered after 200 ms each: the file is truncated after the first part went
      const { env, fake } = yield* serveFake({
        chunkUploadSize: 64 * 1024,
        faults: { rules: [{ route: "POST /ChunkedUploader.ashx", fault: FakeServer.latency("200 millis") }] }
      })
      const local = yield* tempDir()
      write(path.join(local, "cut/big.bin"), new Uint8Array(5 * 64 * 1024).fill(3))
      write(path.join(local, "cut/small.txt"), "small")
      const fiber = yield* Effect.fork(runCli(["upload", path.join(local, "cut"), "@my", "--parallel", "1"], { env }))
      yield* Effect.gen(function*() {
        const counts = yield* fake.state.counts
        if ((counts.byRoute["POST /ChunkedUploader.ashx"] ?? 0) < 1) return yield* Effect.fail("not yet")
      }).pipe(Effect.retry(Schedule.spaced("5 millis").pipe(Schedule.upTo("30 seconds"))), Effect.orDie)
      fs.truncateSync(path.join(local, "cut/big.bin"), 100_000)
      const result = yield* Fiber.join(fiber)
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/cut\/big\.bin: .*shrank/)
      expect(result.stderr).toContain("docspace: 1 of 2 files failed")
      const titles = JSON.parse((yield* runCli(["ls", "@my/cut", "--json"], { env })).stdout)
        .map((e: { title: string }) => e.title)
      expect(titles).toEqual(["small.txt"])
    })))

  it.live("a write that fails on download: one line, no partial file, exit 1", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const local = yield* tempDir()
      write(path.join(local, "docs/a.txt"), "aaaa")
      write(path.join(local, "docs/b.txt"), "bbbb")
      expect((yield* runCli(["upload", path.join(local, "docs"), "@my"], { env })).code).toBe(0)
      const out = yield* tempDir()
      // b.txt cannot be written: a directory of that name is in the way (the rename fails)
      fs.mkdirSync(path.join(out, "docs/b.txt"), { recursive: true })
      fs.writeFileSync(path.join(out, "docs/b.txt/keep"), "x")
      const result = yield* runCli(["download", "@my/docs", out], { env })
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/docs\/b\.txt: .+\n/)
      expect(result.stderr).toContain("docspace: 1 of 2 files failed")
      expect(fs.readFileSync(path.join(out, "docs/a.txt"), "utf8")).toBe("aaaa")
      // no temporary file left behind
      expect(listFiles(out)).toEqual(["docs/a.txt", "docs/b.txt/keep"])
    })))

  it.live("a local path that does not exist is one line and exit 1; --parallel 0 is exit 2", () =>
    Effect.scoped(Effect.gen(function*() {
      const { env } = yield* serveFake()
      const missing = yield* runCli(["upload", "/nonexistent/path/x", "@my"], { env })
      expect(missing.code).toBe(1)
      expect(missing.stderr.trim().split("\n")).toHaveLength(1)
      expect(missing.stderr).toContain("/nonexistent/path/x")
      const zero = yield* runCli(["upload", "/tmp", "@my", "--parallel", "0"], { env })
      expect(zero.code).toBe(2)
    })))

  it.live(
    "bulk: 1,000 small files under a tight fake limit finish with 0 refusals",
    () =>
      Effect.scoped(Effect.gen(function*() {
        // the portal allows 4 concurrent writes, 8 concurrent reads and 100 requests a second (sliding); the client is
        // told the same and runs 16 files at once: only its limiter keeps it from being refused. ~2,100 requests at
        // 100 a second take at least 20 s: the window binds however fast the machine is.
        const { env, fake } = yield* serveFake({
          // 256 KiB chunks: Uploads allocates one whole chunk per file, and 1,000 x 10 MiB is mostly GC time
          chunkUploadSize: 256 * 1024,
          limits: { regime: "cloud", concurrency: { get: 8, other: 4 }, requests: { limit: 100, window: "1 second" } }
        })
        const local = yield* tempDir()
        let bytes = 0
        for (let i = 0; i < 1000; i++) {
          const content = `file ${i} `.repeat(1 + (i % 50))
          bytes += Buffer.byteLength(content)
          write(path.join(local, `bulk/d${i % 10}/f${i}.txt`), content)
        }
        const started = Date.now()
        const result = yield* runCli(["upload", path.join(local, "bulk"), "@my", "--parallel", "16", "--json"], {
          env: { ...env, DOCSPACE_RATE_LIMIT: "cloud,read=8,write=4,window=100/1 second" }
        })
        const wall = Date.now() - started
        expect(result.code, result.stderr).toBe(0)
        const report = JSON.parse(result.stdout)
        expect(report).toMatchObject({ uploaded: 1000, failed: 0, skipped: 0, bytes })
        const stats = yield* Option.getOrThrow(fake.limits).stats
        console.log(
          `bulk upload: ${report.uploaded} files, ${report.bytes} bytes, ${(wall / 1000).toFixed(1)} s wall, ` +
            `${stats.received} requests, ${stats.rejected.total} refusals`
        )
        expect(stats.rejected.total).toBe(0)
        // the chunk size is asked once, not by each of the first 16 uploads at the same time
        expect(stats.byRoute["GET /api/2.0/files/settings"]).toBe(1)
        // each folder listed once (the new "bulk" and its 10 subfolders), however many uploads go into it at once
        expect(stats.byRoute["GET /api/2.0/files/{id}"]).toBe(11)
        // the window was the limit: no faster than 100 requests a second after the first 100
        expect(wall).toBeGreaterThanOrEqual(((stats.received - 100) / 100) * 1000 - 1000)
      })),
    240_000
  )
})

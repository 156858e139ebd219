import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Exit from "../src/Exit.js"
import * as Local from "../src/internal/local.js"
import * as Output from "../src/Output.js"
import * as Progress from "../src/Progress.js"

describe("names", () => {
  it("portalTitle follows the portal's ReplaceInvalidCharsAndTruncate", () => {
    expect(Local.portalTitle("a:b*c?.txt")).toBe("a_b_c_.txt")
    expect(Local.portalTitle("tab\there")).toBe("tab_here")
    expect(Local.portalTitle("smile 😀.txt")).toBe("smile __.txt")
    const long = "x".repeat(200) + ".docx"
    expect(Local.portalTitle(long)).toBe("x".repeat(165) + ".docx")
    const longExt = "x".repeat(150) + "." + "y".repeat(60)
    expect(Local.portalTitle(longExt)).toHaveLength(170)
    expect(Local.portalTitle("plain name.txt")).toBe("plain name.txt")
  })

  it("safeName never lets a portal title leave the target directory", () => {
    expect(Local.safeName("../../etc/passwd")).toBe(".._.._etc_passwd")
    expect(Local.safeName("..")).toBeUndefined()
    expect(Local.safeName(".")).toBeUndefined()
    expect(Local.safeName("  ")).toBeUndefined()
    expect(Local.safeName("a\\b")).toBe("a_b")
  })
})

describe("exit codes and messages", () => {
  it("maps each kind of failure to its code, in one line", () => {
    expect(Exit.codeOf({ _tag: "Unauthorized", message: "x" })).toBe(3)
    expect(Exit.codeOf({ _tag: "Forbidden", message: "x" })).toBe(3)
    expect(Exit.codeOf({ _tag: "NotConfigured", message: "x" })).toBe(3)
    expect(Exit.codeOf({ _tag: "NotFound", message: "x" })).toBe(4)
    expect(Exit.codeOf({ _tag: "RateLimited", message: "x" })).toBe(5)
    expect(Exit.codeOf({ _tag: "UsageError", message: "x" })).toBe(2)
    expect(Exit.codeOf({ _tag: "ServerError", message: "x" })).toBe(1)
    expect(Exit.codeOf(new Error("boom"))).toBe(1)
    expect(Exit.format({ _tag: "Unauthorized", message: "GET /x: bad\nkey" })).toBe(
      "docspace: GET /x: bad key (hint: check the API key or token (--api-key, DOCSPACE_API_KEY, DOCSPACE_TOKEN) " +
        "or run `docspace login`)"
    )
  })
})

describe("output", () => {
  it("tables align, trees branch, bytes read well", () => {
    const table = Output.formatTable([{ id: 7, name: "a" }, { id: 1234, name: "bb" }], [
      { header: "ID", get: (r) => r.id, align: "right" },
      { header: "NAME", get: (r) => r.name }
    ])
    expect(table).toBe("  ID  NAME\n   7  a\n1234  bb\n")
    expect(
      Output.formatTree({
        label: "r",
        children: [{ label: "a", children: [{ label: "b", children: [] }] }, { label: "c", children: [] }]
      })
    )
      .toBe("r\n├── a\n│   └── b\n└── c\n")
    expect(Output.formatBytes(512)).toBe("512 B")
    expect(Output.formatBytes(1536)).toBe("1.5 KiB")
    expect(Output.formatBytes(10 * 1024 * 1024)).toBe("10.0 MiB")
  })

  it.effect("--jsonl writes each entry as it arrives; --json one array", () =>
    Effect.gen(function*() {
      const terminal = Output.memoryTerminal()
      const jsonl = Output.make({ mode: "jsonl", terminal })
      const seen: Array<string> = []
      yield* jsonl.list(
        Stream.make(1, 2, 3).pipe(Stream.tap(() => Effect.sync(() => void seen.push(terminal.stdoutText())))),
        { columns: [] }
      )
      // before the second entry was pulled, the first was printed
      expect(seen).toEqual(["", "1\n", "1\n2\n"])
      const t2 = Output.memoryTerminal()
      yield* Output.make({ mode: "json", terminal: t2 }).list(Stream.make({ a: 1 }, { a: 2 }), { columns: [] })
      expect(JSON.parse(t2.stdoutText())).toEqual([{ a: 1 }, { a: 2 }])
    }))

  it.effect("--json: a listing that fails prints no broken document", () =>
    Effect.gen(function*() {
      const empty = Output.memoryTerminal()
      yield* Output.make({ mode: "json", terminal: empty }).list(Stream.empty, { columns: [] })
      expect(empty.stdoutText()).toBe("[]\n")
      // failing before the first entry (`docspace ls 99999 --json`): nothing on stdout
      const early = Output.memoryTerminal()
      const failed = yield* Output.make({ mode: "json", terminal: early }).list(Stream.fail("not found"), {
        columns: []
      }).pipe(Effect.flip)
      expect(failed).toBe("not found")
      expect(early.stdoutText()).toBe("")
      // failing later: the array printed so far is closed, so stdout still parses
      const late = Output.memoryTerminal()
      yield* Output.make({ mode: "json", terminal: late }).list(
        Stream.concat(Stream.make({ a: 1 }), Stream.fail("page 2 refused")),
        { columns: [] }
      ).pipe(Effect.flip)
      expect(JSON.parse(late.stdoutText())).toEqual([{ a: 1 }])
    }))

  it.effect("confirm: --yes answers yes; without input the answer is no", () =>
    Effect.gen(function*() {
      expect(yield* Output.make({ mode: "human", yes: true, terminal: Output.memoryTerminal() }).confirm("?")).toBe(
        true
      )
      expect(yield* Output.make({ mode: "human", terminal: Output.memoryTerminal() }).confirm("?")).toBe(false)
      expect(yield* Output.make({ mode: "human", terminal: Output.memoryTerminal({ answers: ["yes"] }) }).confirm("?"))
        .toBe(true)
    }))

  it("progress lines show done, in flight and waiting for the rate limit", () => {
    expect(Progress.format({
      label: "uploading",
      done: 3,
      total: 10,
      bytes: 2048,
      totalBytes: 4096,
      inFlight: 4,
      waiting: 2,
      failed: 1,
      skipped: 0,
      elapsedMillis: 1500
    })).toBe("uploading 3/10 done, 2.0 KiB/4.0 KiB, 4 in flight, 2 waiting for rate limit, 1 failed, 1.5s")
  })
})

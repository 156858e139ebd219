// The fake's file operations list as DocSpace-server's FileOperationsManagerHolder.GetOperationResults does: every
// read drops the finished operations it sees, a finished one is in the answer only when its result is held
// (holdResult = !deleteAfter), and terminate answers with the user's other operations, read unfiltered.
import { FakeDocSpace } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const make = Effect.gen(function*() {
  const fake = yield* FakeDocSpace.makeHandler({ fileOperationMillis: 1000 })
  const key = Redacted.value(fake.state.apiKey)
  const call = (method: string, path: string, json?: unknown) =>
    Effect.gen(function*() {
      const body = json === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(json))
      const response = yield* Effect.orDie(fake.handler({
        method,
        url: new URL(path, "http://fake.test"),
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body
      }))
      const chunks = yield* Stream.runCollect(response.body)
      const bytes = Buffer.concat([...chunks])
      return { status: response.status, json: JSON.parse(bytes.toString("utf8")) }
    })
  const myId = yield* fake.state.myFolderId()
  const file = (title: string) => fake.state.seedFile({ folderId: myId, title, content: title })
  const ids = (answer: { readonly json: any }): Array<string> => answer.json.response.map((o: any) => o.id)
  return { ...fake, call, myId, file, ids }
})

describe("FakeDocSpace file operations report like the server", () => {
  it.effect("GET /fileops?id= answers that operation only, and reads (drops) only it", () =>
    Effect.gen(function*() {
      const { call, file, ids, myId } = yield* make
      const a = yield* file("a.txt")
      const b = yield* file("b.txt")
      const one = (yield* call("PUT", "/api/2.0/files/fileops/copy", {
        fileIds: [a.id],
        destFolderId: myId,
        returnSingleOperation: true
      })).json.response[0]
      const two = (yield* call("PUT", "/api/2.0/files/fileops/copy", {
        fileIds: [b.id],
        destFolderId: myId,
        returnSingleOperation: true
      })).json.response[0]
      yield* TestClock.adjust("1 second")
      expect(ids(yield* call("GET", `/api/2.0/files/fileops?id=${one.id}`))).toEqual([one.id])
      // the other finished operation is still there for its own reader
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${two.id}`)).json.response).toMatchObject([{
        id: two.id,
        finished: true,
        progress: 100
      }])
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toEqual([])
    }))

  it.effect("an operation started with deleteAfter is listed while it runs, and leaves without a finished report", () =>
    Effect.gen(function*() {
      const { call, file, ids, myId, state } = yield* make
      const a = yield* file("a.txt")
      const dest = (yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "D" })).json.response.id
      const op = (yield* call("PUT", "/api/2.0/files/fileops/move", {
        fileIds: [a.id],
        destFolderId: dest,
        deleteAfter: true,
        returnSingleOperation: true
      })).json.response[0]
      expect(op).toMatchObject({ finished: false, progress: 0 })
      yield* TestClock.adjust("500 millis")
      expect(ids(yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`))).toEqual([op.id])
      yield* TestClock.adjust("500 millis")
      // finished: dropped by this read, never listed
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`)).json.response).toEqual([])
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toEqual([])
      // the move itself happened
      expect((yield* state.files).find((f) => f.id === a.id)?.folderId).toBe(dest)
    }))

  it.effect("a finished operation read by another reader (the web UI) is gone for everyone else", () =>
    Effect.gen(function*() {
      const { call, file, myId } = yield* make
      const a = yield* file("a.txt")
      const op = (yield* call("PUT", "/api/2.0/files/fileops/copy", {
        fileIds: [a.id],
        destFolderId: myId,
        returnSingleOperation: true
      })).json.response[0]
      yield* TestClock.adjust("1 second")
      // the web UI polls the unfiltered list and takes the report
      expect((yield* call("GET", "/api/2.0/files/fileops")).json.response).toMatchObject([{
        id: op.id,
        finished: true
      }])
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`)).json.response).toEqual([])
    }))

  it.effect("a start without returnSingleOperation and terminate read the whole list (and drop finished ones)", () =>
    Effect.gen(function*() {
      const { call, file, ids, myId } = yield* make
      const a = yield* file("a.txt")
      const b = yield* file("b.txt")
      const first = (yield* call("PUT", "/api/2.0/files/fileops/copy", {
        fileIds: [a.id],
        destFolderId: myId,
        returnSingleOperation: true
      })).json.response[0]
      yield* TestClock.adjust("1 second")
      // finished, unread: an unfiltered start answer takes its report
      const started = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", { fileIds: [b.id] })).json.response
      expect(started.map((o: any) => [o.id === first.id, o.finished])).toEqual([[true, true], [false, false]])
      const running = started[1].id
      const third = (yield* call("PUT", "/api/2.0/files/fileops/duplicate", {
        fileIds: [a.id],
        returnSingleOperation: true
      })).json.response[0]
      // terminate: the terminated one is dequeued and not in the answer; the others are listed
      expect(ids(yield* call("PUT", `/api/2.0/files/fileops/terminate/${running}`))).toEqual([third.id])
      expect(ids(yield* call("GET", "/api/2.0/files/fileops"))).toEqual([third.id])
    }))

  it.effect("a failure is reported with the server's message (a folder moved into its own subfolder)", () =>
    Effect.gen(function*() {
      const { call, myId } = yield* make
      const parent = (yield* call("POST", `/api/2.0/files/folder/${myId}`, { title: "P" })).json.response.id
      const child = (yield* call("POST", `/api/2.0/files/folder/${parent}`, { title: "C" })).json.response.id
      const op = (yield* call("PUT", "/api/2.0/files/fileops/move", {
        folderIds: [parent],
        destFolderId: child,
        returnSingleOperation: true
      })).json.response[0]
      yield* TestClock.adjust("1 second")
      expect((yield* call("GET", `/api/2.0/files/fileops?id=${op.id}`)).json.response).toMatchObject([{
        id: op.id,
        finished: true,
        error: "The folder cannot be moved into itself or its subfolder"
      }])
    }))
})

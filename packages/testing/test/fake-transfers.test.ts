// The fake's Cloud-storage download mode, in process: filehandler.ashx redirects to a presigned URL on another
// origin (FileHandler.ashx.cs DownloadFile / BulkDownloadFile -> GetPreSignedUriAsync), whose storage refuses
// credentials and serves standard ranges with an ETag.
import { FakeDocSpace } from "@effect-docspace/testing"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

const get = (url: string, headers: Record<string, string> = {}) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.flatMap(
      client.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers))),
      (response) => Effect.map(response.text, (text) => ({ status: response.status, headers: response.headers, text }))
    )).pipe(Effect.scoped)

describe("FakeDocSpace storage redirect", () => {
  it.effect("filehandler answers 302 to the storage origin; the storage refuses credentials, serves ranges", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      expect(fake.storageUrl).toBe(FakeDocSpace.defaultStorageOrigin)
      const file = yield* fake.state.seedFile({
        folderId: yield* fake.state.myFolderId(),
        title: "d.txt",
        content: "0123456789"
      })
      const auth = { authorization: `Bearer ${Redacted.value(fake.apiKey)}` }
      const first = yield* get(`${fake.url}/filehandler.ashx?action=download&fileid=${file.id}`, {
        ...auth,
        range: "bytes=2-"
      })
      expect(first.status).toBe(302)
      const location = new URL(first.headers["location"]!)
      expect(location.origin).toBe(FakeDocSpace.defaultStorageOrigin)
      // a suffix range is refused by the portal before it redirects (it parses the start first)
      const suffix = yield* get(`${fake.url}/filehandler.ashx?action=download&fileid=${file.id}`, {
        ...auth,
        range: "bytes=-3"
      })
      expect(suffix.status).toBe(400)
      // credentials on the storage: refused, like S3 with a presigned query
      expect((yield* get(location.href, auth)).status).toBe(400)
      expect((yield* get(location.href, { cookie: "asc_auth_key=abc" })).status).toBe(400)
      const part = yield* get(location.href, { range: "bytes=2-" })
      expect([part.status, part.text, part.headers["content-range"]]).toEqual([206, "23456789", "bytes 2-9/10"])
      expect(part.headers["etag"]).toMatch(/^".+"$/)
      // the storage serves standard suffix ranges and answers 416 to unsatisfiable ones
      expect((yield* get(location.href, { range: "bytes=-3" })).text).toBe("789")
      expect((yield* get(location.href, { range: "bytes=20-" })).status).toBe(416)
      // nothing but presigned downloads on the storage
      expect((yield* get(`${FakeDocSpace.defaultStorageOrigin}/api/2.0/people/@self`)).status).toBe(404)
      // the refusals happen in front of the storage: only the three downloads reached it
      const counts = yield* fake.state.counts
      expect(counts.byRoute["GET /storage/presigned/{token}"]).toBe(3)
    }).pipe(Effect.provide(FakeDocSpace.layer({ storageRedirect: true }))))

  it.effect("off by default in process: filehandler serves the bytes as the portal's own handler", () =>
    Effect.gen(function*() {
      const fake = yield* FakeDocSpace.Server
      expect(fake.storageUrl).toBeUndefined()
      const file = yield* fake.state.seedFile({
        folderId: yield* fake.state.myFolderId(),
        title: "d.txt",
        content: "0123"
      })
      const reply = yield* get(`${fake.url}/filehandler.ashx?action=download&fileid=${file.id}`, {
        authorization: `Bearer ${Redacted.value(fake.apiKey)}`,
        range: "bytes=1-"
      })
      // the portal writes " bytes 1-3/4"; HTTP clients trim the leading space of header values
      expect([reply.status, reply.text, reply.headers["content-range"]?.trim()]).toEqual([206, "123", "bytes 1-3/4"])
    }).pipe(Effect.provide(FakeDocSpace.layer())))
})

import { Auth } from "@effect-docspace/core"
import { DocSpace } from "@effect-docspace/resources"
import { MockTransport } from "@effect-docspace/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Remote from "../src/internal/remote.js"

// a real portal numbers files and folders separately (tables files_file and files_folder): 42 can be both
const portal = (routes: MockTransport.Routes) =>
  DocSpace.layer({
    baseUrl: "https://example.onlyoffice.com",
    auth: Auth.apiKey(Redacted.make("sk-" + "1".repeat(64)))
  }).pipe(Layer.provide(MockTransport.layer(routes)))

const file = { id: 42, title: "report.docx", folderId: 1, pureContentLength: 10 }
const folder = { id: 42, title: "Reports", parentId: 1 }

describe("naming items", () => {
  it.effect("an id that is a file and a folder is refused as ambiguous; file:/folder: pick one", () =>
    Effect.gen(function*() {
      const both = yield* Effect.flip(Remote.item("42"))
      expect(both._tag).toBe("UsageError")
      expect(both.message).toContain("write file:42 or folder:42")
      expect((yield* Remote.item("file:42"))._tag).toBe("File")
      expect((yield* Remote.item("folder:42"))._tag).toBe("Folder")
    }).pipe(Effect.provide(portal({
      "GET /api/2.0/files/file/{fileId}": MockTransport.json(file),
      "GET /api/2.0/files/folder/{folderId}": MockTransport.json(folder)
    }))))

  it.effect("a NotFound on the file: the id is the folder's", () =>
    Effect.gen(function*() {
      const onlyFolder = yield* Remote.item("42")
      expect(onlyFolder).toMatchObject({ _tag: "Folder", title: "Reports" })
    }).pipe(Effect.provide(portal({
      "GET /api/2.0/files/file/{fileId}": MockTransport.error(404, "The required file was not found"),
      "GET /api/2.0/files/folder/{folderId}": MockTransport.json(folder)
    }))))

  it.effect("a 403 is not taken for 'no such file'", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Remote.item("42"))
      expect(error._tag).toBe("Forbidden")
    }).pipe(Effect.provide(portal({
      "GET /api/2.0/files/file/{fileId}": MockTransport.error(403, "Access denied"),
      "GET /api/2.0/files/folder/{folderId}": MockTransport.json(folder)
    }))))

  it.effect("references that are not ids, aliases or paths are usage errors", () =>
    Effect.gen(function*() {
      for (const bad of ["reports", "--long", "@my/../x", ""]) {
        const error = yield* Effect.flip(Remote.parse(bad))
        expect(error._tag).toBe("UsageError")
      }
      expect(yield* Remote.parse("@my/a/b")).toEqual({ kind: "any", root: "@my", rootIsAlias: true, path: ["a", "b"] })
      expect(yield* Remote.parse("@rooms")).toEqual({ kind: "folder", root: "rooms", rootIsAlias: true, path: [] })
    }))
})

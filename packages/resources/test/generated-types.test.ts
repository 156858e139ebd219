// Type-level tests of a handful of generated operations: parameters are required or optional as the spec says,
// results are the unwrapped response types, errors are DocSpaceError and the only requirement is DocSpaceClient.
// These assertions are checked by `tsc -b packages/resources` (tests are in tsconfig.test.json) and by vitest.
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Api from "@effect-docspace/resources/generated/index"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

type Op<A> = Effect.Effect<A, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient>

describe("generated operation types", () => {
  it("getFolderInfo: folderId (path) is required and a number; the result is the folder", () => {
    expectTypeOf(Api.Folders.getFolderInfo).parameters.toEqualTypeOf<[Api.Folders.GetFolderInfoParams]>()
    expectTypeOf<Api.Folders.GetFolderInfoParams["folderId"]>().toEqualTypeOf<number>()
    expectTypeOf(Api.Folders.getFolderInfo({ folderId: 1 })).toEqualTypeOf<Op<Api.Schemas.FolderDtoInteger>>()
    // @ts-expect-error folderId is required
    Api.Folders.getFolderInfo({})
    // @ts-expect-error folderId is a number
    Api.Folders.getFolderInfo({ folderId: "1" })
  })

  it("getFolderByFolderId: path required, every query parameter optional; Stream variant without paging", () => {
    expectTypeOf<Api.Folders.GetFolderByFolderIdParams>().toHaveProperty("count").toEqualTypeOf<number | undefined>()
    expectTypeOf(Api.Folders.getFolderByFolderId({ folderId: 1, count: 10, startIndex: 0 })).toEqualTypeOf<
      Op<Api.Schemas.FolderContentDtoInteger>
    >()
    expectTypeOf(Api.Folders.getFolderByFolderIdStream({ folderId: 1 })).toEqualTypeOf<
      Stream.Stream<
        Api.Schemas.FolderDtoInteger | Api.Schemas.FileDtoInteger,
        DocSpaceError.DocSpaceError,
        DocSpaceClient.DocSpaceClient
      >
    >()
    // @ts-expect-error the Stream variant pages itself: no startIndex
    Api.Folders.getFolderByFolderIdStream({ folderId: 1, startIndex: 5 })
  })

  it("getAllProfiles: every parameter optional, so the argument is too; a list of profiles", () => {
    expectTypeOf(Api.People.getAllProfiles()).toEqualTypeOf<Op<ReadonlyArray<Api.Schemas.EmployeeFullDto>>>()
    expectTypeOf(Api.People.getAllProfilesStream()).toEqualTypeOf<
      Stream.Stream<Api.Schemas.EmployeeFullDto, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient>
    >()
  })

  it("getSelfProfile takes no argument", () => {
    expectTypeOf(Api.People.getSelfProfile).parameters.toEqualTypeOf<[]>()
    expectTypeOf(Api.People.getSelfProfile()).toEqualTypeOf<Op<Api.Schemas.EmployeeFullDto>>()
  })

  it("createFolder: the body is required (the spec says so), its title optional (nullable)", () => {
    expectTypeOf<Api.Folders.CreateFolderParams>().toHaveProperty("body").toEqualTypeOf<Api.Schemas.CreateFolder>()
    // @ts-expect-error the body is required
    Api.Folders.createFolder({ folderId: 1 })
    Api.Folders.createFolder({ folderId: 1, body: { title: "Reports" } })
  })

  it("uploadFile: multipart, the file part takes bytes or a byte Stream", () => {
    Api.Folders.uploadFile({ folderId: 1, body: { File: { content: new Uint8Array([1]), fileName: "a.bin" } } })
    // @ts-expect-error a file part needs its content
    Api.Folders.uploadFile({ folderId: 1, body: { File: { fileName: "a.bin" } } })
    expectTypeOf(Api.Folders.uploadFile).returns.toEqualTypeOf<Op<ReadonlyArray<Api.Schemas.FileDtoInteger>>>()
  })

  it("enums are named constants with open types; dates are Dates", () => {
    expectTypeOf(Api.Schemas.FileEntryType.Folder).toEqualTypeOf<1>()
    const unknown: Api.Schemas.FileEntryType = 42
    expectTypeOf(unknown).toMatchTypeOf<number>()
    expectTypeOf<Api.Schemas.FileOperationDto["Operation"]>().toEqualTypeOf<Api.Schemas.FileOperationType>()
    expectTypeOf<NonNullable<Api.Schemas.FileDtoInteger["created"]>>().toEqualTypeOf<Date>()
  })
})

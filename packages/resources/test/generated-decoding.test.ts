// How the generated schemas decode what DocSpace really sends: dates (ISO strings with seven fractional digits),
// open enums (unknown numbers kept, member names accepted), omitted nulls, unknown extra fields, recursive
// schemas, and failures naming the field.
import * as Schemas from "@effect-docspace/resources/generated/Schemas"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownEither(schema, { onExcessProperty: "ignore" })

describe("dates", () => {
  it("ApiDateTime decodes DocSpace's 7-fractional-digit strings to a Date", () => {
    const result = decode(Schemas.ApiDateTime)("2026-11-27T04:00:00.0000000+00:00")
    expect(Either.getOrThrow(result).toISOString()).toBe("2026-11-27T04:00:00.000Z")
    expect(Either.getOrThrow(decode(Schemas.ApiDateTime)("2026-11-27T07:30:15.1234567+03:30")).toISOString()).toBe(
      "2026-11-27T04:00:15.123Z"
    )
    // no offset: the server's UTC
    expect(Either.getOrThrow(decode(Schemas.ApiDateTime)("2026-11-27T04:00:00")).getTime()).toBe(
      Date.UTC(2026, 10, 27, 4)
    )
  })

  it("encodes back to an ISO string", () => {
    expect(Schema.encodeSync(Schemas.ApiDateTime)(new Date(Date.UTC(2026, 10, 27, 4)))).toBe("2026-11-27T04:00:00.000Z")
  })

  it("garbage is a decode failure (the documented object form decodes: generated-causes.test.ts)", () => {
    expect(Either.isLeft(decode(Schemas.ApiDateTime)({ utcTime: "next tuesday", timeZoneOffset: "00:00:00" })))
      .toBe(true)
    expect(Either.isLeft(decode(Schemas.ApiDateTime)({ timeZoneOffset: "00:00:00" }))).toBe(true)
    const garbage = decode(Schemas.ApiDateTime)("next tuesday")
    expect(Either.isLeft(garbage) && ParseResult.TreeFormatter.formatErrorSync(garbage.left)).toContain(
      "expected an ISO 8601 date"
    )
  })

  it("date fields of DTOs are Dates", () => {
    const file = Either.getOrThrow(
      decode(Schemas.FileDtoInteger)({ id: 1, created: "2026-11-27T04:00:00.0000000+00:00" })
    )
    expect(file.created).toBeInstanceOf(Date)
  })
})

describe("enums", () => {
  it("are named constants", () => {
    expect(Schemas.FileEntryType).toEqual({ Folder: 1, File: 2 })
    expect(Schemas.DistributedTaskStatus.Completed).toBe(2)
  })

  it("keep unknown numbers, accept member names (any case) and numeric strings", () => {
    const d = decode(Schemas.FileTypeSchema)
    expect(Either.getOrThrow(d(7))).toBe(7)
    expect(Either.getOrThrow(d(4242))).toBe(4242)
    expect(Either.getOrThrow(decode(Schemas.EntryTypeSchema)("File"))).toBe(Schemas.EntryType.File)
    expect(Either.getOrThrow(decode(Schemas.EntryTypeSchema)("folder"))).toBe(Schemas.EntryType.Folder)
    expect(Either.getOrThrow(decode(Schemas.EntryTypeSchema)("3"))).toBe(3)
    expect(Either.isLeft(decode(Schemas.EntryTypeSchema)("NotAMember"))).toBe(true)
    expect(Either.isLeft(decode(Schemas.EntryTypeSchema)(true))).toBe(true)
  })

  it("string enums stay open too", () => {
    expect(Either.getOrThrow(decode(Schemas.EmployeeTypeSchema)("RoomAdmin"))).toBe("RoomAdmin")
    expect(Either.getOrThrow(decode(Schemas.EmployeeTypeSchema)("SomethingNew"))).toBe("SomethingNew")
    expect(Either.getOrThrow(decode(Schemas.EmployeeTypeSchema)(2))).toBe(2)
  })
})

describe("objects", () => {
  it("FileOperationDto reads `Operation` with a capital O", () => {
    const op = Either.getOrThrow(
      decode(Schemas.FileOperationDto)({ id: "1", Operation: 1, progress: 50, finished: false, error: null })
    )
    expect(op.Operation).toBe(Schemas.FileOperationType.Copy)
    expect(op).not.toHaveProperty("error")
    expect(Either.isLeft(decode(Schemas.FileOperationDto)({ id: "1", operation: 1, progress: 50, finished: false })))
      .toBe(true)
  })

  it("ignores unknown extra fields and treats null as absent", () => {
    const user = Either.getOrThrow(decode(Schemas.EmployeeFullDto)({ id: "u1", firstName: null, extra: [1, 2] }))
    expect(user).toEqual({ id: "u1" })
  })

  it("decodes recursive schemas (WalletServiceDto.innerServices)", () => {
    const base = { price: {}, nonProfit: false, free: false, trial: false }
    const service = Either.getOrThrow(
      decode(Schemas.WalletServiceDto)({
        ...base,
        id: 1,
        innerServices: [{ ...base, id: 2, innerServices: [{ ...base, id: 3 }] }]
      })
    )
    expect(service.innerServices?.[0]?.innerServices?.[0]?.id).toBe(3)
  })

  it("folder content lists decode as full file and folder DTOs (the spec's base type would drop them)", () => {
    const content = Either.getOrThrow(
      decode(Schemas.FolderContentDtoInteger)({
        total: 2,
        folders: [{ id: 1, title: "F", filesCount: 3 }],
        files: [{ id: 2, title: "a.docx", version: 4 }]
      })
    )
    expect(content.folders?.[0]?.filesCount).toBe(3)
    expect(content.files?.[0]?.version).toBe(4)
  })

  it("a wrong type fails naming the field path", () => {
    const result = decode(Schemas.FolderContentDtoInteger)({ total: 1, files: [{ id: 2, title: 5 }] })
    expect(Either.isLeft(result)).toBe(true)
    const issues = Either.isLeft(result) ? ParseResult.ArrayFormatter.formatErrorSync(result.left) : []
    expect(issues[0]?.path).toEqual(["files", 0, "title"])
  })

  it("a missing required field fails", () => {
    expect(Either.isLeft(decode(Schemas.FolderContentDtoInteger)({ files: [] }))).toBe(true)
  })
})

// issue 13: importing the generated API builds none of its ~600 component schemas
describe("components are built on first use", () => {
  it("a component is a suspended schema carrying its identifier until something decodes with it", () => {
    expect(Schemas.FolderContentDtoInteger.ast._tag).toBe("Suspend")
    expect(Schemas.EmployeeStatusSchema.ast._tag).toBe("Suspend")
    expect(SchemaAST.getIdentifierAnnotation(Schemas.FolderContentDtoInteger.ast)).toEqual(
      Option.some("FolderContentDtoInteger")
    )
    expect(String(Schemas.EmployeeStatusSchema.ast)).toBe("EmployeeStatus")
  })

  it("the built schema is the component itself: messages name it, JSON Schema defines it once", () => {
    const result = decode(Schemas.FolderContentDtoInteger)("not an object")
    expect(Either.isLeft(result) && ParseResult.TreeFormatter.formatErrorSync(result.left)).toContain(
      "FolderContentDtoInteger"
    )
    const jsonSchema = JSONSchema.make(Schemas.EmployeeFullDto) as { $ref?: string; $defs?: Record<string, unknown> }
    expect(jsonSchema.$ref).toBe("#/$defs/EmployeeFullDto")
    expect(Object.keys(jsonSchema.$defs ?? {})).toContain("EmployeeFullDto")
  })
})

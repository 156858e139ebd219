/**
 * Every correction the generator applies to the official DocSpace spec, in one reviewed place. Each entry says
 * why. The generator reads nothing else to deviate from the spec; the tests in `packages/resources/test` check
 * that the corrections hold (dates, enums, multipart, the examples).
 *
 * @since 0.1.0
 */

/**
 * Component schemas replaced by a wire format the generator knows.
 *
 * - `ApiDateTime`: the spec describes `{ utcTime, timeZoneOffset }`, but the server writes one ISO 8601 string
 *   with seven fractional digits and an offset (`"2026-11-27T04:00:00.0000000+00:00"`, see DESIGN.md). It decodes
 *   to a `Date` (the fraction is cut to milliseconds) and encodes back to an ISO string.
 *
 * @since 0.1.0
 * @category overrides
 */
export const replacedSchemas: Readonly<Record<string, "DateTime">> = {
  ApiDateTime: "DateTime"
}

/**
 * Plain `type: string, format: date-time` values are the same wire format as `ApiDateTime` (ISO strings, up to
 * seven fractional digits), so they decode to a `Date` too: one date type across the whole API.
 *
 * @since 0.1.0
 * @category overrides
 */
export const dateTimeFormats: ReadonlyArray<string> = ["date-time"]

/**
 * The server omits null fields ("Null fields are omitted", DESIGN.md), so a property the spec marks both
 * `required` and `nullable` may be absent: it is generated optional (absent or null both decode to absent).
 * Non-nullable required properties stay required.
 *
 * @since 0.1.0
 * @category overrides
 */
export const nullableMeansOptional = true

/**
 * Integer enums are numbers on the wire and get names: each becomes a `const` object of its `x-enum-varnames`
 * (`FileType.Folder`) and a type of its values. The server adds members between releases, so decoding is open:
 * a number the spec does not list decodes as that number instead of failing (the type is
 * `0 | 1 | ... | (number & {})`). String enums (`EmployeeType`, `ConfirmType`, ...) are open the same way, and
 * also accept the enum's number (ASP.NET binds both).
 *
 * Names for integer enums without `x-enum-varnames` are taken from the description's `[0 - Name, ...]` list, else
 * `Value0`, `Value1`...
 *
 * @since 0.1.0
 * @category overrides
 */
export const openEnums = true

/**
 * Property names the spec has spelled differently from the wire. `FileOperationDto.Operation` has a capital O on
 * the wire (the 3.6 spec and the Java SDK spell it `operation`): decoding `operation` would always miss it. The
 * 3.7 spec already says `Operation`; the entry keeps that true if a spec regresses.
 *
 * @since 0.1.0
 * @category overrides
 */
export const propertyRenames: ReadonlyArray<{
  readonly schema: string
  readonly from: string
  readonly to: string
}> = [
  { schema: "FileOperationDto", from: "operation", to: "Operation" }
]

/**
 * Property types the spec gets wrong.
 *
 * - `FolderContentDtoInteger.files`/`folders`: the spec types both as arrays of the abstract `FileEntryBaseDto`
 *   (`x-derived-types`), which has neither `id` nor any file or folder field: decoding through it would drop them
 *   all. The portal sends `FileDto<int>` and `FolderDto<int>` objects.
 *
 * @since 0.1.0
 * @category overrides
 */
export const propertyTypes: Readonly<Record<string, Readonly<Record<string, { readonly arrayOf: string }>>>> = {
  FolderContentDtoInteger: {
    files: { arrayOf: "FileDtoInteger" },
    folders: { arrayOf: "FolderDtoInteger" }
  }
}

/**
 * Abstract base schemas (`x-derived-types`) whose subtype cannot be told from the payload: their decoded value
 * keeps every extra field (as `unknown`) instead of dropping the subtype's data.
 *
 * @since 0.1.0
 * @category overrides
 */
export const keepExtraFieldsOfDerivedBases = true

/**
 * The spec's `...Wrapper` schemas are the response envelope `{response, count, links, status, statusCode}`. The
 * portal also sends `total` for paged lists (and omits it elsewhere), which the spec never declares: every wrapper
 * gets an optional `total`, and `...Stream` variants take the total from the envelope or from the response's own
 * `total` (`FolderContentDto`), stopping on a short page when neither is there.
 *
 * @since 0.1.0
 * @category overrides
 */
export const wrapperTotal = true

/**
 * File uploads take `multipart/form-data`, not JSON: the 3.6 spec declares `/upload` and `/insert` as JSON
 * (`UploadRequestDto`), which the server rejects (415). 3.7 declares multipart; any operation whose path ends with
 * one of these suffixes is generated as multipart whatever its spec says. Binary parts take a byte `Stream`, a
 * `Uint8Array` or a `Blob`; a streamed part is sent without being buffered.
 *
 * @since 0.1.0
 * @category overrides
 */
export const multipartPathSuffixes: ReadonlyArray<string> = ["/upload", "/insert"]

/**
 * Authentication is not generated per operation. The spec's `ApiKeyBearer` scheme says the key goes in a header
 * named `ApiKeyBearer`; the server really wants `Authorization: Bearer sk-...`. Core's `Auth.apiKey` sends it that
 * way for every operation (as it does for tokens, OAuth2 and Basic), so the generated code ignores
 * `securitySchemes` entirely.
 *
 * @since 0.1.0
 * @category overrides
 */
export const ignoreSecuritySchemes = true

/**
 * Operations answered by the identity (OAuth2) service, which writes bare JSON instead of the `{"response": ...}`
 * envelope (the spec gives them no `...Wrapper`). Matched by path prefix.
 *
 * @since 0.1.0
 * @category overrides
 */
export const bareJsonPathPrefixes: ReadonlyArray<string> = [
  "/oauth2/",
  "/.well-known/",
  "/api/2.0/clients",
  "/api/2.0/scopes"
]

/**
 * Fixes for the spec's own examples that are wrong on the wire (used by the examples test; the fix never weakens
 * a schema):
 *
 * - Every `ApiDateTime` example is the documented object `{utcTime, timeZoneOffset}`; the wire has the string
 *   (see {@link replacedSchemas}), so the object becomes its `utcTime` string.
 * - `ObjectArrayWrapper` (and other `type: object` arrays) show `"{}"` strings where the portal sends objects.
 * - A few enum examples are the member's name (`"Base"`) for an integer enum, or a number out of the enum: these
 *   decode anyway (open enums), so they need no fix.
 *
 * @since 0.1.0
 * @category overrides
 */
export const fixExample = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fixExample)
  if (typeof value === "string" && value === "{}") return {}
  if (typeof value !== "object" || value === null) return value
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length > 0 && keys.every((key) => key === "utcTime" || key === "timeZoneOffset")) {
    return typeof record.utcTime === "string" ? record.utcTime : value
  }
  const out: Record<string, unknown> = {}
  for (const key of keys) out[key] = fixExample(record[key])
  return out
}

/**
 * The list fields of a paged response that is an object, in the order the portal pages them. A folder's content
 * lists its folders first, then its files, and `count`/`startIndex` apply to that combined list; the spec declares
 * `files` first.
 *
 * @since 0.1.0
 * @category overrides
 */
export const listFieldOrder: Readonly<Record<string, ReadonlyArray<string>>> = {
  FolderContentDtoInteger: ["folders", "files"]
}

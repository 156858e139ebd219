/**
 * Every correction the generator applies to the official DocSpace spec, in one reviewed place. Each entry says
 * why. The generator reads nothing else to deviate from the spec; the tests in `packages/resources/test` check
 * that the corrections hold (dates, enums, multipart, the examples).
 *
 * @since 0.1.0
 */
import type { Document, SchemaObject } from "./spec.js"
import { refName } from "./spec.js"

/**
 * Component schemas replaced by a wire format the generator knows.
 *
 * - `ApiDateTime`: the spec describes `{ utcTime, timeZoneOffset }`, but the server writes one ISO 8601 string
 *   with seven fractional digits and an offset (`"2026-11-27T04:00:00.0000000+00:00"`): `ApiDateTimeConverter.Write`
 *   calls `writer.WriteStringValue(value.ToString())` (server `common/ASC.Api.Core/Core/ApiDateTime.cs`). Both
 *   forms decode to the same `Date` (the fraction cut to milliseconds); a `Date` is sent as an ISO string.
 *
 * @since 0.1.0
 * @category overrides
 */
export const replacedSchemas: Readonly<Record<string, "DateTime">> = {
  ApiDateTime: "DateTime"
}

/**
 * Plain `type: string, format: date-time` values are the same wire format as `ApiDateTime` (ISO strings, up to
 * seven fractional digits), so they decode to a `Date` too: one date type across the whole API. Evidence: C#
 * `DateTime` properties serialized by System.Text.Json (ISO 8601), and the identity service's Java `ZonedDateTime`.
 *
 * @since 0.1.0
 * @category overrides
 */
export const dateTimeFormats: ReadonlyArray<string> = ["date-time"]

/**
 * The server omits null fields (`DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull`, server
 * `common/ASC.Api.Core/Core/DynamicIgnoreResolver.cs`), so a property the spec marks both `required` and `nullable`
 * may be absent: it is generated optional (absent or null both decode to absent).
 * Non-nullable required properties stay required.
 *
 * @since 0.1.0
 * @category overrides
 */
export const nullableMeansOptional = true

/**
 * Property names the spec has spelled differently from the wire. `FileOperationDto.Operation` has a capital O on
 * the wire (`[JsonPropertyName("Operation")]`, server `products/ASC.Files/Core/ApiModels/ResponseDto/
 * FileOperationDto.cs`; the 3.6 spec and the Java SDK spell it `operation`): decoding `operation` would always miss
 * it. The 3.7 spec already says `Operation`; the entry keeps that true if a spec regresses.
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
 *   all. The portal sends `FileDto<int>` and `FolderDto<int>` objects (`List<FileEntryBaseDto> Files`/`Folders`
 *   filled with the derived DTOs, server `products/ASC.Files/Core/ApiModels/ResponseDto/FolderContentDto.cs`).
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
 * A schema that is only `type: object` (no properties, no `additionalProperties` schema) is how the spec writes
 * C#'s `object`: any JSON value (`disabledRooms` holds room ids, `ObjectArrayWrapper` anything). It decodes as
 * `unknown` rather than as a record, which would reject numbers and strings.
 *
 * @since 0.1.0
 * @category overrides
 */
export const bareObjectIsAnyJson = true

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
 * portal also sends `total` for paged lists (and omits it elsewhere; `public long? Total`, server
 * `common/ASC.Api.Core/Middleware/CommonApiResponse.cs`), which the spec never declares: every wrapper
 * gets an optional `total`, and `...Stream` variants take the total from the envelope or from the response's own
 * `total` (`FolderContentDto`), stopping on a short page when neither is there.
 *
 * @since 0.1.0
 * @category overrides
 */
export const wrapperTotal = true

/**
 * File uploads take `multipart/form-data`, not JSON: the 3.6 spec declares `/upload` and `/insert` as JSON
 * (`UploadRequestDto`), which the server rejects (415; its `File` is `[FromForm] IFormFile`, server
 * `products/ASC.Files/Core/ApiModels/RequestDto/UploadRequestDto.cs`). 3.7 declares multipart; any operation whose path ends with
 * one of these suffixes is generated as multipart whatever its spec says. Binary parts take a byte `Stream`, a
 * `Uint8Array` or a `Blob`; a streamed part is sent without being buffered.
 *
 * @since 0.1.0
 * @category overrides
 */
export const multipartPathSuffixes: ReadonlyArray<string> = ["/upload", "/insert"]

/**
 * Security schemes that core's `Auth` satisfies for every request, so an operation offering one of them needs
 * nothing from its caller: `Bearer` (tokens, OAuth2 JWTs), `ApiKeyBearer` (the spec names a header
 * `ApiKeyBearer`; the server reads `Authorization: Bearer sk-...`, server `common/ASC.Api.Core/Auth/
 * ApiKeyBearerAuthHandler.cs`), `Basic`, `OAuth2`/`OpenId` (a JWT as Bearer) and `asc_auth_key` (the same token as a
 * cookie; the server accepts it as Bearer too). Any other scheme an operation requires is generated as a parameter
 * when it is a cookie (`x-signature`, the identity service's JWT cookie, server `common/ASC.Identity/
 * authorization/authorization-application/.../OpenAPISchemaConfiguration.java`), and fails the generation
 * otherwise (`operationEmitter.callerSchemesOf`).
 *
 * @since 0.2.0
 * @category overrides
 */
export const securitySchemesSentByCore: ReadonlyArray<string> = [
  "asc_auth_key",
  "Basic",
  "Bearer",
  "ApiKeyBearer",
  "OAuth2",
  "OpenId"
]

/**
 * Path parameters the spec declares although its path has no such segment; each is left out of the generated
 * parameters (the generator refuses any other path parameter missing from its path).
 *
 * - `getRoomGroups` (`GET /api/2.0/files/group`) declares a required path `id`: the server's action is
 *   `[HttpGet("")] GetRoomGroups(RoomGroupIdRequestDto inDto)`, whose DTO (shared with `GET {id:int}`) carries an
 *   `id` that this route never binds (server `products/ASC.Files/Server/Api/GroupsController.cs`).
 *
 * @since 0.2.0
 * @category overrides
 */
export const pathParameterCorrections: Readonly<
  Record<string, { readonly dropPathParameters: ReadonlyArray<string>; readonly reason: string }>
> = {
  getRoomGroups: {
    dropPathParameters: ["id"],
    reason: "route `group` has no {id}; the action's DTO is shared with `group/{id:int}`"
  }
}

/**
 * Operations answered by the identity (OAuth2) service, which writes bare JSON instead of the `{"response": ...}`
 * envelope (the spec gives them no `...Wrapper`; its Spring controllers return `ResponseEntity<...>` of the DTO, server
 * `common/ASC.Identity/**\/controller/*.java`). Matched by path prefix.
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
 * Response properties that hold a secret: generated as `Schema.Redacted(Schema.String)`, so the value never shows in
 * a log, a span or an error (`Redacted.value` reads it). `ApiKeyResponseDto.key` is the whole new API key, sent once
 * by `POST /api/2.0/keys` (`createApiKey`: `apiKeyResponseDto.Key = result.apiKey`, server
 * `products/ASC.People/Server/Api/ApiKeysController.cs`; DTO `products/ASC.People/Server/ApiModels/ResponseDto/
 * ApiKeyResponseDto.cs`).
 *
 * @since 0.2.0
 * @category overrides
 */
export const secretProperties: Readonly<Record<string, ReadonlyArray<string>>> = {
  ApiKeyResponseDto: ["key"]
}

/**
 * Objects the spec illustrates with the object serialized into a JSON string (`shareSettings`:
 * `"{\"ExternalLink\":1}"`; the components `FileEntryDtoInteger_allOf_security`, `_shareSettings`,
 * `_availableShareRights`, `FileDtoInteger_allOf_viewAccessibility`). The server writes the object (a `Dictionary`
 * serialized by System.Text.Json), but a mock serving the spec's examples sends the string: both decode (liberal in
 * what we accept) to the object. Any object component whose own example is such a string qualifies.
 *
 * @since 0.2.0
 * @category overrides
 */
export const objectsAlsoAsJsonString = (s: SchemaObject): boolean =>
  typeof s.example === "string" && s.example.trim().startsWith("{") &&
  (s.type === "object" || s.properties !== undefined)

/**
 * Fixes for the spec's own examples where they are wrong on the wire or do not match their own schema (used by
 * the examples test, `packages/resources/test/generated-examples.test.ts`). The fix walks the example along its
 * schema and never changes a schema. Each rule, and why:
 *
 * - `date`: every `ApiDateTime` example is the documented `{utcTime, timeZoneOffset}` object; the wire has the
 *   string (see {@link replacedSchemas}), so the object becomes its `utcTime`.
 * - `json-string`: `security`, `shareSettings`, `availableShareRights`, `viewAccessibility` examples are the
 *   object serialized into a string (`"{\"Read\":true}"`); the portal sends the object.
 * - `numeric-string`: integer lists shown as strings (`ChunkedUploadSessionResponse.path: ["123"]`).
 * - `missing-required`: examples that leave out a required, non-nullable field (`isLocked`, `isEnabled`,
 *   `entryType`, `id`): the field's own example is filled in.
 * - `placeholder`: a value of the wrong kind where the schema wants another (`"item1"` for a key-value object,
 *   `0` for a `HistoryAction` object, `"conn1"` for an integer id, `{"maxSize": n}` for an integer-or-string quota,
 *   `"payment"` for an `OperationType`): replaced by the example the schema at that place gives.
 * - `array`: a single value where a list is wanted (`Tariff.quotas: {"quotas": [...]}`, a file name for a file
 *   list): the inner list, or a one-item list.
 *
 * `log` receives `rule at path` for every fix, so the test can report how many examples needed one.
 *
 * @since 0.1.0
 * @category overrides
 */
export const fixExample = (
  doc: Document,
  schema: SchemaObject,
  value: unknown,
  log: (fix: string) => void = () => {},
  path = "",
  replaced = false
): unknown => {
  if (value === undefined || value === null) return value
  let s = schema
  if (s.$ref !== undefined) {
    const name = refName(s.$ref)
    if (replacedSchemas[name] === "DateTime") {
      if (isRecord(value) && typeof value.utcTime === "string") {
        log(`date at ${path}`)
        return value.utcTime
      }
      return value
    }
    s = doc.components.schemas[name] ?? {}
  }
  if (s.allOf !== undefined) s = flatten(doc, s)
  const fallback = (rule: string) => {
    const given = replaced ? undefined : exampleAt(doc, schema)
    // a struct without examples and without required fields: its smallest value
    const replacement = given === undefined && !replaced && s.properties !== undefined &&
        (s.required ?? []).every((k) => s.properties?.[k]?.nullable === true)
      ? {}
      : given
    if (replacement === undefined) return value
    log(`${rule} at ${path}`)
    return fixExample(doc, schema, replacement, log, path, true)
  }
  const members = s.oneOf ?? s.anyOf
  if (members !== undefined) {
    const primitive = members.every((m) => m.type === "integer" || m.type === "string" || m.type === "number")
    if (!primitive || typeof value !== "object") return value
    const replacement = replaced ? undefined : exampleAt(doc, members[0]!)
    if (replacement === undefined) return value
    log(`placeholder at ${path}`)
    return replacement
  }
  if (s.enum !== undefined) {
    if (s.type === "integer" && typeof value === "string") {
      const names = (s["x-enum-varnames"] ?? []).map((n) => n.toLowerCase())
      if (!names.includes(value.toLowerCase()) && !/^-?\d+$/.test(value)) return fallback("placeholder")
    }
    return value
  }
  if (s.type === "array") {
    let list = value
    if (!Array.isArray(list)) {
      const inner = isRecord(list) ? Object.values(list).filter(Array.isArray) : []
      list = inner.length === 1 ? inner[0] : [list]
      log(`array at ${path}`)
    }
    return (list as ReadonlyArray<unknown>).map((item, i) =>
      s.items === undefined ? item : fixExample(doc, s.items, item, log, `${path}[${i}]`)
    )
  }
  if (s.type === "integer" || s.type === "number") {
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
      log(`numeric-string at ${path}`)
      return Number(value)
    }
    return typeof value === "number" ? value : fallback("placeholder")
  }
  if (s.type === "string" || s.type === "boolean") return value
  const isStruct = s.properties !== undefined && Object.keys(s.properties).length > 0
  const isMap = typeof s.additionalProperties === "object"
  if (!isStruct && !isMap) return value
  let record = value
  if (typeof record === "string" && record.trim().startsWith("{")) {
    try {
      record = JSON.parse(record)
      log(`json-string at ${path}`)
    } catch {
      return value
    }
  }
  if (!isRecord(record)) return fallback("placeholder")
  const out: Record<string, unknown> = { ...record }
  if (isMap && !isStruct) {
    for (const [k, v] of Object.entries(out)) {
      out[k] = fixExample(doc, s.additionalProperties as SchemaObject, v, log, `${path}.${k}`)
    }
    return out
  }
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (out[k] === undefined) {
      if ((s.required ?? []).includes(k) && prop.nullable !== true) {
        const filled = exampleAt(doc, prop)
        if (filled !== undefined) {
          log(`missing-required at ${path}.${k}`)
          out[k] = filled
        }
      }
    }
    if (out[k] !== undefined) out[k] = fixExample(doc, prop, out[k], log, `${path}.${k}`)
  }
  return out
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const flatten = (doc: Document, s: SchemaObject): SchemaObject => {
  const properties: Record<string, SchemaObject> = {}
  const required: Array<string> = []
  const visit = (part: SchemaObject) => {
    const resolved = part.$ref !== undefined ? doc.components.schemas[refName(part.$ref)] ?? {} : part
    resolved.allOf?.forEach(visit)
    Object.assign(properties, resolved.properties ?? {})
    required.push(...(resolved.required ?? []))
  }
  visit(s)
  return { type: "object", properties, required }
}

/** The example a schema gives at one place: its own, its target's, or its first union member's. */
const exampleAt = (doc: Document, s: SchemaObject, depth = 0): unknown => {
  if (depth > 5) return undefined
  if (s.example !== undefined) return s.example
  if (s.$ref !== undefined) return exampleAt(doc, doc.components.schemas[refName(s.$ref)] ?? {}, depth + 1)
  const member = (s.oneOf ?? s.anyOf)?.[0]
  if (member !== undefined) return exampleAt(doc, member, depth + 1)
  if (s.type === "array" && s.items !== undefined) {
    const item = exampleAt(doc, s.items, depth + 1)
    return item === undefined ? undefined : [item]
  }
  const flat = s.allOf !== undefined ? flatten(doc, s) : s
  if (flat.properties !== undefined) {
    const out: Record<string, unknown> = {}
    for (const [k, prop] of Object.entries(flat.properties)) {
      const v = exampleAt(doc, prop, depth + 1)
      if (v !== undefined) out[k] = v
    }
    return Object.keys(out).length > 0 ? out : undefined
  }
  return undefined
}

/**
 * Operations whose answer is a byte stream although the spec declares no content: they are generated to return a
 * `Stream<Uint8Array>` (through `DocSpaceClient.stream`) instead of decoding JSON.
 *
 * - `startNewChat`, `continueChat`: the answer is "SSE stream of ChatCompletion events (text/event-stream)" (the
 *   response's own description), matched by `descriptionPattern`.
 * - `getMigrationLogs`: the server writes the migration log file to the response body (text), not an envelope
 *   (`await stream.CopyToAsync(Response.Body)`, server `web/ASC.Web.Api/Api/MigrationController.cs`).
 *
 * @since 0.1.0
 * @category overrides
 */
export const byteStreamResponses: {
  readonly operationIds: ReadonlyArray<string>
  readonly descriptionPattern: RegExp
} = {
  operationIds: ["getMigrationLogs"],
  descriptionPattern: /text\/event-stream/i
}

/**
 * Operation answers the spec types wrongly (by `operationId`).
 *
 * - `getScopes` ("Retrieves a list of all available OAuth2 scopes"): the spec says one `ScopeResponse`; the server
 *   answers `ResponseEntity<Iterable<ScopeResponse>>` (server `common/ASC.Identity/registration/
 *   registration-application/.../controller/ScopeQueryController.java`), as the operation's own example shows. It
 *   decodes a list, and one object as a one-item list (what the spec's schema allows).
 *
 * @since 0.1.0
 * @category overrides
 */
export const responseTypes: Readonly<Record<string, { readonly listOrOne: string }>> = {
  getScopes: { listOrOne: "ScopeResponse" }
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

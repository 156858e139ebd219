/**
 * The hand-written helpers the generated code uses, emitted as `generated/internal/runtime.ts`.
 *
 * @since 0.1.0
 */

/**
 * The text of `generated/internal/runtime.ts` (without the generated-file header).
 *
 * @since 0.1.0
 * @category templates
 */
export const runtimeSource = `
import * as HttpBody from "@effect/platform/HttpBody"
import * as UrlParams from "@effect/platform/UrlParams"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Multipart from "@effect-docspace/core/Multipart"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"

/**
 * Parses DocSpace's date strings: ISO 8601 with up to seven fractional digits and an offset
 * (\`2026-11-27T04:00:00.0000000+00:00\`). The fraction is cut to milliseconds, which every engine parses.
 *
 * @since 0.1.0
 * @category dates
 */
export const parseDate = (value: string): Date => {
  const normalized = value.trim().replace(/(\\.\\d{3})\\d+/, "$1")
  return new Date(/^\\d{4}-\\d{2}-\\d{2}T[^Zz+-]*$/.test(normalized) ? normalized + "Z" : normalized)
}

/**
 * A date on the wire: an ISO string decoded to a \`Date\`, encoded back with \`toISOString\`. A date without an
 * offset is taken as UTC (the server's clock).
 *
 * @since 0.1.0
 * @category dates
 */
export const DateTime: Schema.Schema<Date, string> = Schema.transformOrFail(Schema.String, Schema.DateFromSelf, {
  strict: true,
  decode: (value, _, ast) => {
    const date = parseDate(value)
    return Number.isNaN(date.getTime())
      ? ParseResult.fail(new ParseResult.Type(ast, value, \`expected an ISO 8601 date, got \${JSON.stringify(value)}\`))
      : ParseResult.succeed(date)
  },
  encode: (date, _, ast) =>
    Number.isNaN(date.getTime())
      ? ParseResult.fail(new ParseResult.Type(ast, date, "an invalid Date cannot be encoded"))
      : ParseResult.succeed(date.toISOString())
}).annotations({ identifier: "DateTime" })

/**
 * An integer enum that stays open: the listed values are named in the type, any other number decodes as itself.
 * A member's name (any case) or a numeric string decodes to its number too, as some endpoints write enums as
 * strings.
 *
 * @since 0.1.0
 * @category enums
 */
export const intEnum = <A extends number>(
  identifier: string,
  members: { readonly [name: string]: number },
  description: string
): Schema.Schema<A> => {
  const byName = new Map(Object.entries(members).map(([name, value]) => [name.toLowerCase(), value]))
  return Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Schema.Number, {
    strict: true,
    decode: (value, _, ast) => {
      if (typeof value === "number") return ParseResult.succeed(value)
      const named = byName.get(value.trim().toLowerCase())
      if (named !== undefined) return ParseResult.succeed(named)
      const number = Number(value)
      return value.trim() !== "" && Number.isInteger(number)
        ? ParseResult.succeed(number)
        : ParseResult.fail(new ParseResult.Type(ast, value, \`expected a \${identifier} (a number or a member name)\`))
    },
    encode: ParseResult.succeed
  }).annotations({ identifier, description }) as unknown as Schema.Schema<A>
}

/**
 * A string enum that stays open: any string decodes as itself, and so does a number (ASP.NET binds both).
 *
 * @since 0.1.0
 * @category enums
 */
export const stringEnum = <A extends string | number>(
  identifier: string,
  _members: { readonly [name: string]: string },
  description: string
): Schema.Schema<A> =>
  Schema.Union(Schema.String, Schema.Number).annotations({ identifier, description }) as unknown as Schema.Schema<A>

/**
 * A file sent in a multipart body: its bytes as a \`Stream\` (sent as it is read, never buffered), a
 * \`Uint8Array\` or a \`Blob\`.
 *
 * @since 0.1.0
 * @category multipart
 */
export interface FilePart {
  readonly content: Stream.Stream<Uint8Array, unknown> | Uint8Array | Blob
  readonly fileName?: string | undefined
  readonly contentType?: string | undefined
}

/**
 * A multipart field value.
 *
 * @since 0.1.0
 * @category multipart
 */
export type FieldValue = FilePart | string | number | boolean | Date | null | undefined

const text = (value: string | number | boolean | Date): string =>
  value instanceof Date ? value.toISOString() : String(value)

const isFilePart = (value: unknown): value is FilePart =>
  typeof value === "object" && value !== null && !(value instanceof Date) && "content" in value

/**
 * A \`multipart/form-data\` body, written by core's \`Multipart\` (every HTTP client can send it): in memory when
 * every file is a \`Uint8Array\`, streamed otherwise, so a large file is never held in memory.
 *
 * @since 0.1.0
 * @category multipart
 */
export const multipart = (
  fields: { readonly [name: string]: FieldValue | ReadonlyArray<FieldValue> }
): HttpBody.HttpBody => {
  const parts: Array<Multipart.Part> = []
  for (const [name, value] of Object.entries(fields)) {
    const values: ReadonlyArray<FieldValue> = Array.isArray(value) ? value : [value as FieldValue]
    for (const v of values) {
      if (v === undefined || v === null) continue
      parts.push(
        isFilePart(v)
          ? Multipart.file(name, v.content, { fileName: v.fileName, contentType: v.contentType })
          : Multipart.field(name, v)
      )
    }
  }
  return Multipart.body(parts)
}

/**
 * The fields of an object sent as query parameters (the spec's \`deepObject\` parameters, which ASP.NET binds by
 * field name). Nested objects are sent as JSON.
 *
 * @since 0.1.0
 * @category query
 */
export const queryObject = (
  value: object | undefined
): { readonly [name: string]: DocSpaceClient.UrlParam | ReadonlyArray<DocSpaceClient.UrlParam> | undefined } => {
  const out: { [name: string]: DocSpaceClient.UrlParam | ReadonlyArray<DocSpaceClient.UrlParam> | undefined } = {}
  if (value === undefined) return out
  for (const [name, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue
    out[name] = typeof v === "object" && !(v instanceof Date) && !Array.isArray(v) ? JSON.stringify(v) : v
  }
  return out
}

/**
 * An \`application/x-www-form-urlencoded\` body.
 *
 * @since 0.1.0
 * @category bodies
 */
export const formUrlEncoded = (
  fields: { readonly [name: string]: string | number | boolean | Date | null | undefined }
): HttpBody.HttpBody => {
  const entries: Array<[string, string]> = []
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null) entries.push([name, text(value)])
  }
  return HttpBody.urlParams(UrlParams.fromInput(entries))
}
`

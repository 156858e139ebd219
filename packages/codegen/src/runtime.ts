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
import * as DocSpaceClientTag from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Multipart from "@effect-docspace/core/Multipart"
import * as HttpBody from "@effect/platform/HttpBody"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
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
 * The object form the spec documents for \`ApiDateTime\` (\`{utcTime, timeZoneOffset}\`); \`utcTime\` is the instant.
 *
 * @since 0.2.0
 * @category dates
 */
export interface DateTimeObject {
  readonly utcTime: string
  readonly timeZoneOffset?: string | undefined
}

const DateTimeWire = /*#__PURE__*/ Schema.Union(
  Schema.String,
  Schema.Struct({ utcTime: Schema.String, timeZoneOffset: Schema.optional(Schema.String) })
)

/**
 * A date on the wire, decoded to a \`Date\`: the ISO string the server writes, or the \`{utcTime, timeZoneOffset}\`
 * object the spec documents (the same instant either way). Always encoded as an ISO string
 * (\`toISOString\`). A date without an offset is taken as UTC (the server's clock).
 *
 * @since 0.1.0
 * @category dates
 */
export const DateTime: Schema.Schema<Date, string | DateTimeObject> = /*#__PURE__*/ Schema.transformOrFail(
  DateTimeWire,
  Schema.DateFromSelf,
  {
    strict: true,
    decode: (value, _, ast) => {
      const text = typeof value === "string" ? value : value.utcTime
      const date = parseDate(text)
      return Number.isNaN(date.getTime())
        ? ParseResult.fail(new ParseResult.Type(ast, value, \`expected an ISO 8601 date, got \${JSON.stringify(text)}\`))
        : ParseResult.succeed(date)
    },
    encode: (date, _, ast) =>
      Number.isNaN(date.getTime())
        ? ParseResult.fail(new ParseResult.Type(ast, date, "an invalid Date cannot be encoded"))
        : ParseResult.succeed(date.toISOString())
  }
).annotations({ identifier: "DateTime" })

/**
 * A component schema built on its first use rather than when its module is imported: a generated module then costs
 * little to import, and the schemas a program never decodes are never built (the whole \`Api\` holds about 600).
 * The schema is a \`Schema.suspend\` carrying the component's \`identifier\`; decoding, encoding, union
 * discrimination and error messages are those of the schema \`build\` returns, built once.
 *
 * @since 0.2.0
 * @category decoding
 */
export const lazy = <A, I>(identifier: string, build: () => Schema.Schema<A, I>): Schema.Schema<A, I> =>
  Schema.make(new SchemaAST.Suspend(() => build().ast, { [SchemaAST.IdentifierAnnotationId]: identifier }))

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

/**
 * The answer of an operation the spec gives no content: whatever the envelope holds (usually no \`response\` at
 * all, as the server omits a null result) decodes to \`undefined\`.
 *
 * @since 0.2.0
 * @category decoding
 */
export const NoContent: Schema.Schema<void, unknown> = /*#__PURE__*/ Schema.transform(Schema.Unknown, Schema.Void, {
  strict: true,
  decode: () => undefined,
  encode: () => undefined
})

/**
 * An object that may also arrive serialized in a JSON string: the string is parsed and decoded as the object.
 * Encodes to the object.
 *
 * @since 0.2.0
 * @category decoding
 */
export const orJsonString = <A, I>(schema: Schema.Schema<A, I>): Schema.Schema<A, I | string> =>
  Schema.Union(schema, Schema.compose(Schema.parseJson(), schema)) as unknown as Schema.Schema<A, I | string>

/**
 * A list the server writes as a JSON array; a single object (as the spec declares it) is taken as a one-item list.
 *
 * @since 0.2.0
 * @category decoding
 */
export const listOrOne = <A, I>(item: Schema.Schema<A, I>): Schema.Schema<ReadonlyArray<A>, ReadonlyArray<I> | I> =>
  Schema.transform(Schema.Union(Schema.Array(item), item), Schema.Array(Schema.typeSchema(item)), {
    strict: true,
    decode: (value) => (Array.isArray(value) ? value : [value]) as ReadonlyArray<A>,
    encode: (list) => list
  })

/**
 * The envelope's \`response\` of an operation whose result may be null: the server omits \`response\` for a null
 * result (\`SuccessApiResponse\` with \`WhenWritingNull\`), which decodes to \`null\`. Used with \`envelope: false\`,
 * so it does not depend on how the client unwraps an envelope without \`response\`.
 *
 * @since 0.2.0
 * @category decoding
 */
export const nullableResponse = <A, I>(
  response: Schema.Schema<A, I>
): Schema.Schema<A | null, { readonly response?: I | null | undefined }> =>
  Schema.transform(
    Schema.Struct({ response: Schema.optionalWith(response, { nullable: true }) }),
    Schema.NullOr(Schema.typeSchema(response)),
    {
      strict: true,
      decode: (envelope) => envelope.response ?? null,
      encode: (value) => (value === null ? {} : { response: value })
    }
  )

/**
 * The answer of an operation whose success is a redirect (a 3xx the spec declares as its success): its status and
 * \`Location\`.
 *
 * @since 0.2.0
 * @category redirects
 */
export interface Redirect {
  readonly status: number
  readonly location: string | undefined
}

/**
 * Sends a request whose success is a redirect and returns it instead of following it: the client is asked to hand
 * a 3xx that has a \`Location\` back (\`redirect: "manual"\`) and the fetch transport is told not to follow it
 * (undici does not follow by default). A 2xx answer is a success too (with the \`Location\` it carries, if any). A
 * declared redirect status without a \`Location\` (which the client reports as an error) is returned as that
 * redirect, with \`location: undefined\`.
 *
 * @since 0.2.0
 * @category redirects
 */
export const redirect = (
  options: DocSpaceClient.RequestOptions,
  statuses: ReadonlyArray<number>
): Effect.Effect<Redirect, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.flatMap(DocSpaceClientTag.DocSpaceClient, (client) =>
    client.raw({ ...options, redirect: "manual" }).pipe(
      Effect.map((response): Redirect => ({ status: response.status, location: response.headers["location"] })),
      Effect.scoped,
      Effect.catchIf(
        (error): error is DocSpaceError.DocSpaceError & { readonly status: number } =>
          "status" in error && typeof error.status === "number" && statuses.includes(error.status),
        (error) => Effect.succeed<Redirect>({ status: error.status, location: undefined })
      )
    ))

/**
 * The \`Cookie\` header for the operations that authenticate with a cookie scheme of the spec (\`x-signature\`:
 * the OAuth2 client-management operations of the identity service).
 *
 * @since 0.2.0
 * @category security
 */
export const cookie = (
  values: { readonly [name: string]: Redacted.Redacted<string> | undefined }
): { readonly [name: string]: string } => {
  const pairs: Array<string> = []
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) pairs.push(\`\${name}=\${encodeURIComponent(Redacted.value(value))}\`)
  }
  return pairs.length === 0 ? {} : { cookie: pairs.join("; ") }
}
`

/**
 * Small pure helpers of the fake DocSpace: wire dates, the envelope, JSON without nulls, multipart parsing,
 * a seeded random source, file types and sizes, and a stored (uncompressed) zip writer for bulk downloads.
 */

/** A failure a route reports; the dispatcher turns it into the error envelope. */
export class HttpError {
  readonly _tag = "HttpError"
  constructor(
    readonly status: number,
    readonly message: string,
    readonly type?: string
  ) {}
}

/**
 * A model-validation failure, answered as ASP.NET's `ValidationProblemDetails` inside the envelope (server
 * `CommonApiResponse`): `{"response": {"type", "title", "status": 400, "errors": {"Field": ["..."]}}, "status": 1,
 * "statusCode": 400}`, HTTP 400, no `error` key.
 */
export class ValidationError {
  readonly _tag = "ValidationError"
  constructor(
    readonly errors: Readonly<Record<string, ReadonlyArray<string>>>,
    readonly title = "One or more validation errors occurred."
  ) {}
}

/** The `[Range(1, ApiContext.MaxCount)]` of the server's paged request DTOs (`ApiContext.MaxCount` = 100). */
export const MAX_COUNT = 100

/**
 * Model binding of the `count` query parameter: an integer in 1..100, as the server's request DTOs declare it; a
 * value that is not a number is a binding error. Returns the validation failure, or `undefined` when it binds.
 */
export const countBindingError = (query: URLSearchParams): ValidationError | undefined => {
  let raw: string | undefined
  for (const [k, v] of query) if (k.toLowerCase() === "count") raw = v
  if (raw === undefined || raw === "") return undefined
  if (!/^-?\d+$/.test(raw.trim())) {
    return new ValidationError({ count: [`The value '${raw}' is not valid for Count.`] })
  }
  const n = Number(raw)
  return n < 1 || n > MAX_COUNT
    ? new ValidationError({ Count: [`The field Count must be between 1 and ${MAX_COUNT}.`] })
    : undefined
}

export const validationReply = (error: ValidationError): Reply =>
  jsonReply(400, {
    response: {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: error.title,
      status: 400,
      errors: error.errors
    },
    status: 1,
    statusCode: 400
  })

/** A failure of the chunk handler (`ChunkedUploader.ashx`): HTTP 200 with `success: false`. */
export class ChunkError {
  readonly _tag = "ChunkError"
  constructor(readonly message: string) {}
}

export const notFound = (message: string) => new HttpError(404, message, "System.IO.FileNotFoundException")
export const badRequest = (message: string) => new HttpError(400, message, "System.ArgumentException")
export const forbidden = (message: string) => new HttpError(403, message, "System.Security.SecurityException")

export const FILE_NOT_FOUND = "The required file was not found"
export const FOLDER_NOT_FOUND = "The required folder was not found"
/** The server's `MaxTotalSizeChecker` message, raised as `TenantQuotaException` (402 Payment Required). */
export const quotaExceeded = (quotaBytes: number) =>
  new HttpError(402, `The used storage size should not exceed ${quotaBytes}`, "ASC.Core.Tenants.TenantQuotaException")

/** `2026-11-27T04:00:00.0000000+00:00`, the wire format of `ApiDateTime`. */
export const formatDate = (millis: number): string => {
  const iso = new Date(millis).toISOString() // 2026-11-27T04:00:00.000Z
  return `${iso.slice(0, 23)}0000+00:00`
}

/** Drops `null` and `undefined` fields recursively, as the server's serializer does. */
export const compact = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(compact)
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue
      out[k] = compact(v)
    }
    return out
  }
  return value
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const utf8 = (text: string): Uint8Array => encoder.encode(text)
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes)

/** A reply before it becomes a `FakeResponse`. */
export interface Reply {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

export const jsonReply = (status: number, value: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body: utf8(JSON.stringify(compact(value)))
})

/**
 * The success envelope. `count` is the array length or 1; `total` only when the route pages. A null (or undefined)
 * result omits `response` entirely and counts 0, as the server does (`CommonApiResponse` sets `Response` only when
 * it is not null, and null members are not written).
 */
export const envelope = (response: unknown, options: { readonly total?: number; readonly status?: number } = {}) =>
  jsonReply(options.status ?? 200, {
    ...(response === null || response === undefined ? {} : { response }),
    count: response === null || response === undefined ? 0 : Array.isArray(response) ? response.length : 1,
    total: options.total,
    links: [],
    status: 0,
    statusCode: options.status ?? 200
  })

export const errorReply = (error: HttpError): Reply =>
  jsonReply(error.status, {
    error: { message: error.message, type: error.type },
    status: 1,
    statusCode: error.status
  })

// ---------------------------------------------------------------------------------------------------------------
// multipart/form-data
// ---------------------------------------------------------------------------------------------------------------

export interface Part {
  readonly name: string | undefined
  readonly fileName: string | undefined
  readonly contentType: string | undefined
  readonly data: Uint8Array
}

const indexOf = (haystack: Uint8Array, needle: Uint8Array, from: number): number => {
  const first = needle[0]
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    if (haystack[i] !== first) continue
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer
    }
    return i
  }
  return -1
}

/** Parses a multipart body; `undefined` when the content type has no boundary or the body is not multipart. */
export const parseMultipart = (contentType: string | undefined, body: Uint8Array): Array<Part> | undefined => {
  if (contentType === undefined || !/^multipart\/form-data/i.test(contentType)) return undefined
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (boundary === undefined) return undefined
  const delimiter = utf8(`--${boundary.trim()}`)
  const parts: Array<Part> = []
  let pos = indexOf(body, delimiter, 0)
  if (pos < 0) return undefined
  const headerEnd = utf8("\r\n\r\n")
  while (pos >= 0) {
    let start = pos + delimiter.length
    if (body[start] === 45 && body[start + 1] === 45) break // "--": closing delimiter
    if (body[start] === 13 && body[start + 1] === 10) start += 2
    const headersAt = indexOf(body, headerEnd, start)
    if (headersAt < 0) return undefined
    const headerText = fromUtf8(body.subarray(start, headersAt))
    const next = indexOf(body, delimiter, headersAt + 4)
    if (next < 0) return undefined
    let end = next
    if (body[end - 2] === 13 && body[end - 1] === 10) end -= 2
    const headers: Record<string, string> = {}
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":")
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const disposition = headers["content-disposition"] ?? ""
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
    parts.push({ name, fileName, contentType: headers["content-type"], data: body.slice(headersAt + 4, end) })
    pos = next
  }
  return parts
}

// ---------------------------------------------------------------------------------------------------------------
// deterministic randomness
// ---------------------------------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so ids, tokens and keys repeat from run to run. */
export const makeRandom = (seed: number) => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const hex = (length: number): string => {
    let out = ""
    while (out.length < length) out += Math.floor(next() * 0x100000000).toString(16).padStart(8, "0")
    return out.slice(0, length)
  }
  return { next, hex }
}

/** A GUID with the counter in its last group: `00000000-0000-4000-8000-000000000007`. */
export const guid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`

export const EMPTY_GUID = "00000000-0000-0000-0000-000000000000"

// ---------------------------------------------------------------------------------------------------------------
// files
// ---------------------------------------------------------------------------------------------------------------

export const extensionOf = (title: string): string => {
  const dot = title.lastIndexOf(".")
  return dot > 0 ? title.slice(dot).toLowerCase() : ""
}

const typeByExtension: Record<string, number> = {}
const register = (type: number, exts: string) => exts.split(" ").forEach((e) => (typeByExtension[`.${e}`] = type))
register(1, "zip rar 7z tar gz tgz bz2")
register(2, "mp4 avi mov mkv webm m4v mpeg")
register(3, "mp3 wav ogg flac m4a aac")
register(4, "png jpg jpeg gif bmp svg webp tif tiff ico")
register(5, "xlsx xls ods csv xlsm xltx")
register(6, "pptx ppt odp ppsx potx")
register(7, "docx doc odt txt rtf md html htm epub fb2 docxf")
register(10, "pdf")
register(11, "vsdx vsd")

/** `FileType`: Unknown 0, Archive 1, Video 2, Audio 3, Image 4, Spreadsheet 5, Presentation 6, Document 7, Pdf 10, Diagram 11. */
export const fileTypeOf = (title: string): number => typeByExtension[extensionOf(title)] ?? 0

/** The server's `FileSizeComment.FilesSizeToString`: "12 bytes", "1.5 KB", "3.2 MB". */
export const sizeString = (bytes: number): string => {
  const units = ["bytes", "KB", "MB", "GB", "TB"]
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} bytes` : `${Math.round(value * 100) / 100} ${units[unit]}`
}

// ---------------------------------------------------------------------------------------------------------------
// zip (stored, no compression): enough for a client to unpack a bulk download
// ---------------------------------------------------------------------------------------------------------------

const crcTable = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

export const crc32 = (data: Uint8Array): number => {
  let c = 0xffffffff
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** A zip archive with every entry stored uncompressed. */
export const zipStored = (entries: ReadonlyArray<{ readonly name: string; readonly data: Uint8Array }>): Uint8Array => {
  const chunks: Array<Uint8Array> = []
  const central: Array<Uint8Array> = []
  let offset = 0
  for (const entry of entries) {
    const name = utf8(entry.name)
    const crc = crc32(entry.data)
    const local = new Uint8Array(30 + name.length)
    const lv = new DataView(local.buffer)
    lv.setUint32(0, 0x04034b50, true)
    lv.setUint16(4, 20, true)
    lv.setUint16(6, 0x0800, true) // UTF-8 names
    lv.setUint32(14, crc, true)
    lv.setUint32(18, entry.data.length, true)
    lv.setUint32(22, entry.data.length, true)
    lv.setUint16(26, name.length, true)
    local.set(name, 30)
    const header = new Uint8Array(46 + name.length)
    const cv = new DataView(header.buffer)
    cv.setUint32(0, 0x02014b50, true)
    cv.setUint16(4, 20, true)
    cv.setUint16(6, 20, true)
    cv.setUint16(8, 0x0800, true)
    cv.setUint32(16, crc, true)
    cv.setUint32(20, entry.data.length, true)
    cv.setUint32(24, entry.data.length, true)
    cv.setUint16(28, name.length, true)
    cv.setUint32(42, offset, true)
    header.set(name, 46)
    chunks.push(local, entry.data)
    central.push(header)
    offset += local.length + entry.data.length
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0)
  const end = new Uint8Array(22)
  const ev = new DataView(end.buffer)
  ev.setUint32(0, 0x06054b50, true)
  ev.setUint16(8, entries.length, true)
  ev.setUint16(10, entries.length, true)
  ev.setUint32(12, centralSize, true)
  ev.setUint32(16, offset, true)
  const all = [...chunks, ...central, end]
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of all) {
    out.set(c, at)
    at += c.length
  }
  return out
}

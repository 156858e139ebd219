/**
 * `multipart/form-data` bodies written byte for byte, so they work on every HTTP client (undici's own `fetch`
 * cannot send a `FormData` made by another copy of undici, such as Node's global one). Parts held in memory give a
 * body that can be sent again (a retry after `429`); a part given as a `Stream` is sent as it is read, in constant
 * memory.
 *
 * @example
 * ```ts
 * import { Multipart } from "@effect-docspace/core"
 *
 * const body = Multipart.body([
 *   Multipart.field("createNewIfExist", "true"),
 *   Multipart.file("file", new TextEncoder().encode("hello"), { fileName: "hello.txt", contentType: "text/plain" })
 * ])
 * ```
 *
 * @since 0.1.0
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as Chunk from "effect/Chunk"
import * as Stream from "effect/Stream"

/**
 * A part: a text field or a file.
 *
 * @since 0.1.0
 * @category models
 */
export type Part = Field | File

/**
 * @since 0.1.0
 * @category models
 */
export interface Field {
  readonly _tag: "Field"
  readonly name: string
  readonly value: string
}

/**
 * A file's bytes: in memory (`Uint8Array`, `Blob`) or a `Stream` read as the body is sent.
 *
 * @since 0.1.0
 * @category models
 */
export type Content = Uint8Array | Blob | Stream.Stream<Uint8Array, unknown>

/**
 * @since 0.1.0
 * @category models
 */
export interface File {
  readonly _tag: "File"
  readonly name: string
  readonly fileName: string
  readonly contentType: string
  readonly content: Content
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const field = (name: string, value: string | number | boolean | Date): Part => ({
  _tag: "Field",
  name,
  value: value instanceof Date ? value.toISOString() : String(value)
})

/**
 * @since 0.1.0
 * @category constructors
 */
export const file = (
  name: string,
  content: Content,
  options?: { readonly fileName?: string | undefined; readonly contentType?: string | undefined }
): Part => ({
  _tag: "File",
  name,
  content,
  fileName: options?.fileName ?? "file",
  contentType: options?.contentType ??
    (content instanceof Blob && content.type !== "" ? content.type : "application/octet-stream")
})

const encoder = new TextEncoder()

/** Escapes a header parameter as the WHATWG form encoding does: no quote or line break can end it early. */
const quote = (value: string) => value.replace(/["\r\n]/g, (c) => encodeURIComponent(c))

const boundary = () => {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `----effect-docspace-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`
}

// As browsers write it (WHATWG HTML, "multipart/form-data encoding"): the file name in UTF-8, with `"`, CR and LF
// percent-encoded. No `filename*`: WHATWG parsers (undici's among them) reject it.
const fileHead = (b: string, part: File) =>
  `--${b}\r\nContent-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.fileName)}"\r\n` +
  `Content-Type: ${part.contentType.replace(/[\r\n]/g, "")}\r\n\r\n`

const fieldText = (b: string, part: Field) =>
  `--${b}\r\nContent-Disposition: form-data; name="${quote(part.name)}"\r\n\r\n${part.value}\r\n`

/**
 * Writes the parts as one `multipart/form-data` body: a `Uint8Array` body when every part is a field or a
 * `Uint8Array`, a streamed body otherwise (a `Blob` is read as a stream, never copied whole).
 *
 * @since 0.1.0
 * @category constructors
 */
export const body = (parts: Iterable<Part>): HttpBody.HttpBody => {
  const b = boundary()
  const contentType = `multipart/form-data; boundary=${b}`
  const all = Array.from(parts)
  const pieces: Array<Uint8Array | Blob | Stream.Stream<Uint8Array, unknown>> = []
  for (const part of all) {
    if (part._tag === "Field") {
      pieces.push(encoder.encode(fieldText(b, part)))
    } else {
      pieces.push(encoder.encode(fileHead(b, part)), part.content, encoder.encode("\r\n"))
    }
  }
  pieces.push(encoder.encode(`--${b}--\r\n`))
  if (pieces.every((piece) => piece instanceof Uint8Array)) {
    const bytes = pieces as Array<Uint8Array>
    const out = new Uint8Array(bytes.reduce((n, piece) => n + piece.length, 0))
    let offset = 0
    for (const piece of bytes) {
      out.set(piece, offset)
      offset += piece.length
    }
    return HttpBody.uint8Array(out, contentType)
  }
  const streams = pieces.map((piece): Stream.Stream<Uint8Array, unknown> =>
    piece instanceof Uint8Array
      ? Stream.succeed(piece)
      : piece instanceof Blob
      ? Stream.fromReadableStream({ evaluate: () => piece.stream(), onError: (error) => error })
      : piece
  )
  return HttpBody.stream(Stream.concatAll(Chunk.unsafeFromArray(streams)), contentType)
}

/**
 * A `FormData` as a multipart body that every HTTP client can send.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFormData = (form: FormData): HttpBody.HttpBody => {
  const parts: Array<Part> = []
  form.forEach((value, name) => {
    parts.push(
      typeof value === "string"
        ? field(name, value)
        : file(name, value, {
          fileName: (value as { name?: string }).name ?? "blob",
          contentType: value.type || undefined
        })
    )
  })
  return body(parts)
}

/**
 * A one-file `multipart/form-data` body framed in place around bytes already in a buffer: the caller leaves
 * `headLength` bytes free before the file's bytes and `tailLength` after them, and `body` writes the part's head and
 * the closing boundary there and sends a view of the buffer, without copying the file's bytes. The body is a
 * `Uint8Array` (a `Content-Length`, sent again as it is on a retry), the same bytes as {@link body} with one
 * {@link file} part. The buffer must stay untouched until the request is over. `body` throws a `RangeError` (a
 * programming error) when the frame and `length` bytes do not fit the buffer.
 *
 * @since 0.2.0
 * @category models
 */
export interface Frame {
  readonly contentType: string
  readonly headLength: number
  readonly tailLength: number
  readonly body: (buffer: Uint8Array, length: number) => HttpBody.HttpBody
}

/**
 * A {@link Frame} for one file part named `name` (one boundary for every body it frames).
 *
 * @example
 * ```ts
 * import { Multipart } from "@effect-docspace/core"
 *
 * const frame = Multipart.frame("file", { fileName: "part.bin" })
 * const buffer = new Uint8Array(frame.headLength + 1024 + frame.tailLength)
 * // ...the part's bytes written at buffer[frame.headLength], then:
 * const body = frame.body(buffer, 1024)
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const frame = (
  name: string,
  options?: { readonly fileName?: string | undefined; readonly contentType?: string | undefined }
): Frame => {
  const b = boundary()
  const part = file(name, new Uint8Array(0), options) as File
  const head = encoder.encode(fileHead(b, part))
  const tail = encoder.encode(`\r\n--${b}--\r\n`)
  const contentType = `multipart/form-data; boundary=${b}`
  return {
    contentType,
    headLength: head.length,
    tailLength: tail.length,
    body: (buffer, length) => {
      const end = head.length + length + tail.length
      if (!Number.isSafeInteger(length) || length < 0 || end > buffer.length) {
        throw new RangeError(`Multipart.frame: ${length} bytes and the frame do not fit a buffer of ${buffer.length}`)
      }
      buffer.set(head, 0)
      buffer.set(tail, head.length + length)
      return HttpBody.uint8Array(buffer.subarray(0, end), contentType)
    }
  }
}

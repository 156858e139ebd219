import * as HttpBody from "@effect/platform/HttpBody"
import { toHex } from "./bytes.js"

const encoder = new TextEncoder()

/**
 * One upload part as a `multipart/form-data` body with a single `file` field. Built by hand rather than with `FormData`:
 * the same bytes on every runtime and HTTP client (undici's fetch cannot send a `FormData` made by another copy of
 * undici, such as Node's global one).
 */
export const multipartBody = (part: Uint8Array, fileName: string): HttpBody.HttpBody => {
  const random = new Uint8Array(16)
  globalThis.crypto.getRandomValues(random)
  const boundary = `----effect-docspace-${toHex(random)}`
  // the plain filename keeps ASCII only; the exact name goes in filename* (RFC 6266)
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_")
  const head = encoder.encode(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="file"; filename="${ascii}"; filename*=UTF-8''${
        encodeURIComponent(fileName)
      }\r\n` +
      "Content-Type: application/octet-stream\r\n\r\n"
  )
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`)
  const body = new Uint8Array(head.length + part.length + tail.length)
  body.set(head)
  body.set(part, head.length)
  body.set(tail, head.length + part.length)
  return HttpBody.uint8Array(body, `multipart/form-data; boundary=${boundary}`)
}

import { redactText } from "../Redaction.js"

const EXCERPT_LENGTH = 300

/** The start of a body for an error message: secrets redacted, at most 300 characters. */
export const excerpt = (text: string): string => {
  const redacted = redactText(text.length > EXCERPT_LENGTH * 4 ? text.slice(0, EXCERPT_LENGTH * 4) : text)
  return redacted.length > EXCERPT_LENGTH ? `${redacted.slice(0, EXCERPT_LENGTH)}…` : redacted
}

/** A URL for an error or a span: origin and path only, never the query (it can carry presigned tokens). */
export const safeUrl = (url: string | URL): string => {
  try {
    const u = typeof url === "string" ? new URL(url) : url
    return `${u.origin}${u.pathname}`
  } catch {
    const s = String(url)
    const q = s.search(/[?#]/)
    return q === -1 ? s : s.slice(0, q)
  }
}

const secretKeys =
  /("(?:[\w-]*(?:token|password|passwd|secret|apikey|api_key|signature|authorization|cookie)|key)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi
const bearer = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi
const apiKey = /\bsk-[0-9a-fA-F]{8,}/g

/** Replaces the values of secret-looking JSON fields, bearer credentials and API keys in a text. */
export const redactText = (text: string): string =>
  text
    .replace(secretKeys, (_, key: string) => `${key}"<redacted>"`)
    .replace(bearer, (_, scheme: string) => `${scheme} <redacted>`)
    .replace(apiKey, "sk-<redacted>")

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

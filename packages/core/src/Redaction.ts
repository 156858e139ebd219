/**
 * The one rule for what a secret looks like in a text or a structure: field names that hold passwords, tokens,
 * keys, signatures or cookies, `Bearer`/`Basic` credentials, and DocSpace API keys. The client uses it for the body
 * excerpts in its errors; `@effect-docspace/testing` uses it for the requests MockTransport records.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-docspace/core"
 *
 * Redaction.isSecretName("secretKey") // true
 * Redaction.redactText(`{"token": "abc", "id": 7}`) // `{"token": "<redacted>", "id": 7}`
 * ```
 *
 * @since 0.1.0
 */

/**
 * What a redacted value reads.
 *
 * @since 0.1.0
 * @category constants
 */
export const redacted = "<redacted>"

const secretWords =
  /password|passphrase|secret|token|credential|authorization|cookie|signature|apikey|privatekey|accesskey|signingkey|tfakey/

/**
 * Whether a JSON field, form field or query parameter name looks like it holds a secret: `password`, `secret`,
 * `secretKey`, `token`, `accessToken`, `key`, `apiKey`, `clientSecret`, `privateKey`, `credentials`, `signature`,
 * `cookie`, and `code` (the two-factor code of a login body, an OAuth2 authorization code), ... (case-insensitive,
 * `_` and `-` ignored).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSecretName = (name: string): boolean => {
  const n = name.toLowerCase().replace(/[_-]/g, "")
  return n === "key" || n === "pwd" || n === "passwd" || n === "code" || secretWords.test(n)
}

// a JSON member: its name, then a string value or a bare value (number, literal), in text that may be cut short
const jsonMember = /("([^"\\]*)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g
const bearer = /\b(Bearer|Basic)\s+[\w.~+/=-]+/gi
const apiKey = /\bsk-[0-9a-fA-F]{8,}/g

/**
 * Replaces, in any text (JSON, possibly truncated, or not JSON at all), the values of secret-looking JSON members,
 * `Bearer`/`Basic` credentials and API keys by `<redacted>`.
 *
 * @since 0.1.0
 * @category redaction
 */
export const redactText = (text: string): string =>
  text
    .replace(
      jsonMember,
      (member: string, head: string, name: string) => (isSecretName(name) ? `${head}"${redacted}"` : member)
    )
    .replace(bearer, (_, scheme: string) => `${scheme} ${redacted}`)
    .replace(apiKey, `sk-${redacted}`)

/**
 * A URL as errors and spans show it: origin and path only, never the query or fragment (they can carry presigned
 * tokens or session ids).
 *
 * @since 0.1.0
 * @category redaction
 */
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

// `POST /api/2.0/authentication/{code}`: the second step of a two-factor login carries the code in its path
const codeInPath = /^((?:[a-z][a-z0-9+.-]*:\/\/[^/]+)?(?:\/[^?#]*)?\/api\/2\.0\/authentication\/)([^/?#]+)(?=$|[?#])/i
const authenticationRoutes = new Set(["logout", "confirm", "setphone", "sendsms"])

/**
 * A path or URL as printed: the two-factor code of `/api/2.0/authentication/{code}` replaced by `<redacted>` (the
 * other `/authentication/...` routes, such as `logout`, are kept). Anything else is returned unchanged.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-docspace/core"
 *
 * Redaction.redactPath("/api/2.0/authentication/913577") // "/api/2.0/authentication/<redacted>"
 * ```
 *
 * @since 0.2.0
 * @category redaction
 */
export const redactPath = (path: string): string =>
  path.replace(
    codeInPath,
    (all, head: string, segment: string) => authenticationRoutes.has(segment.toLowerCase()) ? all : `${head}${redacted}`
  )

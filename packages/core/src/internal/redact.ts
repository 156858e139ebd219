import { redactText } from "../Redaction.js"

export { safeUrl } from "../Redaction.js"

const EXCERPT_LENGTH = 300

/** The start of a body for an error message: secrets redacted, at most 300 characters. */
export const excerpt = (text: string): string => {
  const redacted = redactText(text.length > EXCERPT_LENGTH * 4 ? text.slice(0, EXCERPT_LENGTH * 4) : text)
  return redacted.length > EXCERPT_LENGTH ? `${redacted.slice(0, EXCERPT_LENGTH)}…` : redacted
}

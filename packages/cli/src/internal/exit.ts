import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"

const tagOf = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined

const isValidationError = (error: unknown): boolean =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" && Predicate.hasProperty(error, "error") &&
  [
    "CommandMismatch",
    "CorrectedFlag",
    "HelpRequested",
    "InvalidArgument",
    "InvalidValue",
    "MissingValue",
    "MissingFlag",
    "MultipleValuesDetected",
    "MissingSubcommand",
    "NoBuiltInMatch",
    "UnclusteredFlag"
  ].includes(error._tag)

/** @internal */
export const codeOf = (error: unknown): number => {
  if (isValidationError(error)) return 2
  switch (tagOf(error)) {
    case "UsageError":
    case "ConfigError":
      return 2
    case "NotConfigured":
    case "Unauthorized":
    case "Forbidden":
      return 3
    case "NotFound":
      return 4
    case "RateLimited":
      return 5
    default:
      return 1
  }
}

const hints: Record<string, string> = {
  Unauthorized: "check the API key or token (--api-key, DOCSPACE_API_KEY, DOCSPACE_TOKEN) or run `docspace login`",
  Forbidden: "the account is signed in but not allowed to do this; ask a portal or room admin",
  NotConfigured: "run `docspace login`, or set DOCSPACE_URL and DOCSPACE_API_KEY, or pass --url and --api-key",
  TransportError: "is the portal URL right and reachable from here?",
  PaymentRequired: "the portal's quota or plan does not allow this",
  DecodeError: "the portal answered something the client does not understand; --verbose shows an excerpt",
  ServerError: "the portal failed; try again later",
  Declined: "pass --yes to answer yes without being asked"
}

const messageOf = (error: unknown): string => {
  if (Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message !== "") {
    return error.message
  }
  return String(error)
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ").trim()

/** @internal */
export const format = (error: unknown): string => {
  const tag = tagOf(error)
  let message = oneLine(messageOf(error))
  if (tag === "NotFound" && Predicate.hasProperty(error, "operation")) {
    message = `not found: ${message}`
  }
  if (tag === "RateLimited" && Predicate.hasProperty(error, "retryAfter") && Duration.isDuration(error.retryAfter)) {
    return `docspace: ${message} (hint: the portal's rate limit; wait ${Duration.format(error.retryAfter)} and retry)`
  }
  const hint = tag === undefined ? undefined : hints[tag]
  return `docspace: ${message}${hint === undefined ? "" : ` (hint: ${hint})`}`
}

const show = (value: unknown): string => {
  if (Redacted.isRedacted(value)) return "<redacted>"
  if (Duration.isDuration(value)) return Duration.format(value)
  if (typeof value === "string") return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** @internal */
export const details = (error: unknown): string => {
  if (error === null || typeof error !== "object") return `  ${String(error)}\n`
  const lines: Array<string> = [`  error: ${tagOf(error) ?? (error as Error).name ?? "unknown"}`]
  for (const [key, value] of Object.entries(error)) {
    if (key === "_tag" || key === "message" || key === "stack") continue
    lines.push(`  ${key}: ${show(value)}`)
  }
  if (tagOf(error) === undefined && error instanceof Error && error.stack !== undefined) {
    lines.push(...error.stack.split("\n").slice(1, 6).map((l) => `  ${l.trim()}`))
  }
  return lines.map((l) => l + "\n").join("")
}

/**
 * Which generated module an operation lands in: the spec's tags, grouped so that a program imports only the part
 * of the API it uses.
 *
 * @since 0.1.0
 */

const exact: Readonly<Record<string, string>> = {
  "Files / Files": "Files",
  "Files / Folders": "Folders",
  "Files / Operations": "FileOperations",
  "Files / Quota": "FilesSettings",
  "Files / Settings": "FilesSettings",
  "Files / Third-party integration": "ThirdParty",
  "Files / Sharing": "Sharing",
  ThirdParty: "ThirdParty",
  "Api keys": "ApiKeys",
  Capabilities: "Authentication",
  "Settings / Webhooks": "Webhooks"
}

const byPrefix: ReadonlyArray<readonly [string, string]> = [
  ["AI", "Ai"],
  ["Backup", "Backup"],
  ["Rooms", "Rooms"],
  ["OAuth 2.0", "OAuth2"],
  ["Group", "Groups"],
  ["People", "People"],
  ["Portal", "Portal"],
  ["Authentication", "Authentication"],
  ["Migration", "Migration"],
  ["Security", "Security"],
  ["Settings", "Settings"]
]

/**
 * The module (PascalCase) for a tag.
 *
 * @since 0.1.0
 * @category grouping
 */
export const groupOf = (tag: string | undefined): string => {
  if (tag === undefined) return "Other"
  const direct = exact[tag]
  if (direct !== undefined) return direct
  const head = tag.split(" / ")[0]!.trim()
  for (const [prefix, group] of byPrefix) if (head === prefix) return group
  return "Other"
}

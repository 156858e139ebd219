/**
 * CSV for `docspace people invite --csv`: an RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF, a UTF-8
 * BOM) and the invitation rows, checked before anything is sent so that a bad file never invites half of its people.
 */

/** One record of a CSV text, with the line it starts on (1-based). */
export interface Record {
  readonly line: number
  readonly fields: ReadonlyArray<string>
}

/** A CSV text that cannot be read: an unterminated quote, or text after a closing quote. */
export interface SyntaxProblem {
  readonly line: number
  readonly message: string
}

/**
 * The records of a CSV text; blank lines are skipped. Fails on the first syntax error with its line.
 */
export const parse = (text: string): { readonly records: ReadonlyArray<Record> } | SyntaxProblem => {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: Array<Record> = []
  let fields: Array<string> = []
  let field = ""
  let line = 1
  let recordLine = 1
  let i = 0
  let quoted = false
  let afterQuote = false
  const endRecord = () => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0]!.trim() === "")) records.push({ line: recordLine, fields })
    fields = []
    field = ""
    afterQuote = false
  }
  while (i < input.length) {
    const c = input[i]!
    if (quoted) {
      if (c === "\"") {
        if (input[i + 1] === "\"") {
          field += "\""
          i += 2
          continue
        }
        quoted = false
        afterQuote = true
        i++
        continue
      }
      if (c === "\n") line++
      field += c
      i++
      continue
    }
    if (c === ",") {
      fields.push(field)
      field = ""
      afterQuote = false
      i++
      continue
    }
    if (c === "\r" || c === "\n") {
      endRecord()
      i += c === "\r" && input[i + 1] === "\n" ? 2 : 1
      line++
      recordLine = line
      continue
    }
    if (afterQuote) {
      if (c === " " || c === "\t") {
        i++
        continue
      }
      return { line, message: `unexpected ${JSON.stringify(c)} after a closing quote` }
    }
    if (c === "\"" && field.trim() === "") {
      quoted = true
      field = ""
      i++
      continue
    }
    field += c
    i++
  }
  if (quoted) return { line: recordLine, message: "a quoted field is not closed" }
  if (field !== "" || fields.length > 0) endRecord()
  return { records }
}

/** The kinds of user an invitation by email can create (DocSpace-server `UserController.InviteUsers`). */
export const invitationTypes = ["DocSpaceAdmin", "RoomAdmin", "User"] as const

/** @see invitationTypes */
export type InvitationType = typeof invitationTypes[number]

/** One invitation read from the file. */
export interface Invitation {
  readonly line: number
  readonly email: string
  readonly type: InvitationType
}

// DocSpace-server `StringExtension._reStrict`, the check `InviteUsers` applies to each email
const emailPattern = new RegExp(
  "^(([^<>()[\\]\\\\.,;:\\s@\"]+(\\.[^<>()[\\]\\\\.,;:\\s@\"]+)*)|(\".+\"))@" +
    "((\\[[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\])|(([a-zA-Z\\-0-9]+\\.)+[a-zA-Z]{2,}))$"
)

/** Whether the portal takes this as an email (its own pattern; punycode domains are refused too). */
export const isEmail = (value: string): boolean =>
  emailPattern.test(value) && !/(^|[.@])xn--/i.test(value.slice(value.lastIndexOf("@")))

const typeByName = new Map<string, InvitationType | "Guest">([
  ...invitationTypes.map((t) => [t.toLowerCase(), t] as const),
  ["docspace-admin", "DocSpaceAdmin"],
  ["admin", "DocSpaceAdmin"],
  ["room-admin", "RoomAdmin"],
  ["roomadmin", "RoomAdmin"],
  ["user", "User"],
  ["guest", "Guest"]
])

/** A type by name (any case; `admin`, `room-admin` too); `undefined` for an unknown name. */
export const invitationType = (name: string): InvitationType | "Guest" | undefined =>
  typeByName.get(name.trim().toLowerCase())

/** The result of reading an invitation file: the invitations, or one line per bad row. */
export type Invitations =
  | { readonly _tag: "Ok"; readonly invitations: ReadonlyArray<Invitation> }
  | { readonly _tag: "Bad"; readonly problems: ReadonlyArray<string> }

/**
 * Reads the invitations of a CSV file: an `email` column and an optional `type` column (`DocSpaceAdmin`,
 * `RoomAdmin`, `User`; `defaultType` when absent or empty). A first row naming the columns (`email`, `type`, in any
 * order) is a header; without one, the columns are `email[,type]`. Every bad row is reported (`<file>:<line>: ...`),
 * and nothing is invited unless all are good: the portal stops at the first bad email of a request after having
 * invited the ones before it.
 */
export const readInvitations = (
  text: string,
  options: { readonly source: string; readonly defaultType: InvitationType }
): Invitations => {
  const { source, defaultType } = options
  const parsed = parse(text)
  if ("message" in parsed) return { _tag: "Bad", problems: [`${source}:${parsed.line}: ${parsed.message}`] }
  const records = parsed.records
  let emailColumn = 0
  let typeColumn: number | undefined = 1
  let body = records
  const first = records[0]
  if (first !== undefined && !first.fields.some((f) => f.includes("@"))) {
    const names = first.fields.map((f) => f.trim().toLowerCase())
    const email = names.indexOf("email")
    if (email < 0) {
      return {
        _tag: "Bad",
        problems: [
          `${source}:${first.line}: the first row is neither an email nor a header with an "email" column ` +
          `(${first.fields.join(",")})`
        ]
      }
    }
    emailColumn = email
    const type = names.indexOf("type")
    typeColumn = type < 0 ? undefined : type
    body = records.slice(1)
  }
  const hasHeader = body !== records
  const width = hasHeader && first !== undefined ? first.fields.length : 2
  const expected = hasHeader && first !== undefined ? first.fields.join(",") : "email,type"
  const problems: Array<string> = []
  const invitations: Array<Invitation> = []
  const seen = new Map<string, number>()
  for (const record of body) {
    const at = `${source}:${record.line}`
    if (record.fields.length > width && record.fields.slice(width).some((f) => f.trim() !== "")) {
      problems.push(`${at}: ${record.fields.length} columns, expected ${width} (${expected})`)
      continue
    }
    const email = (record.fields[emailColumn] ?? "").trim()
    if (email === "") {
      problems.push(`${at}: no email`)
      continue
    }
    if (!isEmail(email)) {
      problems.push(`${at}: ${JSON.stringify(email)} is not an email the portal accepts`)
      continue
    }
    const typeText = typeColumn === undefined ? "" : (record.fields[typeColumn] ?? "").trim()
    const type = typeText === "" ? defaultType : invitationType(typeText)
    if (type === undefined) {
      problems.push(`${at}: unknown type ${JSON.stringify(typeText)} (one of ${invitationTypes.join(", ")})`)
      continue
    }
    if (type === "Guest") {
      problems.push(
        `${at}: guests cannot be invited to the portal by email (the portal refuses it); share a room with them instead`
      )
      continue
    }
    const key = email.toLowerCase()
    const previous = seen.get(key)
    if (previous !== undefined) {
      problems.push(`${at}: ${email} is already on line ${previous}`)
      continue
    }
    seen.set(key, record.line)
    invitations.push({ line: record.line, email, type })
  }
  if (problems.length > 0) return { _tag: "Bad", problems }
  return { _tag: "Ok", invitations }
}

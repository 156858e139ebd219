import { describe, expect, it } from "@effect/vitest"
import * as Csv from "../src/internal/csv.js"

describe("csv", () => {
  it("reads quoted fields, doubled quotes, CRLF, a BOM, and skips blank lines", () => {
    const parsed = Csv.parse("\uFEFFa,\"b, c\"\r\n\r\n\"say \"\"hi\"\"\",d\n\"multi\nline\",e")
    expect(parsed).toEqual({
      records: [
        { line: 1, fields: ["a", "b, c"] },
        { line: 3, fields: ["say \"hi\"", "d"] },
        { line: 4, fields: ["multi\nline", "e"] }
      ]
    })
  })

  it("reports an unclosed quote and text after a closing quote with their line", () => {
    expect(Csv.parse("a\n\"open,b\n")).toEqual({ line: 2, message: "a quoted field is not closed" })
    expect(Csv.parse("a\n\"x\"y,b")).toEqual({ line: 2, message: "unexpected \"y\" after a closing quote" })
  })
})

describe("readInvitations", () => {
  const read = (text: string) => Csv.readInvitations(text, { source: "people.csv", defaultType: "User" })

  it("takes a header in any order, or email[,type] without one, with the default type", () => {
    expect(read("type,email\nRoomAdmin,a@example.com\n,b@example.com\n")).toEqual({
      _tag: "Ok",
      invitations: [
        { line: 2, email: "a@example.com", type: "RoomAdmin" },
        { line: 3, email: "b@example.com", type: "User" }
      ]
    })
    expect(read("c@example.com\nd@example.com,docspace-admin\n")).toEqual({
      _tag: "Ok",
      invitations: [
        { line: 1, email: "c@example.com", type: "User" },
        { line: 2, email: "d@example.com", type: "DocSpaceAdmin" }
      ]
    })
  })

  it("reports every bad row on one line each, and invites nobody", () => {
    const result = read(
      [
        "email,type",
        "ok@example.com,User",
        "not-an-email,User",
        "x@example.com,Boss",
        "g@example.com,Guest",
        ",User",
        "OK@example.com,User",
        "y@example.com,User,extra",
        "z@xn--80ak6aa92e.com"
      ].join("\n")
    )
    expect(result).toEqual({
      _tag: "Bad",
      problems: [
        "people.csv:3: \"not-an-email\" is not an email the portal accepts",
        "people.csv:4: unknown type \"Boss\" (one of DocSpaceAdmin, RoomAdmin, User)",
        "people.csv:5: guests cannot be invited to the portal by email (the portal refuses it); share a room with them instead",
        "people.csv:6: no email",
        "people.csv:7: OK@example.com is already on line 2",
        "people.csv:8: 3 columns, expected 2 (email,type)",
        "people.csv:9: \"z@xn--80ak6aa92e.com\" is not an email the portal accepts"
      ]
    })
  })

  it("refuses a first row that is neither an email nor a header with an email column", () => {
    expect(read("name,type\nbob,User\n")).toEqual({
      _tag: "Bad",
      problems: ["people.csv:1: the first row is neither an email nor a header with an \"email\" column (name,type)"]
    })
  })

  it("checks emails with the portal's own pattern", () => {
    expect(Csv.isEmail("first.last@sub.example.org")).toBe(true)
    expect(Csv.isEmail("\"quoted name\"@example.com")).toBe(true)
    expect(Csv.isEmail("a@[10.0.0.1]")).toBe(true)
    expect(Csv.isEmail("a@localhost")).toBe(false)
    expect(Csv.isEmail("a b@example.com")).toBe(false)
    expect(Csv.isEmail("a@example.c")).toBe(false)
  })
})

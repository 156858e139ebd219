import { Redaction } from "@effect-docspace/core"
import { describe, expect, it } from "@effect/vitest"

describe("Redaction", () => {
  it("knows secret-looking names, whatever their case or separators, and leaves the others", () => {
    for (
      const name of [
        "password",
        "secretKey",
        "secret_key",
        "accessToken",
        "key",
        "apiKey",
        "clientSecret",
        "signature",
        "Cookie",
        "credentials",
        "tfaKey",
        "passwd",
        "code"
      ]
    ) {
      expect(Redaction.isSecretName(name), name).toBe(true)
    }
    for (const name of ["statusCode", "title", "fileId", "sortKey", "id", "count", "total"]) {
      expect(Redaction.isSecretName(name), name).toBe(false)
    }
  })

  it("redacts secret members in JSON, even cut short, and credentials in any text", () => {
    const text =
      `{"statusCode":200,"response":{"id":7,"secretKey":"whsec-1","token":"t-2","expires":"x"},"note":"Bearer abc.def sk-${
        "ab".repeat(32)
      }","password":"hun`
    const out = Redaction.redactText(text)
    for (const secret of ["whsec-1", "t-2", "abc.def", "ab".repeat(32), "hun"]) expect(out).not.toContain(secret)
    expect(out).toContain(`"statusCode":200`)
    expect(out).toContain(`"id":7`)
    expect(out).toContain(`"expires":"x"`)
  })

  it("redactPath hides a two-factor code in a path or URL, and keeps the other authentication routes", () => {
    expect(Redaction.redactPath("/api/2.0/authentication/913577")).toBe("/api/2.0/authentication/<redacted>")
    expect(Redaction.redactPath("https://p.example.com/api/2.0/authentication/913577?x=1")).toBe(
      "https://p.example.com/api/2.0/authentication/<redacted>?x=1"
    )
    expect(Redaction.redactPath("/api/2.0/authentication/logout")).toBe("/api/2.0/authentication/logout")
    expect(Redaction.redactPath("/api/2.0/authentication")).toBe("/api/2.0/authentication")
    expect(Redaction.redactPath("/api/2.0/people/@self")).toBe("/api/2.0/people/@self")
  })
})

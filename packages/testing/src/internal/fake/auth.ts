/**
 * Authentication of the fake DocSpace: session tokens, the password login with its two-factor step
 * (`POST /api/2.0/authentication` then `POST /api/2.0/authentication/{code}`), logout, and the "am I
 * authenticated" probe. How a request is authenticated (bearer token, API key, Basic, cookie) is the
 * dispatcher's job, in `server.ts`.
 */
import type { FakeRequest } from "../handler.js"
import type { Ctx, Route } from "./common.js"
import { json, str } from "./common.js"
import type { User } from "./people.js"
import { userByEmail } from "./people.js"
import type { FakeModel } from "./state.js"
import type { Reply } from "./util.js"
import { formatDate, HttpError } from "./util.js"

export const issueToken = (ctx: Ctx, user: User) => {
  const token = ctx.model.random.hex(64)
  const expires = ctx.now + ctx.model.options.tokenLifetimeMillis
  ctx.model.tokens.set(token, { userId: user.id, expires })
  return { token, expires: formatDate(expires), sms: false, tfa: false }
}

const authFailed = () =>
  new HttpError(401, "User authentication failed", "System.Security.Authentication.AuthenticationException")

/**
 * `POST /api/2.0/authentication` (`code` undefined) and `POST /api/2.0/authentication/{code}`: the second reads the
 * code from the JSON body (`AuthWithCodeRequestsDto.Code`) and ignores the path segment, as the server's
 * `AuthenticateMeFromBodyWithCode` does.
 */
const login = (ctx: Ctx, withCode: boolean): Reply => {
  const body = ctx.json()
  const code = withCode ? (str(body.code) ?? "").trim() : undefined
  const user = userByEmail(ctx.model, str(body.userName) ?? "")
  if (user === undefined || user.password === undefined || user.password !== str(body.password)) throw authFailed()
  if (user.tfaCode !== undefined) {
    if (code === undefined) {
      return json(ctx, {
        expires: formatDate(ctx.now),
        sms: false,
        tfa: true,
        tfaKey: undefined,
        confirmUrl: `${ctx.origin}/confirm/TfaAuth?email=${encodeURIComponent(user.email)}`
      })
    }
    if (code === "" || code !== user.tfaCode) {
      throw new HttpError(401, "Incorrect code", "System.Security.Authentication.AuthenticationException")
    }
  }
  return json(ctx, issueToken(ctx, user))
}

const cookie = (header: string | undefined, name: string): string | undefined => {
  if (header === undefined) return undefined
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return undefined
}

/**
 * Who sent the request: a bearer session token or API key, Basic credentials (no 2FA), a raw token, or the cookie.
 * A disabled user (`EmployeeStatus.Terminated`) is nobody: the portal signs them out and refuses their credentials.
 */
export const authenticate = (
  model: FakeModel,
  req: FakeRequest,
  now: number
): { readonly user: User; readonly token: string | undefined } | undefined => {
  const found = credentialsOf(model, req, now)
  return found !== undefined && found.user.status === 2 ? undefined : found
}

const credentialsOf = (
  model: FakeModel,
  req: FakeRequest,
  now: number
): { readonly user: User; readonly token: string | undefined } | undefined => {
  const byToken = (token: string) => {
    const session = model.tokens.get(token)
    if (session === undefined) return undefined
    if (session.expires <= now) {
      model.tokens.delete(token)
      return undefined
    }
    const user = model.users.get(session.userId)
    return user === undefined ? undefined : { user, token }
  }
  const header = req.headers["authorization"]?.trim()
  if (header !== undefined && header !== "") {
    const [scheme, ...rest] = header.split(" ")
    const value = rest.join(" ").trim()
    if (scheme.toLowerCase() === "bearer") {
      if (value.startsWith("sk-")) {
        const userId = model.apiKeys.get(value)
        const user = userId === undefined ? undefined : model.users.get(userId)
        return user === undefined ? undefined : { user, token: undefined }
      }
      return byToken(value)
    }
    if (scheme.toLowerCase() === "basic") {
      let decoded = ""
      try {
        decoded = atob(value)
      } catch {
        return undefined
      }
      const colon = decoded.indexOf(":")
      const user = model.userByEmail(decoded.slice(0, colon))
      if (colon < 0 || user === undefined || user.password === undefined) return undefined
      if (user.password !== decoded.slice(colon + 1) || user.tfaCode !== undefined) return undefined
      return { user, token: undefined }
    }
    return byToken(header) // the raw token
  }
  const fromCookie = cookie(req.headers["cookie"], "asc_auth_key")
  return fromCookie === undefined ? undefined : byToken(fromCookie)
}

export const authRoutes: ReadonlyArray<Route> = [
  { method: "POST", template: "/api/2.0/authentication", anonymous: true, handle: (ctx) => login(ctx, false) },
  {
    // [AllowAnonymous]; revokes only the session named by the `asc_auth_key` cookie (a Bearer header alone revokes
    // nothing), and answers null (an SSO logout URL on SSO portals), i.e. no `response`
    method: "POST",
    template: "/api/2.0/authentication/logout",
    anonymous: true,
    handle: (ctx) => {
      const fromCookie = cookie(ctx.req.headers["cookie"], "asc_auth_key")
      if (fromCookie !== undefined) ctx.model.tokens.delete(fromCookie)
      return json(ctx, null)
    }
  },
  {
    method: "POST",
    template: "/api/2.0/authentication/{code}",
    anonymous: true,
    handle: (ctx) => login(ctx, true)
  },
  {
    method: "GET",
    template: "/api/2.0/authentication",
    anonymous: true,
    handle: (ctx) => json(ctx, ctx.user !== undefined)
  }
]

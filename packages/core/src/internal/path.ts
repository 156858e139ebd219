import * as Either from "effect/Either"

/** A path parameter value as operations accept it. */
export type PathParam = string | number | boolean | bigint

const placeholder = /\{([^}]+)\}/g

// Characters that must never reach a path segment: they would change the path, the query or the fragment.

const forbidden = /[/\\?#%\u0000-\u001f\u007f]/
// a UTF-16 surrogate without its pair: no URL can carry it (`encodeURIComponent` throws a URIError)
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Fills a path template (`/api/2.0/files/folder/{folderId}`) with encoded parameters. Fails, naming the
 * parameter, when a value is missing, empty, `.` or `..`, or holds `/`, `\`, `?`, `#`, `%` or a control
 * character, or a lone UTF-16 surrogate: an id can never change the request's path, and no value throws.
 */
export const buildPath = (
  template: string,
  params: Readonly<Record<string, PathParam | undefined>> | undefined
): Either.Either<string, string> => {
  let error: string | undefined
  const path = template.replace(placeholder, (_, name: string) => {
    const value = params?.[name]
    if (value === undefined || value === null) {
      error ??= `missing path parameter "${name}"`
      return ""
    }
    const text = String(value)
    if (typeof value === "number" && !Number.isFinite(value)) {
      error ??= `path parameter "${name}" is not a finite number`
      return ""
    }
    if (loneSurrogate.test(text)) {
      error ??= `path parameter "${name}" holds a lone UTF-16 surrogate, which no URL can carry`
      return ""
    }
    if (text.length === 0 || text === "." || text === ".." || forbidden.test(text)) {
      error ??= `path parameter "${name}" is not a valid path segment: ${JSON.stringify(text.slice(0, 40))}`
      return ""
    }
    // `@my`, `@trash`, `@self` are DocSpace's own ids: keep the `@` readable.
    return encodeURIComponent(text).replace(/%40/g, "@")
  })
  return error === undefined ? Either.right(path) : Either.left(error)
}

/**
 * Route patterns shared by MockTransport, the limits and the faults: `"GET /api/2.0/files/{fileId}"`.
 * The method may be `*` (any method); a `{name}` segment matches one path segment; a final `*` matches the rest.
 * A pattern without a method (`"/api/2.0/files/{id}"`) matches any method.
 */

/** @internal */
export interface RoutePattern {
  readonly source: string
  readonly method: string
  readonly segments: ReadonlyArray<Segment>
  /** Higher is more specific: literal segments beat parameters, parameters beat a trailing wildcard. */
  readonly specificity: number
}

type Segment =
  | { readonly _tag: "Literal"; readonly value: string }
  | { readonly _tag: "Param"; readonly name: string }
  | { readonly _tag: "Rest" }

const splitPath = (path: string): Array<string> => path.split("/").filter((s) => s.length > 0)

/** @internal */
export const parse = (source: string): RoutePattern => {
  const trimmed = source.trim()
  const space = trimmed.indexOf(" ")
  const method = space === -1 ? "*" : trimmed.slice(0, space).toUpperCase()
  const path = space === -1 ? trimmed : trimmed.slice(space + 1).trim()
  const pathOnly = path.split("?")[0]
  const segments: Array<Segment> = splitPath(pathOnly).map((s) => {
    if (s === "*") return { _tag: "Rest" } as const
    const m = /^\{([^}]+)\}$/.exec(s)
    return m ? { _tag: "Param", name: m[1] } as const : { _tag: "Literal", value: s } as const
  })
  let specificity = method === "*" ? 0 : 1
  for (const s of segments) specificity += s._tag === "Literal" ? 4 : s._tag === "Param" ? 2 : 0
  return { source, method, segments, specificity }
}

/** @internal */
export const match = (
  pattern: RoutePattern,
  method: string,
  pathname: string
): Readonly<Record<string, string>> | undefined => {
  if (pattern.method !== "*" && pattern.method !== method.toUpperCase()) return undefined
  const parts = splitPath(pathname)
  const params: Record<string, string> = {}
  for (let i = 0; i < pattern.segments.length; i++) {
    const segment = pattern.segments[i]
    if (segment._tag === "Rest") {
      params["*"] = parts.slice(i).map(decode).join("/")
      return params
    }
    if (i >= parts.length) return undefined
    if (segment._tag === "Literal") {
      if (decode(parts[i]).toLowerCase() !== segment.value.toLowerCase()) return undefined
    } else {
      params[segment.name] = decode(parts[i])
    }
  }
  return parts.length === pattern.segments.length ? params : undefined
}

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Sorts most specific first, keeping declaration order among equals. @internal */
export const sortBySpecificity = <A extends { readonly pattern: RoutePattern }>(
  routes: ReadonlyArray<A>
): Array<A> =>
  routes.map((route, index) => ({ route, index }))
    .sort((a, b) => b.route.pattern.specificity - a.route.pattern.specificity || a.index - b.index)
    .map((_) => _.route)

const idLike = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24,})$/i

/**
 * A stable name for counting requests by route when no pattern is known: numeric ids and GUIDs become `{id}`.
 * `GET /api/2.0/files/file/123` -> `GET /api/2.0/files/file/{id}`.
 *
 * @internal
 */
export const routeKey = (method: string, pathname: string): string =>
  `${method.toUpperCase()} /${splitPath(pathname).map((s) => (idLike.test(s) ? "{id}" : s)).join("/")}`

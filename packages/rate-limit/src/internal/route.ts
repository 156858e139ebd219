/** @internal */
export interface CompiledRoute {
  readonly method: string
  readonly segments: ReadonlyArray<string>
  /** the non-empty segments, lower case: what a path is matched against */
  readonly match: ReadonlyArray<string>
}

/** @internal */
export const parseRoute = (pattern: string): CompiledRoute | string => {
  const trimmed = pattern.trim()
  const space = trimmed.indexOf(" ")
  const method = space === -1 ? "*" : trimmed.slice(0, space).toUpperCase()
  const path = space === -1 ? trimmed : trimmed.slice(space + 1).trim()
  if (!/^(\*|[A-Z]+)$/.test(method)) return `route "${pattern}": method must be "*" or an HTTP method`
  if (!path.startsWith("/")) return `route "${pattern}": path must start with "/"`
  if (/\s/.test(path)) return `route "${pattern}": path must not contain spaces`
  const segments = path.split("/").slice(1).filter((s, i, all) => s !== "" || i === all.length - 1)
  for (const s of segments) {
    if (s.includes("*") && s !== "*" && s !== "**") {
      return `route "${pattern}": "*" must be a whole segment ("*" = one segment, "**" = any number)`
    }
  }
  return { method, segments, match: segments.filter((s) => s !== "").map((s) => s.toLowerCase()) }
}

const matchSegments = (
  pattern: ReadonlyArray<string>,
  pi: number,
  path: ReadonlyArray<string>,
  si: number
): boolean => {
  while (pi < pattern.length) {
    const p = pattern[pi]
    if (p === "**") {
      for (let k = si; k <= path.length; k++) {
        if (matchSegments(pattern, pi + 1, path, k)) return true
      }
      return false
    }
    if (si >= path.length) return false
    if (p !== "*" && p !== path[si].toLowerCase()) return false
    pi++
    si++
  }
  return si === path.length
}

/** @internal */
export const splitPath = (pathname: string): ReadonlyArray<string> => pathname.split("/").filter((s) => s !== "")

/** @internal */
export const matchRoute = (route: CompiledRoute, method: string, pathSegments: ReadonlyArray<string>): boolean =>
  (route.method === "*" || route.method === method) && matchSegments(route.match, 0, pathSegments, 0)

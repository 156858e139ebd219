/**
 * Phase 6, index and metadata: the `Operations` metadata module, the `Schemas` barrel and the `index` of the
 * generated API.
 *
 * @since 0.2.0
 */
import type { OperationInfo } from "./operationEmitter.js"
import { doc } from "./text.js"

/**
 * The `Schemas` barrel: every emitted component schema module.
 *
 * @since 0.2.0
 * @category emitting
 */
export const schemasModule = (schemaModules: ReadonlyArray<string>): string =>
  `${doc(["Every component schema of the spec, in one namespace.", "", "@since 0.1.0"])}${
    schemaModules.map((m) => `export * from "./${m}.js"`).join("\n")
  }\n`

/**
 * The index: one namespace per group, `Operations`, `Schemas` and the spec's version.
 *
 * @since 0.2.0
 * @category emitting
 */
export const indexModule = (groups: ReadonlyArray<string>, version: string): string =>
  `${doc(["Every operation of the DocSpace API, generated from the official spec.", "", "@since 0.1.0"])}${
    groups.map((g) => `${doc(["@since 0.1.0"])}export * as ${g} from "./${g}.js"\n`).join("\n")
  }\n${doc(["@since 0.1.0"])}export * as Operations from "./Operations.js"\n\n${
    doc(["@since 0.1.0"])
  }export * as Schemas from "./Schemas.js"\n\n${
    doc(["The version of the spec the operations were generated from.", "", "@since 0.1.0", "@category metadata"])
  }export const specVersion = ${JSON.stringify(version)}\n`

/**
 * The `Operations` metadata module.
 *
 * @since 0.2.0
 * @category emitting
 */
export const operationsModule = (infos: ReadonlyArray<OperationInfo>, version: string): string =>
  `${
    doc([
      `Metadata of every operation of the DocSpace API ${version}: method, path, group and rate-limit class, as data`,
      "(for a limiter, a router, a fake or a report). Importing it does not import any operation.",
      "",
      "@since 0.1.0"
    ])
  }
${
    doc(["@since 0.1.0", "@category models"])
  }export type Method = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS"

${
    doc([
      "The spec's rate-limit class of an operation (the `X-RateLimit-Limit` header of its 200 response):",
      "`sensitive` is 5 requests per 15 minutes, `payment` 10 per minute; the others share the 1500 per minute",
      "window, `read` (GET) and `write` (not GET) having separate concurrency caps.",
      "",
      "@since 0.1.0",
      "@category models"
    ])
  }export type RateLimitClass = "read" | "write" | "sensitive" | "payment"

${doc(["@since 0.1.0", "@category models"])}export interface OperationInfo {
  readonly operationId: string
  readonly method: Method
  /** The spec's path template (\`/api/2.0/files/folder/{folderId}\`). */
  readonly path: string
  /** The generated module it is in (\`Folders\`). */
  readonly group: string
  /** The spec's tag. */
  readonly tag: string
  readonly rateLimitClass: RateLimitClass
  /** Has a \`...Stream\` variant. */
  readonly paginated: boolean
  /** The request body. */
  readonly body: "none" | "json" | "multipart" | "form"
  /** The answer: decoded JSON, nothing the spec describes, a byte stream, or a redirect (returned, not followed). */
  readonly response: "json" | "none" | "bytes" | "redirect"
  /** The answer is wrapped in the \`{"response": ...}\` envelope. */
  readonly envelope: boolean
  /**
   * Security schemes the caller provides as parameters besides the client's credentials (\`x-signature\`: a cookie
   * of the identity service), none for most operations.
   */
  readonly security: ReadonlyArray<string>
}

${
    doc([
      "Every operation, in the spec's order.",
      "",
      "@since 0.1.0",
      "@category metadata"
    ])
  }export const operations: ReadonlyArray<OperationInfo> = [
${infos.map((i) => `  ${JSON.stringify(i).replace(/"(\w+)":/g, "$1: ")}`).join(",\n")}
]

${
    doc([
      "The routes of one rate-limit class as `METHOD /path` patterns with `*` for path parameters, the format of",
      "`RateLimitPolicy` route rules.",
      "",
      "@since 0.1.0",
      "@category metadata"
    ])
  }export const routesOf = (rateLimitClass: RateLimitClass): ReadonlyArray<string> =>
  operations.filter((o) => o.rateLimitClass === rateLimitClass).map((o) => \`\${o.method} \${o.path.replace(/\\{[^}]+\\}/g, "*")}\`)
`

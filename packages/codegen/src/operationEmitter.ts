/**
 * Phase 5, operation emitter: one module per API group (`generated/Folders.ts`, ...), each operation a function
 * building one request through `DocSpaceClient`, with its parameters interface and, for paged lists, a
 * `...Stream` variant sharing the operation's request options.
 *
 * @since 0.2.0
 */
import { isBareJson } from "./graph.js"
import { camel, isIdentifier, key, pascal } from "./naming.js"
import * as Overrides from "./overrides.js"
import { isWrapper } from "./read.js"
import type { Ctx, Mapped, Mapper, Model } from "./schemaEmitter.js"
import { runtimeNs } from "./schemaEmitter.js"
import type { Document, Operation, OperationObject, ParameterObject, SchemaObject } from "./spec.js"
import { refName } from "./spec.js"
import { clean, doc, Imports, objectType } from "./text.js"

/**
 * What the metadata module records of an operation.
 *
 * @since 0.2.0
 * @category models
 */
export interface OperationInfo {
  readonly operationId: string
  readonly method: string
  readonly path: string
  readonly group: string
  readonly tag: string
  readonly rateLimitClass: string
  readonly paginated: boolean
  readonly body: "none" | "json" | "multipart" | "form"
  readonly response: "json" | "none" | "bytes" | "redirect"
  readonly envelope: boolean
  /** Security schemes the caller provides as parameters (cookie schemes such as `x-signature`). */
  readonly security: ReadonlyArray<string>
}

/**
 * The rate-limit class of an operation, from its 200 response's `X-RateLimit-Limit` header description (3.7):
 * "5 requests per 15 minutes" is `sensitive`, "10 requests per 1 minutes" is `payment`, otherwise `read` for
 * GET/HEAD/OPTIONS and `write` for the rest.
 *
 * @since 0.1.0
 * @category metadata
 */
export const rateLimitClassOf = (method: string, op: OperationObject): string => {
  for (const [status, response] of Object.entries(op.responses)) {
    if (!status.startsWith("2")) continue
    const description = response.headers?.["X-RateLimit-Limit"]?.description ?? ""
    if (/5 requests per 15 minutes/i.test(description)) return "sensitive"
    if (/10 requests per 1 minutes?/i.test(description)) return "payment"
  }
  return method === "GET" || method === "HEAD" || method === "OPTIONS" ? "read" : "write"
}

/**
 * A security scheme the caller has to provide for one operation: a cookie, sent as `Cookie: <name>=<value>`.
 *
 * @since 0.2.0
 * @category models
 */
export interface CallerScheme {
  readonly scheme: string
  readonly cookie: string
  readonly prop: string
  readonly description: string | undefined
}

/**
 * The schemes an operation needs from its caller: none when one of its alternatives is made only of schemes that
 * core's `Auth` sends ({@link Overrides.securitySchemesSentByCore}); else the cookie schemes of its first
 * alternative. A scheme that is neither sent by core nor a cookie fails the generation (so a new kind of scheme in
 * a new spec cannot be silently ignored).
 *
 * @since 0.2.0
 * @category security
 */
export const callerSchemesOf = (spec: Document, op: OperationObject): ReadonlyArray<CallerScheme> => {
  const alternatives = op.security ?? []
  if (alternatives.length === 0) return []
  const byCore = (alt: Readonly<Record<string, ReadonlyArray<string>>>) =>
    Object.keys(alt).every((name) => Overrides.securitySchemesSentByCore.includes(name))
  if (alternatives.some(byCore)) return []
  return Object.keys(alternatives[0]!).filter((name) => !Overrides.securitySchemesSentByCore.includes(name)).map(
    (name) => {
      const scheme = spec.components.securitySchemes?.[name]
      if (scheme === undefined) throw new Error(`${op.operationId}: unknown security scheme ${name}`)
      if (scheme.type !== "apiKey" || scheme.in !== "cookie" || scheme.name === undefined) {
        throw new Error(`${op.operationId}: security scheme ${name} (${scheme.type}) is not supported`)
      }
      return { scheme: name, cookie: scheme.name, prop: camel(name), description: clean(scheme.description) }
    }
  )
}

interface Param {
  readonly prop: string
  readonly wire: string
  readonly in: "path" | "query"
  readonly required: boolean
  readonly mapped: Mapped
  readonly object: boolean
  readonly description: string | undefined
}

const isObjectSchema = (s: SchemaObject): boolean =>
  s.$ref === undefined && (s.allOf !== undefined || s.properties !== undefined)

/**
 * Writes one module per API group and returns the operations' metadata.
 *
 * @since 0.2.0
 * @category emitting
 */
export const emitOperationModules = (
  spec: Document,
  ops: ReadonlyArray<Operation>,
  model: Model,
  mapper: Mapper
): {
  readonly files: ReadonlyMap<string, string>
  readonly groups: ReadonlyArray<string>
  readonly infos: ReadonlyArray<OperationInfo>
  readonly streams: number
  readonly multipart: number
} => {
  const { components, graph } = model
  const { map } = mapper
  const files = new Map<string, string>()
  const infos: Array<OperationInfo> = []
  let streams = 0
  let multipartCount = 0
  const groups = [...new Set(graph.groupOfOperation.values())].sort()
  const opsByGroup = new Map<string, Array<Operation>>()
  for (const o of ops) {
    const g = graph.groupOfOperation.get(o.op.operationId)!
    opsByGroup.set(g, [...(opsByGroup.get(g) ?? []), o])
  }

  for (const group of groups) {
    const module = group
    const imports = new Imports()
    const ctx: Ctx = { module, imports, emitted: new Set() }
    const typeCtx: Ctx = { ...ctx, imports: imports.typeOnly() }
    const chunks: Array<string> = []
    const exportedNames = new Set<string>()
    const Runtime = (value = true) => runtimeNs(ctx, value)
    for (const { method, path, op } of opsByGroup.get(group)!) {
      const fn = camel(op.operationId)
      const Params = `${pascal(op.operationId)}Params`
      for (const n of [fn, Params, `${fn}Stream`]) {
        if (exportedNames.has(n)) throw new Error(`duplicate export ${n} in ${module}`)
        exportedNames.add(n)
      }
      const tag = op.tags?.[0] ?? "Other"
      const rateLimitClass = rateLimitClassOf(method, op)

      // --- parameters ----------------------------------------------------------------------------------------------
      const correction = Overrides.pathParameterCorrections[op.operationId]
      const params: Array<Param> = []
      const seen = new Set<string>()
      for (const p of (op.parameters ?? []) as ReadonlyArray<ParameterObject>) {
        if (p.in !== "path" && p.in !== "query") continue
        if (p.in === "path" && !path.includes(`{${p.name}}`)) {
          if (correction?.dropPathParameters.includes(p.name) === true) continue
          throw new Error(
            `${op.operationId}: path parameter ${p.name} is not in ${path} (add it to pathParameterCorrections)`
          )
        }
        let prop = p.name
        if (seen.has(prop)) prop = camel(`${p.in} ${p.name}`)
        seen.add(prop)
        params.push({
          prop,
          wire: p.name,
          in: p.in,
          required: p.in === "path" || p.required === true,
          mapped: map(typeCtx, p.schema),
          object: isObjectSchema(
            p.schema.$ref !== undefined && Overrides.replacedSchemas[refName(p.schema.$ref)] === undefined
              ? components.get(refName(p.schema.$ref)) ?? {}
              : p.schema
          ),
          description: clean(p.description)
        })
      }
      const callerSchemes = callerSchemesOf(spec, op)

      // --- request body --------------------------------------------------------------------------------------------
      const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [undefined, undefined]
      const forcedMultipart = Overrides.multipartPathSuffixes.some((suffix) => path.endsWith(suffix)) &&
        op.requestBody !== undefined
      const bodyKind: OperationInfo["body"] = op.requestBody === undefined
        ? "none"
        : forcedMultipart || contentType === "multipart/form-data"
        ? "multipart"
        : contentType === "application/x-www-form-urlencoded"
        ? "form"
        : "json"
      if (bodyKind === "multipart") multipartCount++
      let bodyType: string | undefined
      if (bodyKind === "json") bodyType = media?.schema === undefined ? "unknown" : map(typeCtx, media.schema).type
      if (bodyKind === "multipart" || bodyKind === "form") {
        const schema = media?.schema?.$ref !== undefined ? components.get(refName(media.schema.$ref)) : media?.schema
        const isBinary = (s: SchemaObject | undefined) => s?.type === "string" && s.format === "binary"
        bodyType = objectType(
          Object.entries(schema?.properties ?? {}).map(([name, prop]) => {
            // a binary part is a file; a list of binary parts is several files in the same field
            const t = isBinary(prop)
              ? `${Runtime(false)}.FilePart`
              : prop.type === "array" && isBinary(prop.items)
              ? `ReadonlyArray<${Runtime(false)}.FilePart>`
              : map(typeCtx, prop).type
            const d = clean(prop.description)
            return `${d === undefined ? "" : doc([d.split("\n")[0]])}readonly ${key(name)}?: ${t} | undefined`
          })
        )
      }
      const bodyRequired = op.requestBody?.required === true
      const hasParams = params.length > 0 || bodyKind !== "none" || callerSchemes.length > 0
      const allOptional = params.every((p) => !p.required) && !bodyRequired && callerSchemes.length === 0

      // --- response ------------------------------------------------------------------------------------------------
      const statuses = Object.keys(op.responses)
      const success = statuses.find((s) => s.startsWith("2"))
      const redirects = success === undefined ? statuses.filter((s) => s.startsWith("3")).map(Number) : []
      const response = success === undefined ? undefined : op.responses[success]
      const [resType, resMedia] = Object.entries(response?.content ?? {})[0] ?? [undefined, undefined]
      const bare = isBareJson(path)
      const bytes = resMedia?.schema === undefined && redirects.length === 0 &&
        (Overrides.byteStreamResponses.operationIds.includes(op.operationId) ||
          Overrides.byteStreamResponses.descriptionPattern.test(response?.description ?? ""))
      let result: Mapped
      let wrapper: SchemaObject | undefined
      let nullableResult = false
      const responseOverride = Overrides.responseTypes[op.operationId]
      if (redirects.length > 0) {
        result = { code: "", type: `${Runtime(false)}.Redirect`, encoded: "" }
      } else if (responseOverride !== undefined) {
        const item = mapper.refMapped(ctx, responseOverride.listOrOne)
        const itemType = mapper.refMapped(typeCtx, responseOverride.listOrOne)
        result = { code: `${Runtime()}.listOrOne(${item.code})`, type: `ReadonlyArray<${itemType.type}>`, encoded: "" }
      } else if (resMedia?.schema === undefined) {
        result = { code: `${Runtime()}.NoContent`, type: "void", encoded: "unknown" }
      } else {
        const s = resMedia.schema
        const target = s.$ref !== undefined ? components.get(refName(s.$ref)) : undefined
        if (!bare && target !== undefined && isWrapper(target)) {
          wrapper = target
          const inner = target.properties!.response!
          nullableResult = mapper.isNullable(inner)
          result = map(ctx, inner)
          if (nullableResult) {
            // the server omits a null `response`: read the envelope here (see Runtime.nullableResponse)
            const nonNull = map(ctx, { ...inner, nullable: false })
            result = { ...result, code: `${Runtime()}.nullableResponse(${nonNull.code})` }
          }
        } else {
          result = map(ctx, s)
        }
      }

      // --- pagination ----------------------------------------------------------------------------------------------
      const queryNames = new Set(params.filter((p) => p.in === "query").map((p) => p.wire))
      let stream: { readonly item: string; readonly items: string; readonly total: string } | undefined
      if (queryNames.has("count") && queryNames.has("startIndex") && wrapper !== undefined && !nullableResult) {
        const inner = wrapper.properties!.response!
        if (inner.type === "array") {
          stream = { item: map(typeCtx, inner.items ?? {}).type, items: "envelope.response", total: "envelope.total" }
        } else if (inner.$ref !== undefined) {
          const target = components.get(refName(inner.$ref))!
          const listFields = Object.entries(target.properties ?? {}).filter(([, p]) => p.type === "array")
            .map(([n]) => n)
          const ordered = Overrides.listFieldOrder[refName(inner.$ref)] ?? listFields
          if (ordered.length > 0 && target.properties?.total !== undefined) {
            const itemTypes = ordered.map((n) => map(typeCtx, target.properties![n]!.items ?? {}).type)
            stream = {
              item: [...new Set(itemTypes)].join(" | "),
              items: ordered.length === 1
                ? `envelope.response.${ordered[0]} ?? []`
                : `[${ordered.map((n) => `...(envelope.response.${n} ?? [])`).join(", ")}]`,
              total: "envelope.response.total ?? envelope.total"
            }
          }
        }
      }

      // --- request options -----------------------------------------------------------------------------------------
      const P = hasParams ? "params" : undefined
      const pathParams = params.filter((p) => p.in === "path")
      const queryParams = params.filter((p) => p.in === "query")
      const DocSpaceClientNs = imports.use("@effect-docspace/core/DocSpaceClient", "DocSpaceClient", true)
      const options = (() => {
        const lines = [
          `operation: ${JSON.stringify(op.operationId)}`,
          `method: ${JSON.stringify(method)}`,
          `path: ${JSON.stringify(path)}`
        ]
        if (pathParams.length > 0) {
          lines.push(`pathParams: { ${pathParams.map((p) => `${key(p.wire)}: ${P}.${p.prop}`).join(", ")} }`)
        }
        if (queryParams.length > 0) {
          lines.push(
            `urlParams: { ${
              queryParams.map((p) =>
                p.object ? `...${Runtime()}.queryObject(${P}.${p.prop})` : `${key(p.wire)}: ${P}.${p.prop}`
              ).join(", ")
            } }`
          )
        }
        // the client asks for JSON unless told otherwise: an answer declared as another type is asked for as such
        const accept = resType !== undefined && resType !== "application/json"
          ? `accept: ${JSON.stringify(resType)}`
          : undefined
        if (callerSchemes.length > 0) {
          lines.push(
            `headers: ${Runtime()}.cookie({ ${
              callerSchemes.map((c) => `${JSON.stringify(c.cookie)}: ${P}.${c.prop}`).join(", ")
            } })`
          )
        } else if (accept !== undefined) {
          lines.push(`headers: { ${accept} }`)
        }
        if (bodyKind !== "none") {
          const build = bodyKind === "json"
            ? `${DocSpaceClientNs}.jsonBody(${P}.body)`
            : bodyKind === "multipart"
            ? `${Runtime()}.multipart(${P}.body)`
            : `${Runtime()}.formUrlEncoded(${P}.body)`
          lines.push(bodyRequired ? `body: ${build}` : `body: ${P}.body === undefined ? undefined : ${build}`)
        }
        if (bare || nullableResult) lines.push("envelope: false")
        return `{ ${lines.join(", ")} }`
      })()
      // shared by the operation and its Stream variant
      const optionsFn = `${fn}Options`
      if (stream !== undefined) {
        chunks.push(
          `const ${optionsFn} = (${P}: ${Params}): ${
            imports.use("@effect-docspace/core/DocSpaceClient", "DocSpaceClient", true)
          }.RequestOptions => (${options})\n`
        )
      }
      const optionsOf = (args: string) => (stream !== undefined ? `${optionsFn}(${args})` : options)

      // hoisted response schema
      let schemaRef = result.code
      if (!bytes && redirects.length === 0 && !isIdentifier(result.code.replace(/\./g, "_"))) {
        const hoisted = `${fn}Response`
        chunks.push(`const ${hoisted} = /*#__PURE__*/ ${result.code}\n`)
        schemaRef = hoisted
      }

      const Effect = imports.use("effect/Effect", "Effect", stream !== undefined)
      const DocSpaceError = imports.use("@effect-docspace/core/DocSpaceError", "DocSpaceError", false)

      // --- the parameters interface --------------------------------------------------------------------------------
      if (hasParams) {
        const members = params.map((p) =>
          `${p.description === undefined ? "" : doc([p.description])}readonly ${key(p.prop)}${
            p.required ? "" : "?"
          }: ${p.mapped.type}${p.required ? "" : " | undefined"}`
        )
        for (const c of callerSchemes) {
          members.push(
            doc([
              `The \`${c.cookie}\` cookie (security scheme \`${c.scheme}\`), required by this operation. ${
                c.description ?? ""
              }`.trim()
            ]) + `readonly ${key(c.prop)}: ${imports.use("effect/Redacted", "Redacted", false)}.Redacted<string>`
          )
        }
        if (bodyKind !== "none") {
          const d = clean(op.requestBody?.description)
          members.push(
            `${d === undefined ? "" : doc([d])}readonly body${bodyRequired ? "" : "?"}: ${bodyType}${
              bodyRequired ? "" : " | undefined"
            }`
          )
        }
        chunks.push(
          doc([`The parameters of {@link ${fn}}.`, "", "@since 0.1.0", `@category parameters`]) +
            `export interface ${Params} {\n${members.join("\n")}\n}\n`
        )
      }

      const jsdoc = (extra: ReadonlyArray<string>) =>
        doc([
          clean(op.summary),
          "",
          clean(op.description) !== clean(op.summary) ? clean(op.description) : undefined,
          "",
          ...extra,
          `\`${method} ${path}\` (rate-limit class: ${rateLimitClass})`,
          "",
          op.deprecated === true ? "@deprecated" : undefined,
          "@since 0.1.0",
          `@category ${tag}`
        ])
      const signature = hasParams ? `${P}: ${Params}${allOptional ? " = {}" : ""}` : ""
      const security = callerSchemes.length === 0 ? [] : [
        `Authenticates with the \`${
          callerSchemes.map((c) => c.cookie).join("`, `")
        }\` cookie as well (a parameter), besides the client's credentials.`,
        ""
      ]
      if (bytes) {
        const Stream = imports.use("effect/Stream", "Stream", false)
        chunks.push(
          jsdoc([
            "The answer is a byte stream (the spec declares no content; see the codegen overrides), read as it arrives.",
            "",
            ...security
          ]) +
            `export const ${fn} = (${signature}): ${Stream}.Stream<Uint8Array, ${DocSpaceError}.DocSpaceError, ${DocSpaceClientNs}.DocSpaceClient> =>\n` +
            `${DocSpaceClientNs}.stream(${optionsOf(P ?? "")})\n`
        )
      } else if (redirects.length > 0) {
        chunks.push(
          jsdoc([
            `Its success is a redirect (${
              redirects.join(", ")
            }): it is returned (status and \`Location\`), not followed.`,
            "",
            ...security
          ]) +
            `export const ${fn} = (${signature}): ${Effect}.Effect<${result.type}, ${DocSpaceError}.DocSpaceError, ${DocSpaceClientNs}.DocSpaceClient> =>\n` +
            `${Runtime()}.redirect(${optionsOf(P ?? "")}, ${JSON.stringify(redirects)})\n`
        )
      } else {
        chunks.push(
          jsdoc([
            ...(nullableResult ? ["A null result (the server then omits `response`) is `null`.", ""] : []),
            ...security
          ]) +
            `export const ${fn} = (${signature}): ${Effect}.Effect<${result.type}, ${DocSpaceError}.DocSpaceError, ${DocSpaceClientNs}.DocSpaceClient> =>\n` +
            `${DocSpaceClientNs}.request(${optionsOf(P ?? "")}, ${schemaRef})\n`
        )
      }
      if (stream !== undefined) {
        streams++
        const Stream = imports.use("effect/Stream", "Stream", false)
        const Pagination = imports.use("@effect-docspace/core/Pagination", "Pagination", true)
        const rest = params.filter((p) => p.wire !== "count" && p.wire !== "startIndex")
        const restOptional = rest.every((p) => !p.required) && !bodyRequired && callerSchemes.length === 0
        const hasRest = rest.length > 0 || bodyKind !== "none" || callerSchemes.length > 0
        const restType = `Omit<${Params}, "count" | "startIndex">`
        chunks.push(
          jsdoc([
            "Every item of the paged list as a `Stream`: pages of `count` items from `startIndex` until the total",
            "(or a short page) is reached.",
            ""
          ]) +
            `export const ${fn}Stream = (${
              hasRest ? `params: ${restType}${restOptional ? " = {}" : ""}, ` : ""
            }options?: ${Pagination}.Options): ${Stream}.Stream<${stream.item}, ${DocSpaceError}.DocSpaceError, ${DocSpaceClientNs}.DocSpaceClient> =>\n` +
            `${Pagination}.stream((page) => ${Effect}.map(${DocSpaceClientNs}.requestEnvelope(${optionsFn}({ ${
              hasRest ? "...params, " : ""
            }count: page.count, startIndex: page.startIndex }), ${schemaRef}), (envelope) => ({ items: ${stream.items}, total: ${stream.total} })), options)\n`
        )
      }
      infos.push({
        operationId: op.operationId,
        method,
        path,
        group,
        tag,
        rateLimitClass,
        paginated: stream !== undefined,
        body: bodyKind,
        response: redirects.length > 0
          ? "redirect"
          : bytes
          ? "bytes"
          : resMedia?.schema === undefined && responseOverride === undefined
          ? "none"
          : "json",
        envelope: !bare,
        security: callerSchemes.map((c) => c.scheme)
      })
    }
    files.set(
      `${module}.ts`,
      `${
        doc([
          `The ${module} operations of the DocSpace API (tags: ${
            [...new Set(opsByGroup.get(group)!.map((o) => o.op.tags?.[0] ?? "Other"))].join(", ")
          }).`,
          "",
          "Each function builds one request; it needs only a `DocSpaceClient` and fails with a typed `DocSpaceError`.",
          "",
          "@since 0.1.0"
        ])
      }${imports.render(chunks.join("\n"))}\n\n${chunks.join("\n")}`
    )
  }
  return { files, groups, infos, streams, multipart: multipartCount }
}

// Each phase of the generator on its own (read, naming, graph, schema emitter, operation emitter, text), on small
// synthetic specs holding the spec defects of issue 9: nullable components, cookie security schemes, a redirect
// as success, a list of binary parts, a path parameter missing from its path, documented body fields.
import { describe, expect, it } from "vitest"
import { generate, modelOf } from "../src/generate.js"
import { graphOf, refsOf } from "../src/graph.js"
import { camel, identifiers, identOf, pascal } from "../src/naming.js"
import { callerSchemesOf, emitOperationModules } from "../src/operationEmitter.js"
import { correctedComponents } from "../src/read.js"
import type { Ctx } from "../src/schemaEmitter.js"
import { makeMapper } from "../src/schemaEmitter.js"
import type { Document, OperationObject } from "../src/spec.js"
import { operations } from "../src/spec.js"
import { doc, Imports, objectType } from "../src/text.js"

const ok = (schema: string) => ({
  "200": { description: "OK", content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } } }
})

const envelope = (response: unknown) => ({
  type: "object",
  properties: { response, count: { type: "integer" }, status: { type: "integer" }, statusCode: { type: "integer" } }
})

const bearer = [{ Bearer: [] }, { asc_auth_key: ["read"] }]

const spec = {
  info: { version: "9.9.9" },
  paths: {
    "/api/2.0/files/settings": {
      get: { operationId: "getFilesSettings", tags: ["Files / Settings"], security: bearer, responses: ok("SettingsW") }
    },
    "/api/2.0/files/group": {
      get: {
        operationId: "getRoomGroups",
        tags: ["Rooms"],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "integer" } },
          { name: "count", in: "query", schema: { type: "integer" } },
          { name: "startIndex", in: "query", schema: { type: "integer" } }
        ],
        responses: ok("GroupsW")
      }
    },
    "/api/2.0/clients/{clientId}": {
      get: {
        operationId: "getClient",
        tags: ["OAuth 2.0 / Client management"],
        parameters: [{ name: "clientId", in: "path", required: true, schema: { type: "string" } }],
        security: [{ "x-signature": [] }],
        responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } } }
      }
    },
    "/oauth2/authorize": {
      post: {
        operationId: "submitConsent",
        tags: ["OAuth 2.0 / Authorization"],
        security: [{ "x-signature": [] }],
        requestBody: {
          content: {
            "multipart/form-data": {
              schema: { type: "object", properties: { client_id: { type: "string" }, scope: { type: "string" } } }
            }
          }
        },
        responses: { "302": { description: "Redirect" }, "400": { description: "Bad" } }
      }
    },
    "/api/2.0/settings/license": {
      post: {
        operationId: "uploadLicense",
        tags: ["Settings / License"],
        requestBody: {
          content: {
            "multipart/form-data": {
              schema: {
                type: "object",
                properties: {
                  Files: {
                    description: "The license files.",
                    type: "array",
                    items: { type: "string", format: "binary" }
                  },
                  Note: { description: "A note.", type: "string" }
                }
              }
            }
          }
        },
        responses: ok("StringW")
      }
    }
  },
  components: {
    schemas: {
      Formats: { type: "object", nullable: true, properties: { Document: { type: "string" } } },
      Settings: { type: "object", properties: { internalFormats: { $ref: "#/components/schemas/Formats" } } },
      SettingsW: envelope({ $ref: "#/components/schemas/Settings" }),
      Group: { type: "object", properties: { id: { type: "integer" } } },
      GroupsW: envelope({ type: "array", items: { $ref: "#/components/schemas/Group" } }),
      StringW: envelope({ type: "string" }),
      UnusedW: envelope({ type: "integer" })
    },
    securitySchemes: {
      Bearer: { type: "http", scheme: "bearer" },
      asc_auth_key: { type: "apiKey", in: "cookie", name: "asc_auth_key" },
      "x-signature": { type: "apiKey", in: "cookie", name: "x-signature", description: "A JWT." }
    }
  }
} as unknown as Document

describe("naming", () => {
  it("PascalCase, camelCase and identifiers that avoid globals", () => {
    expect(pascal("FileEntryDto_allOf_security")).toBe("FileEntryDtoAllOfSecurity")
    expect(camel("get-room groups")).toBe("getRoomGroups")
    expect(identOf("Date")).toBe("DateDto")
    expect(() => identifiers(new Map([["a_b", {}], ["aB", {}]]), () => false)).toThrow(/name collision/)
  })
})

describe("read", () => {
  it("adds the envelope's total to wrappers", () => {
    const components = correctedComponents(spec)
    expect(components.get("SettingsW")?.properties?.total?.type).toBe("integer")
    expect(components.get("Settings")?.properties?.total).toBeUndefined()
  })
})

describe("graph", () => {
  it("places components by the groups that use them and drops wrappers nothing references", () => {
    const components = correctedComponents(spec)
    const graph = graphOf(components, operations(spec))
    expect([...refsOf(components.get("Settings"))]).toEqual(["Formats"])
    expect(graph.moduleOf.get("Settings")).toBe("schemas/FilesSettings")
    expect(graph.moduleOf.get("Formats")).toBe("schemas/FilesSettings")
    expect(graph.moduleOf.get("Group")).toBe("schemas/Rooms")
    expect([...graph.droppedWrappers].sort()).toEqual(["GroupsW", "SettingsW", "StringW", "UnusedW"])
  })
})

describe("schema emitter", () => {
  const model = modelOf(spec)
  const mapper = makeMapper(model)
  const ctx = (): Ctx => ({ module: "Other", imports: new Imports(), emitted: new Set() })

  it("a reference to a nullable component may be null", () => {
    const mapped = mapper.map(ctx(), { $ref: "#/components/schemas/Formats" })
    expect(mapped.code).toBe("Schema.NullOr(FilesSettingsSchemas.Formats)")
    expect(mapped.type).toBe("FilesSettingsSchemas.Formats | null")
  })

  it("a property referencing a nullable component is optional and nullable", () => {
    const settings = generate(spec).files.get("schemas/FilesSettings.ts")!
    expect(settings).toContain("internalFormats: Schema.optionalWith(Formats, { nullable: true })")
    // the component itself is the object; the null belongs to the references
    expect(settings).toMatch(
      /export const Formats: Schema\.Schema<Formats, FormatsEncoded> = \/\*#__PURE__\*\/ Runtime\.lazy\(\s*"Formats",\s*\(\) =>\s*Schema\.Struct/
    )
  })
})

describe("operation emitter", () => {
  const { files, infos } = emitOperationModules(spec, operations(spec), modelOf(spec), makeMapper(modelOf(spec)))
  const generated = generate(spec).files

  it("cookie schemes the client does not send become a Redacted parameter sent as a cookie", () => {
    const op = spec.paths["/api/2.0/clients/{clientId}"]!.get as OperationObject
    expect(callerSchemesOf(spec, op)).toEqual([
      { scheme: "x-signature", cookie: "x-signature", prop: "xSignature", description: "A JWT." }
    ])
    expect(callerSchemesOf(spec, spec.paths["/api/2.0/files/settings"]!.get as OperationObject)).toEqual([])
    const oauth = generated.get("OAuth2.ts")!
    expect(oauth).toContain("readonly xSignature: Redacted.Redacted<string>")
    expect(oauth).toContain(`headers: Runtime.cookie({ "x-signature": params.xSignature })`)
    expect(oauth).not.toContain("accept:")
    expect(infos.find((i) => i.operationId === "getClient")?.security).toEqual(["x-signature"])
  })

  it("an unsupported scheme fails the generation instead of being ignored", () => {
    const odd = {
      ...spec,
      components: { ...spec.components, securitySchemes: { "x-signature": { type: "apiKey", in: "query", name: "s" } } }
    } as unknown as Document
    expect(() => callerSchemesOf(odd, spec.paths["/oauth2/authorize"]!.post as OperationObject)).toThrow(
      /not supported/
    )
  })

  it("a redirect declared as the success is returned", () => {
    expect(files.get("OAuth2.ts")).toContain("Runtime.redirect(")
    expect(generated.get("OAuth2.ts")).toContain("Runtime.redirect(")
    expect(generated.get("OAuth2.ts")).toContain("[302]")
    expect(infos.find((i) => i.operationId === "submitConsent")?.response).toBe("redirect")
  })

  it("a list of binary parts is a list of files; documented fields each on their own line", () => {
    const settings = generated.get("Settings.ts")!
    expect(settings).toContain("readonly Files?: ReadonlyArray<Runtime.FilePart> | undefined")
    // the comment of a field sits above that field, never glued after the previous one
    expect(settings).not.toMatch(/\| undefined; \/\*\*/)
    expect(settings).toMatch(/\n\s+\/\*\*\n\s+\* A note\.\n\s+\*\/\n\s+readonly Note\?: string \| undefined/)
  })

  it("a path parameter missing from its path is dropped only where the overrides say so", () => {
    expect(generated.get("Rooms.ts")).not.toContain("pathParams")
    const renamed = JSON.parse(JSON.stringify(spec).replace("getRoomGroups", "getOtherGroups")) as Document
    expect(() => generate(renamed)).toThrow(/path parameter id is not in \/api\/2\.0\/files\/group/)
  })

  it("the Stream variant shares the operation's request options", () => {
    const rooms = generated.get("Rooms.ts")!
    expect(rooms).toContain("const getRoomGroupsOptions = (params: GetRoomGroupsParams): DocSpaceClient.RequestOptions")
    expect(rooms).toContain("DocSpaceClient.request(getRoomGroupsOptions(params)")
    // (no other parameter: the page is all the Stream variant passes)
    expect(rooms).toContain("getRoomGroupsOptions({ count: page.count, startIndex: page.startIndex })")
    expect(rooms.match(/operation: "getRoomGroups"/g)?.length).toBe(1)
  })
})

describe("text", () => {
  it("object types put documented members on their own lines", () => {
    expect(objectType(["readonly a: string", "readonly b: number"])).toBe("{ readonly a: string; readonly b: number }")
    expect(objectType([`${doc(["A."])}readonly a: string`, "readonly b: number"])).toBe(
      "{\n/**\n * A.\n */\nreadonly a: string\nreadonly b: number\n}"
    )
  })
})

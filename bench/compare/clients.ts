/**
 * The contenders, each a function doing `n` requests with `concurrency` in flight, every one of them decoding the
 * answer with the same Schema the client uses (`People.Person`, `Folders.FolderContent`), compiled once.
 */
import * as Auth from "@effect-docspace/core/Auth"
import * as RateLimitPolicy from "@effect-docspace/rate-limit/RateLimitPolicy"
import * as DocSpace from "@effect-docspace/resources/DocSpace"
import * as Folders from "@effect-docspace/resources/Folders"
import * as NodeDocSpace from "@effect-docspace/resources/NodeDocSpace"
import * as People from "@effect-docspace/resources/People"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import axios from "axios"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { apiKey } from "./fixtures.js"
import { cloudPolicy } from "./policy.js"
import { sdkDist } from "./sdk.js"

const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }

const decodePerson = Schema.decodeUnknownSync(People.Person)
const decodePage = Schema.decodeUnknownSync(Folders.FolderContent)

/** Runs `task` `n` times with `concurrency` loops. */
const pool = async (n: number, concurrency: number, task: () => Promise<unknown>) => {
  let next = 0
  const loop = async () => {
    while (next < n) {
      next++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, loop))
}

export interface Contender {
  readonly name: string
  /** `n` GETs of the profile, decoded (absent: the contender only lists). */
  readonly self?: (n: number, concurrency: number) => Promise<void>
  /** Every entry of a folder of `total`, 100 a page; resolves to the count. */
  readonly list?: (total: number) => Promise<number>
  readonly close?: () => Promise<void>
}

const fetchContender = (base: string): Contender => ({
  name: "fetch",
  self: (n, c) =>
    pool(n, c, async () => {
      const res = await fetch(`${base}/api/2.0/people/@self`, { headers })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      decodePerson(((await res.json()) as any).response)
    }),
  list: async (total) => {
    let seen = 0
    for (let startIndex = 0; startIndex < total; startIndex += 100) {
      const res = await fetch(`${base}/api/2.0/files/${total}?count=100&startIndex=${startIndex}`, { headers })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const page = decodePage(((await res.json()) as any).response)
      seen += page.folders.length + page.files.length
    }
    return seen
  }
})

const fetchRawContender = (base: string): Contender => ({
  name: "fetch (JSON.parse only)",
  list: async (total) => {
    let seen = 0
    for (let startIndex = 0; startIndex < total; startIndex += 100) {
      const res = await fetch(`${base}/api/2.0/files/${total}?count=100&startIndex=${startIndex}`, { headers })
      const page = ((await res.json()) as any).response
      seen += page.folders.length + page.files.length
    }
    return seen
  }
})

const axiosContender = (base: string): Contender => {
  const client = axios.create({ baseURL: base, headers })
  return {
    name: "axios",
    self: (n, c) =>
      pool(n, c, async () => {
        decodePerson((await client.get("/api/2.0/people/@self")).data.response)
      })
  }
}

const sdkContender = (base: string): Contender | string => {
  const dist = sdkDist()
  if (!existsSync(dist)) return "official SDK not built (see the sdk line of this run)"
  const sdk = createRequire(import.meta.url)(dist)
  const configuration = new sdk.Configuration({ basePath: base, accessToken: apiKey })
  const profiles = new sdk.ProfilesApi(configuration)
  const folders = new sdk.FoldersApi(configuration)
  const none = undefined
  return {
    name: "official SDK (axios)",
    self: (n, c) =>
      pool(n, c, async () => {
        decodePerson((await profiles.getSelfProfile()).data.response)
      }),
    list: async (total) => {
      let seen = 0
      for (let startIndex = 0; startIndex < total; startIndex += 100) {
        const res = await folders.getFolderByFolderId(
          total,
          none,
          none,
          none,
          none,
          none,
          none,
          none,
          none,
          none,
          100,
          startIndex
        )
        const page = decodePage(res.data.response)
        seen += page.folders.length + page.files.length
      }
      return seen
    }
  }
}

const platformContender = (base: string): Contender => {
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const get = Effect.flatMap(HttpClient.HttpClient, (client) => {
    const ok = HttpClient.filterStatusOk(client)
    const request = HttpClientRequest.get(`${base}/api/2.0/people/@self`).pipe(HttpClientRequest.setHeaders(headers))
    return Effect.succeed(
      Effect.scoped(
        Effect.flatMap(ok.execute(request), (res) => Effect.map(res.json, (json: any) => decodePerson(json.response)))
      )
    )
  })
  let one: Effect.Effect<unknown, unknown> | undefined
  return {
    name: "@effect/platform HttpClient",
    self: async (n, c) => {
      one ??= await runtime.runPromise(get)
      await runtime.runPromise(Effect.forEach(Array.from({ length: n }), () => one!, { concurrency: c, discard: true }))
    },
    close: () => runtime.dispose()
  }
}

// `NodeDocSpace.layer`, the Node entry (undici, timeouts by abort signal); with `fiberTimer`, `DocSpace.layer` over the
// same undici client, which the client cannot know honours its abort signal (a fiber per request for its timeout)
const docSpaceContender = (
  base: string,
  name: string,
  policy: RateLimitPolicy.RateLimitPolicy,
  fiberTimer = false
): Contender => {
  const options = { baseUrl: base, auth: Auth.apiKey(Redacted.make(apiKey)), rateLimit: policy }
  const runtime = ManagedRuntime.make(
    fiberTimer
      ? DocSpace.layer(options).pipe(Layer.provide(NodeHttpClient.layerUndici))
      : NodeDocSpace.layer(options)
  )
  const self = People.self()
  return {
    name,
    self: (n, c) =>
      runtime.runPromise(Effect.forEach(Array.from({ length: n }), () => self, { concurrency: c, discard: true })),
    list: (total) => runtime.runPromise(Stream.runCount(Folders.stream(total, { pageSize: 100 }))),
    close: () => runtime.dispose()
  }
}

/** Every contender by name, with the reasons of those that cannot run. */
export const contenders = (base: string): { readonly all: Array<Contender>; readonly skipped: Array<string> } => {
  const sdk = sdkContender(base)
  return {
    all: [
      fetchContender(base),
      fetchRawContender(base),
      axiosContender(base),
      ...(typeof sdk === "string" ? [] : [sdk]),
      platformContender(base),
      docSpaceContender(base, "effect-docspace (docSpaceCloud)", cloudPolicy),
      docSpaceContender(base, "effect-docspace (unlimited)", RateLimitPolicy.unlimited),
      docSpaceContender(base, "effect-docspace (docSpaceCloud, fiber timer)", cloudPolicy, true)
    ],
    skipped: typeof sdk === "string" ? [sdk] : []
  }
}

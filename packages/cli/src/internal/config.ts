import * as Auth from "@effect-docspace/core/Auth"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { ConfigFileError, NotConfigured, UsageError } from "../CliError.js"
import type * as CliConfig from "../Config.js"

const env = (name: string): Effect.Effect<string | undefined> =>
  Config.option(Config.string(name)).pipe(
    Effect.map((o) => Option.getOrUndefined(Option.filter(o, (s) => s.trim() !== ""))),
    Effect.orElseSucceed(() => undefined)
  )

/** @internal */
export const directory: Effect.Effect<string, never, Path.Path> = Effect.gen(function*() {
  const path = yield* Path.Path
  const explicit = yield* env("DOCSPACE_CONFIG_DIR")
  if (explicit !== undefined) return path.resolve(explicit)
  const xdg = yield* env("XDG_CONFIG_HOME")
  if (xdg !== undefined) return path.join(path.resolve(xdg), "docspace")
  const home = (yield* env("HOME")) ?? (yield* env("USERPROFILE")) ?? "."
  return path.join(home, ".config", "docspace")
})

interface ConfigFile {
  default?: string
  profiles: Record<string, { url: string; rateLimit?: CliConfig.RateLimitName; timeout?: string }>
}
type CredentialsFile = Record<string, { apiKey?: string; token?: string }>

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const readJson = (file: string): Effect.Effect<unknown, ConfigFileError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const exists = yield* fs.exists(file).pipe(Effect.orElseSucceed(() => false))
    if (!exists) return undefined
    const text = yield* fs.readFileString(file).pipe(
      Effect.mapError((e) => new ConfigFileError({ path: file, message: `cannot read ${file}: ${e.message}` }))
    )
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => new ConfigFileError({ path: file, message: `${file} is not valid JSON; fix or remove it` })
    })
  })

const files = Effect.gen(function*() {
  const path = yield* Path.Path
  const dir = yield* directory
  return { dir, config: path.join(dir, "config.json"), credentials: path.join(dir, "credentials.json") }
})

const readConfigFile = (file: string): Effect.Effect<ConfigFile, ConfigFileError, FileSystem.FileSystem> =>
  Effect.flatMap(readJson(file), (json) => {
    if (json === undefined) return Effect.succeed({ profiles: {} })
    if (!isRecord(json) || (json.profiles !== undefined && !isRecord(json.profiles))) {
      return Effect.fail(new ConfigFileError({ path: file, message: `${file}: expected {"profiles": {...}}` }))
    }
    const profiles: ConfigFile["profiles"] = {}
    for (const [name, value] of Object.entries((json.profiles ?? {}) as Record<string, unknown>)) {
      if (!isRecord(value) || typeof value.url !== "string") {
        return Effect.fail(new ConfigFileError({ path: file, message: `${file}: profile "${name}" has no "url"` }))
      }
      profiles[name] = {
        url: value.url,
        ...(typeof value.rateLimit === "string" ? { rateLimit: value.rateLimit } : {}),
        ...(typeof value.timeout === "string" ? { timeout: value.timeout } : {})
      }
    }
    return Effect.succeed({ ...(typeof json.default === "string" ? { default: json.default } : {}), profiles })
  })

const readCredentials = (file: string): Effect.Effect<CredentialsFile, ConfigFileError, FileSystem.FileSystem> =>
  Effect.flatMap(readJson(file), (json) => {
    if (json === undefined) return Effect.succeed({})
    if (!isRecord(json)) {
      return Effect.fail(new ConfigFileError({ path: file, message: `${file}: expected an object of profiles` }))
    }
    const out: CredentialsFile = {}
    for (const [name, value] of Object.entries(json)) {
      if (!isRecord(value)) continue
      out[name] = {
        ...(typeof value.apiKey === "string" ? { apiKey: value.apiKey } : {}),
        ...(typeof value.token === "string" ? { token: value.token } : {})
      }
    }
    return Effect.succeed(out)
  })

/** @internal */
export const readProfile = (
  name: string
): Effect.Effect<CliConfig.Profile | undefined, ConfigFileError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const f = yield* files
    const config = yield* readConfigFile(f.config)
    const entry = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined
    if (entry === undefined) return undefined
    const credentials = yield* readCredentials(f.credentials)
    const secret = Object.hasOwn(credentials, name) ? credentials[name] : undefined
    return {
      url: entry.url,
      ...(secret?.apiKey !== undefined ? { apiKey: Redacted.make(secret.apiKey) } : {}),
      ...(secret?.token !== undefined ? { token: Redacted.make(secret.token) } : {}),
      ...(entry.rateLimit !== undefined ? { rateLimit: entry.rateLimit } : {}),
      ...(entry.timeout !== undefined ? { timeout: entry.timeout } : {})
    }
  })

/** @internal */
export const listProfiles = Effect.gen(function*() {
  const f = yield* files
  const config = yield* readConfigFile(f.config)
  return {
    default: config.default,
    profiles: Object.entries(config.profiles).map(([name, p]) => ({ name, url: p.url }))
  }
})

const writeFileAtomic = (
  file: string,
  text: string,
  mode: number
): Effect.Effect<void, ConfigFileError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`
    const fail = (e: { readonly message: string }) =>
      new ConfigFileError({ path: file, message: `cannot write ${file}: ${e.message}` })
    // created with the final mode: the secret is never in a file others can read
    yield* fs.writeFileString(temp, text, { mode }).pipe(Effect.mapError(fail))
    yield* fs.chmod(temp, mode).pipe(Effect.mapError(fail))
    yield* fs.rename(temp, file).pipe(
      Effect.mapError(fail),
      Effect.tapError(() => Effect.ignore(fs.remove(temp)))
    )
  })

/** @internal */
export const saveProfile = (
  name: string,
  profile: CliConfig.Profile,
  options?: { readonly makeDefault?: boolean | undefined }
): Effect.Effect<void, ConfigFileError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const f = yield* files
    yield* fs.makeDirectory(f.dir, { recursive: true, mode: 0o700 }).pipe(
      Effect.mapError((e) => new ConfigFileError({ path: f.dir, message: `cannot create ${f.dir}: ${e.message}` }))
    )
    const config = yield* readConfigFile(f.config)
    const credentials = yield* readCredentials(f.credentials)
    config.profiles[name] = {
      url: profile.url,
      ...(profile.rateLimit !== undefined ? { rateLimit: profile.rateLimit } : {}),
      ...(profile.timeout !== undefined ? { timeout: profile.timeout } : {})
    }
    if (options?.makeDefault === true || config.default === undefined) config.default = name
    credentials[name] = {
      ...(profile.apiKey !== undefined ? { apiKey: Redacted.value(profile.apiKey) } : {}),
      ...(profile.token !== undefined ? { token: Redacted.value(profile.token) } : {})
    }
    yield* writeFileAtomic(f.credentials, JSON.stringify(credentials, null, 2) + "\n", 0o600)
    yield* writeFileAtomic(f.config, JSON.stringify(config, null, 2) + "\n", 0o644)
  })

const sameOrigin = (a: string, b: string): boolean => {
  try {
    const x = new URL(a)
    const y = new URL(b)
    return x.origin === y.origin && x.pathname.replace(/\/+$/, "") === y.pathname.replace(/\/+$/, "")
  } catch {
    return a === b
  }
}

/** @internal */
export const resolve = (
  flags: CliConfig.Flags
): Effect.Effect<
  CliConfig.Resolved,
  NotConfigured | ConfigFileError | UsageError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const envProfile = yield* env("DOCSPACE_PROFILE")
    const named = Option.getOrUndefined(flags.profile) ?? envProfile
    const listed = yield* listProfiles
    const profileName = named ?? listed.default ?? "default"
    const profile = yield* readProfile(profileName)
    if (named !== undefined && profile === undefined) {
      return yield* new UsageError({
        message: `no profile named "${named}" (known: ${listed.profiles.map((p) => p.name).join(", ") || "none"}); ` +
          `store it with \`docspace login --profile ${named}\``
      })
    }
    const envUrl = yield* env("DOCSPACE_URL")
    const flagUrl = Option.getOrUndefined(flags.url)
    const url = flagUrl ?? envUrl ?? profile?.url
    if (url === undefined) {
      return yield* new NotConfigured({ message: "no portal URL: nothing in --url, DOCSPACE_URL or a profile" })
    }
    const urlSource: CliConfig.Source = flagUrl !== undefined ? "flag" : envUrl !== undefined ? "env" : "profile"
    const envKey = yield* env("DOCSPACE_API_KEY")
    const envToken = yield* env("DOCSPACE_TOKEN")
    const envUser = yield* env("DOCSPACE_USERNAME")
    const envPassword = yield* env("DOCSPACE_PASSWORD")
    const envCode = yield* env("DOCSPACE_TOTP_CODE")
    let auth: Auth.Auth | undefined
    let authSource: CliConfig.Source = "flag"
    if (Option.isSome(flags.apiKey)) {
      auth = Auth.apiKey(flags.apiKey.value)
    } else if (envKey !== undefined) {
      ;[auth, authSource] = [Auth.apiKey(Redacted.make(envKey)), "env"]
    } else if (envToken !== undefined) {
      ;[auth, authSource] = [Auth.token(Redacted.make(envToken)), "env"]
    } else if (envUser !== undefined || envPassword !== undefined) {
      if (envUser === undefined || envPassword === undefined) {
        return yield* new UsageError({ message: "set both DOCSPACE_USERNAME and DOCSPACE_PASSWORD, or neither" })
      }
      auth = Auth.password({
        userName: envUser,
        password: Redacted.make(envPassword),
        ...(envCode !== undefined ? { code: Effect.succeed(Redacted.make(envCode)) } : {})
      })
      authSource = "env"
    } else if (profile !== undefined && sameOrigin(profile.url, url)) {
      // a profile's secret goes only to the profile's own portal
      if (profile.apiKey !== undefined) auth = Auth.apiKey(profile.apiKey)
      else if (profile.token !== undefined) auth = Auth.token(profile.token)
      authSource = "profile"
    }
    if (auth === undefined) {
      return yield* new NotConfigured({
        message: `no credentials for ${url}: nothing in --api-key, DOCSPACE_API_KEY, DOCSPACE_TOKEN or a profile ` +
          `for that URL`
      })
    }
    const envRateLimit = yield* env("DOCSPACE_RATE_LIMIT")
    const rateLimit = envRateLimit ?? profile?.rateLimit ?? "cloud"
    const timeout = (yield* env("DOCSPACE_TIMEOUT")) ?? profile?.timeout
    return {
      url,
      auth,
      profile: profileName,
      urlSource,
      authSource,
      rateLimit,
      ...(timeout !== undefined ? { timeout } : {})
    }
  })

/**
 * Names the admin commands take and show: room types, access levels and ids, by name (any case) or by the API's
 * number, with a one-line `UsageError` for anything else.
 */
import * as Rooms from "@effect-docspace/resources/Rooms"
import * as Sharing from "@effect-docspace/resources/Sharing"
import * as Effect from "effect/Effect"
import { UsageError } from "../CliError.js"

const roomTypeAliases: ReadonlyArray<readonly [string, keyof typeof Rooms.RoomType]> = [
  ["custom", "CustomRoom"],
  ["editing", "EditingRoom"],
  ["forms", "FillingFormsRoom"],
  ["public", "PublicRoom"],
  ["vdr", "VirtualDataRoom"],
  ["ai", "AiRoom"]
]

/** The short room type names the commands take (the API's names work too). */
export const roomTypeNames: ReadonlyArray<string> = roomTypeAliases.map(([alias]) => alias)

/** A room type by short name (`custom`), API name (`CustomRoom`, any case) or number. */
export const roomType = (input: string): Effect.Effect<keyof typeof Rooms.RoomType | number, UsageError> => {
  const text = input.trim().toLowerCase()
  const alias = roomTypeAliases.find(([a, name]) => a === text || name.toLowerCase() === text)
  if (alias !== undefined) return Effect.succeed(alias[1])
  if (/^\d+$/.test(text)) return Effect.succeed(Number(text))
  return Effect.fail(
    new UsageError({ message: `unknown room type "${input}" (one of ${roomTypeNames.join(", ")}, or a number)` })
  )
}

/** The short name of a room type number (`custom`), or the number itself when it has none. */
export const roomTypeName = (type: number | undefined): string => {
  if (type === undefined) return ""
  const entry = roomTypeAliases.find(([, name]) => Rooms.RoomType[name] === type)
  return entry === undefined ? String(type) : entry[0]
}

const accessNames = Object.keys(Sharing.Access) as ReadonlyArray<keyof typeof Sharing.Access>

/** An access level by name (any case) or number. */
export const access = (input: string): Effect.Effect<Sharing.AccessInput, UsageError> => {
  const text = input.trim().toLowerCase()
  const name = accessNames.find((n) => n.toLowerCase() === text)
  if (name !== undefined) return Effect.succeed(name)
  if (/^\d+$/.test(text) && Number(text) <= 11) return Effect.succeed(Number(text))
  return Effect.fail(
    new UsageError({ message: `unknown access level "${input}" (one of ${accessNames.join(", ")}, or 0 to 11)` })
  )
}

/** The name of an access level number (`Editing`), or the number itself. */
export const accessName = (access: number): string =>
  accessNames.find((n) => Sharing.Access[n] === access) ?? String(access)

/** A numeric id (rooms, folders, files, webhooks): a positive integer. */
export const id = (input: string, what: string): Effect.Effect<number, UsageError> => {
  const text = input.trim()
  return /^\d+$/.test(text) && Number(text) > 0 && Number.isSafeInteger(Number(text))
    ? Effect.succeed(Number(text))
    : Effect.fail(new UsageError({ message: `"${input}" is not a ${what} id (a positive number)` }))
}

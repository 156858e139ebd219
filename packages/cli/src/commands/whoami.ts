import * as People from "@effect-docspace/resources/People"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../Output.js"
import * as Root from "../Root.js"

/**
 * `docspace whoami`: the signed-in user.
 *
 * @since 0.2.0
 * @category commands
 */
export const whoami = Root.command("whoami", {}, () =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const me = yield* People.self()
    const rec = me as unknown as Record<string, unknown>
    const value = {
      id: rec.id,
      displayName: rec.displayName,
      email: rec.email,
      isAdmin: rec.isAdmin,
      isOwner: rec.isOwner
    }
    yield* output.value(value)
  })).pipe(Command.withDescription("show the signed-in user"))

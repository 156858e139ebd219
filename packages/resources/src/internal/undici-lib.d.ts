// The two undici modules `internal/undici.ts` loads instead of undici's index (which loads every part of undici, and
// through it Node's own bundled copy of undici: 19 MiB of RSS and 106 ms, against 10 MiB and 32 ms for these two).
// undici has no `exports` map, so these paths are importable; their types are the public ones of the same classes.

declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici"
  const AgentClass: typeof Agent
  export default AgentClass
}

declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici"
  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
  export default request
}

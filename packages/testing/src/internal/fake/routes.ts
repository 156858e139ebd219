/**
 * The route table of the fake DocSpace, assembled from the area files: `auth.ts`, `people.ts` (and groups),
 * `rooms.ts`, `folders.ts`, `files.ts` (favorites, recent, versions, links, downloads), `uploads.ts`,
 * `operations.ts`, `webhooks.ts`, `portal.ts` (API keys, quota). The dispatcher (`server.ts`) picks the route with
 * the most literal segments, the first one on a tie, so the order below is kept as it was before the split.
 */
import { authRoutes } from "./auth.js"
import type { Route } from "./common.js"
import { downloadRoute, favoriteRoutes, fileRoutes, presignedRoute } from "./files.js"
import { folderRoutes } from "./folders.js"
import { operationRoutes } from "./operations.js"
import { peopleRoutes } from "./people.js"
import { portalRoutes } from "./portal.js"
import { roomRoutes } from "./rooms.js"
import { uploadRoutes } from "./uploads.js"
import { webhookRoutes } from "./webhooks.js"

export type { Ctx, Route } from "./common.js"

/** Every route under `/api/2.0`. */
export const routes: ReadonlyArray<Route> = [
  ...authRoutes,
  ...peopleRoutes,
  ...roomRoutes,
  ...folderRoutes,
  ...favoriteRoutes,
  ...fileRoutes,
  ...uploadRoutes,
  ...operationRoutes,
  ...webhookRoutes,
  ...portalRoutes
]

/** Every route, the downloads outside `/api/2.0` included. */
export const allRoutes: ReadonlyArray<Route> = [...routes, downloadRoute, presignedRoute]

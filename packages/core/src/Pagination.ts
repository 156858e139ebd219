/**
 * Turns DocSpace's `startIndex`/`count` paging into a `Stream` of items.
 *
 * @example
 * ```ts
 * import { DocSpaceClient, Pagination } from "@effect-docspace/core"
 * import * as Effect from "effect/Effect"
 * import * as Schema from "effect/Schema"
 * import * as Stream from "effect/Stream"
 *
 * const User = Schema.Struct({ id: Schema.String, displayName: Schema.String })
 *
 * const people = Pagination.stream(({ count, startIndex }) =>
 *   DocSpaceClient.requestEnvelope(
 *     { operation: "getAllProfiles", method: "GET", path: "/api/2.0/people", urlParams: { count, startIndex } },
 *     Schema.Array(User)
 *   ).pipe(Effect.map((envelope) => ({ items: envelope.response, total: envelope.total })))
 * )
 *
 * const first500 = people.pipe(Stream.take(500), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { PaginationError } from "./DocSpaceError.js"

/**
 * One page as the fetch function returns it. `total` is the number of items in the whole list, when the portal
 * says (the envelope's `total`, or `FolderContentDto.total`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total?: number | undefined
}

/**
 * Which page to fetch.
 *
 * @since 0.1.0
 * @category models
 */
export interface PageRequest {
  readonly startIndex: number
  readonly count: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Items per request: 1 to 100 (the portal's maximum). Default 100. */
  readonly pageSize?: number | undefined
  /** Where to start. Default 0. */
  readonly startIndex?: number | undefined
  /** Fetch the next page while the current one is consumed. Default false. */
  readonly prefetch?: boolean | undefined
}

/**
 * The portal's largest page.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize = 100

const fingerprint = (items: ReadonlyArray<unknown>): string | undefined => {
  if (items.length === 0) return undefined
  try {
    return JSON.stringify(items)
  } catch {
    return undefined
  }
}

/**
 * Streams every item of a paged list. It stops when `total` is reached or on an empty page (without a `total`, on
 * a short page), and fails with a `PaginationError` instead of looping when the server answers the same non-empty
 * page twice.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream = <A, E, R>(
  fetch: (request: PageRequest) => Effect.Effect<Page<A>, E, R>,
  options?: Options
): Stream.Stream<A, E | PaginationError, R> => {
  const pageSize = Math.max(1, Math.min(maxPageSize, Math.floor(options?.pageSize ?? maxPageSize)))
  const start = Math.max(0, Math.floor(options?.startIndex ?? 0))
  interface State {
    readonly startIndex: number
    readonly previous: string | undefined
  }
  const pages = Stream.paginateChunkEffect<State, A, E | PaginationError, R>(
    { startIndex: start, previous: undefined },
    (state) =>
      Effect.flatMap(fetch({ startIndex: state.startIndex, count: pageSize }), (page) => {
        const print = fingerprint(page.items)
        if (print !== undefined && print === state.previous) {
          return Effect.fail(
            new PaginationError({
              message:
                `the server answered the same page again at startIndex ${state.startIndex}; stopping instead of looping`,
              startIndex: state.startIndex
            })
          )
        }
        const nextIndex = state.startIndex + page.items.length
        // With a total, only the total (or an empty page) ends the list: a server may cap its pages below the
        // size asked for. Without one, a short page is the last.
        const done = page.items.length === 0 ||
          (page.total !== undefined ? nextIndex >= page.total : page.items.length < pageSize)
        return Effect.succeed(
          [
            Chunk.unsafeFromArray(page.items as Array<A>),
            done ? Option.none() : Option.some({ startIndex: nextIndex, previous: print })
          ] as const
        )
      })
  )
  return options?.prefetch === true ? Stream.bufferChunks(pages, { capacity: 1 }) : pages
}

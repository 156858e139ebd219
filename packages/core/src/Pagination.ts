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
  /**
   * An item's identity, to recognise a page the server sends again. Default: the item's `id`, prefixed with its
   * `_tag` when it has a string one (files and folders have separate id sequences); the item itself when it has no
   * `id`.
   *
   * @since 0.2.0
   */
  readonly key?: ((item: never) => unknown) | undefined
}

/**
 * The portal's largest page.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxPageSize = 100

/**
 * How many pages in a row may repeat an earlier page's set of items before the stream gives up with a
 * `PaginationError` (a portal that ignores `startIndex`, or cycles between pages).
 *
 * @since 0.2.0
 * @category constants
 */
export const maxPagesWithoutProgress = 3

// the keys of the last few pages, to recognise a page that brings nothing new
const RECENT_PAGES = 8

/**
 * An item's identity: its `id` when it has one (every DocSpace DTO does), prefixed with its `_tag` when it has a
 * string one (a folder's files and subfolders are separate id sequences), else the item itself.
 */
const defaultKey = (item: unknown): unknown => {
  if (typeof item !== "object" || item === null || !("id" in item)) return item
  const { _tag, id } = item as { readonly _tag?: unknown; readonly id: unknown }
  return typeof _tag === "string" ? `${_tag}:${typeof id === "string" ? JSON.stringify(id) : String(id)}` : id
}

const sameSet = (keys: ReadonlySet<unknown>, other: ReadonlySet<unknown>): boolean =>
  keys.size === other.size && [...keys].every((k) => other.has(k))

const checkNumber = (name: string, value: number | undefined): string | undefined =>
  value === undefined || (Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER)
    ? undefined
    : `${name} must be a finite number, got ${value}`

/**
 * Streams every item of a paged list. It stops when `total` is reached or on an empty page (without a `total`, on
 * a short page). A page is recognised by its items' ids (`key`, default the item's `id`), not by its whole content
 * (entries carry fields such as `updated` that change between two reads): the stream fails with a
 * `PaginationError` instead of looping when the server answers the same page again, or when
 * {@link maxPagesWithoutProgress} pages in a row repeat an earlier page's set of keys: with a `total`, the page just
 * before (a portal that ignores `startIndex`, whatever its order; the `total` bounds any other repetition), without
 * one, any of the last few pages (a portal that cycles). Items of different kinds that share ids (a folder's
 * subfolders and files) are not mistaken for repeats: give them a `key` that tells them apart. A `pageSize` or
 * `startIndex` that is `NaN`, infinite or beyond `Number.MAX_SAFE_INTEGER` is refused with a `PaginationError`
 * before anything is sent; finite ones are clamped to 1..100 and >= 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stream = <A, E, R>(
  fetch: (request: PageRequest) => Effect.Effect<Page<A>, E, R>,
  options?: Options
): Stream.Stream<A, E | PaginationError, R> => {
  const invalid = checkNumber("pageSize", options?.pageSize) ?? checkNumber("startIndex", options?.startIndex)
  if (invalid !== undefined) {
    return Stream.fail(new PaginationError({ message: invalid, startIndex: 0 }))
  }
  const pageSize = Math.max(1, Math.min(maxPageSize, Math.floor(options?.pageSize ?? maxPageSize)))
  const start = Math.max(0, Math.floor(options?.startIndex ?? 0))
  const key = options?.key ?? defaultKey
  interface State {
    readonly startIndex: number
    readonly previous: ReadonlyArray<unknown> | undefined
    readonly recent: ReadonlyArray<ReadonlySet<unknown>>
    readonly stalled: number
  }
  const pages = Stream.paginateChunkEffect<State, A, E | PaginationError, R>(
    { startIndex: start, previous: undefined, recent: [], stalled: 0 },
    (state) =>
      Effect.flatMap(fetch({ startIndex: state.startIndex, count: pageSize }), (page) => {
        const keys = page.items.map((item) => key(item as never))
        const same = keys.length > 0 && state.previous !== undefined && state.previous.length === keys.length &&
          keys.every((k, i) => Object.is(k, state.previous![i]))
        const keySet = new Set(keys)
        // With a total, the list ends in bounded requests however the pages repeat, except when the portal answers
        // the same items again and again: only the page just before counts. Distinct items that share keys (ids of
        // two kinds) then repeat an older page, never the previous one several times in a row.
        const earlier = page.total !== undefined ? state.recent.slice(0, 1) : state.recent
        const repeated = keys.length > 0 && earlier.some((set) => sameSet(keySet, set))
        const stalled = repeated ? state.stalled + 1 : 0
        if (same || stalled >= maxPagesWithoutProgress) {
          return Effect.fail(
            new PaginationError({
              message: same
                ? `the server answered the same page again at startIndex ${state.startIndex}; stopping instead of looping`
                : `${stalled} pages in a row up to startIndex ${state.startIndex} repeated an earlier page; stopping ` +
                  "instead of looping",
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
            done ? Option.none() : Option.some({
              startIndex: nextIndex,
              previous: keys,
              recent: [keySet, ...state.recent].slice(0, RECENT_PAGES),
              stalled
            })
          ] as const
        )
      })
  )
  return options?.prefetch === true ? Stream.bufferChunks(pages, { capacity: 1 }) : pages
}

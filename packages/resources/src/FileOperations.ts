/**
 * Long-running file operations: copy, move, delete, duplicate, bulk download. The portal answers the start request
 * at once with `FileOperationDto`s and works in the background; every function here waits: it polls each operation
 * it started with `GET /api/2.0/files/fileops?id=` on a schedule (every 500 ms by default) until the operation has
 * finished, reports progress, fails with {@link FileOperationFailed} when the portal reports an `error`, and, when it
 * is interrupted, asks the portal to stop the operation (`PUT /api/2.0/files/fileops/terminate/{id}`).
 *
 * How the portal reports (DocSpace-server `FileOperationsManagerHolder.GetOperationResults`): reading the list removes
 * a finished operation from it, so each finish is reported once, to whoever reads first (for example the user's open
 * web UI), and an operation started with `deleteAfter: true` is never reported finished at all: it leaves the list.
 * An operation that was seen running and then left the list has therefore finished, but what it did is unknown: it
 * comes back with `finished: true` and `reported: false` (see {@link TrackedOperation}), not as a failure. This module
 * never reads the unfiltered list while following operations, so it never takes the reports of other operations.
 *
 * @example
 * ```ts
 * import { FileOperations } from "@effect-docspace/resources"
 * import * as Console from "effect/Console"
 * import * as Effect from "effect/Effect"
 *
 * const program = FileOperations.copy({
 *   fileIds: [101],
 *   destFolderId: 456,
 *   onProgress: (op) => Console.log(`copy ${op.progress}%`)
 * }).pipe(
 *   // waits at most a minute; on timeout the copy is terminated on the portal
 *   Effect.timeout("1 minute"),
 *   Effect.tap((ops) => ops.every((op) => op.reported) ? Effect.void : Console.log("finished, result not reported"))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as DocSpaceClient from "@effect-docspace/core/DocSpaceClient"
import * as Client from "@effect-docspace/core/DocSpaceClient"
import type * as DocSpaceError from "@effect-docspace/core/DocSpaceError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Schemas from "./internal/schemas.js"

/**
 * The state of one operation: `progress` (0..100), `finished`, `error` (a message when it failed), `url` (for
 * bulk downloads: where the archive is), and `operation` (the `FileOperationType`, `Operation` on the wire).
 *
 * @since 0.1.0
 * @category schemas
 */
export const FileOperation = Schemas.FileOperation

/**
 * @since 0.1.0
 * @category models
 */
export interface FileOperation extends Schemas.FileOperation {}

/**
 * The list the fileops endpoints answer with.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FileOperations = Schema.Array(FileOperation)

/**
 * The `FileOperationType` numbers of the API.
 *
 * @since 0.1.0
 * @category constants
 */
export const OperationType = {
  Move: 0,
  Copy: 1,
  Delete: 2,
  Download: 3,
  MarkAsRead: 4,
  Import: 5,
  Convert: 6,
  Duplicate: 7
} as const

/**
 * An operation as this module follows it: the portal's latest report of it, and whether that report is the portal's.
 *
 * `reported` is false only for an operation that left the portal's list before it was seen finished: the portal
 * drops a finished operation from the list once it has reported it to a reader (which may be another one, such as
 * the user's web UI), and never reports an operation started with `deleteAfter: true` as finished. Such an operation
 * has finished (`finished` is true), but its final `progress`, `error`, `url`, `files` and `folders` are unknown:
 * the fields hold what was last seen. A failure the portal did report is a {@link FileOperationFailed}, never this.
 *
 * @since 0.2.0
 * @category models
 */
export interface TrackedOperation extends FileOperation {
  /** True when this state came from the portal; false when the operation finished without a report (see above). */
  readonly reported: boolean
}

/**
 * An operation finished with an error (for example a file that could not be copied): the portal's message, and
 * the operation as it was when it finished.
 *
 * @since 0.1.0
 * @category errors
 */
export class FileOperationFailed extends Schema.TaggedError<FileOperationFailed>()("FileOperationFailed", {
  /** The operation's id. */
  id: Schema.String,
  /** The `FileOperationType`, when the portal said. */
  operationType: Schema.optional(Schema.Number),
  /** The portal's error message. */
  message: Schema.String,
  progress: Schema.Number
}) {}

/**
 * How to wait for operations.
 *
 * @since 0.1.0
 * @category models
 */
export interface WaitOptions {
  /** Called with each operation whenever the portal reports a change of progress (and once when it finishes). */
  readonly onProgress?: ((operation: TrackedOperation) => Effect.Effect<void>) | undefined
  /** When to poll again. Default every 500 ms (`Schedule.spaced("500 millis")`). */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /**
   * How long an interrupted wait spends on its clean-up before it gives up: waiting for the answer of a start
   * request still in flight (the portal may have started the operation already) and asking the portal to stop its
   * operations (`terminate`). The interruption completes once the clean-up is done, at most this long after it
   * arrived. Default 10 seconds ({@link defaultCleanupTimeout}); each request is bounded by the client's request
   * timeout too.
   */
  readonly cleanupTimeout?: Duration.DurationInput | undefined
}

/**
 * The default polling schedule: every 500 ms.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSchedule: Schedule.Schedule<unknown, unknown> = Schedule.spaced(Duration.millis(500))

/**
 * How long the clean-up of an interrupted wait (the start's answer, `terminate`) may take by default: 10 seconds.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultCleanupTimeout: Duration.Duration = Duration.seconds(10)

const isFailed = (op: FileOperation) => op.error !== undefined && op.error.trim().length > 0

const failure = (op: FileOperation) =>
  new FileOperationFailed({
    id: op.id,
    ...(op.operation !== undefined ? { operationType: op.operation } : {}),
    message: op.error ?? "the operation failed",
    progress: op.progress
  })

const reportedState = (op: FileOperation): TrackedOperation => ({ ...op, reported: true })

/**
 * An operation as any function of this library returns it: the curated {@link FileOperation}, or the generated
 * `FileOperationDto` of `@effect-docspace/resources/Api` (the wire's `Operation` with a capital O, an optional `id`,
 * `processed` as a string). {@link wait}, {@link track} and {@link run} accept either.
 *
 * @since 0.2.0
 * @category models
 */
export interface OperationInput {
  readonly id?: string | null | undefined
  readonly operation?: number | null | undefined
  readonly Operation?: number | null | undefined
  readonly progress?: number | null | undefined
  readonly error?: string | null | undefined
  readonly processed?: string | number | null | undefined
  readonly finished?: boolean | null | undefined
  readonly url?: string | null | undefined
  readonly files?:
    | ReadonlyArray<{ readonly id?: unknown; readonly title?: string | null | undefined }>
    | null
    | undefined
  readonly folders?:
    | ReadonlyArray<{ readonly id?: unknown; readonly title?: string | null | undefined }>
    | null
    | undefined
  readonly status?: number | null | undefined
}

const refs = (entries: OperationInput["files"]): Array<typeof Schemas.EntryRef.Type> | undefined =>
  entries == null ? undefined : entries.flatMap((entry) =>
    typeof entry.id === "number" || typeof entry.id === "string"
      ? [{ id: entry.id, ...(entry.title != null ? { title: entry.title } : {}) }]
      : []
  )

/**
 * An {@link OperationInput} as a curated {@link FileOperation}. An unfinished operation without an id cannot be
 * followed (the portal is polled by id): that is a {@link FileOperationFailed}.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromInput = (input: OperationInput): Effect.Effect<FileOperation, FileOperationFailed> => {
  const operation = input.operation ?? input.Operation ?? undefined
  const finished = input.finished ?? false
  if ((input.id == null || input.id === "") && !finished) {
    return Effect.fail(
      new FileOperationFailed({
        id: "",
        ...(operation !== undefined ? { operationType: operation } : {}),
        message: "the portal gave the operation no id: it cannot be followed",
        progress: input.progress ?? 0
      })
    )
  }
  const files = refs(input.files)
  const folders = refs(input.folders)
  return Effect.succeed({
    id: input.id ?? "",
    progress: input.progress ?? 0,
    finished,
    ...(operation !== undefined ? { operation } : {}),
    ...(input.error != null ? { error: input.error } : {}),
    ...(input.processed != null ? { processed: input.processed } : {}),
    ...(input.url != null ? { url: input.url } : {}),
    ...(files !== undefined ? { files } : {}),
    ...(folders !== undefined ? { folders } : {}),
    ...(input.status != null ? { status: input.status } : {})
  })
}

/**
 * The status of one operation (`GET /api/2.0/files/fileops?id=`): `None` when the portal does not list it (it has
 * finished and its report was read already, or it never existed). Reading a finished operation's status takes its
 * report: the portal lists it this once and drops it.
 *
 * @since 0.2.0
 * @category getters
 */
export const status = (
  id: string
): Effect.Effect<Option.Option<FileOperation>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Effect.map(statuses(id), (ops) => Option.fromNullable(ops.find((op) => op.id === id)))

/**
 * The status of the operations in flight (`GET /api/2.0/files/fileops`); with an `id`, only that one.
 *
 * Without an `id` this takes the report of every finished operation of the user (the portal lists each finished
 * operation once, to the first reader, and drops it): other code of the same user waiting for its own operations
 * then never sees them finish. Prefer {@link status}.
 *
 * @since 0.1.0
 * @category getters
 */
export const statuses = (
  id?: string
): Effect.Effect<ReadonlyArray<FileOperation>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "getOperationStatuses",
    method: "GET",
    path: "/api/2.0/files/fileops",
    urlParams: { id }
  }, FileOperations)

/**
 * Asks the portal to stop an operation (`PUT /api/2.0/files/fileops/terminate/{id}`). The portal answers with the
 * user's remaining operations, read like an unfiltered {@link statuses} (DocSpace-server
 * `FileOperationsManagerHolder.CancelOperations`): it takes the reports of the user's other finished operations.
 *
 * @since 0.1.0
 * @category mutations
 */
export const terminate = (
  id: string
): Effect.Effect<ReadonlyArray<FileOperation>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
    operation: "terminateTasks",
    method: "PUT",
    path: "/api/2.0/files/fileops/terminate/{id}",
    pathParams: { id }
  }, FileOperations)

// Clean-up requests run in finalizers, which are uninterruptible: each is made interruptible again so that the
// client's request timeout can fire, and the whole clean-up is bounded by `timeout` on top (a rate limiter's wait
// for a permit is not covered by the request timeout). Failures are ignored: the caller already has its result.
const terminateUnfinished = (
  ops: ReadonlyArray<FileOperation>,
  timeout: Duration.DurationInput
): Effect.Effect<void, never, DocSpaceClient.DocSpaceClient> => {
  const unfinished = ops.filter((op) => !op.finished)
  if (unfinished.length === 0) return Effect.void
  return Effect.forEach(unfinished, (op) => Effect.ignore(terminate(op.id)), {
    discard: true,
    concurrency: "unbounded"
  }).pipe(Effect.interruptible, Effect.timeout(timeout), Effect.ignore)
}

// Runs the start request in a fiber of its own, interruptible, so that its timeout can fire wherever the caller runs.
// If the caller is interrupted before the portal answered, the interruption waits for the answer and terminates
// whatever it started, all within `cleanupTimeout` (see `settleStart`). On success the operations are in `state`
// before anything can interrupt the caller (the finalizer that terminates them reads it).
const startTracked = <E, R>(
  started: Effect.Effect<ReadonlyArray<FileOperation>, E, R>,
  state: Ref.Ref<ReadonlyArray<TrackedOperation>>,
  cleanupTimeout: Duration.DurationInput
): Effect.Effect<ReadonlyArray<TrackedOperation>, E, R | DocSpaceClient.DocSpaceClient> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      // a daemon: a child would be interrupted together with the caller (Effect passes an interruption on to the
      // children at once), and the answer the start is waiting for would be lost
      const fiber = yield* Effect.forkDaemon(Effect.interruptible(started))
      const exit = yield* restore(Fiber.await(fiber)).pipe(
        Effect.onInterrupt(() => settleStart(fiber, cleanupTimeout))
      )
      const ops = (yield* exit).map(reportedState)
      yield* Ref.set(state, ops)
      return ops
    })
  )

// The clean-up of a start interrupted in flight: the portal may have started the operations already, and only its
// answer names them. The answer is awaited here, within the caller's interruption, not in a fiber left behind: the
// client is often provided to the caller alone (`Effect.provide(copy(...), layer)`), and then its transport closes
// as soon as the caller returns, cutting off the answer (and any terminate) of a background fiber. It runs in a
// fiber of its own because an interrupted fiber's interruptible regions end at once: there the timeouts can fire.
// Everything is bounded by `cleanupTimeout`; a start still unanswered then is interrupted (nothing outlives the
// caller). Failures are ignored: the caller is being interrupted.
const settleStart = <E>(
  start: Fiber.Fiber<ReadonlyArray<FileOperation>, E>,
  cleanupTimeout: Duration.DurationInput
): Effect.Effect<void, never, DocSpaceClient.DocSpaceClient> =>
  Effect.flatMap(
    Effect.forkDaemon(
      Effect.flatMap(
        Fiber.await(start),
        (exit) =>
          Exit.isSuccess(exit)
            ? Effect.forEach(exit.value.filter((op) => !op.finished), (op) => Effect.ignore(terminate(op.id)), {
              discard: true,
              concurrency: "unbounded"
            })
            : Effect.void
      ).pipe(Effect.interruptible, Effect.timeout(cleanupTimeout), Effect.ignore)
    ),
    (cleanup) => Effect.zipRight(Fiber.await(cleanup), Fiber.interrupt(start))
  )

// One poll of one operation: its report, or (not listed any more) finished without a report, as last seen.
const follow = (op: TrackedOperation) =>
  Effect.map(
    statuses(op.id),
    (listed): TrackedOperation => {
      const found = listed.find((o) => o.id === op.id)
      return found === undefined ? { ...op, finished: true, reported: false } : reportedState(found)
    }
  )

/**
 * Follows started operations until all have finished: a stream of snapshots (every operation, in the order they
 * were started), one after the start and one per poll that changed something. Each operation is polled on its own
 * (`GET /api/2.0/files/fileops?id=`), so the reports of other operations are left to their readers.
 *
 * It fails with {@link FileOperationFailed} when the portal reports an operation finished with an error (or an
 * operation last seen with an error leaves the list). An operation that leaves the list without a finished report
 * ends with `finished: true, reported: false` (see {@link TrackedOperation}). Interrupting it terminates the
 * unfinished operations on the portal, also when the interruption arrives while the start request is in flight:
 * then the interruption waits for the portal's answer and terminates what it started, all within `cleanupTimeout`
 * (a start still unanswered then is abandoned). It waits rather than leaving that to a background fiber because
 * the client is often provided to the caller alone, and its connections close as soon as the caller returns.
 *
 * @example
 * ```ts
 * import { FileOperations } from "@effect-docspace/resources"
 * import * as Console from "effect/Console"
 * import * as Stream from "effect/Stream"
 *
 * const progress = FileOperations.track(FileOperations.start("move", { fileIds: [1, 2], destFolderId: 9 })).pipe(
 *   Stream.runForEach((ops) => Console.log(ops.map((op) => `${op.progress}%`).join(" ")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const track = <E, R>(
  started: Effect.Effect<ReadonlyArray<OperationInput>, E, R>,
  options?: Pick<WaitOptions, "schedule" | "cleanupTimeout">
): Stream.Stream<
  ReadonlyArray<TrackedOperation>,
  E | DocSpaceError.DocSpaceError | FileOperationFailed,
  R | DocSpaceClient.DocSpaceClient
> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const cleanupTimeout = options?.cleanupTimeout ?? defaultCleanupTimeout
    const state = yield* Ref.make<ReadonlyArray<TrackedOperation>>([])
    // registered before the start: once the portal has given ids, any failure or interruption terminates the
    // unfinished ones (and only those)
    yield* Effect.addFinalizer((exit) =>
      Exit.isSuccess(exit)
        ? Effect.void
        : Effect.flatMap(Ref.get(state), (ops) => terminateUnfinished(ops, cleanupTimeout))
    )
    const initial = yield* startTracked(
      Effect.flatMap(started, (ops) => Effect.forEach(ops, fromInput)),
      state,
      cleanupTimeout
    )
    const check = (ops: ReadonlyArray<TrackedOperation>) => {
      const failed = ops.find((op) => op.finished && isFailed(op))
      return failed === undefined ? Effect.succeed(ops) : Effect.fail(failure(failed))
    }
    const poll = Effect.gen(function*() {
      const previous = yield* Ref.get(state)
      const next = yield* Effect.forEach(previous, (op) => op.finished ? Effect.succeed(op) : follow(op), {
        concurrency: 4
      })
      yield* Ref.set(state, next)
      const changed = next.some((op, i) =>
        op.progress !== previous[i]!.progress || op.finished !== previous[i]!.finished ||
        op.error !== previous[i]!.error || op.reported !== previous[i]!.reported
      )
      yield* Effect.logDebug("polled file operations").pipe(
        Effect.annotateLogs({
          "docspace.operations.unfinished": next.filter((op) => !op.finished).length,
          "docspace.operations.progress": next.map((op) => op.progress).join(","),
          "docspace.operations.changed": changed
        })
      )
      return changed ? Option.some(next) : Option.none()
    })
    const first = Stream.fromEffect(check(initial))
    if (initial.every((op) => op.finished)) return first
    const updates = Stream.repeatEffectWithSchedule(poll, options?.schedule ?? defaultSchedule).pipe(
      // the first element comes from polling immediately; then one per tick of the schedule
      Stream.filterMap((o) => o),
      Stream.mapEffect(check),
      Stream.takeUntil((ops) => ops.every((op) => op.finished))
    )
    return Stream.concat(first, updates)
  }))

/**
 * Waits for started operations to finish and gives their final states; see {@link track}. The result is empty when
 * the portal's answer to the start listed no operation (nothing was selected, or an operation started with
 * `deleteAfter` finished before the portal answered).
 *
 * @since 0.1.0
 * @category combinators
 */
export const run = <E, R>(
  started: Effect.Effect<ReadonlyArray<OperationInput>, E, R>,
  options?: WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  E | DocSpaceError.DocSpaceError | FileOperationFailed,
  R | DocSpaceClient.DocSpaceClient
> => {
  const onProgress = options?.onProgress
  return track(started, options).pipe(
    Stream.tap((ops) => onProgress === undefined ? Effect.void : Effect.forEach(ops, onProgress, { discard: true })),
    Stream.runLast,
    Effect.map(Option.getOrElse((): ReadonlyArray<TrackedOperation> => []))
  )
}

/**
 * Waits for operations already started (for example by a generated operation: its `FileOperationDto`s are accepted
 * as they are, see {@link OperationInput}) to finish. Pass only the operations you started: each one passed is polled, and polling an operation takes its finished report from whoever else
 * waits for it (start with `returnSingleOperation: true` so that the portal answers with yours only).
 *
 * @since 0.1.0
 * @category combinators
 */
export const wait = (
  operations: ReadonlyArray<OperationInput>,
  options?: WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(Effect.succeed(operations), options)

/**
 * What to do when an entry with the same name exists in the destination.
 *
 * @since 0.1.0
 * @category models
 */
export type ConflictResolveType = "Skip" | "Overwrite" | "Duplicate"

/**
 * @since 0.1.0
 * @category models
 */
export interface Selection {
  readonly fileIds?: ReadonlyArray<number | string> | undefined
  readonly folderIds?: ReadonlyArray<number | string> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TransferOptions extends Selection {
  readonly destFolderId: number | string
  /** Default `"Skip"` on the portal. */
  readonly conflictResolveType?: ConflictResolveType | undefined
  /** See {@link RemoveOptions.deleteAfter}. */
  readonly deleteAfter?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RemoveOptions extends Selection {
  /**
   * The spec says "delete after the editing session is finished"; the portal's only use of it is to drop the
   * operation when it finishes instead of holding its result for a report (DocSpace-server `OperationController`
   * passes `holdResult: !deleteAfter`). Such an operation is never reported finished: it comes back with
   * `reported: false` (see {@link TrackedOperation}), and a failure is only known if it was seen before the end.
   */
  readonly deleteAfter?: boolean | undefined
  /** Delete for good instead of moving to the trash. */
  readonly immediately?: boolean | undefined
}

/**
 * The kinds of operation {@link start} knows and the body each takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface StartBodies {
  readonly copy: TransferOptions
  readonly move: TransferOptions
  readonly delete: RemoveOptions
  readonly duplicate: Selection
  readonly bulkdownload: Selection
}

const operationIds = {
  copy: "copyBatchItems",
  move: "moveBatchItems",
  delete: "deleteBatchItems",
  duplicate: "duplicateBatchItems",
  bulkdownload: "bulkDownload"
} as const

const bodyFields = [
  "fileIds",
  "folderIds",
  "destFolderId",
  "conflictResolveType",
  "deleteAfter",
  "immediately"
] as const

const bodyOf = (options: TransferOptions | RemoveOptions | Selection): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  const given = options as Partial<Record<(typeof bodyFields)[number], unknown>>
  for (const key of bodyFields) {
    if (given[key] !== undefined) body[key] = given[key]
  }
  body.fileIds ??= []
  body.folderIds ??= []
  // without it the portal answers with every operation of the user, and takes the reports of the finished ones
  body.returnSingleOperation = true
  return body
}

const isEmptySelection = (options: Selection) =>
  (options.fileIds === undefined || options.fileIds.length === 0) &&
  (options.folderIds === undefined || options.folderIds.length === 0)

/**
 * For start requests that cannot ask for their own operation only (they answer with every operation of the
 * user): lists the operations in flight first (`GET /api/2.0/files/fileops`), runs the request, and keeps only the
 * operations of its answer that were not in that list.
 *
 * @deprecated Both reads are unfiltered: each takes the reports of the user's finished operations (the portal lists
 * a finished operation once, to the first reader), so other code waiting for those operations never sees them
 * finish. Start operations with {@link start} (it asks for `returnSingleOperation`) or with a request that does.
 * @since 0.1.0
 * @category combinators
 */
export const onlyStarted = <E, R>(
  started: Effect.Effect<ReadonlyArray<FileOperation>, E, R>
): Effect.Effect<
  ReadonlyArray<FileOperation>,
  E | DocSpaceError.DocSpaceError,
  R | DocSpaceClient.DocSpaceClient
> =>
  Effect.gen(function*() {
    const before = new Set((yield* statuses()).map((op) => op.id))
    const ops = yield* started
    return ops.filter((op) => !before.has(op.id))
  })

/**
 * Starts an operation without waiting (`PUT /api/2.0/files/fileops/{kind}`); the portal answers with the
 * operation it started: the body asks for `returnSingleOperation`, without which the portal would list every
 * operation of the user and take the reports of the finished ones.
 *
 * With nothing selected (no `fileIds`, no `folderIds`) nothing is sent and the answer is empty: the portal starts
 * nothing then, and answers with every operation of the user.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = <K extends keyof StartBodies>(
  kind: K,
  options: StartBodies[K]
): Effect.Effect<ReadonlyArray<FileOperation>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  isEmptySelection(options) ? Effect.succeed([]) : Client.request({
    operation: operationIds[kind],
    method: "PUT",
    path: `/api/2.0/files/fileops/${kind}`,
    body: Client.jsonBody(bodyOf(options))
  }, FileOperations)

/**
 * Copies files and folders to `destFolderId` and waits until the copy has finished.
 *
 * @since 0.1.0
 * @category operations
 */
export const copy = (
  options: TransferOptions & WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("copy", options), options)

/**
 * Moves files and folders to `destFolderId` and waits until the move has finished.
 *
 * @since 0.1.0
 * @category operations
 */
export const move = (
  options: TransferOptions & WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("move", options), options)

/**
 * Deletes files and folders (to the trash, or for good with `immediately`) and waits until done.
 *
 * @since 0.1.0
 * @category operations
 */
export const remove = (
  options: RemoveOptions & WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("delete", options), options)

/**
 * Duplicates files and folders next to themselves and waits until done.
 *
 * @since 0.1.0
 * @category operations
 */
export const duplicate = (
  options: Selection & WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("duplicate", options), options)

/**
 * Packs files and folders into an archive and waits until it is ready: the finished operation's `url` is where to
 * download it.
 *
 * @since 0.1.0
 * @category operations
 */
export const bulkDownload = (
  options: Selection & WaitOptions
): Effect.Effect<
  ReadonlyArray<TrackedOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("bulkdownload", options), options)

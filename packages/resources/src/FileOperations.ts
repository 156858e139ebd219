/**
 * Long-running file operations: copy, move, delete, duplicate, bulk download. The portal answers the start request
 * at once with `FileOperationDto`s and works in the background; every function here waits: it polls
 * `GET /api/2.0/files/fileops` on a schedule (every 500 ms by default) until the operation has `finished`, reports
 * progress, fails with {@link FileOperationFailed} when the operation finished with an `error` (or vanished from the
 * portal's list before it was seen finished: its outcome is then unknown), and, when it is interrupted, asks the
 * portal to stop the operation (`PUT /api/2.0/files/fileops/terminate/{id}`).
 *
 * @example
 * ```ts
 * import { FileOperations } from "@effect-docspace/resources"
 * import * as Console from "effect/Console"
 * import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
 *
 * const program = FileOperations.copy({
 *   fileIds: [101],
 *   destFolderId: 456,
 *   onProgress: (op) => Console.log(`copy ${op.progress}%`)
 * }).pipe(
 *   // waits at most a minute; on timeout the copy is terminated on the portal
 *   Effect.timeout("1 minute")
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
  readonly onProgress?: ((operation: FileOperation) => Effect.Effect<void>) | undefined
  /** When to poll again. Default every 500 ms (`Schedule.spaced("500 millis")`). */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
}

/**
 * The default polling schedule: every 500 ms.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSchedule: Schedule.Schedule<unknown, unknown> = Schedule.spaced(Duration.millis(500))

const isFailed = (op: FileOperation) => op.error !== undefined && op.error.trim().length > 0

const failure = (op: FileOperation) =>
  new FileOperationFailed({
    id: op.id,
    ...(op.operation !== undefined ? { operationType: op.operation } : {}),
    message: op.error ?? "the operation failed",
    progress: op.progress
  })

/**
 * The status of the operations in flight (`GET /api/2.0/files/fileops`); with an `id`, only that one.
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
 * Asks the portal to stop an operation (`PUT /api/2.0/files/fileops/terminate/{id}`).
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

/**
 * Follows started operations until all have finished: a stream of snapshots (every operation, in the order they
 * were started), one after the start and one per poll that changed something. It fails with
 * {@link FileOperationFailed} when one finished with an error. Interrupting it terminates the unfinished operations on the
 * portal.
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
  started: Effect.Effect<ReadonlyArray<FileOperation>, E, R>,
  options?: Pick<WaitOptions, "schedule">
): Stream.Stream<
  ReadonlyArray<FileOperation>,
  E | DocSpaceError.DocSpaceError | FileOperationFailed,
  R | DocSpaceClient.DocSpaceClient
> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const state = yield* Ref.make<ReadonlyArray<FileOperation>>([])
    const terminateUnfinished = Effect.flatMap(
      Ref.get(state),
      (ops) =>
        Effect.forEach(ops.filter((op) => !op.finished), (op) => Effect.ignore(terminate(op.id)), {
          discard: true,
          concurrency: "unbounded"
        })
    )
    // the start request is not interrupted half-way, and the clean-up is registered atomically with its answer: once
    // the portal has given ids, any failure or interruption terminates the unfinished ones (and only those)
    const initial = yield* Effect.acquireRelease(
      Effect.tap(started, (ops) => Ref.set(state, ops)),
      (_, exit) => Exit.isSuccess(exit) ? Effect.void : terminateUnfinished
    )
    const check = (ops: ReadonlyArray<FileOperation>) => {
      const failed = ops.find((op) => op.finished && isFailed(op))
      return failed === undefined ? Effect.succeed(ops) : Effect.fail(failure(failed))
    }
    const poll = Effect.gen(function*() {
      const previous = yield* Ref.get(state)
      const pending = previous.filter((op) => !op.finished)
      const latest = yield* statuses(pending.length === 1 ? pending[0]!.id : undefined)
      // only the operations this call started are followed: whatever else the portal lists is ignored
      const byId = new Map(latest.map((op) => [op.id, op] as const))
      const vanished = previous.find((op) => !op.finished && !byId.has(op.id))
      if (vanished !== undefined) {
        // gone from the list before it was seen finished: nothing says whether it succeeded; it is not terminated
        yield* Ref.set(state, previous.map((op) => op === vanished ? { ...op, finished: true } : op))
        return yield* Effect.fail(
          new FileOperationFailed({
            id: vanished.id,
            ...(vanished.operation !== undefined ? { operationType: vanished.operation } : {}),
            message: "the operation vanished from the portal's list of operations before it was seen finished; " +
              "its outcome is unknown",
            progress: vanished.progress
          })
        )
      }
      const next = previous.map((op) => op.finished ? op : byId.get(op.id)!)
      yield* Ref.set(state, next)
      const changed = next.some((op, i) =>
        op.progress !== previous[i]!.progress || op.finished !== previous[i]!.finished ||
        op.error !== previous[i]!.error
      )
      return changed ? Option.some(next) : Option.none()
    })
    const first = Stream.fromEffect(check(initial))
    if (initial.length === 0 || initial.every((op) => op.finished)) return first
    const updates = Stream.repeatEffectWithSchedule(poll, options?.schedule ?? defaultSchedule).pipe(
      // the first element comes from polling immediately; then one per tick of the schedule
      Stream.filterMap((o) => o),
      Stream.mapEffect(check),
      Stream.takeUntil((ops) => ops.every((op) => op.finished))
    )
    return Stream.concat(first, updates)
  }))

/**
 * Waits for started operations to finish and gives their final states; see {@link track}.
 *
 * @since 0.1.0
 * @category combinators
 */
export const run = <E, R>(
  started: Effect.Effect<ReadonlyArray<FileOperation>, E, R>,
  options?: WaitOptions
): Effect.Effect<
  ReadonlyArray<FileOperation>,
  E | DocSpaceError.DocSpaceError | FileOperationFailed,
  R | DocSpaceClient.DocSpaceClient
> => {
  const onProgress = options?.onProgress
  return track(started, options).pipe(
    Stream.tap((ops) => onProgress === undefined ? Effect.void : Effect.forEach(ops, onProgress, { discard: true })),
    Stream.runLast,
    Effect.map(Option.getOrElse((): ReadonlyArray<FileOperation> => []))
  )
}

/**
 * Waits for operations already started (for example by a generated operation) to finish.
 *
 * @since 0.1.0
 * @category combinators
 */
export const wait = (
  operations: ReadonlyArray<FileOperation>,
  options?: WaitOptions
): Effect.Effect<
  ReadonlyArray<FileOperation>,
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
  /** Delete the sources after the operation has finished (moves) instead of during it. */
  readonly deleteAfter?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RemoveOptions extends Selection {
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

const bodyOf = (options: TransferOptions | RemoveOptions | Selection): Record<string, unknown> => {
  const body: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === "onProgress" || key === "schedule") continue
    body[key] = value
  }
  body.fileIds ??= []
  body.folderIds ??= []
  // without it the portal answers with every active operation of the user, not just the one this request started
  body.returnSingleOperation = true
  return body
}

/**
 * For start requests that cannot reliably ask for their own operation only (`DELETE /api/2.0/files/folder/{folderId}`
 * takes no `returnSingleOperation`, `DELETE /api/2.0/files/file/{fileId}` takes it as a query parameter only since
 * 3.7; without it they answer with every active operation of the user): lists the operations in flight first (`GET /api/2.0/files/fileops`), runs the request, and keeps only
 * the operations of its answer that were not in that list, so that other operations of the same user are neither
 * waited for, failed on, nor terminated.
 *
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
 * operation it started (the body asks for `returnSingleOperation`: without it the portal would list every active
 * operation of the user).
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = <K extends keyof StartBodies>(
  kind: K,
  options: StartBodies[K]
): Effect.Effect<ReadonlyArray<FileOperation>, DocSpaceError.DocSpaceError, DocSpaceClient.DocSpaceClient> =>
  Client.request({
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
  ReadonlyArray<FileOperation>,
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
  ReadonlyArray<FileOperation>,
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
  ReadonlyArray<FileOperation>,
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
  ReadonlyArray<FileOperation>,
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
  ReadonlyArray<FileOperation>,
  DocSpaceError.DocSpaceError | FileOperationFailed,
  DocSpaceClient.DocSpaceClient
> => run(start("bulkdownload", options), options)

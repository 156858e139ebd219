import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * Regroups a byte stream into parts of exactly `size` bytes (the last may be shorter). A part that lies inside
 * one input array is a view of it (no copy); parts spanning inputs are copied into a fresh buffer. Pulls its input
 * lazily: at most one part is assembled ahead of what downstream asks for. `size` must be a safe integer of at least
 * 1 (callers check it and fail with a typed error); anything else is a defect here rather than an endless loop.
 */
export const rechunk =
  (size: number) => <E, R>(self: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Uint8Array, E, R> =>
    Stream.suspend(() => {
      if (!Number.isSafeInteger(size) || size < 1) return Stream.dieMessage(`rechunk: invalid part size ${size}`)
      let buffer: Uint8Array | undefined
      let filled = 0
      const parts = Stream.mapConcat(self, (bytes) => {
        const out: Array<Uint8Array> = []
        let offset = 0
        while (offset < bytes.length) {
          if (buffer === undefined && bytes.length - offset >= size) {
            out.push(bytes.subarray(offset, offset + size))
            offset += size
            continue
          }
          buffer ??= new Uint8Array(size)
          const n = Math.min(size - filled, bytes.length - offset)
          buffer.set(bytes.subarray(offset, offset + n), filled)
          filled += n
          offset += n
          if (filled === size) {
            out.push(buffer)
            buffer = undefined
            filled = 0
          }
        }
        return out
      })
      const rest = Stream.suspend(() => {
        if (buffer === undefined || filled === 0) return Stream.empty
        const last = buffer.subarray(0, filled)
        buffer = undefined
        filled = 0
        return Stream.make(last)
      })
      return Stream.concat(parts, rest)
    })

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

/** Lower-case hex of bytes. */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (const b of bytes) out += hex[b]
  return out
}

/** A part cut by {@link cut}: `length` bytes at `buffer[before..]`, in a buffer of a pool, until `release`. */
export interface Part {
  readonly buffer: Uint8Array
  readonly length: number
  /** The bytes of the content up to the end of this part. */
  readonly end: number
  /** The part that reaches the declared total, the content checked to end there. */
  readonly last: boolean
  /** Gives the buffer back to the pool (once the request that sends it is over); a second call does nothing. */
  readonly release: Effect.Effect<void>
}

/** A content whose length is not the declared total: `seen` bytes, and whether it ended there or went on. */
export class LengthMismatch {
  readonly _tag = "LengthMismatch"
  constructor(readonly seen: number, readonly ended: boolean) {}
}

/**
 * At most `max` buffers of `size` bytes, allocated as needed and reused: `acquire` waits while all of them are in use.
 */
const makePool = (size: number, max: number) => {
  const free: Array<Uint8Array> = []
  const waiters: Array<(buffer: Uint8Array) => void> = []
  let allocated = 0
  // waits (an `Effect.async`, which costs a trip through the scheduler) only when no buffer is free
  const wait = Effect.async<Uint8Array>((resume) => {
    const waiter = (buffer: Uint8Array) => resume(Effect.succeed(buffer))
    waiters.push(waiter)
    return Effect.sync(() => {
      const index = waiters.indexOf(waiter)
      if (index >= 0) waiters.splice(index, 1)
    })
  })
  const acquire = Effect.suspend(() => {
    const buffer = free.pop()
    if (buffer !== undefined) return Effect.succeed(buffer)
    if (allocated < max) {
      allocated++
      return Effect.succeed(new Uint8Array(size))
    }
    return wait
  })
  const release = (buffer: Uint8Array) => {
    const waiter = waiters.shift()
    if (waiter !== undefined) waiter(buffer)
    else free.push(buffer)
  }
  return { acquire, release }
}

/**
 * Regroups a byte stream of a declared `total` length into parts of exactly `size` bytes (the last may be shorter),
 * each copied once into a buffer with `before` bytes of room ahead of it and `after` behind (for a multipart frame
 * written in place). The buffers come from a pool of at most `buffers`, reused once a part is released: memory stays
 * at `buffers` parts whatever the content's length, and no part is allocated anew (a fresh 10 MiB buffer per part cost
 * page faults and a quarter of the CPU in garbage collection). The content is read lazily, one part at a time,
 * whatever its chunking (a stream that emits its whole content as one chunk of arrays is not cut all at once);
 * cutting waits for a free buffer.
 *
 * The part that reaches `total` is `last`, and is emitted only once the content is seen to end there: a content longer
 * than `total` fails with `LengthMismatch` (`ended: false`) before that part is emitted, one that ends short fails with
 * it (`ended: true`) instead of its short part, so no look-ahead part is needed. `size` and `buffers` must be at least
 * 1 and `total` a safe integer (callers check); anything else is a defect here rather than an endless loop.
 */
export const cut =
  (options: CutOptions) => <E, R>(self: Stream.Stream<Uint8Array, E, R>): Stream.Stream<Part, E | LengthMismatch, R> =>
    Stream.unwrapScoped(Effect.map(cutPull(options)(self), Stream.repeatEffectOption))

/** How {@link cut} cuts. */
export interface CutOptions {
  readonly size: number
  readonly before: number
  readonly after: number
  readonly buffers: number
  readonly total: number
}

/**
 * {@link cut} as a pull, for a caller that loops over the parts itself (one Effect step a part instead of a stream
 * stage's): each run of the pull is the next part, or fails with `None` once the content has ended there. Reads the
 * content within the scope.
 */
export const cutPull = (options: CutOptions) =>
<E, R>(
  self: Stream.Stream<Uint8Array, E, R>
): Effect.Effect<Effect.Effect<Part, Option.Option<E | LengthMismatch>, R>, never, Scope.Scope | R> =>
  Effect.gen(function*() {
    const { after, before, buffers, size, total } = options
    if (!Number.isSafeInteger(size) || size < 1 || !(buffers >= 1) || !Number.isSafeInteger(total) || total < 0) {
      return Effect.dieMessage(`cut: invalid part size ${size}, buffer count ${buffers} or total ${total}`)
    }
    const pull = yield* Stream.toPull(self)
    // a content smaller than a part needs a buffer its size, not a whole part's (a 200-byte file, 10 MiB)
    const pool = makePool(before + Math.min(size, total) + after, buffers)
    let chunk: Chunk.Chunk<Uint8Array> = Chunk.empty()
    let index = 0
    let current: Uint8Array | undefined
    let offset = 0
    let ended = false
    // the content's bytes cut into parts so far
    let cutSoFar = 0
    // moves `current` to the next non-empty bytes of the chunk in hand; false when the chunk is used up
    const advance = (): boolean => {
      for (;;) {
        if (current !== undefined && offset < current.length) return true
        if (index >= chunk.length) return false
        current = Chunk.unsafeGet(chunk, index++)
        offset = 0
      }
    }
    // the next non-empty bytes of the content in `current` (pulling as needed); false once the content has ended
    const more: Effect.Effect<boolean, Option.Option<E>, R> = Effect.suspend(() => {
      if (advance()) return Effect.succeed(true)
      if (ended) return Effect.succeed(false)
      return Effect.matchEffect(pull, {
        onFailure: (error) => {
          if (Option.isSome(error)) return Effect.fail(error)
          ended = true
          return Effect.succeed(false)
        },
        onSuccess: (next) => {
          chunk = next
          index = 0
          current = undefined
          return more
        }
      })
    })
    // copies up to `want` bytes into `buffer`, pulling as needed; the bytes copied. The pieces of a chunk already
    // pulled are copied in one loop: only a new chunk takes an Effect step (a 10 MiB part of 64 KiB pieces is 160
    // pieces, and a step each cost 560 Effect operations a part)
    const fill = (buffer: Uint8Array, filled: number, want: number): Effect.Effect<number, Option.Option<E>, R> => {
      while (filled < want) {
        if (!advance()) {
          return Effect.flatMap(more, (available) => (available ? fill(buffer, filled, want) : Effect.succeed(filled)))
        }
        const piece = current!
        const n = Math.min(want - filled, piece.length - offset)
        buffer.set(n === piece.length ? piece : piece.subarray(offset, offset + n), before + filled)
        filled += n
        offset += n
      }
      return Effect.succeed(filled)
    }
    const mismatch = (seen: number, ended: boolean) => Effect.fail(Option.some(new LengthMismatch(seen, ended)))
    const next: Effect.Effect<Part, Option.Option<E | LengthMismatch>, R> = Effect.suspend(() => {
      if (cutSoFar === total) {
        // every declared byte is cut (a total of 0 included): the content must end here
        return Effect.flatMap(
          more,
          (available) => (available ? mismatch(total + 1, false) : Effect.fail(Option.none()))
        )
      }
      return Effect.flatMap(pool.acquire, (buffer) => {
        const want = Math.min(size, total - cutSoFar)
        let released = false
        const release = Effect.sync(() => {
          if (released) return
          released = true
          pool.release(buffer)
        })
        return Effect.onError(
          Effect.flatMap(fill(buffer, 0, want), (length): Effect.Effect<Part, Option.Option<E | LengthMismatch>, R> => {
            const end = cutSoFar + length
            if (length < want) return mismatch(end, true)
            const last = end === total
            const part: Part = { buffer, length, end, last, release }
            const ok = Effect.sync(() => {
              cutSoFar = end
              return part
            })
            // the last part: the content must end with it, or it is longer than declared (checked before it is sent)
            return last ? Effect.flatMap(more, (available) => (available ? mismatch(total + 1, false) : ok)) : ok
          }),
          // a part that is not handed out gives its buffer back
          () => release
        )
      })
    })
    return next
  })

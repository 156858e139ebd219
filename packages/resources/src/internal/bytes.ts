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

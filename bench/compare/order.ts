/**
 * The order of the contenders in one round: a shuffle seeded by the round (the same on every run).
 *
 * A rotation (`(i + round) % n`) keeps the cyclic order, so every contender always runs right after the same other
 * one, and pays for it alone: the code they share (Effect's runtime, the platform, undici) was just optimised for the
 * other's call patterns. Measured: whichever effect-docspace client ran right after `@effect/platform`'s HttpClient
 * cost 50-100 us a request more than the same client in the next slot, with either policy. A shuffle gives every
 * contender varied predecessors.
 */
export const orderOf = <A>(items: ReadonlyArray<A>, round: number): Array<A> => {
  const order = [...items]
  let seed = (round + 1) * 0x9e3779b1
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const swap = order[i]
    order[i] = order[j]
    order[j] = swap
  }
  return order
}

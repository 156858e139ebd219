import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { FifoLock } from "../src/internal/fifo.js"

describe("FifoLock", () => {
  // The default runtime yields every 2048 operations; a waiter interrupted at any point of its acquire, including
  // between queueing and awaiting, must not take the lock with it. After the release, acquiring must complete at
  // once: `runSyncExit` fails instead of waiting if it would block.
  it("a waiter interrupted at any point never leaves the lock stuck", async () => {
    const points = [
      ...Array.from({ length: 60 }, (_, i) => 2020 + i),
      ...Array.from({ length: 60 }, (_, i) => 4060 + i)
    ]
    for (const k of points) {
      const lock = new FifoLock()
      await Effect.runPromise(Effect.gen(function*() {
        yield* lock.acquire
        const waiter = yield* Effect.fork(Effect.gen(function*() {
          for (let i = 0; i < k; i++) yield* Effect.sync(() => i)
          yield* lock.acquire
        }))
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(waiter)
        yield* lock.release
      }))
      assert.isTrue(Exit.isSuccess(Effect.runSyncExit(lock.acquire)), `stuck after an interruption at operation ${k}`)
    }
  })

  it.effect("hands the lock over first-in first-out", () =>
    Effect.gen(function*() {
      const lock = new FifoLock()
      const order: Array<number> = []
      yield* lock.acquire
      const waiters = yield* Effect.forEach([1, 2, 3], (n) =>
        Effect.fork(
          Effect.zipRight(
            lock.acquire,
            Effect.sync(() => order.push(n))
          ).pipe(Effect.zipLeft(lock.release))
        ))
      yield* Effect.yieldNow()
      yield* lock.release
      yield* Effect.forEach(waiters, Fiber.join)
      assert.deepStrictEqual(order, [1, 2, 3])
    }))
})

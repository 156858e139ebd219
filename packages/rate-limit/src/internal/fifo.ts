import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"

/**
 * A strictly first-in-first-out mutex: ownership is handed to the oldest waiter on release, so a newcomer can never
 * overtake a queued fiber.
 *
 * @internal
 */
export class FifoLock {
  private locked = false
  private readonly queue: Array<Deferred.Deferred<void>> = []

  get busy(): boolean {
    return this.locked
  }

  // Uninterruptible from the push until the interruption handler is installed: an interruption in between would
  // leave a waiter in the queue that nobody awaits, and the lock would be handed to it, and lost, for good.
  readonly acquire: Effect.Effect<void> = Effect.uninterruptibleMask((restore) =>
    Effect.suspend(() => {
      if (!this.locked) {
        this.locked = true
        return Effect.void
      }
      const d = Deferred.unsafeMake<void>(FiberId.none)
      this.queue.push(d)
      return restore(Deferred.await(d)).pipe(
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            const i = this.queue.indexOf(d)
            if (i >= 0) this.queue.splice(i, 1)
            else this.unsafeRelease() // ownership had already been handed to us: pass it on
          })
        )
      )
    })
  )

  unsafeRelease(): void {
    const next = this.queue.shift()
    if (next === undefined) this.locked = false
    else Deferred.unsafeDone(next, Exit.void)
  }

  readonly release: Effect.Effect<void> = Effect.sync(() => this.unsafeRelease())
}

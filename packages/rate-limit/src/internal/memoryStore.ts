import type { RateLimitStore, TakeResult } from "../RateLimitStore.js"

/** The synchronous operations of a memory store. @internal */
export interface UnsafeMemoryOps {
  readonly take: (options: Parameters<RateLimitStore["take"]>[0]) => TakeResult
  readonly settle: (options: Parameters<RateLimitStore["settle"]>[0]) => void
  readonly tryAcquire: (key: string, leaseId: string, limit: number) => boolean
  readonly release: (key: string, leaseId: string) => void
}

/** Memory stores, by identity: what the limiter may call without an effect. @internal */
export const unsafeMemoryOps = new WeakMap<RateLimitStore, UnsafeMemoryOps>()

import {
  type BucketRule,
  type BucketState,
  msUntilFull,
  type RateDecision,
  takeTokens,
} from './token-bucket.js';

/**
 * Where per-address token buckets live. In memory for one node; a shared (Redis) implementation makes
 * the limits hold across nodes. Async like `PresenceStore`, and `take` must be atomic per key.
 */
export interface RateLimitStore {
  /** Takes `cost` tokens from the bucket `key` (created full under `rule`), or refuses and says how long to wait. */
  take(key: string, rule: BucketRule, now: number, cost?: number): Promise<RateDecision>;
}

/** How often the memory store forgets buckets that have refilled completely (they equal a fresh one). */
const SWEEP_EVERY_MS = 60_000;

/** Buckets for a single node. Each call runs to completion synchronously, so each is atomic. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, { state: BucketState; fullAt: number }>();
  private nextSweep = 0;

  async take(key: string, rule: BucketRule, now: number, cost = 1): Promise<RateDecision> {
    this.sweep(now);
    const { state, decision } = takeTokens(this.buckets.get(key)?.state, rule, now, cost);
    const missing = rule.capacity - state.tokens;
    this.buckets.set(key, { state, fullAt: now + (missing / rule.capacity) * msUntilFull(rule) });
    return decision;
  }

  /** Number of buckets held (for tests: idle ones are forgotten). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, bucket] of this.buckets) if (bucket.fullAt <= now) this.buckets.delete(key);
  }
}

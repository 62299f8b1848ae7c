/** A token bucket: up to `capacity` requests at once, then `refillPerSecond` on average. */
export interface BucketRule {
  capacity: number;
  refillPerSecond: number;
}

export interface BucketState {
  tokens: number;
  /** Clock time (ms) `tokens` was computed at. */
  updatedAt: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** The bucket's content at `now`: refilled since `updatedAt`, never above capacity. */
export function refilled(state: BucketState | undefined, rule: BucketRule, now: number): BucketState {
  if (!state) return { tokens: rule.capacity, updatedAt: now };
  const elapsed = Math.max(0, now - state.updatedAt);
  return {
    tokens: Math.min(rule.capacity, state.tokens + (elapsed / 1000) * rule.refillPerSecond),
    updatedAt: now,
  };
}

/**
 * Takes `cost` tokens if the bucket holds them. Pure: returns the next state and the decision; a refused
 * request takes nothing (so a client that backs off as told gets through when promised).
 */
export function takeTokens(
  state: BucketState | undefined,
  rule: BucketRule,
  now: number,
  cost = 1,
): { state: BucketState; decision: RateDecision } {
  const current = refilled(state, rule, now);
  if (current.tokens >= cost) {
    return { state: { ...current, tokens: current.tokens - cost }, decision: { allowed: true } };
  }
  const missing = cost - current.tokens;
  const retryAfterMs = rule.refillPerSecond > 0 ? Math.ceil((missing / rule.refillPerSecond) * 1000) : 0;
  return { state: current, decision: { allowed: false, retryAfterMs } };
}

/** Milliseconds after which an untouched bucket is full again (and can be forgotten). */
export const msUntilFull = (rule: BucketRule): number =>
  rule.refillPerSecond > 0
    ? Math.ceil((rule.capacity / rule.refillPerSecond) * 1000)
    : Number.POSITIVE_INFINITY;

/** Token buckets kept in this process: for per-connection limits, which only one node ever sees. */
export class LocalBuckets {
  private readonly buckets = new Map<string, BucketState>();

  take(key: string, rule: BucketRule, now: number, cost = 1): RateDecision {
    const { state, decision } = takeTokens(this.buckets.get(key), rule, now, cost);
    this.buckets.set(key, state);
    return decision;
  }
}

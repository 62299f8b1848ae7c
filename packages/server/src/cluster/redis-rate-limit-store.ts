import { LuaScript, type RedisCommander } from '../presence/redis-commander.js';
import type { RateLimitStore } from '../security/rate-limit-store.js';
import type { BucketRule, RateDecision } from '../security/token-bucket.js';

/**
 * The token bucket of `security/token-bucket.ts` (`takeTokens`), run inside Redis so that a limit per
 * address holds across nodes: a client cannot multiply its allowance by reaching several of them.
 * A bucket key expires once it would be full again, so idle addresses cost nothing.
 * KEYS: bucket. ARGV: capacity, refillPerSecond, now, cost. → {1} allowed | {0, retryAfterMs}.
 */
const TAKE = new LuaScript(`
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updatedAt')
local tokens = capacity
if state[1] then
  local elapsed = math.max(0, now - tonumber(state[2]))
  tokens = math.min(capacity, tonumber(state[1]) + elapsed / 1000 * refill)
end
local allowed = tokens >= cost
if allowed then tokens = tokens - cost end
-- %.17g round-trips a double exactly (tostring keeps 14 digits and would drift from takeTokens).
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updatedAt', ARGV[3])
if refill > 0 then
  redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / refill * 1000) + 1000)
end
if allowed then return {1} end
local retry = 0
if refill > 0 then retry = math.ceil((cost - tokens) / refill * 1000) end
return {0, retry}`);

export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: RedisCommander,
    private readonly prefix = 'kopru:',
  ) {}

  async take(key: string, rule: BucketRule, now: number, cost = 1): Promise<RateDecision> {
    const reply = await TAKE.run(
      this.redis,
      [`${this.prefix}bucket:${key}`],
      [String(rule.capacity), String(rule.refillPerSecond), String(now), String(cost)],
    );
    if (!Array.isArray(reply)) throw new Error(`unexpected Redis reply for a rate limit: ${String(reply)}`);
    return reply[0] === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Number(reply[1]) };
  }
}

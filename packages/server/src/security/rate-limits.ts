import { type ClientToServerEvents, LIMITS } from '@kopru/protocol';
import type { BucketRule } from './token-bucket.js';

export type KnownEvent = keyof ClientToServerEvents;

/** Every limit the server enforces on what clients send; `AppDeps.rateLimits` may override any of them. */
export interface RateLimits {
  /** Per connection and event name. `unknown` covers names the server does not know. */
  perEvent: Record<KnownEvent | 'unknown', BucketRule>;
  /** `room:join` attempts per client address, across its connections (shared between nodes). */
  joinsPerAddress: BucketRule;
  /** New rooms per client address: each keeps a small record (owner, password hash) for a while. */
  newRoomsPerAddress: BucketRule;
  /** Attempts with a password at a protected room: the brute-force brake, per connection and per address. */
  passwordPerConnection: BucketRule;
  passwordPerAddress: BucketRule;
  /** New pairing codes per client address (each is a live entry for two minutes). */
  pairCodesPerAddress: BucketRule;
  /** Pairing code claims per client address: with the per-code limit, the brake on guessing codes. */
  pairClaimsPerAddress: BucketRule;
  /** Open socket.io connections per client address on one node. */
  connectionsPerAddress: number;
}

/**
 * Bursts are sized from what a real client sends, with room to spare; the refill is its sustained rate.
 * - `signal`: opening a room of 32 sends each peer an offer, an answer and ~10 candidates at once
 *   (host, srflx and relay, UDP and TCP, per interface): a few hundred in a second, then nothing.
 * - `room:join`: one per (re)connect; a flaky network reconnects a few times a minute.
 * - `peer:update`: a rename or a status change (away/available/in a call) now and then.
 * - `ice:refresh`: once per credential lifetime (an hour by default).
 * Bursts are never below 20, so a client that retries a refused request a few times is not cut off.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perEvent: {
    'room:join': { capacity: 30, refillPerSecond: 1 },
    'nearby:join': { capacity: 30, refillPerSecond: 1 },
    // One per paired device at each (re)connect: a handful of devices, a few reconnects a minute.
    'devices:join': { capacity: 60, refillPerSecond: 2 },
    'pair:create': { capacity: 20, refillPerSecond: 0.2 },
    'pair:claim': { capacity: 20, refillPerSecond: 0.2 },
    'room:leave': { capacity: 30, refillPerSecond: 1 },
    'peer:update': { capacity: 30, refillPerSecond: 2 },
    signal: { capacity: 600, refillPerSecond: 100 },
    // Each accepted one costs a scrypt hash (only the owner's are accepted).
    'room:set-password': { capacity: 20, refillPerSecond: 0.5 },
    'ice:refresh': { capacity: 20, refillPerSecond: 0.1 },
    unknown: { capacity: 100, refillPerSecond: 5 },
  },
  // An office or a school behind one NAT address: many people, each joining now and then.
  joinsPerAddress: { capacity: 120, refillPerSecond: 4 },
  newRoomsPerAddress: { capacity: 60, refillPerSecond: 0.5 },
  // 5 quick tries (typos), then one every 10 s per connection; one every 3 s per address: ~1,200 guesses
  // an hour, against passwords that scrypt makes costly to test offline too.
  passwordPerConnection: { capacity: 5, refillPerSecond: 0.1 },
  passwordPerAddress: { capacity: 20, refillPerSecond: 1 / 3 },
  // Pairing is rare: a few codes in a row (one expired while looking for the phone), then one a minute.
  pairCodesPerAddress: { capacity: 10, refillPerSecond: 1 / 60 },
  // 10 quick tries (typos), then one every 10 s: a million codes are not guessed at that rate.
  pairClaimsPerAddress: { capacity: 10, refillPerSecond: 0.1 },
  connectionsPerAddress: 100,
};

/**
 * Largest accepted payload per event, in bytes of its JSON, checked before the schema. The schemas bound
 * every field already; this bounds the work of looking at a payload at all (a 256 KiB frame of junk for
 * an event that never needs 1 KiB). A name or password can take 6 JSON bytes per character (`\u0001`).
 */
export const PAYLOAD_CAPS: Record<KnownEvent | 'unknown', number> = {
  'room:join': 4 * 1024,
  'nearby:join': 4 * 1024,
  'devices:join': 4 * 1024,
  'pair:create': 1024,
  'pair:claim': 1024,
  'room:leave': 1024,
  'peer:update': 1024,
  signal: LIMITS.maxFrameBytes,
  'room:set-password': 4 * 1024,
  'ice:refresh': 1024,
  unknown: LIMITS.maxFrameBytes,
};

export function mergeRateLimits(overrides: Partial<RateLimits> | undefined): RateLimits {
  if (!overrides) return DEFAULT_RATE_LIMITS;
  return {
    ...DEFAULT_RATE_LIMITS,
    ...overrides,
    perEvent: { ...DEFAULT_RATE_LIMITS.perEvent, ...overrides.perEvent },
  };
}

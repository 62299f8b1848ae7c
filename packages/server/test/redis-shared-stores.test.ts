import { randomId } from '@kopru/protocol';
import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimitStore } from '../src/cluster/redis-rate-limit-store.js';
import { RedisRoomAccessStore } from '../src/cluster/redis-room-access-store.js';
import { MemoryRateLimitStore } from '../src/security/rate-limit-store.js';
import { MemoryRoomAccessStore, type RoomAccessStore } from '../src/security/room-access-store.js';
import { type BucketState, takeTokens } from '../src/security/token-bucket.js';
import { type RedisProcess, startRedis } from './support/redis-process.js';

let redis: RedisProcess;
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});

afterAll(async () => {
  await client?.quit();
  await redis?.close();
});

const accessStores: [string, () => RoomAccessStore][] = [
  ['memory', () => new MemoryRoomAccessStore()],
  ['redis', () => new RedisRoomAccessStore(client, `t${randomId(8)}:`)],
];

describe.each(accessStores)(
  'room access store (%s): the same behaviour on one node and across nodes',
  (_, make) => {
    it('keeps the first claimer as owner, touches on later claims, and keeps the password hash', async () => {
      const store = make();
      const roomId = randomId(16);

      expect(await store.setPasswordHash(roomId, 'hash-1')).toBe(false); // no record yet
      expect(await store.claim(roomId, 'owner', 1_000)).toEqual({ ownerPeerId: 'owner', touchedAt: 1_000 });
      expect(await store.setPasswordHash(roomId, 'hash-1')).toBe(true);
      expect(await store.claim(roomId, 'someone-else', 2_000)).toEqual({
        ownerPeerId: 'owner',
        touchedAt: 2_000,
        passwordHash: 'hash-1',
      });
      expect(await store.claim(roomId, 'late', 1_500)).toMatchObject({ touchedAt: 2_000 }); // never back in time
      expect(await store.setPasswordHash(roomId, undefined)).toBe(true);
      expect(await store.get(roomId)).toEqual({ ownerPeerId: 'owner', touchedAt: 2_000 });
    });

    it('forgets only rooms untouched since the cut-off, and lists them', async () => {
      const store = make();
      const [old, fresh] = [randomId(16), randomId(16)];
      await store.claim(old, 'a', 1_000);
      await store.claim(fresh, 'b', 5_000);

      expect(await store.untouchedSince(3_000, 10)).toEqual([old]);
      expect(await store.forget(fresh, 3_000)).toBe(false);
      expect(await store.forget(old, 3_000)).toBe(true);
      expect(await store.get(old)).toBeUndefined();
      expect(await store.untouchedSince(3_000, 10)).toEqual([]);
    });
  },
);

describe('RedisRateLimitStore', () => {
  it('decides exactly like the pure token bucket for any sequence of requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          capacity: fc.integer({ min: 1, max: 20 }),
          refillPerSecond: fc.integer({ min: 0, max: 50 }),
        }),
        fc.array(
          fc.record({ dt: fc.integer({ min: 0, max: 2_000 }), cost: fc.integer({ min: 1, max: 5 }) }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        async (rule, requests) => {
          const store = new RedisRateLimitStore(client, `t${randomId(8)}:`);
          let state: BucketState | undefined;
          let now = 1_000_000;
          for (const { dt, cost } of requests) {
            now += dt;
            const expected = takeTokens(state, rule, now, cost);
            state = expected.state;
            expect(await store.take('addr', rule, now, cost)).toEqual(expected.decision);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shares one bucket between nodes and forgets idle ones', async () => {
    const prefix = `t${randomId(8)}:`;
    const [node1, node2] = [new RedisRateLimitStore(client, prefix), new RedisRateLimitStore(client, prefix)];
    const rule = { capacity: 2, refillPerSecond: 1_000 };

    expect(await node1.take('198.18.0.1', rule, 0)).toEqual({ allowed: true });
    expect(await node2.take('198.18.0.1', rule, 0)).toEqual({ allowed: true });
    expect(await node1.take('198.18.0.1', rule, 0)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(await new MemoryRateLimitStore().take('198.18.0.1', rule, 0)).toEqual({ allowed: true });
    const ttl = Number(await client.sendCommand(['PTTL', `${prefix}bucket:198.18.0.1`]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_000);
  });
});

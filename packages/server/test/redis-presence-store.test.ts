import { type PeerInfo, randomId } from '@kopru/protocol';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPresenceStore } from '../src/presence/redis-store.js';
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

/** Two "nodes" sharing the test Redis under a prefix of their own, so tests never see each other's keys. */
function twoNodes(): { a: RedisPresenceStore; b: RedisPresenceStore; prefix: string } {
  const prefix = `t${randomId(8)}:`;
  return {
    a: new RedisPresenceStore(client, { nodeId: 'node-a', prefix }),
    b: new RedisPresenceStore(client, { nodeId: 'node-b', prefix }),
    prefix,
  };
}

let clock = 1_000;
const peer = (name: string): PeerInfo => ({
  peerId: randomId(),
  name,
  status: 'available',
  joinedAt: clock++,
});
const room = (): string => randomId(16);

describe('RedisPresenceStore', () => {
  it('shares one room between nodes: a join on one is listed on the other, in join order', async () => {
    const { a, b } = twoNodes();
    const roomId = room();
    const alice = peer('Alice');
    const bob = peer('Bob');

    const first = await a.join(roomId, { info: alice, connectionId: 'c1' }, 8);
    const second = await b.join(roomId, { info: bob, connectionId: 'c2' }, 8);

    expect(first).toEqual({ kind: 'joined', others: [] });
    expect(second).toEqual({ kind: 'joined', others: [alice] });
    expect(await a.list(roomId)).toEqual([alice, bob]);
    expect(await b.get(roomId, alice.peerId)).toEqual({ info: alice, connectionId: 'c1' });
    expect(await a.roomCount()).toBe(1);
  });

  it('lets exactly `capacity` peers in when many join at once through both nodes', async () => {
    const { a, b } = twoNodes();
    const roomId = room();
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? a : b).join(roomId, { info: peer(`P${i}`), connectionId: `c${i}` }, 5),
      ),
    );

    expect(outcomes.filter((o) => o.kind === 'joined')).toHaveLength(5);
    expect(outcomes.filter((o) => o.kind === 'full')).toHaveLength(7);
    expect(await a.list(roomId)).toHaveLength(5);
  });

  it('resumes a peer on another node; the old connection can no longer remove it', async () => {
    const { a, b } = twoNodes();
    const roomId = room();
    const alice = peer('Alice');
    await a.join(roomId, { info: alice, connectionId: 'old' }, 8);

    const resumed = await b.join(roomId, { info: { ...alice, name: 'Alice 2' }, connectionId: 'new' }, 8);
    const staleLeave = await a.leave(roomId, alice.peerId, 'old');

    expect(resumed).toEqual({ kind: 'resumed', others: [], previousConnectionId: 'old' });
    expect(staleLeave).toBeUndefined();
    expect(await a.get(roomId, alice.peerId)).toEqual({
      info: { ...alice, name: 'Alice 2' },
      connectionId: 'new',
    });
    expect(await b.leave(roomId, alice.peerId, 'new')).toEqual({ ...alice, name: 'Alice 2' });
    expect(await a.list(roomId)).toEqual([]);
    expect(await a.roomCount()).toBe(0);
  });

  it('updates name and status without losing concurrent updates', async () => {
    const { a, b } = twoNodes();
    const roomId = room();
    const alice = peer('Alice');
    await a.join(roomId, { info: alice, connectionId: 'c1' }, 8);

    await Promise.all([
      a.update(roomId, alice.peerId, { name: 'Alicia' }),
      b.update(roomId, alice.peerId, { status: 'away' }),
    ]);

    expect(await a.list(roomId)).toEqual([{ ...alice, name: 'Alicia', status: 'away' }]);
    expect(await a.update(roomId, randomId(), { name: 'Nobody' })).toBeUndefined();
  });

  it('sweeps the peers of a node that stopped heart-beating, except those that resumed elsewhere', async () => {
    const { a, b, prefix } = twoNodes();
    const roomId = room();
    const [alice, bob, carol] = [peer('Alice'), peer('Bob'), peer('Carol')];
    expect(await a.heartbeat()).toBe(false); // first registration
    await b.heartbeat();
    expect(await b.heartbeat()).toBe(true); // still registered
    await a.join(roomId, { info: alice, connectionId: 'a1' }, 8);
    await a.join(roomId, { info: bob, connectionId: 'a2' }, 8);
    await b.join(roomId, { info: carol, connectionId: 'b1' }, 8);
    await b.join(roomId, { info: bob, connectionId: 'b2' }, 8); // Bob moved to node b

    // Node a falls silent: its last heartbeat (Redis's clock, ms) is moved a minute into the past.
    await client.zIncrBy(`${prefix}nodes`, -60_000, 'node-a');
    await b.heartbeat();
    const swept = await b.sweepExpired(100);

    expect(swept).toEqual([{ roomId, peerId: alice.peerId }]);
    expect((await b.list(roomId)).map((p) => p.name)).toEqual(['Bob', 'Carol']);
    expect(await b.sweepExpired(100)).toEqual([]); // swept once only
    expect(await a.heartbeat()).toBe(false); // a learns it had been declared dead
  });

  it('retire removes what this node owns; owned lists it with its connection ids', async () => {
    const { a, b } = twoNodes();
    const roomId = room();
    const [alice, bob] = [peer('Alice'), peer('Bob')];
    await a.heartbeat();
    await a.join(roomId, { info: alice, connectionId: 'a1' }, 8);
    await b.join(roomId, { info: bob, connectionId: 'b1' }, 8);

    expect(await a.owned()).toEqual([{ roomId, peerId: alice.peerId, connectionId: 'a1' }]);
    expect(await a.retire()).toEqual([{ roomId, peerId: alice.peerId }]);
    expect(await a.owned()).toEqual([]);
    expect(await b.list(roomId)).toEqual([bob]);
  });

  it('keeps working after Redis forgets its scripts (as after a restart)', async () => {
    const { a } = twoNodes();
    const roomId = room();
    await a.join(roomId, { info: peer('Alice'), connectionId: 'c1' }, 8);
    await client.sendCommand(['SCRIPT', 'FLUSH']);

    const outcome = await a.join(roomId, { info: peer('Bob'), connectionId: 'c2' }, 8);

    expect(outcome.kind).toBe('joined');
    expect(await a.list(roomId)).toHaveLength(2);
  });
});

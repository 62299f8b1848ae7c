import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NodeLiveness, RECONCILE_GRACE_MS } from '../src/cluster/node-liveness.js';
import { Readiness } from '../src/ops/readiness.js';
import type { PresenceEntry } from '../src/presence/redis-store.js';

const TTL_MS = 3_000;

/** A presence store reduced to what liveness uses, with answers the test sets. */
class FakeStore {
  registered = true;
  expired: PresenceEntry[] = [];
  records: (PresenceEntry & { connectionId: string })[] = [];
  left: string[] = [];
  heartbeats = 0;
  async heartbeat(): Promise<boolean> {
    this.heartbeats++;
    const was = this.registered;
    this.registered = true;
    return was;
  }
  async sweepExpired(): Promise<PresenceEntry[]> {
    return this.expired.splice(0);
  }
  async owned() {
    return this.records;
  }
  async leave(roomId: string, peerId: string, connectionId: string) {
    const i = this.records.findIndex((r) => r.peerId === peerId && r.connectionId === connectionId);
    if (i < 0) return undefined;
    this.records.splice(i, 1);
    this.left.push(peerId);
    return { peerId, name: 'x', status: 'available' as const, joinedAt: 0, roomId };
  }
}

function setup() {
  const store = new FakeStore();
  const readiness = new Readiness();
  const announced: string[] = [];
  const drops: string[] = [];
  const local = new Set<string>();
  const liveness = new NodeLiveness({
    store,
    ttlMs: TTL_MS,
    readiness,
    logger: pino({ level: 'silent' }),
    announceLeft: (entry, reason) => announced.push(`${entry.peerId}:${reason}`),
    isLocalConnection: (id) => local.has(id),
    dropLocalClients: (why) => drops.push(why),
  });
  return { store, readiness, announced, drops, local, liveness };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('NodeLiveness', () => {
  it('is not ready until Redis is up and a heartbeat went through', async () => {
    const { readiness, liveness, store } = setup();
    liveness.start();
    expect(readiness.reasons).toEqual(['redis-unreachable']);

    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(0);

    expect(store.heartbeats).toBe(1);
    expect(readiness.ready).toBe(true);
    liveness.stop();
  });

  it('heart-beats three times per TTL and announces swept peers as expired', async () => {
    const { liveness, store, announced } = setup();
    liveness.start();
    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(0);
    store.expired = [{ roomId: 'room-1', peerId: 'gone' }];

    await vi.advanceTimersByTimeAsync(TTL_MS);

    expect(store.heartbeats).toBe(4);
    expect(announced).toEqual(['gone:expired']);
    liveness.stop();
  });

  it('on a Redis outage: not ready and clients dropped, once; ready again when it returns', async () => {
    const { liveness, readiness, drops } = setup();
    liveness.start();
    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(0);

    liveness.handleRedisDown();
    liveness.handleRedisDown();
    const during = readiness.ready;
    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(0);

    expect(during).toBe(false);
    expect(drops).toEqual(['redis unreachable']);
    expect(readiness.ready).toBe(true);
    liveness.stop();
  });

  it('drops its clients when it finds it was declared dead (or Redis lost its data)', async () => {
    const { liveness, store, drops } = setup();
    liveness.start();
    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(0);

    store.registered = false;
    await vi.advanceTimersByTimeAsync(TTL_MS / 3);

    expect(drops).toEqual(['presence expired']);
    liveness.stop();
  });

  it('after the grace, removes records it owns whose connection is gone, and tells their rooms', async () => {
    const { liveness, store, local, announced } = setup();
    store.records = [
      { roomId: 'room-1', peerId: 'stayed', connectionId: 'c-live' },
      { roomId: 'room-1', peerId: 'ghost', connectionId: 'c-dead' },
    ];
    local.add('c-live');
    liveness.start();
    liveness.handleRedisUp();

    await vi.advanceTimersByTimeAsync(RECONCILE_GRACE_MS - 1);
    const beforeGrace = [...store.left];
    await vi.advanceTimersByTimeAsync(1);

    expect(beforeGrace).toEqual([]);
    expect(store.left).toEqual(['ghost']);
    expect(announced).toEqual(['ghost:disconnected']);
    expect(store.records.map((r) => r.peerId)).toEqual(['stayed']);
    liveness.stop();
  });

  it('a failed leave schedules a reconciliation', async () => {
    const { liveness, store } = setup();
    liveness.start();
    liveness.handleRedisUp();
    await vi.advanceTimersByTimeAsync(RECONCILE_GRACE_MS);
    store.records = [{ roomId: 'room-1', peerId: 'ghost', connectionId: 'c-dead' }];

    liveness.handleFailedLeave();
    await vi.advanceTimersByTimeAsync(RECONCILE_GRACE_MS);

    expect(store.left).toEqual(['ghost']);
    liveness.stop();
  });
});

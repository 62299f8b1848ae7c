import type { PeerInfo } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DrainingPresenceStore } from '../src/presence/draining-store.js';
import { MemoryPresenceStore } from '../src/presence/memory-store.js';

const GRACE_MS = 3_000;
const alice: PeerInfo = { peerId: 'A'.repeat(22), name: 'Alice', status: 'available', joinedAt: 1 };
const ROOM = 'drain-room-1';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function withAlice() {
  const store = new DrainingPresenceStore(new MemoryPresenceStore(), GRACE_MS);
  await store.join(ROOM, { info: alice, connectionId: 'old' }, 8);
  return store;
}

describe('DrainingPresenceStore', () => {
  it('leaves at once while not draining', async () => {
    const store = await withAlice();
    expect(await store.leave(ROOM, alice.peerId, 'old')).toEqual(alice);
  });

  it('while draining, waits the grace before removing a peer that did not come back', async () => {
    const store = await withAlice();
    store.startDraining();

    const leaving = store.leave(ROOM, alice.peerId, 'old');
    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    const stillThere = await store.list(ROOM);
    await vi.advanceTimersByTimeAsync(1);

    expect(stillThere).toEqual([alice]);
    expect(await leaving).toEqual(alice);
    expect(await store.list(ROOM)).toEqual([]);
  });

  it('removes nothing when the peer resumed on a new connection within the grace', async () => {
    const store = await withAlice();
    store.startDraining();

    const leaving = store.leave(ROOM, alice.peerId, 'old');
    await store.join(ROOM, { info: alice, connectionId: 'new' }, 8); // back, elsewhere
    await vi.advanceTimersByTimeAsync(GRACE_MS);

    expect(await leaving).toBeUndefined();
    expect(await store.get(ROOM, alice.peerId)).toEqual({ info: alice, connectionId: 'new' });
  });

  it('flush() ends every grace now (the shutdown deadline) and settles', async () => {
    const store = await withAlice();
    store.startDraining();
    const leaving = store.leave(ROOM, alice.peerId, 'old');

    await store.flush();

    expect(await leaving).toEqual(alice);
    expect(await store.list(ROOM)).toEqual([]);
  });
});

import { LIMITS, peerInfoSchema } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, expectError, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

/** A fresh server with Alice, then Bob, joined in one room (`b`: Bob's join reply). */
async function aliceAndBobInOneRoom() {
  const server = await startServer();
  const roomId = newRoomId();
  const alice = await server.connect();
  const bob = await server.connect();
  await alice.join(roomId, 'Alice');
  const b = await bob.join(roomId, 'Bob');
  return { server, roomId, alice, bob, b };
}

describe('joining a room', () => {
  it('answers with the full snapshot: self, peers, session token, ICE servers, resumed=false', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const roomId = newRoomId();

    const reply = await alice.request('room:join', { roomId, name: 'Alice' });

    if (!reply.ok) return expect.fail(`join refused: ${reply.error.code}`);
    const { data } = reply;
    expect(data.roomId).toBe(roomId);
    expect(peerInfoSchema.parse(data.self)).toEqual(data.self);
    expect(data.self).toMatchObject({ name: 'Alice', status: 'available', joinedAt: server.clock.now() });
    expect(data.self.peerId).toHaveLength(LIMITS.peerIdLength);
    expect(data.peers).toEqual([]);
    expect(data.sessionToken).toMatch(/^v1\./);
    expect(data.iceServers).toEqual([{ urls: 'stun:stun.example.test:3478' }]);
    expect(data.resumed).toBe(false);
  });

  it('keeps the status given at join and trims the name', async () => {
    const server = await startServer();
    const alice = await server.connect();

    const joined = await alice.join(newRoomId(), '  Alice  ', { status: 'away' });

    expect(joined.self).toMatchObject({ name: 'Alice', status: 'away' });
  });

  it('gives every peer its own ICE servers (TURN credentials are per peer)', async () => {
    const server = await startServer({ iceServers: (peerId) => [{ urls: 'turn:t.test', username: peerId }] });
    const alice = await server.connect();

    const joined = await alice.join(newRoomId(), 'Alice');

    expect(joined.iceServers).toEqual([{ urls: 'turn:t.test', username: joined.self.peerId }]);
  });

  it('announces a second peer to the first, and lists the first in the second’s snapshot', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    const a = await alice.join(roomId, 'Alice');

    const b = await bob.join(roomId, 'Bob');

    expect(b.peers).toEqual([a.self]);
    expect(b.self.peerId).not.toBe(a.self.peerId);
    expect(await alice.events.waitFor('presence:joined')).toEqual({ peer: b.self });
    // The joiner is not told about itself.
    expect(bob.events.all('presence:joined')).toEqual([]);
  });

  it('keeps rooms apart: a join in another room is not announced here', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    const stranger = await server.connect();
    await alice.join(roomId, 'Alice');

    const elsewhere = await stranger.join(newRoomId(), 'Stranger');
    const b = await bob.join(roomId, 'Bob');

    expect(elsewhere.peers).toEqual([]);
    await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === b.self.peerId);
    expect(alice.events.all('presence:joined')).toEqual([{ peer: b.self }]);
  });

  it('refuses a second room on the same connection with ALREADY_IN_ROOM', async () => {
    const server = await startServer();
    const alice = await server.connect();
    await alice.join(newRoomId(), 'Alice');

    expectError(await alice.request('room:join', { roomId: newRoomId(), name: 'Alice' }), 'ALREADY_IN_ROOM');
  });
});

describe('leaving a room', () => {
  it('tells the others with reason "disconnected" when a peer’s connection closes', async () => {
    const { alice, bob, b } = await aliceAndBobInOneRoom();

    bob.socket.disconnect();

    expect(await alice.events.waitFor('presence:left')).toEqual({
      peerId: b.self.peerId,
      reason: 'disconnected',
    });
  });

  it('tells the others with reason "left" on room:leave, and the leaver keeps its connection', async () => {
    const { server, roomId, alice, bob, b } = await aliceAndBobInOneRoom();

    expect(await bob.request('room:leave', {})).toEqual({ ok: true, data: null });

    expect(await alice.events.waitFor('presence:left')).toEqual({ peerId: b.self.peerId, reason: 'left' });
    expect(bob.socket.connected).toBe(true);
    // Gone from the room: a newcomer's snapshot lists Alice only, and Bob is not told of the newcomer.
    const carol = await server.connect();
    const c = await carol.join(roomId, 'Carol');
    expect(c.peers.map((p) => p.name)).toEqual(['Alice']);
    await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === c.self.peerId);
    expect(bob.events.all('presence:joined')).toEqual([]);
  });

  it('reports "left" once: the later disconnect of a peer that left is not announced again', async () => {
    const { server, roomId, alice, bob, b } = await aliceAndBobInOneRoom();
    await bob.request('room:leave', {});
    await alice.events.waitFor('presence:left');

    bob.socket.disconnect();
    // Carol's arrival is sent after anything Bob's disconnect could have caused.
    const carol = await server.connect();
    const c = await carol.join(roomId, 'Carol');
    await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === c.self.peerId);

    expect(alice.events.all('presence:left')).toEqual([{ peerId: b.self.peerId, reason: 'left' }]);
  });

  it('can join again after leaving, as the same peer', async () => {
    const { roomId, alice, bob, b } = await aliceAndBobInOneRoom();
    await bob.request('room:leave', {});

    const again = await bob.join(roomId, 'Bob');

    expect(again.self.peerId).toBe(b.self.peerId);
    expect(again.peers.map((p) => p.name)).toEqual(['Alice']);
    await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === b.self.peerId);
  });

  it('answers room:leave and peer:update before any join with NOT_IN_ROOM', async () => {
    const server = await startServer();
    const alice = await server.connect();

    expectError(await alice.request('room:leave', {}), 'NOT_IN_ROOM');
    expectError(await alice.request('peer:update', { name: 'Alice' }), 'NOT_IN_ROOM');
  });
});

describe('room capacity', () => {
  it('refuses a join beyond roomCapacity with ROOM_FULL and leaves the room unchanged', async () => {
    const server = await startServer({ roomCapacity: 2 });
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    const carol = await server.connect();
    await alice.join(roomId, 'Alice');
    const b = await bob.join(roomId, 'Bob');
    await alice.events.waitFor('presence:joined');

    expectError(await carol.request('room:join', { roomId, name: 'Carol' }), 'ROOM_FULL');

    // Carol is not in the room: she may not relay into it, and she is not told when Bob leaves.
    expectError(
      await carol.request('signal', { to: b.self.peerId, data: { kind: 'reset', epoch: 1 } }),
      'NOT_IN_ROOM',
    );
    await bob.request('room:leave', {});
    await alice.events.waitFor('presence:left');
    expect(alice.events.names()).toEqual(['presence:joined', 'presence:left']);
    // Bob's place is free again; the snapshot shows the room as it was, minus Bob.
    const c = await carol.join(roomId, 'Carol');
    expect(c.peers.map((p) => p.name)).toEqual(['Alice']);
    expect(carol.events.names()).toEqual([]);
  });

  it('lets a peer resume its place in a full room', async () => {
    const server = await startServer({ roomCapacity: 2 });
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.join(roomId, 'Alice');
    const b = await bob.join(roomId, 'Bob');

    const bobAgain = await server.connect();
    const resumed = await bobAgain.join(roomId, 'Bob', { sessionToken: b.sessionToken });

    expect(resumed).toMatchObject({ resumed: true, self: { peerId: b.self.peerId } });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

const TTL_MS = 10 * 60 * 1000;

describe('resuming with a session token', () => {
  it('brings a reconnecting peer back under the same id, announced as a join', async () => {
    const server = await startServer({ sessionTtlMs: TTL_MS });
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.join(roomId, 'Alice');
    const first = await bob.join(roomId, 'Bob');
    bob.socket.disconnect();
    await alice.events.waitFor('presence:left');

    const bobAgain = await server.connect();
    const second = await bobAgain.join(roomId, 'Bob', { sessionToken: first.sessionToken });

    expect(second.self.peerId).toBe(first.self.peerId);
    expect(second.resumed).toBe(true);
    expect(second.peers.map((p) => p.name)).toEqual(['Alice']);
    expect(second.sessionToken).toMatch(/^v1\./);
    // The old presence was removed on disconnect, so the others see the peer arrive again.
    expect(await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === first.self.peerId)).toEqual(
      {
        peer: second.self,
      },
    );
  });

  it('accepts a token up to the TTL and issues a fresh one that extends the session', async () => {
    const server = await startServer({ sessionTtlMs: TTL_MS });
    const roomId = newRoomId();
    const first = await (await server.connect()).join(roomId, 'Bob');
    server.clock.advance(TTL_MS);

    const second = await (await server.connect()).join(roomId, 'Bob', { sessionToken: first.sessionToken });
    server.clock.advance(TTL_MS);
    const third = await (await server.connect()).join(roomId, 'Bob', { sessionToken: second.sessionToken });

    expect(second.self.peerId).toBe(first.self.peerId);
    expect(third.self.peerId).toBe(first.self.peerId);
    expect(third.resumed).toBe(true);
  });

  it('gives a new peer id for an expired token', async () => {
    const server = await startServer({ sessionTtlMs: TTL_MS });
    const roomId = newRoomId();
    const first = await (await server.connect()).join(roomId, 'Bob');
    server.clock.advance(TTL_MS + 1);

    const second = await (await server.connect()).join(roomId, 'Bob', { sessionToken: first.sessionToken });

    expect(second.self.peerId).not.toBe(first.self.peerId);
    expect(second.resumed).toBe(false);
  });

  it('gives a new peer id for a token issued in another room', async () => {
    const server = await startServer();
    const first = await (await server.connect()).join(newRoomId(), 'Bob');

    const second = await (await server.connect()).join(newRoomId(), 'Bob', {
      sessionToken: first.sessionToken,
    });

    expect(second.self.peerId).not.toBe(first.self.peerId);
    expect(second.resumed).toBe(false);
  });

  it('gives a new peer id for a token signed with another secret', async () => {
    const roomId = newRoomId();
    const elsewhere = await startServer({ sessionSecret: 'another-secret-that-is-at-least-32-chars' });
    const first = await (await elsewhere.connect()).join(roomId, 'Bob');
    const server = await startServer();

    const second = await (await server.connect()).join(roomId, 'Bob', { sessionToken: first.sessionToken });

    expect(second.self.peerId).not.toBe(first.self.peerId);
    expect(second.resumed).toBe(false);
  });

  it.each([
    ['a flipped signature character', (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')],
    // A later issue time would stretch the session; only the signature can catch it (it is within the skew).
    [
      'a later issue time',
      (t: string) =>
        t.replace(/\.(\d+)\.([^.]+)$/, (_m, at: string, mac: string) => `.${Number(at) + 1}.${mac}`),
    ],
    ['garbage', () => 'not-a-token'],
    ['an empty string', () => ''],
  ])('gives a new peer id for a token with %s', async (_label, tamper) => {
    const server = await startServer();
    const roomId = newRoomId();
    const first = await (await server.connect()).join(roomId, 'Bob');
    const tampered = tamper(first.sessionToken);
    expect(tampered).not.toBe(first.sessionToken);

    const second = await (await server.connect()).join(roomId, 'Bob', { sessionToken: tampered });

    expect(second.self.peerId).not.toBe(first.self.peerId);
    expect(second.resumed).toBe(false);
  });

  it('does not let a peer take over someone else’s id by editing its own token', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const alice = await server.connect();
    const mallory = await server.connect();
    const a = await alice.join(roomId, 'Alice');
    const m = await mallory.join(roomId, 'Mallory');
    const forged = m.sessionToken.replace(m.self.peerId, a.self.peerId);
    expect(forged).not.toBe(m.sessionToken);

    const intruder = await server.connect();
    const i = await intruder.join(roomId, 'Alice', { sessionToken: forged });

    expect(i.self.peerId).not.toBe(a.self.peerId);
    expect(i.resumed).toBe(false);
    expect(alice.events.all('session:ended')).toEqual([]);
    expect(alice.socket.connected).toBe(true);
  });
});

describe('a session replaced while its old connection is still open', () => {
  it('ends the old connection, shows the others an update, and keeps the resumed peer', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const alice = await server.connect();
    const oldBob = await server.connect();
    const a = await alice.join(roomId, 'Alice');
    const first = await oldBob.join(roomId, 'Bob');
    await alice.events.waitFor('presence:joined');
    server.clock.advance(5_000);

    const newBob = await server.connect();
    const second = await newBob.join(roomId, 'Bobby', { sessionToken: first.sessionToken });

    expect(second).toMatchObject({ resumed: true, peers: [a.self] });
    // Same person, same place in the room: the id and the time of first joining carry over.
    expect(second.self).toEqual({ ...first.self, name: 'Bobby' });
    expect(await oldBob.events.waitFor('session:ended')).toMatchObject({ reason: 'replaced' });
    expect(await oldBob.disconnected()).toBe('io server disconnect');
    expect(oldBob.events.names()).toEqual(['session:ended']);
    expect(await alice.events.waitFor('presence:updated')).toEqual({ peer: second.self, resumed: true });

    // Anything the old connection's disconnect caused reaches Alice before this relay does.
    const relayed = await newBob.request('signal', { to: a.self.peerId, data: { kind: 'reset', epoch: 7 } });
    expect(relayed.ok).toBe(true);
    await alice.events.waitFor('signal');
    expect(alice.events.names()).toEqual(['presence:joined', 'presence:updated', 'signal']);

    // Bob is still in the room, reachable on the new connection, and listed for newcomers.
    expect(
      await alice.request('signal', { to: first.self.peerId, data: { kind: 'reset', epoch: 8 } }),
    ).toEqual({
      ok: true,
      data: null,
    });
    expect(await newBob.events.waitFor('signal')).toEqual({
      from: a.self.peerId,
      data: { kind: 'reset', epoch: 8 },
    });
    const carol = await server.connect();
    const c = await carol.join(roomId, 'Carol');
    expect(c.peers).toEqual(expect.arrayContaining([a.self, second.self]));
    expect(c.peers).toHaveLength(2);
  });

  it('removes the resumed peer when the new connection closes', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const alice = await server.connect();
    const oldBob = await server.connect();
    await alice.join(roomId, 'Alice');
    const first = await oldBob.join(roomId, 'Bob');
    const newBob = await server.connect();
    await newBob.join(roomId, 'Bob', { sessionToken: first.sessionToken });
    await oldBob.disconnected();

    newBob.socket.disconnect();

    expect(await alice.events.waitFor('presence:left')).toEqual({
      peerId: first.self.peerId,
      reason: 'disconnected',
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { scryptHasher } from '../../src/security/password-hash.js';
import { MemoryRoomAccessStore } from '../../src/security/room-access-store.js';
import { closeAll, connectClient, expectError, newRoomId, startServer } from '../support/harness.js';

afterEach(closeAll);

/** Fast parameters: these tests are about the protocol, not scrypt's cost (see units.test.ts). */
const hasher = scryptHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });

async function protectedRoom(password = 'correct horse battery staple') {
  const roomAccess = new MemoryRoomAccessStore();
  const server = await startServer({ roomAccess, passwordHasher: hasher, trustProxy: 'loopback' });
  const roomId = newRoomId();
  const owner = await server.connect();
  const created = await owner.join(roomId, 'Owner');
  const set = await owner.request('room:set-password', { password });
  if (!set.ok) return expect.fail(set.error.message);
  return { server, roomId, owner, created, roomAccess, password };
}

describe('room password', () => {
  it('the first joiner owns the room; later ones do not', async () => {
    const server = await startServer({ passwordHasher: hasher });
    const roomId = newRoomId();
    const first = await server.connect();
    const second = await server.connect();
    expect((await first.join(roomId, 'First')).access).toEqual({ owner: true, passwordProtected: false });
    expect((await second.join(roomId, 'Second')).access).toEqual({ owner: false, passwordProtected: false });
    expectError(await second.request('room:set-password', { password: 'mine now' }), 'NOT_ROOM_OWNER');
  });

  it('keeps only a salted scrypt hash, and tells the others the room is now protected', async () => {
    const server = await startServer({ roomAccess: new MemoryRoomAccessStore(), passwordHasher: hasher });
    const roomId = newRoomId();
    const owner = await server.connect();
    const member = await server.connect();
    await owner.join(roomId, 'Owner');
    await member.join(roomId, 'Member');

    const reply = await owner.request('room:set-password', { password: 'correct horse' });
    expect(reply).toEqual({ ok: true, data: { owner: true, passwordProtected: true } });
    expect(await member.events.waitFor('room:access')).toEqual({ passwordProtected: true });
  });

  it('stores the hash, not the password', async () => {
    const { roomAccess, roomId, password } = await protectedRoom();
    const record = await roomAccess.get(roomId);
    expect(record?.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(record)).not.toContain(password);
    expect(await hasher.verify(password, record?.passwordHash ?? '')).toBe(true);
  });

  it('asks a newcomer for it, refuses a wrong one, admits the right one', async () => {
    const { server, roomId, owner, password } = await protectedRoom();
    const guest = await server.connect();

    expectError(await guest.request('room:join', { roomId, name: 'Guest' }), 'PASSWORD_REQUIRED');
    expectError(
      await guest.request('room:join', { roomId, name: 'Guest', password: 'guess' }),
      'WRONG_PASSWORD',
    );
    const joined = await guest.join(roomId, 'Guest', { password });
    expect(joined.access).toEqual({ owner: false, passwordProtected: true });
    // Nobody saw the refused attempts: the owner's first event is the real join.
    await owner.events.waitFor('presence:joined');
    expect(owner.events.all('presence:joined')).toEqual([{ peer: joined.self }]);
  });

  it('lets members already in the room, and ones coming back with their session token, stay without it', async () => {
    const server = await startServer({ passwordHasher: hasher });
    const roomId = newRoomId();
    const owner = await server.connect();
    const member = await server.connect();
    await owner.join(roomId, 'Owner');
    const before = await member.join(roomId, 'Member');
    await owner.request('room:set-password', { password: 'set after joining' });

    // A re-join on the same connection (a rename) and a reconnect with the token both pass.
    expect((await member.join(roomId, 'Member renamed')).self.peerId).toBe(before.self.peerId);
    member.socket.disconnect();
    const back = await server.connect();
    const resumed = await back.join(roomId, 'Member', { sessionToken: before.sessionToken });
    expect(resumed.resumed).toBe(true);
    expect(resumed.self.peerId).toBe(before.self.peerId);
  });

  it('does not let a peer id from another room skip the password', async () => {
    const { server, roomId } = await protectedRoom();
    const wanderer = await server.connect();
    const elsewhere = await wanderer.join(newRoomId(), 'Wanderer');
    await wanderer.request('room:leave', {});
    expectError(await wanderer.request('room:join', { roomId, name: 'Wanderer' }), 'PASSWORD_REQUIRED');
    expectError(
      await wanderer.request('room:join', { roomId, name: 'W', sessionToken: elsewhere.sessionToken }),
      'PASSWORD_REQUIRED',
    );
  });

  it('can be removed by the owner', async () => {
    const { server, roomId, owner } = await protectedRoom();
    expect(await owner.request('room:set-password', { password: null })).toEqual({
      ok: true,
      data: { owner: true, passwordProtected: false },
    });
    const guest = await server.connect();
    expect((await guest.join(roomId, 'Guest')).access?.passwordProtected).toBe(false);
  });

  it('brakes brute force per connection: after 5 quick guesses, even the right password waits', async () => {
    const { server, roomId, password } = await protectedRoom();
    const guesser = await server.connect();
    for (let i = 0; i < 5; i += 1) {
      expectError(
        await guesser.request('room:join', { roomId, name: 'G', password: `guess ${i}` }),
        'WRONG_PASSWORD',
      );
    }
    const limited = await guesser.request('room:join', { roomId, name: 'G', password });
    expectError(limited, 'RATE_LIMITED');
    expect(limited.ok ? 0 : limited.error.retryAfterMs).toBeGreaterThan(0);

    // Another address is not affected.
    const other = await connectClient(server.url, { extraHeaders: { 'x-forwarded-for': '198.51.100.20' } });
    expect((await other.join(roomId, 'Other', { password })).access?.passwordProtected).toBe(true);
  });

  it('brakes brute force per address across connections', async () => {
    const { server, roomId, password } = await protectedRoom();
    const headers = { extraHeaders: { 'x-forwarded-for': '203.0.113.77' } };
    const replies = [];
    // 5 connections × 5 guesses: the address allows 20 before its brake.
    for (let c = 0; c < 5; c += 1) {
      const guesser = await connectClient(server.url, headers);
      for (let i = 0; i < 5; i += 1) {
        replies.push(await guesser.request('room:join', { roomId, name: 'G', password: `guess ${c}.${i}` }));
      }
    }
    const codes = replies.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.slice(0, 20)).toEqual(Array(20).fill('WRONG_PASSWORD'));
    expect(codes.slice(20)).toEqual(Array(5).fill('RATE_LIMITED'));
    const fresh = await connectClient(server.url, headers);
    expectError(await fresh.request('room:join', { roomId, name: 'G', password }), 'RATE_LIMITED');
  });

  it('survives everyone leaving for a moment: the room keeps its owner and password', async () => {
    const { server, roomId, owner, created, password } = await protectedRoom();
    owner.socket.disconnect();
    const stranger = await server.connect();
    expectError(await stranger.request('room:join', { roomId, name: 'Stranger' }), 'PASSWORD_REQUIRED');
    const back = await server.connect();
    const resumed = await back.join(roomId, 'Owner', { sessionToken: created.sessionToken });
    expect(resumed.access).toEqual({ owner: true, passwordProtected: true });
    expect((await stranger.join(roomId, 'Stranger', { password })).access?.owner).toBe(false);
  });

  it('is forgotten when the room stayed empty longer than the session lifetime', async () => {
    const { server, roomId, owner } = await protectedRoom();
    owner.socket.disconnect();
    await owner.disconnected();
    server.clock.advance(server.deps.sessionTtlMs + 1);
    const next = await server.connect();
    // Wait for the server to have processed the owner's disconnect (presence is empty).
    await expect.poll(async () => (await server.deps.presence.list(roomId)).length).toBe(0);
    expect((await next.join(roomId, 'Next')).access).toEqual({ owner: true, passwordProtected: false });
  });
});

import type { NearbyJoinReply, SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceKindOf, nearbyKeyOf, nearbyNetworkOf } from '../src/socket/nearby.js';
import {
  closeAll,
  connectClient,
  expectError,
  newRoomId,
  startServer,
  type TestClient,
  type TestServer,
} from './support/harness.js';

afterEach(closeAll);

const RESET: SignalData = { kind: 'reset', epoch: 1 };
const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

async function nearbyJoin(client: TestClient, name: string): Promise<NearbyJoinReply> {
  const reply = await client.request('nearby:join', { name });
  if (!reply.ok) return expect.fail(`nearby join refused: ${reply.error.code} ${reply.error.message}`);
  return reply.data;
}

/** A client whose address, behind the test's trusted proxy (loopback), is `address`. */
const behindProxy = (server: TestServer, address: string, userAgent?: string) =>
  connectClient(server.url, {
    extraHeaders: { 'x-forwarded-for': address, ...(userAgent ? { 'user-agent': userAgent } : {}) },
  });

describe('Nearby groups', () => {
  it('shows clients behind the same address to each other, and not to another address', async () => {
    const server = await startServer({ trustProxy: 'loopback' });
    const alice = await behindProxy(server, '203.0.113.7');
    const bob = await behindProxy(server, '203.0.113.7', PHONE_UA);
    const carol = await behindProxy(server, '198.51.100.20');

    const a = await nearbyJoin(alice, 'Alice');
    server.clock.advance(1);
    const b = await nearbyJoin(bob, 'Bob');
    const c = await nearbyJoin(carol, 'Carol');

    expect(a.peers).toEqual([]);
    expect(b.peers).toEqual([a.self]);
    expect(b.self).toMatchObject({ name: 'Bob', device: 'phone' });
    expect(a.self.device).toBe('computer');
    expect(await alice.events.waitFor('presence:joined')).toEqual({ peer: b.self });
    expect(c.peers).toEqual([]);
    // Everything Carol's join could have sent Alice would have arrived before this reply.
    await alice.request('peer:update', { status: 'away' });
    expect(alice.events.all('presence:joined')).toEqual([{ peer: b.self }]);
    expect(carol.events.all('presence:joined')).toEqual([]);
    // The group is known by a keyed hash of the network: no reply carries the address.
    expect(JSON.stringify(b)).not.toContain('203.0.113.7');
  });

  it('ignores a forged X-Forwarded-For from a client the server does not trust as a proxy', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const forger = await connectClient(server.url, { extraHeaders: { 'x-forwarded-for': '198.51.100.20' } });

    const a = await nearbyJoin(alice, 'Alice');
    const f = await nearbyJoin(forger, 'Forger');

    // Both are 127.0.0.1 to this server, whatever the header says.
    expect(f.peers).toEqual([a.self]);
  });

  it('groups IPv6 clients by /64', () => {
    expect(nearbyNetworkOf('2001:db8:1:2:aaaa::1')).toBe(nearbyNetworkOf('2001:db8:1:2:bbbb:cccc:dddd:2'));
    expect(nearbyNetworkOf('2001:db8:1:2::1')).not.toBe(nearbyNetworkOf('2001:db8:1:3::1'));
    expect(nearbyNetworkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(nearbyNetworkOf('203.0.113.7')).toBe('203.0.113.7');
    expect(nearbyKeyOf('s'.repeat(32), '203.0.113.7')).not.toBe(nearbyKeyOf('s'.repeat(32), '203.0.113.8'));
    expect(nearbyKeyOf('s'.repeat(32), '203.0.113.7')).not.toContain('203');
  });

  it('puts IPv6 neighbours behind a trusted proxy in one group, another /64 in none of it', async () => {
    const server = await startServer({ trustProxy: 'loopback' });
    const one = await behindProxy(server, '2001:db8:5:6::10');
    const two = await behindProxy(server, '2001:db8:5:6:1234::99');
    const other = await behindProxy(server, '2001:db8:5:7::10');

    const first = await nearbyJoin(one, 'One');
    expect((await nearbyJoin(two, 'Two')).peers).toEqual([first.self]);
    expect((await nearbyJoin(other, 'Other')).peers).toEqual([]);
  });

  it('tells device kinds apart coarsely from the User-Agent', () => {
    expect(deviceKindOf(PHONE_UA)).toBe('phone');
    expect(
      deviceKindOf(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
      ),
    ).toBe('phone');
    expect(deviceKindOf('Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15')).toBe('tablet');
    expect(deviceKindOf('Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/126.0')).toBe(
      'tablet',
    );
    expect(deviceKindOf('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0')).toBe('computer');
    expect(deviceKindOf(undefined)).toBe('computer');
  });

  it('announces a leaving device to the group', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const bob = await server.connect();
    await nearbyJoin(alice, 'Alice');
    const b = await nearbyJoin(bob, 'Bob');

    bob.socket.disconnect();

    expect(await alice.events.waitFor('presence:left')).toEqual({
      peerId: b.self.peerId,
      reason: 'disconnected',
    });
  });

  it('refuses nearby:join with NEARBY_OFF when Nearby is off, and rooms still work', async () => {
    const server = await startServer({ nearby: { enabled: false, max: 50 } });
    const alice = await server.connect();

    expectError(await alice.request('nearby:join', { name: 'Alice' }), 'NEARBY_OFF');
    await alice.join(newRoomId(), 'Alice');
  });

  it('keeps the NEARBY_MAX most recent devices: the longest-present one is let go and told why', async () => {
    const server = await startServer({ nearby: { enabled: true, max: 2 } });
    const [first, second, third] = [await server.connect(), await server.connect(), await server.connect()];
    const one = await nearbyJoin(first, 'First');
    server.clock.advance(1_000);
    const two = await nearbyJoin(second, 'Second');
    server.clock.advance(1_000);

    const three = await nearbyJoin(third, 'Third');

    expect(three.peers).toEqual([two.self]);
    expect(await first.events.waitFor('session:ended')).toMatchObject({ reason: 'crowded' });
    expect(await first.disconnected()).toBe('io server disconnect');
    expect(await second.events.waitFor('presence:left')).toEqual({ peerId: one.self.peerId, reason: 'left' });
    expect(await second.events.waitFor('presence:joined')).toEqual({ peer: three.self });
  });

  it('does not let a room join reach a Nearby group, nor a connection be in both', async () => {
    const server = await startServer();
    const alice = await server.connect();
    await nearbyJoin(alice, 'Alice');

    expectError(await alice.request('room:join', { roomId: newRoomId(), name: 'Alice' }), 'ALREADY_IN_ROOM');
    // Group keys contain ':', which no room id may.
    expectError(
      await alice.request('room:join', { roomId: nearbyKeyOf('x'.repeat(32), '127.0.0.1'), name: 'A' }),
      'INVALID_PAYLOAD',
    );
  });

  it('brings a reconnecting device back as the same peer with its token', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const first = await nearbyJoin(alice, 'Alice');
    alice.socket.disconnect();
    const again = await server.connect();

    const reply = await again.request('nearby:join', { name: 'Alice', sessionToken: first.sessionToken });

    if (!reply.ok) return expect.fail(reply.error.message);
    expect(reply.data.self.peerId).toBe(first.self.peerId);
  });
});

describe('signals between nearby devices', () => {
  it('are relayed while both are present, and refused once the addressee has left', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const bob = await server.connect();
    const a = await nearbyJoin(alice, 'Alice');
    const b = await nearbyJoin(bob, 'Bob');

    expect(await alice.request('signal', { to: b.self.peerId, data: RESET })).toEqual({
      ok: true,
      data: null,
    });
    expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data: RESET });

    expect(await bob.request('room:leave', {})).toEqual({ ok: true, data: null });
    expectError(await alice.request('signal', { to: b.self.peerId, data: RESET }), 'PEER_NOT_FOUND');
    // Having left, Bob cannot signal Alice either.
    expectError(await bob.request('signal', { to: a.self.peerId, data: RESET }), 'NOT_IN_ROOM');
  });

  it('never cross from another address, or from a room, into a Nearby group', async () => {
    const server = await startServer({ trustProxy: 'loopback' });
    const alice = await behindProxy(server, '203.0.113.7');
    const stranger = await behindProxy(server, '198.51.100.20');
    const roomPeer = await behindProxy(server, '203.0.113.7');
    const a = await nearbyJoin(alice, 'Alice');
    await nearbyJoin(stranger, 'Stranger');
    await roomPeer.join(newRoomId(), 'In a room');

    expectError(await stranger.request('signal', { to: a.self.peerId, data: RESET }), 'PEER_NOT_FOUND');
    expectError(await roomPeer.request('signal', { to: a.self.peerId, data: RESET }), 'PEER_NOT_FOUND');
    await alice.request('peer:update', { status: 'away' });
    expect(alice.events.all('signal')).toEqual([]);
  });
});

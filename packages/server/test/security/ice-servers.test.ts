import { afterEach, describe, expect, it } from 'vitest';
import { createIceServerProvider } from '../../src/security/turn-credentials.js';
import { closeAll, expectError, FakeClock, newRoomId, startServer } from '../support/harness.js';

afterEach(closeAll);

const SECRET = 'ice-servers-test-secret';
const TTL = 3600;

async function turnServer() {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const iceServers = createIceServerProvider(
    { stunUrls: [], turnUrls: ['turn:127.0.0.1:3478?transport=udp'], turnSecret: SECRET, turnTtl: TTL },
    clock,
  );
  const server = await startServer({ clock, iceServers, iceServersTtl: TTL });
  return { server, clock };
}

const expiryOf = (servers: { username?: string | undefined }[]): number =>
  Number(servers.find((s) => s.username)?.username?.split(':')[0]);

describe('ICE servers', () => {
  it('come only in the join reply, with their lifetime, never from an open HTTP endpoint', async () => {
    const { server } = await turnServer();
    const alice = await server.connect();
    const joined = await alice.join(newRoomId(), 'Alice');

    const turn = joined.iceServers.find((s) => s.username);
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${joined.self.peerId}$`));
    expect(joined.iceServersTtl).toBe(TTL);

    for (const route of ['/', '/healthz', '/readyz', '/metrics', '/r/abcdefgh', '/ice', '/api/ice-servers']) {
      const body = await (await fetch(`${server.url}${route}`, { redirect: 'manual' })).text();
      expect(body).not.toContain(turn?.credential ?? '(none)');
      expect(body).not.toContain(`:${joined.self.peerId}`);
    }
  });

  it('are refreshed only for a joined peer', async () => {
    const { server } = await turnServer();
    const stranger = await server.connect();

    expectError(await stranger.request('ice:refresh', {}), 'NOT_IN_ROOM');

    const roomId = newRoomId();
    await stranger.join(roomId, 'Stranger');
    await stranger.request('room:leave', {});
    expectError(await stranger.request('ice:refresh', {}), 'NOT_IN_ROOM');
  });

  it('are never issued expired: a refresh an hour and a half later carries a fresh expiry', async () => {
    const { server, clock } = await turnServer();
    const alice = await server.connect();
    const joined = await alice.join(newRoomId(), 'Alice');
    const first = expiryOf(joined.iceServers);
    expect(first).toBe(clock.now() / 1000 + TTL);

    clock.advance(90 * 60_000);
    const reply = await alice.request('ice:refresh', {});
    if (!reply.ok) return expect.fail(reply.error.message);

    const second = expiryOf(reply.data.iceServers);
    expect(second * 1000).toBeGreaterThan(clock.now());
    expect(second).toBe(first + 90 * 60);
    expect(reply.data.iceServersTtl).toBe(TTL);
  });

  it('are empty and without a lifetime when the server has none configured', async () => {
    const server = await startServer({
      iceServers: createIceServerProvider(
        { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtl: TTL },
        new FakeClock(),
      ),
    });
    const alice = await server.connect();
    const joined = await alice.join(newRoomId(), 'Alice');
    expect(joined.iceServers).toEqual([]);
    expect(joined.iceServersTtl).toBeUndefined();
    expect(joined.relayOnlyDefault).toBe(false);
  });

  it('tell clients the relay-only default the operator chose', async () => {
    const server = await startServer({ relayOnlyDefault: true });
    const alice = await server.connect();
    expect((await alice.join(newRoomId(), 'Alice')).relayOnlyDefault).toBe(true);
  });
});

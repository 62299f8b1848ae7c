import { Writable } from 'node:stream';
import type { SignalData } from '@kopru/protocol';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS } from '../../src/security/from-config.js';
import { scryptHasher } from '../../src/security/password-hash.js';
import { DEFAULT_RATE_LIMITS } from '../../src/security/rate-limits.js';
import { createIceServerProvider } from '../../src/security/turn-credentials.js';
import {
  closeAll,
  connectClient,
  expectError,
  FakeClock,
  newRoomId,
  startServer,
} from '../support/harness.js';

afterEach(closeAll);

const RESET: SignalData = { kind: 'reset', epoch: 1 };

/** Resolves with the `{ code, message }` a refused connection gets in `connect_error`. */
async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as { data?: unknown }).data;
  }
  return expect.fail('the connection was accepted');
}

describe('rate limits', () => {
  it('throttles a flood from one connection while another, in the same room, is unaffected', async () => {
    const server = await startServer();
    const roomId = newRoomId();
    const flooder = await server.connect();
    const calm = await server.connect();
    const target = await server.connect();
    const f = await flooder.join(roomId, 'Flooder');
    const c = await calm.join(roomId, 'Calm');
    const t = await target.join(roomId, 'Target');

    // The burst and a fifth more: enough to be refused, few enough to stay quick on a loaded machine (2000
    // requests once outlasted the test's timeout there).
    const floodSize = DEFAULT_RATE_LIMITS.perEvent.signal.capacity + 200;
    const flood = Array.from({ length: floodSize }, () =>
      flooder.request('signal', { to: t.self.peerId, data: RESET }),
    );
    const calmReplies = [];
    for (let i = 0; i < 20; i += 1)
      calmReplies.push(await calm.request('signal', { to: t.self.peerId, data: RESET }));
    const floodReplies = await Promise.all(flood);

    const allowed = floodReplies.filter((r) => r.ok).length;
    const limited = floodReplies.filter((r) => !r.ok && r.error.code === 'RATE_LIMITED');
    // Exactly the burst: the test clock stands still, so nothing refills meanwhile.
    expect(allowed).toBe(DEFAULT_RATE_LIMITS.perEvent.signal.capacity);
    expect(limited.length).toBe(floodSize - allowed);
    expect(limited[0]?.ok === false && limited[0].error.retryAfterMs).toBeGreaterThan(0);
    expect(calmReplies.every((r) => r.ok)).toBe(true);
    // The calm peer's signals all reached the target.
    await expect
      .poll(() => target.events.all('signal').filter((s) => s.from === c.self.peerId).length)
      .toBe(20);
    expect(target.events.all('signal').filter((s) => s.from === f.self.peerId).length).toBe(allowed);
  });

  it('lets a throttled connection through again once it waited as told', async () => {
    const server = await startServer({
      rateLimits: {
        perEvent: { ...DEFAULT_RATE_LIMITS.perEvent, 'peer:update': { capacity: 2, refillPerSecond: 1 } },
      },
    });
    const alice = await server.connect();
    await alice.join(newRoomId(), 'Alice');
    await alice.request('peer:update', { status: 'away' });
    await alice.request('peer:update', { status: 'available' });
    const refused = await alice.request('peer:update', { status: 'away' });
    expectError(refused, 'RATE_LIMITED');
    server.clock.advance(refused.ok ? 0 : (refused.error.retryAfterMs ?? 0));
    expect((await alice.request('peer:update', { status: 'away' })).ok).toBe(true);
  });

  it('limits unknown events too', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const replies = await Promise.all(
      Array.from({ length: DEFAULT_RATE_LIMITS.perEvent.unknown.capacity + 10 }, () =>
        alice.rawRequest('nope', {}),
      ),
    );
    const codes = new Set(replies.map((r) => (r.ok ? 'ok' : r.error.code)));
    expect(codes).toEqual(new Set(['INVALID_PAYLOAD', 'RATE_LIMITED']));
  });

  it('limits joins per address across connections', async () => {
    const server = await startServer({
      trustProxy: 'loopback',
      rateLimits: { joinsPerAddress: { capacity: 3, refillPerSecond: 0.01 } },
    });
    const roomId = newRoomId();
    const from = (address: string) =>
      connectClient(server.url, { extraHeaders: { 'x-forwarded-for': address } });
    for (let i = 0; i < 3; i += 1) await (await from('203.0.113.1')).join(roomId, `P${i}`);
    expectError(
      await (await from('203.0.113.1')).request('room:join', { roomId, name: 'P3' }),
      'RATE_LIMITED',
    );
    await (await from('203.0.113.2')).join(roomId, 'Elsewhere');
  });

  it('limits new rooms per address', async () => {
    const server = await startServer({
      rateLimits: { newRoomsPerAddress: { capacity: 2, refillPerSecond: 0.01 } },
    });
    const make = async () =>
      (await server.connect()).request('room:join', { roomId: newRoomId(), name: 'Maker' });
    expect((await make()).ok).toBe(true);
    expect((await make()).ok).toBe(true);
    expectError(await make(), 'RATE_LIMITED');
  });
});

describe('payload caps', () => {
  it('refuses an oversized payload for its event with PAYLOAD_TOO_LARGE, before looking at it', async () => {
    const server = await startServer();
    const alice = await server.connect();
    const a = await alice.join(newRoomId(), 'Alice');
    expectError(await alice.rawRequest('peer:update', { name: 'x'.repeat(2000) }), 'PAYLOAD_TOO_LARGE');
    expectError(
      await alice.rawRequest('room:join', { roomId: a.roomId, name: 'A', junk: 'x'.repeat(5000) }),
      'PAYLOAD_TOO_LARGE',
    );
    expectError(await alice.rawRequest('ice:refresh', { junk: 'x'.repeat(2000) }), 'PAYLOAD_TOO_LARGE');
    // A signal may be large (an SDP of 32 KiB characters): it is checked by its schema instead.
    expectError(
      await alice.rawRequest('signal', {
        to: a.self.peerId,
        data: { kind: 'description', epoch: 1, description: { type: 'offer', sdp: 'x'.repeat(40_000) } },
      }),
      'INVALID_PAYLOAD',
    );
  });
});

describe('connections', () => {
  it('refuses pages from other origins, and accepts our own and configured ones', async () => {
    const server = await startServer({ allowedOrigins: ['https://app.example'] });
    const host = `127.0.0.1:${server.port}`;
    expect(
      await refusal(connectClient(server.url, { extraHeaders: { origin: 'https://evil.example' } })),
    ).toEqual({
      code: 'ORIGIN_NOT_ALLOWED',
      message: expect.any(String),
    });
    await connectClient(server.url, { extraHeaders: { origin: `http://${host}` } });
    await connectClient(server.url, { extraHeaders: { origin: 'https://app.example' } });
  });

  it('caps open connections per address and frees a place when one closes', async () => {
    const server = await startServer({ trustProxy: 'loopback', rateLimits: { connectionsPerAddress: 3 } });
    const headers = { extraHeaders: { 'x-forwarded-for': '198.51.100.9' } };
    const open = [];
    for (let i = 0; i < 3; i += 1) open.push(await connectClient(server.url, headers));
    expect(await refusal(connectClient(server.url, headers))).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });
    await connectClient(server.url, { extraHeaders: { 'x-forwarded-for': '198.51.100.10' } });
    open[0]?.socket.disconnect();
    await expect
      .poll(
        async () =>
          await connectClient(server.url, headers).then(
            () => 'ok',
            () => 'refused',
          ),
      )
      .toBe('ok');
  });
});

describe('logs', () => {
  it('never carry passwords, session tokens, TURN credentials or secrets, even at trace level', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: LOG_REDACT_PATHS }, sink);
    const secret = 'turn-secret-that-must-not-leak';
    const clock = new FakeClock();
    const server = await startServer({
      logger,
      clock,
      passwordHasher: scryptHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 }),
      iceServers: createIceServerProvider(
        { stunUrls: [], turnUrls: ['turn:127.0.0.1:3478'], turnSecret: secret, turnTtl: 600 },
        clock,
      ),
    });
    const roomId = newRoomId();
    const owner = await server.connect();
    const guest = await server.connect();
    const o = await owner.join(roomId, 'Owner');
    await owner.request('room:set-password', { password: 'hunter2-password' });
    await guest.request('room:join', { roomId, name: 'Guest', password: 'wrong-password-guess' });
    const g = await guest.join(roomId, 'Guest', { password: 'hunter2-password' });
    await guest.request('ice:refresh', {});
    await guest.request('signal', { to: o.self.peerId, data: RESET });
    // What a careless handler might log is redacted too.
    logger.info({ request: { password: 'hunter2-password', sessionToken: g.sessionToken } }, 'probe');

    expect(output).toContain('peer joined');
    expect(output).toContain('probe');
    for (const leak of [
      'hunter2-password',
      'wrong-password-guess',
      secret,
      o.sessionToken,
      g.sessionToken,
      ...o.iceServers.flatMap((s) => (s.credential ? [s.credential] : [])),
    ]) {
      expect(output).not.toContain(leak);
    }
  });
});

import { randomId, type SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/security/rate-limits.js';
import { closeAll, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

const RESET = (epoch: number): SignalData => ({ kind: 'reset', epoch });

/** Alice and Bob in one room; the app's way of signalling: `signal` with no acknowledgement. */
async function aliceAndBob(overrides: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer(overrides);
  const roomId = newRoomId();
  const alice = await server.connect();
  const bob = await server.connect();
  const a = await alice.join(roomId, 'Alice');
  const b = await bob.join(roomId, 'Bob');
  return { server, alice, bob, a, b };
}

describe('signals without an acknowledgement', () => {
  it('are relayed in order, stamped with the sender, and answered with nothing', async () => {
    const { alice, bob, a, b } = await aliceAndBob();

    for (const epoch of [1, 2, 3]) alice.rawEmit('signal', { to: b.self.peerId, data: RESET(epoch) });

    await bob.events.waitFor('signal', (s) => s.data.epoch === 3);
    expect(bob.events.all('signal')).toEqual(
      [1, 2, 3].map((epoch) => ({ from: a.self.peerId, data: RESET(epoch) })),
    );
    // A request with an acknowledgement after them is answered after them: had they been refused, the
    // refusals would have arrived first.
    expect(await alice.request('peer:update', { status: 'away' })).toMatchObject({ ok: true });
    expect(alice.events.names()).not.toContain('signal:failed');
  });

  it('are refused with a signal:failed event naming the addressee: unknown peer, oneself', async () => {
    const { alice, bob, a } = await aliceAndBob();
    const stranger = randomId();

    alice.rawEmit('signal', { to: stranger, data: RESET(1) });
    alice.rawEmit('signal', { to: a.self.peerId, data: RESET(2) });

    await expect.poll(() => alice.events.all('signal:failed').length).toBe(2);
    // In either order: the check against oneself needs no presence lookup, so its refusal may come first.
    expect(alice.events.all('signal:failed')).toEqual(
      expect.arrayContaining([
        { to: stranger, error: { code: 'PEER_NOT_FOUND', message: expect.any(String) } },
        { to: a.self.peerId, error: { code: 'PEER_NOT_FOUND', message: expect.any(String) } },
      ]),
    );
    expect(bob.events.all('signal')).toEqual([]);
  });

  it('are refused as INVALID_PAYLOAD when malformed, with the addressee only when it is a valid id', async () => {
    const { alice, bob, b } = await aliceAndBob();

    alice.rawEmit('signal', { to: b.self.peerId, data: { kind: 'nonsense' } });
    alice.rawEmit('signal', { to: 42, data: RESET(1) });
    alice.rawEmit('signal', null);
    alice.rawEmit('signal');
    alice.rawEmit('signal', { to: b.self.peerId, data: RESET(2) }, 'extra');

    await expect.poll(() => alice.events.all('signal:failed').length).toBe(5);
    const failures = alice.events.all('signal:failed');
    expect(failures.map((f) => f.error.code)).toEqual(Array(5).fill('INVALID_PAYLOAD'));
    expect(failures.map((f) => f.to)).toEqual([
      b.self.peerId,
      undefined,
      undefined,
      undefined,
      b.self.peerId,
    ]);
    expect(bob.events.all('signal')).toEqual([]);
  });

  it('before joining are refused with NOT_IN_ROOM', async () => {
    const server = await startServer();
    const loner = await server.connect();
    const someone = randomId();

    loner.rawEmit('signal', { to: someone, data: RESET(1) });

    expect(await loner.events.waitFor('signal:failed')).toEqual({
      to: someone,
      error: { code: 'NOT_IN_ROOM', message: expect.any(String) },
    });
  });

  it('past the rate limit are refused with RATE_LIMITED and a retry delay, and not relayed', async () => {
    const capacity = 3;
    const { alice, bob, b } = await aliceAndBob({
      rateLimits: { perEvent: { ...DEFAULT_RATE_LIMITS.perEvent, signal: { capacity, refillPerSecond: 1 } } },
    });

    for (const epoch of [1, 2, 3, 4, 5]) alice.rawEmit('signal', { to: b.self.peerId, data: RESET(epoch) });

    await expect.poll(() => alice.events.all('signal:failed').length).toBe(2);
    const failures = alice.events.all('signal:failed');
    expect(failures.map((f) => [f.to, f.error.code])).toEqual([
      [b.self.peerId, 'RATE_LIMITED'],
      [b.self.peerId, 'RATE_LIMITED'],
    ]);
    expect(failures[0]?.error.retryAfterMs).toBeGreaterThan(0);
    await bob.events.waitFor('signal', (s) => s.data.epoch === capacity);
    expect(bob.events.all('signal').map((s) => s.data.epoch)).toEqual([1, 2, 3]);
  });
});

import { type Ack, ERROR_CODES, type SignalData } from '@kopru/protocol';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { scryptHasher } from '../../src/security/password-hash.js';
import { DEFAULT_RATE_LIMITS, type RateLimits } from '../../src/security/rate-limits.js';
import { closeAll, newRoomId, startServer, type TestClient } from '../support/harness.js';

afterEach(closeAll);

/** The fuzz is about malformed input, not the limits (limits.test.ts): give it room to reach the handlers. */
const UNLIMITED = { capacity: 1e9, refillPerSecond: 1e9 };
const generous: Partial<RateLimits> = {
  perEvent: Object.fromEntries(
    Object.keys(DEFAULT_RATE_LIMITS.perEvent).map((name) => [name, UNLIMITED]),
  ) as RateLimits['perEvent'],
  joinsPerAddress: UNLIMITED,
  newRoomsPerAddress: UNLIMITED,
  passwordPerConnection: UNLIMITED,
  passwordPerAddress: UNLIMITED,
};

const BATCHES = 200;
const BATCH_SIZE = 70;
const KNOWN = [
  'room:join',
  'room:leave',
  'peer:update',
  'signal',
  'room:set-password',
  'ice:refresh',
] as const;
/** socket.io-client refuses to emit these; the server closes a connection that sends them (documented). */
const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

function arbitraries(roomId: string, peerIds: string[]) {
  const peerId = fc.oneof(fc.constantFrom(...peerIds), fc.string({ maxLength: 30 }));
  const room = fc.oneof(
    fc.constant(roomId),
    fc.stringMatching(/^[A-Za-z0-9_-]{6,20}$/),
    fc.string({ maxLength: 80 }),
  );
  const sdp = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constant(
      'v=0\r\na=fingerprint:sha-256 AB:CD:EF\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n',
    ),
  );
  const epoch = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string());
  const signalData = fc.oneof(
    fc.record({ kind: fc.constant('reset'), epoch }),
    fc.record({
      kind: fc.constant('description'),
      epoch,
      description: fc.record({ type: fc.constantFrom('offer', 'answer', 'bogus'), sdp }),
    }),
    fc.record({
      kind: fc.constant('candidate'),
      epoch,
      candidate: fc.option(
        fc.record({ candidate: fc.string({ maxLength: 100 }), sdpMLineIndex: fc.integer() }),
      ),
    }),
    fc.anything(),
  );
  const shaped = {
    'room:join': fc.record(
      {
        roomId: room,
        name: fc.string({ maxLength: 40 }),
        status: fc.string(),
        sessionToken: fc.string(),
        password: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    ),
    'room:leave': fc.oneof(fc.constant({}), fc.object()),
    'peer:update': fc.record(
      { name: fc.oneof(fc.string(), fc.anything()), status: fc.constantFrom('away', 'available', 'busy', 7) },
      { requiredKeys: [] },
    ),
    signal: fc.record({ to: peerId, data: signalData }, { requiredKeys: [] }),
    'room:set-password': fc.record(
      { password: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null), fc.anything()) },
      { requiredKeys: [] },
    ),
    'ice:refresh': fc.oneof(fc.constant({}), fc.anything()),
  };
  const event = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...KNOWN).chain((name) => fc.tuple(fc.constant<string>(name), shaped[name])),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constantFrom<string>(...KNOWN),
        fc.anything({ withBigInt: false, withTypedArray: true }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.string({ maxLength: 50 }).filter((n) => !RESERVED.has(n)),
        fc.anything(),
      ),
    },
  );
  // How the arguments go on the wire: one payload and an ack (the normal case), none, several, or no ack.
  const shape = fc.constantFrom('payload', 'payload', 'payload', 'none', 'extra', 'no-ack');
  return fc.record({ event, shape });
}

function isWellFormedAck(reply: unknown): boolean {
  const r = reply as Ack<unknown>;
  if (r?.ok === true) return 'data' in r;
  return (
    r?.ok === false &&
    (ERROR_CODES as readonly string[]).includes(r.error?.code) &&
    typeof r.error.message === 'string'
  );
}

describe('fuzz', () => {
  it(`answers each of ${BATCHES * BATCH_SIZE} random and malformed events with a well-formed reply; well-behaved peers keep working`, async () => {
    const server = await startServer({
      rateLimits: generous,
      passwordHasher: scryptHasher({ N: 2 ** 4, r: 1, p: 1, keyLength: 16, saltLength: 8 }),
    });
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    const a = await alice.join(roomId, 'Alice');
    const b = await bob.join(roomId, 'Bob');
    const fuzzers: TestClient[] = [];
    for (let i = 0; i < 4; i += 1) fuzzers.push(await server.connect());

    const stats = { sent: 0, unacknowledged: 0, answered: 0, errors: new Map<string, number>(), ok: 0 };
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitraries(roomId, [a.self.peerId, b.self.peerId]), {
          minLength: BATCH_SIZE,
          maxLength: BATCH_SIZE,
        }),
        async (batch) => {
          round += 1;
          const replies = batch.map(({ event: [name, payload], shape }, i) => {
            const fuzzer = fuzzers[i % fuzzers.length] as TestClient;
            stats.sent += 1;
            if (shape === 'no-ack') {
              stats.unacknowledged += 1;
              fuzzer.rawEmit(name, payload);
              return undefined;
            }
            const args = shape === 'none' ? [] : shape === 'extra' ? [payload, 'extra'] : [payload];
            return fuzzer.rawRequest(name, ...args);
          });
          // Meanwhile the well-behaved pair keeps talking through the server.
          const probe: SignalData = { kind: 'reset', epoch: round };
          const relayed = bob.events.waitFor(
            'signal',
            (s) => s.from === a.self.peerId && s.data.epoch === round,
          );
          expect(await alice.request('signal', { to: b.self.peerId, data: probe })).toEqual({
            ok: true,
            data: null,
          });
          expect(await relayed).toEqual({ from: a.self.peerId, data: probe });
          for (const reply of await Promise.all(replies)) {
            if (reply === undefined) continue;
            expect(isWellFormedAck(reply), JSON.stringify(reply)).toBe(true);
            stats.answered += 1;
            if (reply.ok) stats.ok += 1;
            else stats.errors.set(reply.error.code, (stats.errors.get(reply.error.code) ?? 0) + 1);
          }
        },
      ),
      { numRuns: BATCHES, seed: 20261125, endOnFailure: true },
    );

    // Every request that carried an acknowledgement was answered; the others are ignored (documented).
    expect(stats.answered).toBe(stats.sent - stats.unacknowledged);
    expect(stats.answered).toBeGreaterThanOrEqual(10_000);
    // Mostly refusals, as malformed input should get; every fuzzer stayed connected.
    expect(stats.errors.get('INVALID_PAYLOAD') ?? 0).toBeGreaterThan(stats.answered / 2);
    expect(fuzzers.every((f) => f.socket.connected)).toBe(true);
    // Presence is intact for the pair.
    expect((await server.deps.presence.list(roomId)).map((p) => p.peerId)).toEqual(
      expect.arrayContaining([a.self.peerId, b.self.peerId]),
    );
    expect(await bob.request('peer:update', { status: 'away' })).toMatchObject({ ok: true });
  }, 90_000);
});

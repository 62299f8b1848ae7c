import { type ClientToServerEvents, randomId, type SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { PAYLOAD_CAPS } from '../src/security/rate-limits.js';
import { closeAll, expectError, newRoomId, startServer, type TestServer } from './support/harness.js';

afterEach(closeAll);

const RESET: SignalData = { kind: 'reset', epoch: 1 };

/** Wrong in ways that apply to every event: not an object at all, or an object far too big. */
const GENERIC_BAD: unknown[] = [
  null,
  0,
  42,
  -1,
  true,
  '',
  'room:join',
  'x'.repeat(60_000),
  [],
  [1, 2, 3],
  new Uint8Array([1, 2, 3]),
];

/** Wrong in ways that only make sense for one event: missing fields, wrong types, out-of-range values. */
const SPECIFIC_BAD: Record<keyof ClientToServerEvents, (to: string) => unknown[]> = {
  'room:join': () => [
    {},
    { roomId: newRoomId() },
    { name: 'Alice' },
    { roomId: 12345678, name: 'Alice' },
    { roomId: 'short', name: 'Alice' },
    { roomId: 'x'.repeat(65), name: 'Alice' },
    { roomId: '../../etc/passwd', name: 'Alice' },
    { roomId: 'room with spaces', name: 'Alice' },
    { roomId: newRoomId(), name: ['Alice'] },
    { roomId: newRoomId(), name: 'x'.repeat(60_000) },
    { roomId: newRoomId(), name: 'Alice', status: 'gone' },
    { roomId: newRoomId(), name: 'Alice', sessionToken: 42 },
    { roomId: newRoomId(), name: 'Alice', sessionToken: 'x'.repeat(257) },
    { roomId: null, name: null },
  ],
  'nearby:join': () => [
    {},
    { name: '' },
    { name: ['Alice'] },
    { name: 'x'.repeat(60_000) },
    { name: 'Alice', status: 'gone' },
    { name: 'Alice', sessionToken: 42 },
    { name: 'Alice\u202e' },
  ],
  'devices:join': () => [
    { name: 'Alice' },
    { name: 'Alice', rendezvous: '' },
    { name: 'Alice', rendezvous: 'x'.repeat(42) },
    { name: 'Alice', rendezvous: `${'x'.repeat(42)}:` },
    { name: 'Alice', rendezvous: 42 },
    { rendezvous: 'x'.repeat(43) },
  ],
  'pair:create': () => [{ code: '123456' }, { rendezvous: 'x'.repeat(43) }],
  'pair:claim': () => [
    {},
    { code: 123456 },
    { code: '12345' },
    { code: '1234567' },
    { code: '12345a' },
    { code: ' 123456' },
  ],
  'room:leave': () => [{ reason: 'bye' }, { roomId: newRoomId() }],
  'peer:update': () => [{}, { name: null }, { name: '' }, { status: 3 }, { name: 'A', status: 'gone' }],
  signal: (to) => [
    {},
    { to },
    { data: RESET },
    { to: 42, data: RESET },
    { to: 'not-a-peer-id', data: RESET },
    { to: [to], data: RESET },
    { to, data: null },
    { to, data: 'offer' },
    { to, data: { kind: 'bogus', epoch: 1 } },
    { to, data: { kind: 'reset' } },
    { to, data: { kind: 'reset', epoch: -1 } },
    { to, data: { kind: 'reset', epoch: 1.5 } },
    { to, data: { kind: 'reset', epoch: '1' } },
    { to, data: { kind: 'reset', epoch: Number.MAX_SAFE_INTEGER + 2 } },
    { to, data: { kind: 'description', epoch: 1 } },
    { to, data: { kind: 'description', epoch: 1, description: { type: 'bogus', sdp: '' } } },
    { to, data: { kind: 'description', epoch: 1, description: { type: 'offer', sdp: 7 } } },
    { to, data: { kind: 'candidate', epoch: 1, candidate: 'candidate:1 1 udp 1 192.0.2.1 1 typ host' } },
    { to, data: { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', sdpMLineIndex: -1 } } },
    { to, data: { kind: 'candidate', epoch: 1, candidate: { candidate: 'c', sdpMid: 'm'.repeat(65) } } },
  ],
  'room:set-password': () => [
    {},
    { password: 42 },
    { password: '' },
    { password: 'x'.repeat(257) },
    { password: ['secret'] },
    { password: 'secret', extra: true },
  ],
  'ice:refresh': () => [{ again: true }, { iceServers: [] }],
};

/** Payloads past the event's size cap are refused as too large before their shape is looked at. */
const expectedCode = (event: keyof ClientToServerEvents, payload: unknown): string =>
  Buffer.byteLength(JSON.stringify(payload) ?? '') > PAYLOAD_CAPS[event]
    ? 'PAYLOAD_TOO_LARGE'
    : 'INVALID_PAYLOAD';

const EVENTS = Object.keys(SPECIFIC_BAD) as (keyof ClientToServerEvents)[];

/** A room with an observer, and a peer (`subject`) that sends the bad input: joined, or not, as asked. */
async function roomWithSubject(joinSubject: boolean) {
  const server = await startServer();
  const roomId = newRoomId();
  const observer = await server.connect();
  const subject = await server.connect();
  const o = await observer.join(roomId, 'Observer');
  const s = joinSubject ? await subject.join(roomId, 'Subject') : undefined;
  if (s) await observer.events.waitFor('presence:joined');
  return { server, roomId, observer, subject, o, s };
}

/** Proves the server still works end to end: a fresh pair joins a fresh room and relays a signal. */
async function expectServerStillServes(server: TestServer): Promise<void> {
  const roomId = newRoomId();
  const first = await server.connect();
  const second = await server.connect();
  const one = await first.join(roomId, 'First');
  const two = await second.join(roomId, 'Second');
  expect(two.peers).toEqual([one.self]);
  expect(await first.request('signal', { to: two.self.peerId, data: RESET })).toEqual({
    ok: true,
    data: null,
  });
  expect(await second.events.waitFor('signal')).toEqual({ from: one.self.peerId, data: RESET });
}

describe('malformed payloads', () => {
  it.each(EVENTS)('answers every malformed %s with INVALID_PAYLOAD and changes nothing', async (event) => {
    const { server, subject, observer, o } = await roomWithSubject(event !== 'room:join');

    for (const payload of [...GENERIC_BAD, ...SPECIFIC_BAD[event](o.self.peerId)]) {
      const reply = await subject.rawRequest(event, payload);
      expectError(reply, expectedCode(event, payload));
    }

    expect(subject.socket.connected).toBe(true);
    // Anything the bad input made the server send the observer arrives before the observer's own reply.
    await observer.request('peer:update', { status: 'away' });
    expect(observer.events.names()).toEqual(event === 'room:join' ? [] : ['presence:joined']);
    await expectServerStillServes(server);
  });

  it('does not let a "__proto__" key reach the object prototype', async () => {
    const { subject, o } = await roomWithSubject(true);
    const polluting = (fields: string) => JSON.parse(`{"__proto__":{"polluted":"yes"},${fields}}`) as unknown;

    await subject.rawRequest('peer:update', polluting('"name":"Subject"'));
    await subject.rawRequest(
      'signal',
      polluting(`"to":"${o.self.peerId}","data":{"kind":"reset","epoch":1}`),
    );

    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('wrong arity and missing acknowledgements', () => {
  it.each(EVENTS)('answers %s with no payload, or extra arguments, with INVALID_PAYLOAD', async (event) => {
    const { server, subject, observer, o } = await roomWithSubject(event !== 'room:join');
    const valid: Record<keyof ClientToServerEvents, unknown> = {
      'room:join': { roomId: newRoomId(), name: 'Subject' },
      'nearby:join': { name: 'Subject' },
      'devices:join': { name: 'Subject', rendezvous: 'r'.repeat(43) },
      'pair:create': {},
      'pair:claim': { code: '123456' },
      'room:leave': {},
      'peer:update': { name: 'Renamed' },
      signal: { to: o.self.peerId, data: RESET },
      'room:set-password': { password: null },
      'ice:refresh': {},
    };

    expectError(await subject.rawRequest(event), 'INVALID_PAYLOAD');
    expectError(await subject.rawRequest(event, valid[event], 'extra'), 'INVALID_PAYLOAD');
    expectError(await subject.rawRequest(event, valid[event], { more: true }, 3), 'INVALID_PAYLOAD');

    await observer.request('peer:update', { status: 'away' });
    expect(observer.events.names()).toEqual(event === 'room:join' ? [] : ['presence:joined']);
    await expectServerStillServes(server);
  });

  it('ignores a join without an acknowledgement: the peer does not enter the room', async () => {
    const { server, roomId, observer } = await roomWithSubject(false);
    const latecomer = await server.connect();

    latecomer.rawEmit('room:join', { roomId, name: 'Ghost' });
    const real = await latecomer.join(roomId, 'Real');

    await observer.events.waitFor('presence:joined');
    expect(observer.events.all('presence:joined')).toEqual([{ peer: real.self }]);
    expect(real.resumed).toBe(false);
  });

  it('ignores requests without an acknowledgement from a joined peer (signals aside): no rename, no leave', async () => {
    const { subject, observer, o, s } = await roomWithSubject(true);
    if (!s) return expect.fail('subject did not join');

    subject.rawEmit('peer:update', { name: 'Renamed' });
    subject.rawEmit('room:leave', {});
    const probe: SignalData = { kind: 'reset', epoch: 2 };
    expect(await subject.request('signal', { to: o.self.peerId, data: probe })).toEqual({
      ok: true,
      data: null,
    });

    await observer.events.waitFor('signal');
    expect(observer.events.names()).toEqual(['presence:joined', 'signal']);
    expect(observer.events.all('signal')).toEqual([{ from: s.self.peerId, data: probe }]);
  });
});

describe('unknown events', () => {
  const names = [
    'room:jion',
    'presence:joined',
    'session:ended',
    'nope',
    '',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'toString',
    'x'.repeat(10_000),
  ];

  it.each(names.map((n) => [n.length > 40 ? `${n.slice(0, 10)}…` : JSON.stringify(n), n]))(
    'answers %s with INVALID_PAYLOAD',
    async (_label, name) => {
      const { server, subject, observer } = await roomWithSubject(true);

      const message = expectError(await subject.rawRequest(name, { anything: 1 }), 'INVALID_PAYLOAD');
      subject.rawEmit(name, { without: 'ack' });

      expect(message).toContain('unknown event');
      await observer.request('peer:update', { status: 'away' });
      expect(observer.events.names()).toEqual(['presence:joined']);
      expect(subject.socket.connected).toBe(true);
      await expectServerStillServes(server);
    },
  );

  it('answers a numeric event name with INVALID_PAYLOAD', async () => {
    const { server, subject } = await roomWithSubject(false);

    expectError(await subject.rawRequest(42 as unknown as string, {}), 'INVALID_PAYLOAD');

    await expectServerStillServes(server);
  });

  it('keeps serving after a burst of unknown events with random names', async () => {
    const { server, subject } = await roomWithSubject(true);

    const replies = await Promise.all(
      Array.from({ length: 50 }, () => subject.rawRequest(randomId(12), { n: Math.random() })),
    );

    for (const reply of replies) expectError(reply, 'INVALID_PAYLOAD');
    await expectServerStillServes(server);
  });
});

import { LIMITS, randomId, type SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, expectError, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

const OFFER: SignalData = {
  kind: 'description',
  epoch: 1,
  description: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' },
};

async function threePeers() {
  const server = await startServer();
  const roomId = newRoomId();
  const alice = await server.connect();
  const bob = await server.connect();
  const carol = await server.connect();
  const a = await alice.join(roomId, 'Alice');
  const b = await bob.join(roomId, 'Bob');
  const c = await carol.join(roomId, 'Carol');
  return { server, roomId, alice, bob, carol, a, b, c };
}

describe('signal relay', () => {
  it('delivers to the addressee only, stamped with the sender’s peer id', async () => {
    const { alice, bob, carol, a, b, c } = await threePeers();

    expect(await alice.request('signal', { to: b.self.peerId, data: OFFER })).toEqual({
      ok: true,
      data: null,
    });

    expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data: OFFER });
    // Carol gets only the signal sent to her afterwards, not Alice's offer to Bob.
    const probe: SignalData = { kind: 'reset', epoch: 99 };
    await bob.request('signal', { to: c.self.peerId, data: probe });
    await carol.events.waitFor('signal');
    expect(carol.events.all('signal')).toEqual([{ from: b.self.peerId, data: probe }]);
    expect(alice.events.all('signal')).toEqual([]);
  });

  it.each<[string, SignalData]>([
    ['an answer', { kind: 'description', epoch: 3, description: { type: 'answer', sdp: 'v=0\r\n' } }],
    ['a rollback', { kind: 'description', epoch: 3, description: { type: 'rollback', sdp: '' } }],
    [
      'a candidate',
      {
        kind: 'candidate',
        epoch: 3,
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      },
    ],
    ['the end of candidates', { kind: 'candidate', epoch: 3, candidate: null }],
    ['a reset', { kind: 'reset', epoch: 4 }],
  ])('relays %s unchanged', async (_label, data) => {
    const { alice, bob, a, b } = await threePeers();

    expect((await alice.request('signal', { to: b.self.peerId, data })).ok).toBe(true);

    expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data });
  });

  it('keeps the order of signals from one sender', async () => {
    const { alice, bob, b } = await threePeers();
    const epochs = [1, 2, 3, 4, 5, 6, 7, 8];

    await Promise.all(
      epochs.map((epoch) => alice.request('signal', { to: b.self.peerId, data: { kind: 'reset', epoch } })),
    );
    await bob.events.waitFor('signal', (s) => s.data.epoch === 8);

    expect(bob.events.all('signal').map((s) => s.data.epoch)).toEqual(epochs);
  });

  it('ignores a forged `from` in the payload', async () => {
    const { alice, bob, a, b, c } = await threePeers();

    const reply = await alice.rawRequest('signal', { to: b.self.peerId, from: c.self.peerId, data: OFFER });

    expect(reply).toEqual({ ok: true, data: null });
    expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data: OFFER });
  });

  it('refuses a relay to a peer in another room with PEER_NOT_FOUND, and delivers nothing', async () => {
    const { server, alice } = await threePeers();
    const otherRoom = newRoomId();
    const dave = await server.connect();
    const erin = await server.connect();
    const d = await dave.join(otherRoom, 'Dave');
    const e = await erin.join(otherRoom, 'Erin');

    expectError(await alice.request('signal', { to: d.self.peerId, data: OFFER }), 'PEER_NOT_FOUND');

    const probe: SignalData = { kind: 'reset', epoch: 42 };
    await erin.request('signal', { to: d.self.peerId, data: probe });
    await dave.events.waitFor('signal');
    expect(dave.events.all('signal')).toEqual([{ from: e.self.peerId, data: probe }]);
  });

  it('refuses a relay to an unknown peer id with PEER_NOT_FOUND', async () => {
    const { alice } = await threePeers();

    expectError(await alice.request('signal', { to: randomId(), data: OFFER }), 'PEER_NOT_FOUND');
  });

  it('refuses a relay to oneself with PEER_NOT_FOUND', async () => {
    const { alice, a } = await threePeers();

    expectError(await alice.request('signal', { to: a.self.peerId, data: OFFER }), 'PEER_NOT_FOUND');
    // A relay would have been sent before the reply, on the same connection.
    expect(alice.events.all('signal')).toEqual([]);
  });

  it('refuses a relay to a peer that has left with PEER_NOT_FOUND', async () => {
    const { alice, bob, b } = await threePeers();
    await bob.request('room:leave', {});

    expectError(await alice.request('signal', { to: b.self.peerId, data: OFFER }), 'PEER_NOT_FOUND');
  });

  it('refuses a relay before joining with NOT_IN_ROOM', async () => {
    const { server, bob, b, c, carol } = await threePeers();
    const outsider = await server.connect();

    expectError(await outsider.request('signal', { to: b.self.peerId, data: OFFER }), 'NOT_IN_ROOM');

    const probe: SignalData = { kind: 'reset', epoch: 5 };
    await carol.request('signal', { to: b.self.peerId, data: probe });
    await bob.events.waitFor('signal');
    expect(bob.events.all('signal')).toEqual([{ from: c.self.peerId, data: probe }]);
  });

  it('refuses an SDP longer than LIMITS.sdpMax with INVALID_PAYLOAD, and accepts one of exactly that size', async () => {
    const { alice, bob, a, b } = await threePeers();
    const description = (sdp: string): SignalData => ({
      kind: 'description',
      epoch: 1,
      description: { type: 'offer', sdp },
    });

    const tooLong = await alice.request('signal', {
      to: b.self.peerId,
      data: description('a'.repeat(LIMITS.sdpMax + 1)),
    });
    const longest = await alice.request('signal', {
      to: b.self.peerId,
      data: description('b'.repeat(LIMITS.sdpMax)),
    });

    expectError(tooLong, 'INVALID_PAYLOAD');
    expect(longest).toEqual({ ok: true, data: null });
    await bob.events.waitFor('signal');
    expect(bob.events.all('signal')).toEqual([
      { from: a.self.peerId, data: description('b'.repeat(LIMITS.sdpMax)) },
    ]);
  });

  it('refuses a candidate longer than LIMITS.candidateMax with INVALID_PAYLOAD', async () => {
    const { alice, b } = await threePeers();

    const reply = await alice.request('signal', {
      to: b.self.peerId,
      data: { kind: 'candidate', epoch: 1, candidate: { candidate: 'c'.repeat(LIMITS.candidateMax + 1) } },
    });

    expectError(reply, 'INVALID_PAYLOAD');
  });
});

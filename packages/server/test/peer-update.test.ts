import { LIMITS } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, expectError, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

async function twoPeers() {
  const server = await startServer();
  const roomId = newRoomId();
  const alice = await server.connect();
  const bob = await server.connect();
  const a = await alice.join(roomId, 'Alice');
  const b = await bob.join(roomId, 'Bob');
  await alice.events.waitFor('presence:joined');
  return { server, roomId, alice, bob, a, b };
}

describe('peer:update', () => {
  it('renames: answers with the updated PeerInfo and shows it to the others', async () => {
    const { alice, bob, a } = await twoPeers();

    const reply = await alice.request('peer:update', { name: 'Alicia' });

    const expected = { ...a.self, name: 'Alicia' };
    expect(reply).toEqual({ ok: true, data: expected });
    expect(await bob.events.waitFor('presence:updated')).toEqual({ peer: expected });
  });

  it('changes the status, and both at once', async () => {
    const { alice, bob, a } = await twoPeers();

    const away = await alice.request('peer:update', { status: 'away' });
    const both = await alice.request('peer:update', { name: 'Alice (call)', status: 'in-call' });

    expect(away).toEqual({ ok: true, data: { ...a.self, status: 'away' } });
    expect(both).toEqual({ ok: true, data: { ...a.self, name: 'Alice (call)', status: 'in-call' } });
    await bob.events.waitFor('presence:updated', (e) => e.peer.status === 'in-call');
    expect(bob.events.all('presence:updated')).toEqual([
      { peer: { ...a.self, status: 'away' } },
      { peer: { ...a.self, name: 'Alice (call)', status: 'in-call' } },
    ]);
  });

  it('does not echo the update back to the peer that made it', async () => {
    const { alice, bob, b } = await twoPeers();
    await alice.request('peer:update', { name: 'Alicia' });

    // Bob's update reaches Alice after anything her own update could have sent her.
    await bob.request('peer:update', { name: 'Robert' });
    await alice.events.waitFor('presence:updated');

    expect(alice.events.all('presence:updated')).toEqual([{ peer: { ...b.self, name: 'Robert' } }]);
  });

  it('shows the new name in a newcomer’s snapshot', async () => {
    const { server, roomId, alice } = await twoPeers();
    await alice.request('peer:update', { name: 'Alicia', status: 'away' });

    const carol = await server.connect();
    const c = await carol.join(roomId, 'Carol');

    expect(c.peers.find((p) => p.name === 'Alicia')).toMatchObject({ status: 'away' });
  });

  it.each([
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name that is too long', { name: 'x'.repeat(LIMITS.nameMax + 1) }],
    // Longer ones (over the 1 KiB payload cap) are PAYLOAD_TOO_LARGE: see security-limits.test.ts.
    ['a name far too long', { name: 'x'.repeat(500) }],
    ['a name with a NUL', { name: 'Al\u0000ice' }],
    ['a name with a newline', { name: 'Al\nice' }],
    ['a name with DEL', { name: 'Alice\u007f' }],
    ['a name with a C1 control', { name: 'Alice\u0085' }],
    ['a name with a bidi override', { name: '\u202eecilA' }],
    ['a name with a bidi isolate', { name: 'Al\u2066ice' }],
    ['a name that is not a string', { name: 42 }],
    ['an unknown status', { status: 'busy' }],
    ['nothing to update', {}],
    ['null', null],
    ['an array', [{ name: 'Alicia' }]],
  ])('refuses %s with INVALID_PAYLOAD and changes nothing', async (_label, payload) => {
    const { server, roomId, alice, bob, a } = await twoPeers();

    expectError(await alice.rawRequest('peer:update', payload), 'INVALID_PAYLOAD');

    // A later, valid update is the only one Bob sees, and it starts from the unchanged name and status.
    expect(await alice.request('peer:update', { status: 'away' })).toEqual({
      ok: true,
      data: { ...a.self, status: 'away' },
    });
    await bob.events.waitFor('presence:updated');
    expect(bob.events.all('presence:updated')).toEqual([{ peer: { ...a.self, status: 'away' } }]);
    const carol = await server.connect();
    const c = await carol.join(roomId, 'Carol');
    expect(c.peers.find((p) => p.peerId === a.self.peerId)).toEqual({ ...a.self, status: 'away' });
  });

  it('accepts a name of exactly the maximum length, and non-Latin names', async () => {
    const { alice } = await twoPeers();

    const longest = await alice.request('peer:update', { name: 'x'.repeat(LIMITS.nameMax) });
    const turkish = await alice.request('peer:update', { name: 'Çağla Öztürk 🙂' });

    expect(longest.ok).toBe(true);
    expect(turkish).toMatchObject({ ok: true, data: { name: 'Çağla Öztürk 🙂' } });
  });

  it('answers NOT_IN_ROOM after the peer has left', async () => {
    const { bob } = await twoPeers();
    await bob.request('room:leave', {});

    expectError(await bob.request('peer:update', { name: 'Robert' }), 'NOT_IN_ROOM');
  });
});

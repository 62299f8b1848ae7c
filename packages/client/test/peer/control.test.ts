import { CHAT_TEXT_MAX, CONTROL_FRAME_MAX_BYTES } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeNetwork } from './fakes/fake-network.js';
import { chat, connectedNetwork, expectMessagesFlow } from './fakes/scenarios.js';
import { settle, useFakeTime } from './fakes/time.js';

describe('control channel', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is pre-negotiated with id 0, reliable and ordered, on both sides', async () => {
    const net = await connectedNetwork('alice', 'bob');
    for (const [from, to] of [
      ['alice', 'bob'],
      ['bob', 'alice'],
    ] as const) {
      const channel = net.world.live(from, to).channels.get(0);
      expect(channel?.label).toBe('control');
      expect(channel?.init).toEqual({ negotiated: true, id: 0, ordered: true });
      expect(channel?.readyState).toBe('open');
    }
  });

  it('drops and reports invalid frames, never delivering them, and keeps working', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const raw = net.world.live('bob', 'alice').channels.get(0);
    if (!raw) throw new Error('no control channel');

    raw.send('not json');
    raw.send(JSON.stringify({ type: 'chat', id: 'message-1' })); // missing fields
    raw.send(JSON.stringify({ ...chat('message-2', 'x'), type: 'exec' })); // unknown type
    raw.send(JSON.stringify(chat('short', 'id too short')));
    raw.send(new ArrayBuffer(8));
    raw.send(JSON.stringify(chat('message-3', 'x')).padEnd(CONTROL_FRAME_MAX_BYTES + 1, ' '));
    await settle();

    expect(net.eventsOf('alice', 'invalid-message')).toEqual([
      { peerId: 'bob', reason: 'malformed' },
      { peerId: 'bob', reason: 'malformed' },
      { peerId: 'bob', reason: 'malformed' },
      { peerId: 'bob', reason: 'malformed' },
      { peerId: 'bob', reason: 'not-text' },
      { peerId: 'bob', reason: 'too-large' },
    ]);
    expect(net.eventsOf('alice', 'message')).toEqual([]);
    expect(net.mesh('alice').isOpen('bob')).toBe(true);
    await expectMessagesFlow(net, 'alice', 'bob', 'still-fine');
  });

  it('reports false from send while the channel is not open, so the caller keeps the message', async () => {
    const net = new FakeNetwork();
    const alice = net.add('alice');
    net.add('bob');
    expect(alice.send('bob', chat('message-1', 'no session'))).toBe(false);
    alice.ensureSession('bob');
    expect(alice.isOpen('bob')).toBe(false);
    expect(alice.send('bob', chat('message-2', 'not open yet'))).toBe(false);
    await settle();
    expect(alice.send('bob', chat('message-3', 'open'))).toBe(true);
    await settle();
    expect(net.eventsOf('bob', 'message').map((m) => m.message)).toEqual([chat('message-3', 'open')]);
  });

  it('sends the largest valid chat message, and refuses (throws on) a frame no peer would accept', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const largest = chat('message-big', '\u0001'.repeat(CHAT_TEXT_MAX)); // JSON-escaped to 6 chars each
    expect(alice.send('bob', largest)).toBe(true);
    await settle();
    expect(net.eventsOf('bob', 'message').map((m) => m.message)).toEqual([largest]);

    const invalid = chat('message-huge', 'x'.repeat(CONTROL_FRAME_MAX_BYTES));
    expect(() => alice.send('bob', invalid)).toThrow(/control frame/);
  });

  it('fires control-open again when a rebuilt connection opens its channel', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const epoch = net.mesh('alice').epochOf('bob') ?? -1;
    net.inject('bob', 'alice', { kind: 'reset', epoch: epoch + 1 });
    await settle();
    expect(net.eventsOf('alice', 'control-open')).toEqual([{ peerId: 'bob' }, { peerId: 'bob' }]);
    expect(net.eventsOf('alice', 'control-closed')).toEqual([{ peerId: 'bob' }]);
    expect(net.eventsOf('bob', 'control-open')).toHaveLength(2);
  });
});

describe('feature channels (extension point for file transfer)', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens a pre-negotiated channel on each new session and carries binary frames', async () => {
    const net = new FakeNetwork();
    const received: unknown[] = [];
    for (const id of ['alice', 'bob']) {
      const mesh = net.add(id);
      mesh.on('session', ({ peerId }) => {
        const channel = mesh.openDataChannel(peerId, { id: 1, label: 'file-1', ordered: true });
        channel?.addEventListener('message', (event) => received.push(event.data));
      });
    }
    net.mesh('alice').ensureSession('bob');
    await settle();

    const a = net.world.live('alice', 'bob').channels.get(1);
    expect(a?.init).toEqual({ negotiated: true, id: 1, ordered: true });
    expect(a?.readyState).toBe('open');
    expect(a?.binaryType).toBe('arraybuffer');
    const chunk = new Uint8Array([1, 2, 3]).buffer;
    a?.send(chunk);
    await settle();
    expect(received).toEqual([chunk]);
  });

  it('refuses the control channel’s id and ids beyond the SCTP streams, and needs a session', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    expect(() => alice.openDataChannel('bob', { id: 0, label: 'x', ordered: true })).toThrow(RangeError);
    expect(() => alice.openDataChannel('bob', { id: 1024, label: 'x', ordered: true })).toThrow(RangeError);
    expect(alice.openDataChannel('carol', { id: 1, label: 'x', ordered: true })).toBeUndefined();
    const lossy = alice.openDataChannel('bob', { id: 7, label: 'x', ordered: false, maxRetransmits: 0 });
    expect(net.world.live('alice', 'bob').channels.get(7)?.init).toEqual({
      negotiated: true,
      id: 7,
      ordered: false,
      maxRetransmits: 0,
    });
    expect(lossy?.label).toBe('x');
  });
});

describe('closing', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('close() closes every connection once, is idempotent, and ignores later input', async () => {
    const net = await connectedNetwork('alice', 'bob', 'carol');
    const alice = net.mesh('alice');
    alice.close();
    alice.close();

    const pcs = net.world.pcsOf('alice');
    expect(pcs).toHaveLength(2);
    expect(pcs.every((pc) => pc.closed)).toBe(true);
    const closed = net.eventsOf('alice', 'state').filter((s) => s.state === 'closed');
    expect(closed.map((s) => s.peerId).sort()).toEqual(['bob', 'carol']);
    expect(
      net
        .eventsOf('alice', 'control-closed')
        .map((e) => e.peerId)
        .sort(),
    ).toEqual(['bob', 'carol']);
    expect(alice.isOpen('bob')).toBe(false);
    expect(alice.send('bob', chat('message-1', 'after close'))).toBe(false);

    const eventsBefore = net.events.get('alice')?.length;
    alice.ensureSession('dave');
    alice.handlePeerJoined({ peerId: 'erin' });
    net.mesh('bob').handlePeerJoined({ peerId: 'alice' }); // bob restarts ICE towards the closed side
    await settle();
    expect(net.world.pcsOf('alice')).toHaveLength(2);
    expect(net.events.get('alice')?.length).toBe(eventsBefore);

    // The others see the channel go away.
    expect(net.eventsOf('bob', 'control-closed')).toEqual([{ peerId: 'alice' }]);
    expect(net.mesh('bob').isOpen('alice')).toBe(false);
    expect(net.mesh('bob').isOpen('carol')).toBe(true);
  });
});

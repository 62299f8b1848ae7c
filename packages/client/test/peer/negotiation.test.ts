import type { PeerMessage } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeNetwork } from './fakes/fake-network.js';
import { settle, useFakeTime } from './fakes/time.js';

const chat = (id: string, text: string): PeerMessage => ({
  type: 'chat',
  id,
  scope: 'direct',
  text,
  sentAt: 1,
});

const offersFrom = (net: FakeNetwork, from: string) =>
  net.relayed.filter(
    (s) => s.from === from && s.data.kind === 'description' && s.data.description.type === 'offer',
  );

describe('perfect negotiation between two meshes', () => {
  let net: FakeNetwork;
  beforeEach(() => {
    useFakeTime();
    net = new FakeNetwork();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects when one side opens the session', async () => {
    const alice = net.add('alice');
    const bob = net.add('bob');
    alice.ensureSession('bob');
    await settle();

    expect(alice.stateOf('bob')).toBe('connected');
    expect(bob.stateOf('alice')).toBe('connected');
    expect(alice.isOpen('bob')).toBe(true);
    expect(bob.isOpen('alice')).toBe(true);
    expect(bob.epochOf('alice')).toBe(alice.epochOf('bob'));
    expect(net.eventsOf('alice', 'state').map((s) => s.state)).toEqual(['connecting', 'connected']);
    expect(net.warnings('alice')).toEqual([]);
    expect(net.warnings('bob')).toEqual([]);
  });

  it('ends a glare (both offer at once) in one stable connection with messages flowing both ways', async () => {
    const alice = net.add('alice');
    const bob = net.add('bob');
    alice.ensureSession('bob');
    bob.ensureSession('alice');
    await settle();

    // Both really offered: the collision happened.
    expect(offersFrom(net, 'alice').length).toBeGreaterThanOrEqual(1);
    expect(offersFrom(net, 'bob').length).toBeGreaterThanOrEqual(1);
    // One connection each, no rebuild, paired with each other and stable.
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    expect(net.world.pcsOf('bob')).toHaveLength(1);
    const a = net.world.live('alice', 'bob');
    const b = net.world.live('bob', 'alice');
    expect(net.world.peerOf(a)).toBe(b);
    expect(net.world.peerOf(b)).toBe(a);
    expect([a.signalingState, b.signalingState]).toEqual(['stable', 'stable']);
    expect([a.connectionState, b.connectionState]).toEqual(['connected', 'connected']);
    // The polite side (alice < bob) answered; the impolite one ignored alice's offer and its candidates
    // without a single refused candidate or failed operation.
    expect(
      net.relayed.some(
        (s) => s.from === 'alice' && s.data.kind === 'description' && s.data.description.type === 'answer',
      ),
    ).toBe(true);
    expect(
      net.relayed.some(
        (s) => s.from === 'bob' && s.data.kind === 'description' && s.data.description.type === 'answer',
      ),
    ).toBe(false);
    expect(net.warnings('alice')).toEqual([]);
    expect(net.warnings('bob')).toEqual([]);

    expect(net.eventsOf('alice', 'control-open')).toEqual([{ peerId: 'bob' }]);
    expect(net.eventsOf('bob', 'control-open')).toEqual([{ peerId: 'alice' }]);
    expect(alice.send('bob', chat('message-a1', 'hi bob'))).toBe(true);
    expect(bob.send('alice', chat('message-b1', 'hi alice'))).toBe(true);
    await settle();
    expect(net.eventsOf('bob', 'message')).toEqual([
      { peerId: 'alice', message: chat('message-a1', 'hi bob') },
    ]);
    expect(net.eventsOf('alice', 'message')).toEqual([
      { peerId: 'bob', message: chat('message-b1', 'hi alice') },
    ]);
  });

  it('ends a glare whichever side is polite, with three peers opening to each other at once', async () => {
    const ids = ['carol', 'alice', 'bob'];
    const meshes = ids.map((id) => net.add(id));
    for (const mesh of meshes) for (const id of ids) mesh.ensureSession(id);
    await settle();

    for (const from of ids) {
      expect(net.world.pcsOf(from)).toHaveLength(2);
      for (const to of ids.filter((id) => id !== from)) {
        expect(net.mesh(from).stateOf(to)).toBe('connected');
        expect(net.mesh(from).isOpen(to)).toBe(true);
        expect(net.world.peerOf(net.world.live(from, to))).toBe(net.world.live(to, from));
      }
      expect(net.warnings(from)).toEqual([]);
    }
  });

  it('keeps one connection when both sides add media at once (renegotiation glare) and reports tracks', async () => {
    const alice = net.add('alice');
    const bob = net.add('bob');
    alice.ensureSession('bob');
    await settle();

    expect(alice.addTransceiver('bob', 'audio')).toBeDefined();
    expect(bob.addTransceiver('alice', 'audio')).toBeDefined();
    await settle();

    const a = net.world.live('alice', 'bob');
    const b = net.world.live('bob', 'alice');
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    expect([a.signalingState, b.signalingState]).toEqual(['stable', 'stable']);
    expect([a.remoteMedia, b.remoteMedia]).toEqual([1, 1]);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.eventsOf('alice', 'track').map((t) => t.peerId)).toEqual(['bob']);
    expect(net.eventsOf('bob', 'track').map((t) => t.peerId)).toEqual(['alice']);
    expect(net.warnings('alice')).toEqual([]);
    expect(net.warnings('bob')).toEqual([]);
  });

  it('asks for a reset when candidates arrive for a connection it does not have (the offer was lost)', async () => {
    const alice = net.add('alice');
    const bob = net.add('bob');
    let dropped = false;
    net.route = (s) => {
      if (!dropped && s.data.kind === 'description') {
        dropped = true;
        return 'drop';
      }
      return 'deliver';
    };
    alice.ensureSession('bob');
    const first = alice.epochOf('bob') ?? -1;
    await settle();

    const resets = net.relayed.filter((s) => s.from === 'bob' && s.data.kind === 'reset');
    expect(resets).toHaveLength(1);
    const epoch = resets[0]?.data.epoch ?? -1;
    expect(epoch).toBeGreaterThan(first);
    expect(alice.epochOf('bob')).toBe(epoch);
    expect(bob.epochOf('alice')).toBe(epoch);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(bob.isOpen('alice')).toBe(true);
    expect(net.world.pcsOf('bob')).toHaveLength(1);
  });

  it('reports fingerprints from the SDP and the selected candidate type from getStats', async () => {
    const alice = net.add('alice');
    const bob = net.add('bob');
    expect(alice.localFingerprint('bob')).toBeUndefined();
    alice.ensureSession('bob');
    await settle();

    const a = net.world.live('alice', 'bob');
    const b = net.world.live('bob', 'alice');
    expect(alice.localFingerprint('bob')).toEqual({ algorithm: 'sha-256', value: a.fingerprint });
    expect(alice.remoteFingerprint('bob')).toEqual({ algorithm: 'sha-256', value: b.fingerprint });
    expect(bob.remoteFingerprint('alice')).toEqual(alice.localFingerprint('bob'));

    expect(await alice.selectedCandidatePairType('bob')).toBe('host');
    b.localCandidateType = 'relay';
    expect(await alice.selectedCandidatePairType('bob')).toBe('relay');
    a.localCandidateType = 'srflx';
    b.localCandidateType = 'host';
    expect(await alice.selectedCandidatePairType('bob')).toBe('srflx');
    expect(await alice.selectedCandidatePairType('carol')).toBeUndefined();
  });

  it('rebuilds a pair that never connected when a relay appears in the ICE servers, and leaves a connected one alone', async () => {
    const alice = net.add('alice');
    net.add('bob');
    net.add('carol');
    net.world.block('alice', 'carol'); // no direct path: only a relay could help
    alice.ensureSession('bob');
    alice.ensureSession('carol');
    await settle();
    expect(alice.stateOf('bob')).toBe('connected');
    const bobEpoch = alice.epochOf('bob');
    const carolEpoch = alice.epochOf('carol') ?? -1;
    alice.handleIceServers([{ urls: 'stun:stun.example.org' }]); // still no relay: nothing rebuilt
    expect(alice.epochOf('carol')).toBe(carolEpoch);
    const turn = [{ urls: 'turn:turn.example.org', username: '1:x', credential: 'secret' }];
    alice.handleIceServers(turn);
    expect(alice.epochOf('carol')).toBeGreaterThan(carolEpoch);
    expect(net.world.pcsOf('alice').at(-1)?.configuration.iceServers).toEqual(turn);
    expect(alice.epochOf('bob')).toBe(bobEpoch);
  });

  it('passes new ICE servers to live connections and uses them for new ones', async () => {
    const alice = net.add('alice');
    net.add('bob');
    alice.ensureSession('bob');
    await settle();
    const turn = [{ urls: 'turn:turn.example.org', username: '1:x', credential: 'secret' }];
    alice.handleIceServers(turn);
    const a = net.world.live('alice', 'bob');
    expect(a.configurations.at(-1)?.iceServers).toEqual(turn);

    net.add('carol');
    alice.ensureSession('carol');
    expect(net.world.pcsOf('alice').at(-1)?.configuration.iceServers).toEqual(turn);
  });
});

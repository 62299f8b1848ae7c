import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectedNetwork, expectMessagesFlow } from './fakes/scenarios.js';
import { settle, useFakeTime } from './fakes/time.js';

describe('session epochs', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows a reset to a higher epoch and then drops the old epoch’s late signals', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const bob = net.mesh('bob');
    const first = alice.epochOf('bob') ?? -1;
    const oldSignals = net.relayed.filter((s) => s.from === 'bob' && s.data.epoch === first);
    expect(oldSignals.length).toBeGreaterThanOrEqual(3); // offer or answer, candidate, end of candidates

    await vi.advanceTimersByTimeAsync(10_000);
    net.inject('alice', 'bob', { kind: 'reset', epoch: first + 10_000 });
    await settle();

    expect(bob.epochOf('alice')).toBe(first + 10_000);
    expect(alice.epochOf('bob')).toBe(first + 10_000);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.world.pcsOf('alice')).toHaveLength(2);
    const live = net.world.live('alice', 'bob');
    const applied = live.remoteDescriptionsSet;

    // socket.io flushing its old buffer after a reconnect: everything from the first epoch arrives again.
    for (const s of oldSignals) net.inject('bob', 'alice', s.data);
    // An equal-epoch reset is a no-op too.
    net.inject('bob', 'alice', { kind: 'reset', epoch: first + 10_000 });
    await settle();

    expect(net.world.pcsOf('alice')).toHaveLength(2);
    expect(live.closed).toBe(false);
    expect(live.remoteDescriptionsSet).toBe(applied);
    expect(alice.epochOf('bob')).toBe(first + 10_000);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.warnings('alice')).toEqual([]);
    await expectMessagesFlow(net, 'alice', 'bob', 'after-reset');
  });

  it('accepts a peer that reloaded and announces itself, and reconnects the pair', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const before = alice.epochOf('bob') ?? -1;
    const oldPc = net.world.live('alice', 'bob');

    await vi.advanceTimersByTimeAsync(60_000);
    // The page unloads (its connections close), a fresh page joins with the same peer id.
    net.mesh('bob').close();
    const bob = net.add('bob');
    bob.handlePeerJoined({ peerId: 'alice' }); // from its join snapshot
    alice.handlePeerJoined({ peerId: 'bob' }); // presence: bob came back
    await settle();

    expect(oldPc.closed).toBe(true);
    expect(alice.epochOf('bob')).toBeGreaterThan(before);
    expect(alice.epochOf('bob')).toBe(bob.epochOf('alice'));
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.eventsOf('alice', 'control-closed')).toEqual([{ peerId: 'bob' }]);
    expect(net.eventsOf('alice', 'control-open')).toEqual([{ peerId: 'bob' }, { peerId: 'bob' }]);
    expect(net.eventsOf('alice', 'session').map((s) => s.epoch)).toEqual([before, alice.epochOf('bob')]);
    await expectMessagesFlow(net, 'alice', 'bob', 'after-reload');
  });

  it('accepts a reloaded peer’s offer at a higher epoch even without presence events', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const before = alice.epochOf('bob') ?? -1;

    await vi.advanceTimersByTimeAsync(5_000);
    net.mesh('bob').close();
    const bob = net.add('bob');
    bob.ensureSession('alice'); // the reloaded page opens the conversation again
    await settle();

    expect(bob.epochOf('alice')).toBeGreaterThan(before);
    expect(alice.epochOf('bob')).toBe(bob.epochOf('alice'));
    expect(alice.stateOf('bob')).toBe('connected');
    await expectMessagesFlow(net, 'alice', 'bob', 'after-offer');
  });

  it('announces but does not connect to a peer that joins, and sessions start at or above the announcement', async () => {
    const net = await connectedNetwork();
    const alice = net.add('alice');
    const bob = net.add('bob');
    alice.handlePeerJoined({ peerId: 'bob' });
    bob.handlePeerJoined({ peerId: 'alice' });
    await settle();

    const announced = net.relayed.filter((s) => s.data.kind === 'reset').map((s) => s.from);
    expect(announced.sort()).toEqual(['alice', 'bob']);
    expect(net.world.all).toHaveLength(0); // sessions are lazy
    expect(alice.stateOf('bob')).toBeUndefined();

    const bobAnnounced = net.relayed.find((s) => s.from === 'bob')?.data.epoch ?? Number.POSITIVE_INFINITY;
    alice.ensureSession('bob');
    await settle();
    expect(alice.epochOf('bob')).toBeGreaterThanOrEqual(bobAnnounced);
    expect(bob.stateOf('alice')).toBe('connected');
  });

  it('closes the session of a peer that left, ignores its late signals, and reconnects when it returns', async () => {
    const net = await connectedNetwork('alice', 'bob', 'carol');
    const alice = net.mesh('alice');
    const old = alice.epochOf('bob') ?? -1;
    const toBob = net.world.live('alice', 'bob');
    const toCarol = net.world.live('alice', 'carol');

    alice.handlePeerLeft('bob');
    expect(toBob.closed).toBe(true);
    expect(alice.stateOf('bob')).toBeUndefined();
    expect(net.eventsOf('alice', 'state').at(-1)).toEqual({ peerId: 'bob', state: 'closed' });
    expect(net.eventsOf('alice', 'control-closed')).toEqual([{ peerId: 'bob' }]);
    expect(alice.isOpen('bob')).toBe(false);
    expect(toCarol.closed).toBe(false);
    expect(alice.isOpen('carol')).toBe(true);

    // A late candidate of the closed connection resurrects nothing.
    const pcs = net.world.pcsOf('alice').length;
    net.inject('bob', 'alice', { kind: 'candidate', epoch: old, candidate: null });
    await settle();
    expect(net.world.pcsOf('alice')).toHaveLength(pcs);
    expect(net.relayed.filter((s) => s.from === 'alice' && s.data.kind === 'reset')).toEqual([]);

    // Bob was only cut off from signaling; its side of the old connection is still there. It comes back.
    await vi.advanceTimersByTimeAsync(1_000);
    alice.handlePeerJoined({ peerId: 'bob' });
    net.mesh('bob').handlePeerJoined({ peerId: 'alice' });
    await settle();
    expect(alice.stateOf('bob')).toBe('connected');
    expect(alice.epochOf('bob')).toBeGreaterThan(old);
    expect(net.mesh('bob').epochOf('alice')).toBe(alice.epochOf('bob'));
    await expectMessagesFlow(net, 'alice', 'bob', 'returned');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONNECT_TIMEOUT_MS,
  DISCONNECTED_GRACE_MS,
  MAX_ICE_RESTARTS,
  NO_CANDIDATES_TIMEOUT_MS,
  REBUILD_BACKOFF_BASE_MS,
  REBUILD_JITTER,
} from '../../src/peer/recovery-ladder.js';
import { FakeNetwork } from './fakes/fake-network.js';
import { connectedNetwork, expectMessagesFlow } from './fakes/scenarios.js';
import { settle, useFakeTime } from './fakes/time.js';

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('recovery ladder', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts ICE on a disconnected pair only after the grace period, and the pair recovers', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const a = net.world.live('alice', 'bob');
    const ufrag = a.currentLocal?.sdp.ufrag;

    net.world.block('alice', 'bob');
    await advance(DISCONNECTED_GRACE_MS - 1);
    expect(a.iceConnectionState).toBe('disconnected');
    expect(net.mesh('alice').stateOf('bob')).toBe('reconnecting');
    expect(a.restartIceCalls).toBe(0);

    await advance(1);
    expect(a.restartIceCalls).toBe(1);

    net.world.unblock('alice', 'bob');
    await settle();
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect(a.currentLocal?.sdp.ufrag).not.toBe(ufrag); // a real ICE restart: new credentials
    expect(net.world.pcsOf('alice')).toHaveLength(1); // same connection, no rebuild
    expect(net.eventsOf('alice', 'control-open')).toHaveLength(1); // SCTP survived the restart
    await expectMessagesFlow(net, 'alice', 'bob', 'restarted');
  });

  it('does not restart a pair that recovers within the grace period', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const a = net.world.live('alice', 'bob');
    const b = net.world.live('bob', 'alice');

    net.world.block('alice', 'bob');
    await advance(DISCONNECTED_GRACE_MS - 1_000);
    expect(net.mesh('alice').stateOf('bob')).toBe('reconnecting');
    net.world.unblock('alice', 'bob');
    await advance(10 * DISCONNECTED_GRACE_MS);

    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect([a.restartIceCalls, b.restartIceCalls]).toEqual([0, 0]);
  });

  it('restarts ICE at once when the connection fails', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const a = net.world.live('alice', 'bob');

    a.drive('failed');
    expect(a.restartIceCalls).toBe(1);
    expect(net.mesh('alice').stateOf('bob')).toBe('reconnecting');
    await settle();
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect(net.world.pcsOf('alice')).toHaveLength(1);
  });

  it('rebuilds under a new epoch after repeated failures, with exponential backoff inside the jitter', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    net.random = () => 0; // the shortest delay the jitter allows
    const first = alice.epochOf('bob') ?? -1;
    net.world.block('alice', 'bob');
    await settle();

    const failRepeatedly = async () => {
      const pc = net.world.pcsOf('alice').at(-1);
      if (!pc) throw new Error('no connection');
      for (let i = 1; i <= MAX_ICE_RESTARTS; i += 1) {
        pc.drive('failed');
        expect(pc.restartIceCalls).toBe(i);
        await settle(); // the restart negotiates over signaling; ICE checks start over, then fail again
        expect(pc.iceConnectionState).toBe('checking');
      }
      pc.drive('failed');
      expect(pc.restartIceCalls).toBe(MAX_ICE_RESTARTS);
      expect(alice.stateOf('bob')).toBe('failed');
    };

    await failRepeatedly();
    const shortest = REBUILD_BACKOFF_BASE_MS * (1 - REBUILD_JITTER);
    await advance(shortest - 1);
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    await advance(1);
    expect(net.world.pcsOf('alice')).toHaveLength(2);
    const second = alice.epochOf('bob') ?? -1;
    expect(second).toBeGreaterThan(first);
    expect(
      net.relayed.filter((s) => s.from === 'alice' && s.data.kind === 'reset').map((s) => s.data.epoch),
    ).toEqual([second]);
    await settle();
    expect(net.mesh('bob').epochOf('alice')).toBe(second); // the peer followed the reset

    // Still cut off: the next rebuild waits twice as long.
    await failRepeatedly();
    await advance(2 * shortest - 1);
    expect(net.world.pcsOf('alice')).toHaveLength(2);
    await advance(1);
    expect(net.world.pcsOf('alice')).toHaveLength(3);

    net.world.unblock('alice', 'bob');
    await settle();
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.mesh('bob').epochOf('alice')).toBe(alice.epochOf('bob'));
    await expectMessagesFlow(net, 'alice', 'bob', 'rebuilt');
  });

  it('rebuilds a connection closed under it (libdatachannel on the peer’s close), after the first backoff', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const epoch = net.mesh('alice').epochOf('bob');
    net.world.live('alice', 'bob').closeFromRemote();
    await settle();
    expect(net.mesh('alice').stateOf('bob')).toBe('reconnecting');
    await advance(REBUILD_BACKOFF_BASE_MS * (1 + REBUILD_JITTER));
    await settle();
    expect(net.mesh('alice').epochOf('bob')).not.toBe(epoch);
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    await expectMessagesFlow(net, 'alice', 'bob', 'after-remote-close');
  });

  it('waits at most the longest jittered delay before a rebuild', async () => {
    const net = await connectedNetwork('alice', 'bob');
    net.random = () => 0.999_999;
    const a = net.world.live('alice', 'bob');
    net.world.block('alice', 'bob');
    for (let i = 0; i < MAX_ICE_RESTARTS; i += 1) {
      a.drive('failed');
      await settle(); // renegotiated, checking again
    }
    a.drive('failed');
    expect(net.mesh('alice').stateOf('bob')).toBe('failed');
    const longest = REBUILD_BACKOFF_BASE_MS * (1 + REBUILD_JITTER);
    await advance(longest - 2);
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    await advance(2);
    expect(net.world.pcsOf('alice')).toHaveLength(2);
  });

  it('keeps the old connection and retries after the next backoff when a rebuild throws', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    net.random = () => 0;
    const a = net.world.live('alice', 'bob');
    net.world.block('alice', 'bob');
    for (let i = 0; i < MAX_ICE_RESTARTS; i += 1) {
      a.drive('failed');
      await settle();
    }
    a.drive('failed');
    net.world.failCreates = 1;
    const shortest = REBUILD_BACKOFF_BASE_MS * (1 - REBUILD_JITTER);
    await advance(shortest);
    expect(net.warnings('alice').map((e) => e.message)).toEqual(['rebuild failed']);
    expect(a.closed).toBe(false);
    expect(alice.stateOf('bob')).toBe('failed');

    await advance(2 * shortest - 1);
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    await advance(1);
    expect(net.world.pcsOf('alice')).toHaveLength(2);
    expect(a.closed).toBe(true);
  });

  it('climbs the ladder when a connection never leaves "new" (e.g. the peer is unreachable)', async () => {
    const net = new FakeNetwork();
    net.random = () => 0;
    net.route = () => 'drop'; // nothing ever reaches bob
    const alice = net.add('alice');
    alice.ensureSession('bob');
    const pc = net.world.live('alice', 'bob');
    const first = alice.epochOf('bob') ?? -1;

    // Alice gathers, but no candidate ever comes from bob: the first restart comes at the candidate
    // timeout, not at the connect timeout.
    await advance(NO_CANDIDATES_TIMEOUT_MS - 1);
    expect(pc.iceConnectionState).toBe('new');
    expect(pc.restartIceCalls).toBe(0);
    await advance(1);
    await settle(); // the unanswered offer is rolled back, then offered again with new ICE credentials
    expect(pc.restartIceCalls).toBe(1);
    expect(pc.signalingState).toBe('have-local-offer');
    for (let attempt = 2; attempt <= MAX_ICE_RESTARTS; attempt += 1) {
      await advance(CONNECT_TIMEOUT_MS);
      expect(pc.restartIceCalls).toBe(attempt);
    }
    expect(alice.stateOf('bob')).toBe('connecting');

    await advance(CONNECT_TIMEOUT_MS);
    expect(alice.stateOf('bob')).toBe('failed');
    await advance(REBUILD_BACKOFF_BASE_MS * (1 - REBUILD_JITTER));
    expect(pc.closed).toBe(true);
    expect(alice.epochOf('bob')).toBeGreaterThan(first);
    expect(alice.stateOf('bob')).toBe('connecting');
  });

  it('renegotiates at once when a peer comes back on a new signaling connection, rolling back the offer that went to its old one', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const toBob = net.world.live('alice', 'bob');
    const toAlice = net.world.live('bob', 'alice');
    // Alice's network changes: the path dies, and so does her signaling connection, unnoticed for now.
    net.world.rebind('alice');
    net.route = () => 'drop';
    await advance(DISCONNECTED_GRACE_MS);
    await settle();
    // Both restarted ICE; both offers were lost, each side waits for an answer that will never come.
    expect([toBob.signalingState, toAlice.signalingState]).toEqual(['have-local-offer', 'have-local-offer']);

    // Alice is back on the server: the room announces Bob to her, and announces her resume to Bob.
    net.route = () => 'deliver';
    net.mesh('alice').handlePeerJoined({ peerId: 'bob' });
    net.mesh('bob').handlePeerResumed('alice');
    await settle();

    // Bob (the impolite side) no longer ignores Alice's new offer for the sake of his lost one.
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect(net.mesh('bob').stateOf('alice')).toBe('connected');
    expect(net.world.pcsOf('alice')).toHaveLength(1); // ICE restarts, no rebuild
    await expectMessagesFlow(net, 'alice', 'bob', 'resumed');
  });

  it('leaves a connected pair alone when its peer comes back on a new signaling connection', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const toBob = net.world.live('alice', 'bob');
    net.mesh('alice').handlePeerResumed('bob');
    await settle();
    expect(toBob.restartIceCalls).toBe(0);
    expect(toBob.rollbacks).toBe(0);
  });

  it('restarts a pair that is not connected when the peer comes back, and leaves a connected one alone', async () => {
    const net = await connectedNetwork('alice', 'bob', 'carol');
    const toBob = net.world.live('alice', 'bob');
    const toCarol = net.world.live('alice', 'carol');
    toCarol.drive('disconnected');

    net.mesh('alice').handlePeerJoined({ peerId: 'bob' });
    net.mesh('alice').handlePeerJoined({ peerId: 'carol' });
    expect(toBob.restartIceCalls).toBe(0);
    expect(toCarol.restartIceCalls).toBe(1);
  });

  it('does not spend attempts while offline, and reconnects once the network is back', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const a = net.world.live('alice', 'bob');

    alice.handleOffline();
    net.route = () => 'drop'; // no signaling either
    net.world.block('alice', 'bob');
    a.drive('failed');
    await advance(10 * CONNECT_TIMEOUT_MS);
    expect(a.restartIceCalls).toBe(0);
    expect(net.world.pcsOf('alice')).toHaveLength(1);
    // Bob was online all along: it climbed its own ladder up to rebuilds that alice never heard of.
    expect(net.mesh('bob').epochOf('alice')).toBeGreaterThan(alice.epochOf('bob') ?? 0);

    net.route = () => 'deliver';
    net.world.unblock('alice', 'bob');
    alice.handleOnline();
    expect(a.restartIceCalls).toBe(1);
    await settle();
    // Alice's restart offer was stale for bob, who asked her to catch up with a reset.
    expect(alice.stateOf('bob')).toBe('connected');
    expect(alice.epochOf('bob')).toBe(net.mesh('bob').epochOf('alice'));
    await expectMessagesFlow(net, 'alice', 'bob', 'back-online');
  });

  it('rolls back an offer that was never answered when the connect timeout expires', async () => {
    const net = new FakeNetwork();
    const alice = net.add('alice');
    net.add('bob');
    net.route = () => 'drop';
    alice.ensureSession('bob');
    await settle();
    const pc = net.world.live('alice', 'bob');
    expect(pc.signalingState).toBe('have-local-offer');

    net.route = () => 'deliver';
    await advance(CONNECT_TIMEOUT_MS);
    await settle();
    expect(pc.restartIceCalls).toBe(1);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(net.world.pcsOf('alice')).toHaveLength(1); // recovered without a rebuild
    expect(net.warnings('alice')).toEqual([]);
  });

  it('asks a peer that missed a rebuild to catch up when its stale offer arrives', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const alice = net.mesh('alice');
    const bob = net.mesh('bob');
    const first = alice.epochOf('bob') ?? -1;

    // Bob rebuilds while nothing reaches alice: she never hears of the new epoch.
    net.route = () => 'drop';
    net.inject('alice', 'bob', { kind: 'reset', epoch: first + 1_000 });
    await settle();
    expect(bob.epochOf('alice')).toBe(first + 1_000);
    net.route = () => 'deliver';

    // Alice's side of the old connection loses its peer; after the grace she restarts ICE on it.
    await advance(DISCONNECTED_GRACE_MS);
    await settle();

    const resets = net.relayed.filter((s) => s.from === 'bob' && s.data.kind === 'reset');
    expect(resets).toHaveLength(1);
    expect(resets[0]?.data.epoch).toBeGreaterThan(first + 1_000);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(alice.epochOf('bob')).toBe(bob.epochOf('alice'));
    await expectMessagesFlow(net, 'alice', 'bob', 'caught-up');
  });
});

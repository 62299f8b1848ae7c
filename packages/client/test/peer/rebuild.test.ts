import type { SignalData } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REBUILD_OFFER_HOLD_MS } from '../../src/peer/peer-pair.js';
import {
  CONNECT_TIMEOUT_MS,
  NO_CANDIDATES_TIMEOUT_MS,
  REBUILD_BACKOFF_BASE_MS,
  REBUILD_JITTER,
} from '../../src/peer/recovery-ladder.js';
import { FakeNetwork } from './fakes/fake-network.js';
import { connectedNetwork, expectMessagesFlow } from './fakes/scenarios.js';
import { settle, useFakeTime } from './fakes/time.js';

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

/** Descriptions of one epoch, in the order they were sent: "alice offer", "bob answer", … */
const descriptionsAt = (net: FakeNetwork, epoch: number) =>
  net.relayed
    .filter((s) => s.data.epoch === epoch && s.data.kind === 'description')
    .map((s) => `${s.from} ${(s.data as Extract<SignalData, { kind: 'description' }>).description.type}`);

/** The newest connection of each side, and both sides' view of the pair. */
function livePair(net: FakeNetwork, a: string, b: string) {
  return { mine: net.world.live(a, b), theirs: net.world.live(b, a) };
}

describe('rebuilding a live pair (relay-only switch, recovery)', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const [initiator, follower] of [
    ['alice', 'bob'], // the polite side switches
    ['bob', 'alice'], // the impolite side switches
  ] as const) {
    it(`answers the peer's offer instead of crossing it when ${initiator} switches relay-only on and off`, async () => {
      const net = await connectedNetwork('alice', 'bob');
      // Chromium's behaviour in crossed first offers: the polite side never gathers again.
      net.world.firstOfferRollbackStopsGathering = true;
      for (const policy of ['relay', 'all', 'relay', 'all'] as const) {
        net.mesh(initiator).handleTransportPolicy(policy);
        const epoch = net.mesh(initiator).epochOf(follower) ?? -1;
        await settle();

        // The follower's new connection offered and ours answered: no crossing, nothing rolled back.
        expect(descriptionsAt(net, epoch).slice(0, 2)).toEqual([`${follower} offer`, `${initiator} answer`]);
        const { mine, theirs } = livePair(net, initiator, follower);
        expect([mine.rollbacks, theirs.rollbacks]).toEqual([0, 0]);
        expect(mine.configuration.iceTransportPolicy).toBe(policy);
        // Connected by the negotiation itself: no ICE restart, no second rebuild.
        expect(net.mesh(initiator).stateOf(follower)).toBe('connected');
        expect(net.mesh(follower).epochOf(initiator)).toBe(epoch);
        expect([mine.restartIceCalls, theirs.restartIceCalls]).toEqual([0, 0]);
      }
      expect(net.world.pcsOf(initiator)).toHaveLength(5);
      expect(net.warnings('alice')).toEqual([]);
      expect(net.warnings('bob')).toEqual([]);
      await expectMessagesFlow(net, 'alice', 'bob', 'after-switches');
    });
  }

  it('offers itself once the hold ends when its reset was lost', async () => {
    const net = await connectedNetwork('alice', 'bob');
    let dropped = 0;
    net.route = (s) => (s.data.kind === 'reset' && dropped++ === 0 ? 'drop' : 'deliver');
    net.mesh('alice').handleTransportPolicy('relay');
    const epoch = net.mesh('alice').epochOf('bob') ?? -1;

    await advance(REBUILD_OFFER_HOLD_MS - 1);
    expect(dropped).toBe(1);
    expect(descriptionsAt(net, epoch)).toEqual([]); // still holding; bob knows nothing
    expect(net.mesh('alice').stateOf('bob')).toBe('reconnecting');

    await advance(1);
    await settle();
    expect(descriptionsAt(net, epoch)).toEqual(['alice offer', 'bob answer']); // bob followed the offer
    // Bob's old connection had meanwhile lost its peer and restarted ICE (its grace also ended): that
    // stale offer may make alice ask bob to catch up once more. Either way the two end on one epoch.
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect(net.mesh('bob').epochOf('alice')).toBe(net.mesh('alice').epochOf('bob'));
    await expectMessagesFlow(net, 'alice', 'bob', 'after-lost-reset');
  });

  it('lets exactly one side offer when both rebuild in the same millisecond', async () => {
    const net = await connectedNetwork('alice', 'bob');
    net.world.firstOfferRollbackStopsGathering = true;
    net.mesh('alice').handleTransportPolicy('relay');
    net.mesh('bob').handleTransportPolicy('relay');
    const epoch = net.mesh('alice').epochOf('bob') ?? -1;
    expect(net.mesh('bob').epochOf('alice')).toBe(epoch); // same clock, same millisecond: same epoch

    await settle(); // far less than the hold
    // Each got the other's reset at its own epoch; the impolite side (bob) stopped holding and offered.
    expect(descriptionsAt(net, epoch).slice(0, 2)).toEqual(['bob offer', 'alice answer']);
    const { mine, theirs } = livePair(net, 'alice', 'bob');
    expect([mine.rollbacks, theirs.rollbacks]).toEqual([0, 0]);
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    await expectMessagesFlow(net, 'alice', 'bob', 'both-rebuilt');
  });
});

describe('the candidate guard of the recovery ladder', () => {
  beforeEach(() => useFakeTime());
  afterEach(() => {
    vi.useRealTimers();
  });

  const longestBackoff = REBUILD_BACKOFF_BASE_MS * (1 + REBUILD_JITTER);

  it('rebuilds a connection that gathers nothing at the candidate timeout, without waiting for ICE restarts', async () => {
    const net = await connectedNetwork('alice', 'bob');
    net.mesh('alice').handleTransportPolicy('relay'); // alice's new connection exists now
    net.world.stuckGatherers = 1; // the next one, bob's as it follows alice's reset, never gathers
    await settle();
    const stuck = net.world.live('bob', 'alice');
    expect(stuck.gatheringStuck).toBe(true);
    expect(net.mesh('bob').stateOf('alice')).toBe('reconnecting');

    await advance(NO_CANDIDATES_TIMEOUT_MS - 200 - 1);
    expect(stuck.closed).toBe(false);
    expect(net.mesh('bob').stateOf('alice')).toBe('reconnecting'); // not 'failed': nothing failed yet
    await advance(longestBackoff + 1);
    await settle();

    expect(stuck.closed).toBe(true);
    expect(stuck.restartIceCalls).toBe(0); // rebuilt, not restarted: restarts do not unstick gathering
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    expect(net.mesh('bob').stateOf('alice')).toBe('connected');
    expect(net.mesh('alice').epochOf('bob')).toBe(net.mesh('bob').epochOf('alice'));
    await expectMessagesFlow(net, 'alice', 'bob', 'unstuck');
  });

  it('recovers from crossed first offers that left the polite side without candidates (Chromium)', async () => {
    const net = new FakeNetwork();
    net.world.firstOfferRollbackStopsGathering = true;
    const alice = net.add('alice');
    const bob = net.add('bob');
    // Both open at the same millisecond: the same epoch, so the offers cross inside one connection.
    alice.ensureSession('bob');
    bob.ensureSession('alice');
    await settle();
    const first = net.world.pcsOf('alice')[0];
    expect(first?.rollbacks).toBe(1);
    expect(first?.gatheringStuck).toBe(true); // the failure really happened
    expect(alice.stateOf('bob')).toBe('connecting');

    await advance(NO_CANDIDATES_TIMEOUT_MS + longestBackoff);
    await settle();
    expect(first?.closed).toBe(true);
    expect(alice.stateOf('bob')).toBe('connected');
    expect(bob.stateOf('alice')).toBe('connected');
    // Well inside the first connect timeout, where the ladder would only have made its first ICE restart.
    expect(NO_CANDIDATES_TIMEOUT_MS + longestBackoff + 200).toBeLessThan(CONNECT_TIMEOUT_MS);
    await expectMessagesFlow(net, 'alice', 'bob', 'after-guard');
  });
});

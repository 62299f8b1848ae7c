import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type PeerSecurityInfo,
  PeerSecurityMonitor,
  type PeerSecuritySourceEvents,
  SECURITY_POLL_MS,
} from '../../src/security/peer-security.js';
import { TypedEmitter } from '../../src/util/typed-emitter.js';
import { FakeNetwork } from '../peer/fakes/fake-network.js';
import { connectedNetwork, expectMessagesFlow } from '../peer/fakes/scenarios.js';
import { settle, useFakeTime } from '../peer/fakes/time.js';

beforeEach(useFakeTime);
afterEach(() => {
  vi.useRealTimers();
});

describe('relay-only mode in the mesh', () => {
  it('rebuilds every pair under the new policy, the peer follows, and messages keep flowing', async () => {
    const net = await connectedNetwork('alice', 'bob', 'carol');
    const before = net.world.pcsOf('alice').length;
    net.mesh('alice').handleTransportPolicy('relay');
    await settle();

    const fresh = net.world.pcsOf('alice').slice(before);
    expect(fresh).toHaveLength(2);
    for (const pc of fresh) expect(pc.configuration.iceTransportPolicy).toBe('relay');
    expect(
      net.world
        .pcsOf('alice')
        .slice(0, before)
        .every((pc) => pc.closed),
    ).toBe(true);
    expect(net.mesh('alice').stateOf('bob')).toBe('connected');
    await expectMessagesFlow(net, 'alice', 'bob', 'after-switch');
    await expectMessagesFlow(net, 'carol', 'alice', 'after-switch');

    // New pairs start under the policy too; switching to the same policy again changes nothing.
    net.mesh('alice').handleTransportPolicy('relay');
    await settle();
    expect(net.world.pcsOf('alice')).toHaveLength(before + 2);
  });

  it('new ICE servers plus an ICE restart keep the same connection and its channels', async () => {
    const net = await connectedNetwork('alice', 'bob');
    const pc = net.world.live('alice', 'bob');
    const epoch = net.mesh('alice').epochOf('bob');
    const turn = [{ urls: 'turn:turn.example.org', username: '2:alice', credential: 'fresh' }];

    net.mesh('alice').handleIceServers(turn);
    net.mesh('alice').restartIce('bob');
    await settle();

    expect(pc.configurations.at(-1)?.iceServers).toEqual(turn);
    expect(pc.restartIceCalls).toBe(1);
    expect(net.world.live('alice', 'bob')).toBe(pc);
    expect(net.mesh('alice').epochOf('bob')).toBe(epoch);
    expect(net.eventsOf('alice', 'control-closed')).toEqual([]);
    await expectMessagesFlow(net, 'alice', 'bob', 'after-refresh');
  });
});

/** Stands in for KopruSession: the events the monitor listens to. */
class FakeSession extends TypedEmitter<PeerSecuritySourceEvents> {
  fire<K extends keyof PeerSecuritySourceEvents>(event: K, payload: PeerSecuritySourceEvents[K]): void {
    this.emit(event, payload);
  }
}

/** Feeds a monitor from a mesh the way KopruSession does ('ready', then 'pair-state' per change). */
function monitorOf(net: FakeNetwork, id: string) {
  const source = new FakeSession();
  const monitor = new PeerSecurityMonitor(source);
  const infos: PeerSecurityInfo[] = [];
  monitor.on('info', (info) => infos.push(info));
  const mesh = net.add(id);
  source.fire('ready', { mesh });
  mesh.on('state', (event) => source.fire('pair-state', event));
  return { monitor, infos, mesh };
}

describe('PeerSecurityMonitor', () => {
  it('reports the route and the same safety number on both sides, and notices a switch to a relay', async () => {
    const net = new FakeNetwork();
    const alice = monitorOf(net, 'alice');
    const bob = monitorOf(net, 'bob');
    alice.mesh.ensureSession('bob');
    await settle();
    await vi.advanceTimersByTimeAsync(SECURITY_POLL_MS);
    // Safety numbers hash with crypto.subtle, which settles on real I/O, not on the fake clock.
    await vi.waitFor(() => expect(bob.monitor.get('alice')?.safetyNumber).toBeDefined());
    await vi.waitFor(() => expect(alice.monitor.get('bob')?.safetyNumber).toBeDefined());

    const a = alice.monitor.get('bob');
    const b = bob.monitor.get('alice');
    expect(a?.route).toBe('direct');
    expect(b?.route).toBe('direct');
    expect(a?.safetyNumber).toMatch(/^\d{5}( \d{5}){5}$/);
    expect(a?.safetyNumber).toBe(b?.safetyNumber);
    expect(a?.remoteFingerprint).toEqual(b?.localFingerprint);

    net.world.live('bob', 'alice').localCandidateType = 'relay';
    await vi.advanceTimersByTimeAsync(SECURITY_POLL_MS);
    await vi.waitFor(() => expect(alice.monitor.get('bob')?.route).toBe('relayed'));
    expect(alice.monitor.relayedPeers()).toEqual(['bob']);
    expect(alice.infos.filter((i) => i.peerId === 'bob').map((i) => i.route)).toContain('direct');
    alice.monitor.close();
    bob.monitor.close();
  });

  it('forgets a peer whose connection closed', async () => {
    const net = new FakeNetwork();
    const alice = monitorOf(net, 'alice');
    monitorOf(net, 'bob');
    alice.mesh.ensureSession('bob');
    await settle();
    alice.mesh.handlePeerLeft('bob');
    await settle();
    expect(alice.monitor.get('bob')).toBeUndefined();
    alice.monitor.close();
  });
});

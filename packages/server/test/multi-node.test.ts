import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, connectClient, expectError, newRoomId, type TestClient } from './support/harness.js';
import {
  ensureBuilt,
  eventually,
  type NodeProcess,
  readyStatus,
  startNode,
  stopAllNodes,
} from './support/node-process.js';
import { freePort, type RedisProcess, startRedis } from './support/redis-process.js';

/** Short TTL so a dead node's peers expire quickly; heartbeats run every third of it. */
const PRESENCE_TTL_S = 2;
/** Nodes heart-beat, and sweep, three times per TTL. */
const HEARTBEAT_MS = (PRESENCE_TTL_S * 1000) / 3;
/**
 * The TTL runs from the dead node's last heartbeat (up to one period before the kill) and the survivor
 * notices at its next sweep (up to one period after the TTL), plus scheduling slack on a busy machine.
 */
const EXPIRY_EARLIEST_MS = PRESENCE_TTL_S * 1000 - HEARTBEAT_MS - 100;
const EXPIRY_BOUND_MS = PRESENCE_TTL_S * 1000 + HEARTBEAT_MS + 1_500;

let redis: RedisProcess;
let node1: NodeProcess;
let node2: NodeProcess;

beforeAll(async () => {
  ensureBuilt();
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.close();
});

/** Starting two node processes is quick on a quiet machine; these bounds are for a busy one. */
const NODE_START_BOUND_MS = 65_000;
const TEST_BOUND_MS = 45_000;

beforeEach(async () => {
  const env = { REDIS_URL: redis.url, PRESENCE_TTL: String(PRESENCE_TTL_S) };
  [node1, node2] = await Promise.all([
    freePort().then((port) => startNode(port, { ...env, NODE_ID: 'node-1' })),
    freePort().then((port) => startNode(port, { ...env, NODE_ID: 'node-2' })),
  ]);
}, NODE_START_BOUND_MS);

afterEach(async () => {
  await closeAll();
  await stopAllNodes();
  await redis.start(); // after a test that killed it
}, NODE_START_BOUND_MS);

async function twoPeers(): Promise<{
  roomId: string;
  alice: TestClient;
  bob: TestClient;
  alicePeerId: string;
}> {
  const roomId = newRoomId();
  const alice = await connectClient(node1.url);
  const joined = await alice.join(roomId, 'Alice');
  const bob = await connectClient(node2.url);
  const bobJoin = await bob.join(roomId, 'Bob');
  expect(bobJoin.peers.map((p) => p.name)).toEqual(['Alice']);
  await alice.events.waitFor('presence:joined', (e) => e.peer.name === 'Bob');
  return { roomId, alice, bob, alicePeerId: joined.self.peerId };
}

describe('two nodes on one Redis', { timeout: TEST_BOUND_MS }, () => {
  it('share presence and relay signals between peers on different nodes', async () => {
    const { alice, bob, alicePeerId } = await twoPeers();
    const bobPeerId = (await alice.events.waitFor('presence:joined')).peer.peerId;

    const sent = await alice.request('signal', { to: bobPeerId, data: { kind: 'reset', epoch: 7 } });
    const received = await bob.events.waitFor('signal');
    await bob.request('peer:update', { status: 'away' });
    const updated = await alice.events.waitFor('presence:updated');
    await alice.request('room:leave', {});
    const left = await bob.events.waitFor('presence:left');

    expect(sent).toEqual({ ok: true, data: null });
    expect(received).toEqual({ from: alicePeerId, data: { kind: 'reset', epoch: 7 } });
    expect(updated.peer).toMatchObject({ peerId: bobPeerId, status: 'away' });
    expect(left).toEqual({ peerId: alicePeerId, reason: 'left' });
  });

  it('share Nearby groups: devices behind one address on different nodes see and signal each other', async () => {
    const alice = await connectClient(node1.url);
    const bob = await connectClient(node2.url);
    const a = await alice.request('nearby:join', { name: 'Alice' });
    const b = await bob.request('nearby:join', { name: 'Bob' });
    if (!a.ok || !b.ok) return expect.fail('nearby join refused');

    expect(b.data.peers).toEqual([a.data.self]);
    expect(await alice.events.waitFor('presence:joined')).toEqual({ peer: b.data.self });
    const signal = { kind: 'reset', epoch: 3 } as const;
    expect(await bob.request('signal', { to: a.data.self.peerId, data: signal })).toEqual({
      ok: true,
      data: null,
    });
    expect(await alice.events.waitFor('signal')).toEqual({ from: b.data.self.peerId, data: signal });
  });

  it('a room password set through one node is enforced by the other', async () => {
    const roomId = newRoomId();
    const owner = await connectClient(node1.url);
    await owner.join(roomId, 'Owner');
    const set = await owner.request('room:set-password', { password: 'correct horse' });
    const guest = await connectClient(node2.url);

    const without = await guest.request('room:join', { roomId, name: 'Guest' });
    const wrong = await guest.request('room:join', { roomId, name: 'Guest', password: 'wrong' });
    const right = await guest.request('room:join', { roomId, name: 'Guest', password: 'correct horse' });

    expect(set.ok).toBe(true);
    expectError(without, 'PASSWORD_REQUIRED');
    expectError(wrong, 'WRONG_PASSWORD');
    expect(right.ok).toBe(true);
  });

  it('resumes a peer on the other node with its token; the old connection is replaced', async () => {
    const { roomId, alice, bob, alicePeerId } = await twoPeers();
    const token = (await alice.join(roomId, 'Alice')).sessionToken;

    const again = await connectClient(node2.url);
    const resumed = await again.join(roomId, 'Alice', { sessionToken: token });

    expect(resumed).toMatchObject({ resumed: true, self: { peerId: alicePeerId } });
    expect(await alice.events.waitFor('session:ended')).toMatchObject({ reason: 'replaced' });
    expect(await alice.disconnected()).toBe('io server disconnect');
    expect(await bob.events.waitFor('presence:updated')).toMatchObject({ peer: { peerId: alicePeerId } });
    expect(bob.events.all('presence:left')).toEqual([]);
  });

  it("expires the peers of a SIGKILLed node: the other node's clients see them leave within the TTL", async () => {
    const { roomId, bob, alicePeerId } = await twoPeers();
    const killedAt = Date.now();

    node1.kill('SIGKILL');
    const left = await bob.events.waitFor('presence:left', () => true, EXPIRY_BOUND_MS + 1_000);
    const elapsed = Date.now() - killedAt;
    const carol = await connectClient(node2.url);
    const snapshot = await carol.join(roomId, 'Carol');

    expect(left).toEqual({ peerId: alicePeerId, reason: 'expired' });
    expect(elapsed).toBeGreaterThanOrEqual(EXPIRY_EARLIEST_MS);
    expect(elapsed).toBeLessThan(EXPIRY_BOUND_MS);
    expect(snapshot.peers.map((p) => p.name)).toEqual(['Bob']);
  });

  it('a peer of a killed node that reconnects elsewhere in time stays the same peer and is never expired', async () => {
    const { roomId, alice, bob, alicePeerId } = await twoPeers();
    const token = (await alice.join(roomId, 'Alice')).sessionToken;

    node1.kill('SIGKILL');
    await alice.disconnected();
    const again = await connectClient(node2.url);
    const resumed = await again.join(roomId, 'Alice', { sessionToken: token });
    await bob.events.waitFor('presence:updated', (e) => e.peer.peerId === alicePeerId);
    // Past the TTL: a sweep has run, and must have spared the record now owned by node 2.
    await new Promise((r) => setTimeout(r, EXPIRY_BOUND_MS));

    expect(resumed.self.peerId).toBe(alicePeerId);
    expect(bob.events.all('presence:left')).toEqual([]);
    expect(
      (await connectClient(node2.url).then((c) => c.join(roomId, 'Carol'))).peers.map((p) => p.name),
    ).toEqual(['Alice', 'Bob']);
  });

  it('survives a Redis restart: both nodes go not-ready and drop clients, then recover', async () => {
    const { roomId, alice, bob, alicePeerId } = await twoPeers();
    const bobPeerId = (await alice.events.waitFor('presence:joined')).peer.peerId;
    const tokens = [
      (await alice.join(roomId, 'Alice')).sessionToken,
      (await bob.join(roomId, 'Bob')).sessionToken,
    ];

    await redis.kill();
    await Promise.all([alice.disconnected(), bob.disconnected()]);
    await eventually('both nodes report not ready', async () =>
      (await Promise.all([readyStatus(node1), readyStatus(node2)])).every((s) => s === 503),
    );
    const body = (await (await fetch(`${node1.url}/readyz`)).json()) as { reasons: string[] };
    await expect(connectClient(node1.url)).rejects.toThrow();
    await redis.start();
    await eventually('both nodes ready again', async () =>
      (await Promise.all([readyStatus(node1), readyStatus(node2)])).every((s) => s === 200),
    );
    const alice2 = await connectClient(node1.url);
    const bob2 = await connectClient(node2.url);
    const aliceBack = await alice2.join(roomId, 'Alice', { sessionToken: tokens[0] });
    const bobBack = await bob2.join(roomId, 'Bob', { sessionToken: tokens[1] });
    await alice2.request('signal', { to: bobBack.self.peerId, data: { kind: 'reset', epoch: 2 } });

    expect(body.reasons).toEqual(['redis-unreachable']);
    expect(aliceBack.self.peerId).toBe(alicePeerId); // Redis forgot everything; the token still holds
    expect(bobBack.self.peerId).toBe(bobPeerId);
    expect(bobBack.peers.map((p) => p.peerId)).toEqual([aliceBack.self.peerId]);
    expect(await bob2.events.waitFor('signal')).toEqual({
      from: aliceBack.self.peerId,
      data: { kind: 'reset', epoch: 2 },
    });
  });

  it('SIGTERM: clients are told, move to the other node as the same peer, and the node exits 0', async () => {
    const { roomId, alice, bob, alicePeerId } = await twoPeers();
    const token = (await alice.join(roomId, 'Alice')).sessionToken;

    node1.kill('SIGTERM');
    const told = await alice.events.waitFor('session:ended');
    alice.socket.disconnect(); // what the browser client does on 'shutdown' (tested in the client package)
    const again = await connectClient(node2.url);
    const resumed = await again.join(roomId, 'Alice', { sessionToken: token });
    const code = await node1.exited;

    expect(told.reason).toBe('shutdown');
    expect(resumed.self.peerId).toBe(alicePeerId);
    expect(code).toBe(0);
    expect(bob.events.all('presence:left')).toEqual([]);
    expect(node1.output()).toContain('"drained":true');
  });
});

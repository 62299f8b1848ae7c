import { LIMITS, type SignalData } from '@kopru/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, newRoomId, startServer, type TestClient } from './support/harness.js';

afterEach(closeAll);

const RESET: SignalData = { kind: 'reset', epoch: 1 };

/** Sends a raw socket.io packet, bypassing the client's own checks (engine.io adds the message type). */
const sendRawPacket = (client: TestClient, packet: string): void => {
  client.socket.io.engine.send(packet);
};

async function roomOfThree() {
  const server = await startServer();
  const roomId = newRoomId();
  const alice = await server.connect();
  const bob = await server.connect();
  const mallory = await server.connect();
  const a = await alice.join(roomId, 'Alice');
  const b = await bob.join(roomId, 'Bob');
  const m = await mallory.join(roomId, 'Mallory');
  await alice.events.waitFor('presence:joined', (e) => e.peer.peerId === m.self.peerId);
  return { server, alice, bob, mallory, a, b, m };
}

/** The connection of `m` is gone, everyone else stays and can still reach each other. */
async function expectOnlyOffenderDropped(room: Awaited<ReturnType<typeof roomOfThree>>): Promise<void> {
  const { alice, bob, mallory, a, b, m } = room;
  await mallory.disconnected();
  expect(await alice.events.waitFor('presence:left')).toEqual({
    peerId: m.self.peerId,
    reason: 'disconnected',
  });
  expect(alice.socket.connected).toBe(true);
  expect(bob.socket.connected).toBe(true);
  expect(await alice.request('signal', { to: b.self.peerId, data: RESET })).toEqual({ ok: true, data: null });
  expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data: RESET });
}

describe('frames the server cannot accept', () => {
  it('disconnects only the client that sends a frame larger than maxHttpBufferSize', async () => {
    const room = await roomOfThree();
    const huge = 'x'.repeat(LIMITS.maxFrameBytes + 1);

    room.mallory.rawEmit('signal', {
      to: room.a.self.peerId,
      data: { kind: 'description', epoch: 1, description: { type: 'offer', sdp: huge } },
    });

    await expectOnlyOffenderDropped(room);
    expect(room.alice.events.all('signal')).toEqual([]);
  });

  it('disconnects only the client that sends an event with a reserved name', async () => {
    const room = await roomOfThree();

    // socket.io-client refuses to emit "disconnect" itself; a hostile client can still send the packet.
    sendRawPacket(room.mallory, '2["disconnect","forged"]');

    await expectOnlyOffenderDropped(room);
  });

  it('disconnects only the client that sends a packet that does not parse', async () => {
    const room = await roomOfThree();

    sendRawPacket(room.mallory, '2{not json');

    await expectOnlyOffenderDropped(room);
  });

  it('answers the largest valid signal instead of dropping the connection, whatever its characters', async () => {
    const { alice, bob, a, b } = await roomOfThree();
    // Worst case on the wire: JSON spends 6 bytes (`\u0001`) on each of these characters.
    const data: SignalData = {
      kind: 'description',
      epoch: Number.MAX_SAFE_INTEGER,
      description: { type: 'rollback', sdp: '\u0001'.repeat(LIMITS.sdpMax) },
    };
    expect(JSON.stringify(data).length).toBeGreaterThan(6 * LIMITS.sdpMax);

    expect(await alice.request('signal', { to: b.self.peerId, data })).toEqual({ ok: true, data: null });
    expect(await bob.events.waitFor('signal')).toEqual({ from: a.self.peerId, data });
  });
});

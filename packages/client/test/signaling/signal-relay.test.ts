import type { JoinReply, SignalData, SignalFailed } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { type NodeSocket, startSignalingClient, startStandInNode } from './stand-in-node.js';

const ROOM = 'signal-room-1';
const SELF = 'A'.repeat(22);
const BOB = 'B'.repeat(22);
/**
 * A stand-in server node, real socket.io on loopback: it answers joins only when told to (so a test can
 * signal before the join completes) and records every `signal` with the number of arguments it came with.
 */
async function startNode() {
  const signals: { payload: unknown; args: number }[] = [];
  const pendingJoins: (() => void)[] = [];
  let socket: NodeSocket | undefined;
  const url = await startStandInNode((s) => {
    socket = s;
    s.on('room:join', (request, ack) => {
      const self = { peerId: SELF, name: request.name, status: 'available' as const, joinedAt: 1 };
      const reply: JoinReply = {
        roomId: ROOM,
        self,
        sessionToken: 't',
        peers: [],
        iceServers: [],
        resumed: false,
      };
      pendingJoins.push(() => ack({ ok: true, data: reply }));
    });
    (s.on as (event: string, listener: (...args: unknown[]) => void) => void)('signal', (...args) => {
      signals.push({ payload: args[0], args: args.length });
    });
  });
  return {
    url,
    signals,
    answerJoins: () => {
      for (const answer of pendingJoins.splice(0)) answer();
    },
    joinAsked: () => pendingJoins.length > 0,
    emitRaw: (event: string, payload: unknown) =>
      (socket?.emit as ((event: string, payload: unknown) => void) | undefined)?.(event, payload),
  };
}

function startClient(url: string) {
  const client = startSignalingClient(url, ROOM);
  const failures: SignalFailed[] = [];
  client.on('signal-failed', (e) => failures.push(e));
  return { client, failures };
}

const reset = (epoch: number): SignalData => ({ kind: 'reset', epoch });

describe('SignalingClient signals', () => {
  it('go out without an acknowledgement, queued in order until the join is answered', async () => {
    const node = await startNode();
    const { client } = startClient(node.url);
    await expect.poll(node.joinAsked).toBe(true);

    client.signal(BOB, reset(1)); // not joined yet: queued
    client.signal(BOB, reset(2));
    node.answerJoins();
    await expect.poll(() => node.signals.length).toBe(2);
    client.signal(BOB, reset(3));

    await expect.poll(() => node.signals.length).toBe(3);
    expect(node.signals).toEqual(
      [1, 2, 3].map((epoch) => ({ payload: { to: BOB, data: reset(epoch) }, args: 1 })),
    );
  });

  it('surface the server’s signal:failed as signal-failed, and drop a malformed one', async () => {
    const node = await startNode();
    const { failures } = startClient(node.url);
    await expect.poll(node.joinAsked).toBe(true);
    node.answerJoins();

    node.emitRaw('signal:failed', { error: { code: 'NOWHERE', message: 'not a protocol error' } });
    const refused: SignalFailed = { to: BOB, error: { code: 'PEER_NOT_FOUND', message: 'no such peer' } };
    node.emitRaw('signal:failed', refused);

    await expect.poll(() => failures.length).toBe(1);
    expect(failures).toEqual([refused]);
  });
});

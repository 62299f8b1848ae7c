import type { JoinReply } from '@kopru/protocol';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  type ConnectionStatus,
  SignalingClient,
} from '../../src/signaling/signaling-client.js';
import { closeAfterTest, type NodeSocket, startStandInNode } from './stand-in-node.js';

const ROOM = 'shutdown-room-1';
const PEER = 'A'.repeat(22);
/**
 * A stand-in for one server node, real socket.io on loopback: it answers every join (as the same peer
 * when the token matches) and records the tokens it was sent, so the test sees the client come back.
 */
async function startNode() {
  const joins: (string | undefined)[] = [];
  const connected: NodeSocket[] = [];
  const url = await startStandInNode((socket) => {
    connected.push(socket);
    socket.on('room:join', (request, ack) => {
      joins.push(request.sessionToken);
      const self = { peerId: PEER, name: request.name, status: 'available' as const, joinedAt: 1 };
      const reply: JoinReply = {
        roomId: ROOM,
        self,
        sessionToken: `token-${joins.length}`,
        peers: [],
        iceServers: [],
        resumed: request.sessionToken !== undefined,
      };
      ack({ ok: true, data: reply });
    });
  });
  return { url, joins, connected };
}

function startClient(url: string) {
  const socket: ClientSocket = io(url, { autoConnect: false, transports: ['websocket'], forceNew: true });
  let token: string | undefined;
  const statuses: ConnectionStatus[] = [];
  const ended: unknown[] = [];
  const client = new SignalingClient({
    socket,
    roomId: ROOM,
    profile: () => ({ name: 'Alice', status: 'available' }),
    tokens: { get: () => token, set: (t) => (token = t), clear: () => (token = undefined) },
    random: () => 0,
  });
  client.on('status', (s) => statuses.push(s));
  client.on('session-ended', (e) => ended.push(e));
  closeAfterTest(() => client.close());
  const waitForStatus = (wanted: ConnectionStatus, after: number) =>
    new Promise<void>((resolve) => {
      if (statuses.slice(after).includes(wanted)) resolve();
      const off = client.on('status', (s) => {
        if (s !== wanted) return;
        off();
        resolve();
      });
    });
  return { client, socket, statuses, ended, token: () => token, waitForStatus };
}

describe('SignalingClient when its server node shuts down', () => {
  it("treats session:ended 'shutdown' as reconnect: rejoins with its token, never ends", async () => {
    const node = await startNode();
    const alice = startClient(node.url);
    alice.client.start();
    await alice.waitForStatus('connected', 0);
    const beforeShutdown = alice.statuses.length;
    const firstConnection = node.connected[0];

    firstConnection?.emit('session:ended', { reason: 'shutdown', message: 'node going away' });
    await alice.waitForStatus('connected', beforeShutdown);

    expect(alice.statuses.slice(beforeShutdown)).toEqual(['reconnecting', 'connecting', 'connected']);
    expect(firstConnection?.connected).toBe(false); // it let go of the old node's connection
    expect(node.connected).toHaveLength(2); // and came back on a new one
    expect(node.joins).toEqual([undefined, 'token-1']); // with the token from its first join
    expect(alice.ended).toEqual([]);
    expect(alice.token()).toBe('token-2');
  });

  it("still ends the session on 'replaced', and forgets the token", async () => {
    const node = await startNode();
    const alice = startClient(node.url);
    alice.client.start();
    await alice.waitForStatus('connected', 0);

    node.connected[0]?.emit('session:ended', { reason: 'replaced', message: 'opened elsewhere' });
    await alice.waitForStatus('ended', 0);

    expect(alice.ended).toEqual([{ reason: 'replaced', message: 'opened elsewhere' }]);
    expect(alice.token()).toBeUndefined();
  });
});

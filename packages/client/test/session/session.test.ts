import type { JoinReply } from '@kopru/protocol';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { MemoryChatStore } from '../../src/chat/chat-store.js';
import { RoomClient } from '../../src/room/room-client.js';
import { KopruSession } from '../../src/session.js';
import { type ClientSocket, SignalingClient } from '../../src/signaling/signaling-client.js';
import { MemoryTransferStore } from '../../src/transfer/persistence.js';
import { MemoryStorage } from '../../src/transfer/storage.js';
import { closeAfterTest, startStandInNode } from '../signaling/stand-in-node.js';

const ROOM = 'session-room-1';
const SELF = 'S'.repeat(22);

/** A stand-in node that lets everyone in as `SELF`, and counts the joins. */
async function startNode() {
  const joins = { count: 0 };
  const url = await startStandInNode((socket) => {
    socket.on('room:join', (request, ack) => {
      joins.count += 1;
      const reply: JoinReply = {
        roomId: ROOM,
        self: { peerId: SELF, name: request.name, status: 'available', joinedAt: 1 },
        sessionToken: 'token',
        peers: [],
        iceServers: [],
        iceServersTtl: 120,
        relayOnlyDefault: false,
        access: { owner: false, passwordProtected: false },
        resumed: request.sessionToken !== undefined,
      };
      ack({ ok: true, data: reply });
    });
  });
  return { url, joins };
}

function startRoom(url: string) {
  const socket: ClientSocket = io(url, {
    autoConnect: false,
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 20, // the blip below reconnects at once
  });
  let token: string | undefined;
  const signaling = new SignalingClient({
    socket,
    roomId: ROOM,
    profile: () => ({ name: 'Sam', status: 'available' }),
    tokens: { get: () => token, set: (t) => (token = t), clear: () => (token = undefined) },
  });
  const room = new RoomClient(
    ROOM,
    signaling,
    { load: () => ({ name: 'Sam' }), save: () => {} },
    () => 'Sam',
  );
  closeAfterTest(() => room.close());
  return { room, socket };
}

/** Session options whose transfer storage records how many were made and closed. */
function sessionOptions(room: RoomClient) {
  const storages: { closed: number }[] = [];
  const opts = {
    room,
    chatStore: new MemoryChatStore(),
    transfers: {
      store: new MemoryTransferStore(),
      storage: () => {
        const made = { closed: 0 };
        storages.push(made);
        return Object.assign(new MemoryStorage(), { close: () => (made.closed += 1) });
      },
      hasher: () => ({ hash: async () => '', close: () => {} }),
    },
  };
  return { opts, storages };
}

describe('KopruSession', () => {
  it('made after the room joined (a remounted UI), builds at once for the peer id the room has', async () => {
    const node = await startNode();
    const { room, socket } = startRoom(node.url);
    room.start();
    await room.waitFor('status', (s) => s === 'connected');

    const { opts, storages } = sessionOptions(room);
    const session = new KopruSession(opts);
    expect(session.current?.selfPeerId).toBe(SELF);
    const { chat, transfers, mesh } = session.current ?? {};
    expect(chat).toBeDefined();
    expect(transfers).toBeDefined();
    expect(storages).toEqual([{ closed: 0 }]);

    // The server confirms the same peer id after a network blip: the session keeps what it built.
    const back = room.waitFor('status', (s) => s === 'connected');
    socket.io.engine.close();
    await back;
    expect(node.joins.count).toBe(2);
    expect(session.chatManager).toBe(chat);
    expect(session.transferManager).toBe(transfers);
    expect(session.peerMesh).toBe(mesh);
    expect(storages).toHaveLength(1);

    session.close();
    session.close();
    expect(session.current).toBeUndefined();
    await expect.poll(() => storages).toEqual([{ closed: 1 }]);
  });

  it('made before the room joined, builds when it joins', async () => {
    const node = await startNode();
    const { room } = startRoom(node.url);
    const { opts, storages } = sessionOptions(room);
    const session = new KopruSession(opts);
    closeAfterTest(() => session.close());
    expect(session.current).toBeUndefined();
    const ready = session.waitFor('ready');
    room.start();
    expect((await ready).selfPeerId).toBe(SELF);
    expect(storages).toHaveLength(1);
  });
});

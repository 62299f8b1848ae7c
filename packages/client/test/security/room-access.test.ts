import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ClientToServerEvents,
  IceServer,
  JoinReply,
  ProtocolError,
  ServerToClientEvents,
} from '@kopru/protocol';
import { Server } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from '../../src/room/room-client.js';
import { type ClientSocket, SignalingClient } from '../../src/signaling/signaling-client.js';
import type { TimerId, Timers } from '../../src/util/seams.js';

const ROOM = 'protected-room-1';
const PEER = 'P'.repeat(22);
const PASSWORD = 'sesame';
const closers: (() => void)[] = [];

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Timers the test fires by hand (the ICE refresh is scheduled in minutes). */
class ManualTimers implements Timers {
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): TimerId {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    return id as unknown as TimerId;
  }
  clearTimeout(id: TimerId): void {
    this.pending.delete(id as unknown as number);
  }
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.callback();
  }
}

/**
 * A stand-in server on loopback (real socket.io): a room with a password, TURN credentials that expire
 * after 120 s, `ice:refresh`, and an owner who may change the password. It records what joins carried.
 */
async function startServer(opts: { refuseWith?: ProtocolError } = {}) {
  const http = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  const joins: { password?: string | undefined; sessionToken?: string | undefined }[] = [];
  let refreshes = 0;
  const turn = (n: number): IceServer[] => [
    { urls: 'turn:127.0.0.1:3478', username: `${n}:${PEER}`, credential: `c${n}` },
  ];
  if (opts.refuseWith) {
    const refusal = opts.refuseWith;
    server.use((_socket, next) => next(Object.assign(new Error(refusal.message), { data: refusal })));
  }
  server.on('connection', (socket) => {
    socket.on('room:join', (request, ack) => {
      joins.push({ password: request.password, sessionToken: request.sessionToken });
      if (!request.sessionToken && request.password !== PASSWORD) {
        const code = request.password === undefined ? 'PASSWORD_REQUIRED' : 'WRONG_PASSWORD';
        ack({ ok: false, error: { code, message: code } });
        return;
      }
      const reply: JoinReply = {
        roomId: ROOM,
        self: { peerId: PEER, name: request.name, status: 'available', joinedAt: 1 },
        sessionToken: 'token',
        peers: [],
        iceServers: turn(0),
        iceServersTtl: 120,
        relayOnlyDefault: true,
        access: { owner: false, passwordProtected: true },
        resumed: request.sessionToken !== undefined,
      };
      ack({ ok: true, data: reply });
    });
    socket.on('ice:refresh', (_request, ack) => {
      refreshes += 1;
      ack({ ok: true, data: { iceServers: turn(refreshes), iceServersTtl: 120 } });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.close();
    http.closeAllConnections();
  });
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, joins, server, refreshes: () => refreshes };
}

function startRoom(url: string) {
  const socket: ClientSocket = io(url, { autoConnect: false, transports: ['websocket'], forceNew: true });
  let token: string | undefined;
  let room: RoomClient | undefined;
  const signaling = new SignalingClient({
    socket,
    roomId: ROOM,
    profile: () => room?.currentProfile() ?? { name: 'Guest', status: 'available' },
    tokens: { get: () => token, set: (t) => (token = t), clear: () => (token = undefined) },
  });
  const timers = new ManualTimers();
  const profile = { name: 'Guest' };
  room = new RoomClient(ROOM, signaling, { load: () => profile, save: () => {} }, () => 'Guest', timers);
  const errors: ProtocolError[] = [];
  room.on('error', (e) => errors.push(e));
  closers.push(() => room?.close());
  return { room, signaling, socket, timers, errors };
}

describe('joining a room with a password', () => {
  it('is refused without it, then sends it once; a reconnect resumes with the token alone', async () => {
    const server = await startServer();
    const { room, socket, errors } = startRoom(server.url);
    room.start();
    await room.waitFor('status', (s) => s === 'refused');
    expect(errors.at(-1)?.code).toBe('PASSWORD_REQUIRED');

    room.joinWithPassword('guess');
    await room.waitFor('error', (e) => e.code === 'WRONG_PASSWORD');
    room.joinWithPassword(PASSWORD);
    await room.waitFor('status', (s) => s === 'connected');
    expect(room.access).toEqual({ owner: false, passwordProtected: true });
    expect(room.relayOnlyDefault).toBe(true);

    // A network blip: socket.io reconnects by itself. (Waiters first: the status changes synchronously.)
    const dropped = room.waitFor('status', (s) => s === 'reconnecting');
    const back = room.waitFor('status', (s) => s === 'connected');
    socket.io.engine.close();
    await dropped;
    await back;
    expect(server.joins).toEqual([
      { password: undefined, sessionToken: undefined },
      { password: 'guess', sessionToken: undefined },
      { password: PASSWORD, sessionToken: undefined },
      { password: undefined, sessionToken: 'token' },
    ]);
  });

  it('says why when the server refuses the connection itself (origin, too many connections)', async () => {
    const server = await startServer({ refuseWith: { code: 'ORIGIN_NOT_ALLOWED', message: 'no' } });
    const { room, errors } = startRoom(server.url);
    room.start();
    await room.waitFor('status', (s) => s === 'refused');
    expect(errors).toEqual([{ code: 'ORIGIN_NOT_ALLOWED', message: 'no' }]);
  });
});

describe('ICE server refresh', () => {
  it('asks for fresh credentials at half their lifetime and hands them on, again and again', async () => {
    const server = await startServer();
    const { room, timers } = startRoom(server.url);
    const seen: IceServer[][] = [];
    room.on('ice-servers', (servers) => seen.push(servers));
    room.joinWithPassword(PASSWORD);
    await room.waitFor('status', (s) => s === 'connected');
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]);

    timers.fireAll();
    await room.waitFor('ice-servers', (s) => s[0]?.username === `1:${PEER}`);
    expect(room.currentIceServers[0]?.credential).toBe('c1');
    // The next refresh is armed once the reply's lifetime is read (just after the servers are handed on).
    await vi.waitFor(() => expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]));
    timers.fireAll();
    await room.waitFor('ice-servers', (s) => s[0]?.username === `2:${PEER}`);
    expect(seen.map((s) => s[0]?.username)).toEqual([`0:${PEER}`, `1:${PEER}`, `2:${PEER}`]);
  });

  it('stops while disconnected', async () => {
    const server = await startServer();
    const { room, timers, socket } = startRoom(server.url);
    room.joinWithPassword(PASSWORD);
    await room.waitFor('status', (s) => s === 'connected');
    expect(timers.pending.size).toBe(1);
    socket.disconnect();
    expect(room.status).not.toBe('connected');
    expect(timers.pending.size).toBe(0);
  });
});

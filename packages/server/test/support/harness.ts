import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Ack,
  type ClientToServerEvents,
  type JoinReply,
  type JoinRequest,
  randomId,
  type ServerToClientEvents,
} from '@kopru/protocol';
import { pino } from 'pino';
import { io as connectSocket, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { expect } from 'vitest';
import { createApp, type KopruApp } from '../../src/app.js';
import type { AppDeps, Clock } from '../../src/deps.js';
import { MemoryPresenceStore } from '../../src/presence/memory-store.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** How long any awaited event or reply may take before the test fails (well under vitest's own timeout). */
export const EVENT_TIMEOUT_MS = 3_000;

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(private time = Date.UTC(2025, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface RecordedEvent {
  name: ServerEventName;
  payload: unknown;
}

/** Records every server event a client receives, in arrival order, and waits for the ones a test expects. */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];
  private readonly waiters = new Set<{ check: (event: RecordedEvent) => boolean }>();

  constructor(socket: ClientSocket) {
    socket.onAny((name: ServerEventName, payload: unknown) => {
      const event = { name, payload };
      this.events.push(event);
      for (const waiter of [...this.waiters]) waiter.check(event);
    });
  }

  /** Payloads of every `name` event received so far, in order. */
  all<E extends ServerEventName>(name: E): ServerEventPayload<E>[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as ServerEventPayload<E>);
  }

  names(): ServerEventName[] {
    return this.events.map((e) => e.name);
  }

  /** The first `name` event (already received or still to come) that matches `predicate`. */
  waitFor<E extends ServerEventName>(
    name: E,
    predicate: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = EVENT_TIMEOUT_MS,
  ): Promise<ServerEventPayload<E>> {
    const matches = (event: RecordedEvent): boolean =>
      event.name === name && predicate(event.payload as ServerEventPayload<E>);
    const seen = this.events.find(matches);
    if (seen) return Promise.resolve(seen.payload as ServerEventPayload<E>);
    return new Promise((resolve, reject) => {
      const waiter = {
        check: (event: RecordedEvent): boolean => {
          if (!matches(event)) return false;
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(event.payload as ServerEventPayload<E>);
          return true;
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${name} event within ${timeoutMs} ms; got [${this.names().join(', ')}]`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

export interface TestClient {
  socket: ClientSocket;
  events: EventRecorder;
  /** Resolves with the reason once the socket is disconnected (by either side); fails after a timeout. */
  disconnected(timeoutMs?: number): Promise<string>;
  /** Sends an event with an acknowledgement and returns the reply (fails the test if none comes). */
  request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<Parameters<NonNullable<Parameters<ClientToServerEvents[E]>[1]>>[0]>;
  /** Like `request`, for payloads the event map would not allow (malformed input). */
  rawRequest(event: string, ...args: unknown[]): Promise<Ack<unknown>>;
  /** Sends an event with no acknowledgement, whatever its name or arguments. */
  rawEmit(event: string, ...args: unknown[]): void;
  /** Joins `roomId` and returns the reply's data; fails the test if the join is refused. */
  join(roomId: string, name: string, extra?: Partial<JoinRequest>): Promise<JoinReply>;
}

export interface TestServer {
  url: string;
  port: number;
  clock: FakeClock;
  deps: AppDeps;
  app: KopruApp;
  httpServer: HttpServer;
  connect(): Promise<TestClient>;
}

type UntypedSocket = Socket & {
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
};

const untyped = (socket: ClientSocket): UntypedSocket => socket as unknown as UntypedSocket;

/** Everything started by this module, closed by `closeAll()` (call it in `afterEach`). */
const openSockets = new Set<ClientSocket>();
const openServers = new Set<{ app: KopruApp; httpServer: HttpServer }>();

/** Starts the real app on a fresh HTTP server on 127.0.0.1, port 0, with in-memory presence. */
export async function startServer(overrides: Partial<AppDeps> = {}): Promise<TestServer> {
  const clock = new FakeClock();
  const deps: AppDeps = {
    presence: new MemoryPresenceStore(),
    clock,
    ids: { peerId: () => randomId(), roomId: () => randomId(16) },
    logger: pino({ level: 'silent' }),
    sessionSecret: 'test-secret-that-is-at-least-32-characters',
    sessionTtlMs: 60 * 60 * 1000,
    roomCapacity: 8,
    iceServers: () => [{ urls: 'stun:stun.example.test:3478' }],
    ...overrides,
  };
  const httpServer = createServer();
  const app = createApp(httpServer, deps);
  openServers.add({ app, httpServer });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return { url, port, clock, deps, app, httpServer, connect: () => connectClient(url) };
}

/** Connects a real socket.io client over WebSocket and waits until it is connected. */
export async function connectClient(
  url: string,
  /** Extra client options, e.g. `extraHeaders` (an `Origin`, or `X-Forwarded-For` behind a trusted proxy). */
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<TestClient> {
  const socket: ClientSocket = connectSocket(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...options,
  });
  openSockets.add(socket);
  const events = new EventRecorder(socket);
  let disconnectReason: string | undefined;
  socket.once('disconnect', (reason) => {
    disconnectReason = reason;
  });
  const disconnected = (timeoutMs = EVENT_TIMEOUT_MS): Promise<string> =>
    new Promise((resolve, reject) => {
      if (disconnectReason !== undefined) {
        resolve(disconnectReason);
        return;
      }
      const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
      socket.once('disconnect', (reason) => {
        clearTimeout(timer);
        resolve(reason);
      });
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const rawRequest = async (event: string, ...args: unknown[]): Promise<Ack<unknown>> =>
    (await untyped(socket)
      .timeout(EVENT_TIMEOUT_MS)
      .emitWithAck(event, ...args)) as Ack<unknown>;
  const client: TestClient = {
    socket,
    events,
    disconnected,
    request: (event, payload) => rawRequest(event, payload) as never,
    rawRequest,
    rawEmit: (event, ...args) => {
      untyped(socket).emit(event, ...args);
    },
    async join(roomId, name, extra = {}) {
      const reply = await client.request('room:join', { roomId, name, ...extra });
      if (!reply.ok) expect.fail(`join refused: ${reply.error.code} ${reply.error.message}`);
      return reply.data;
    },
  };
  return client;
}

/** Closes every client and server started since the last call. Safe to call any number of times. */
export async function closeAll(): Promise<void> {
  for (const socket of openSockets) socket.disconnect();
  openSockets.clear();
  const servers = [...openServers];
  openServers.clear();
  await Promise.all(
    servers.map(async ({ app, httpServer }) => {
      await app.close();
      httpServer.closeAllConnections();
    }),
  );
}

/** Asserts an acknowledgement is a refusal with `code`, and returns its message. */
export function expectError(reply: Ack<unknown>, code: string): string {
  if (reply.ok) return expect.fail(`expected ${code}, got ok: ${JSON.stringify(reply.data)}`);
  expect(reply.error.code).toBe(code);
  expect(typeof reply.error.message).toBe('string');
  return reply.error.message;
}

/** A unique, valid room id per call, so tests never share a room by accident. */
export const newRoomId = (): string => randomId(16);

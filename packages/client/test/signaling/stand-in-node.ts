import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientToServerEvents, ServerToClientEvents } from '@kopru/protocol';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach } from 'vitest';
import { type ClientSocket, SignalingClient } from '../../src/signaling/signaling-client.js';

export type NodeSocket = ServerSocket<ClientToServerEvents, ServerToClientEvents>;

const closers: (() => void)[] = [];

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Runs `close` after the current test (clients, sockets), in the order registered. */
export function closeAfterTest(close: () => void): void {
  closers.push(close);
}

/**
 * A stand-in for one server node: real socket.io on loopback, each connection handed to `onConnection`
 * (which plays the server's part), closed after the test.
 */
export async function startStandInNode(onConnection: (socket: NodeSocket) => void): Promise<string> {
  const http = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(http);
  server.on('connection', onConnection);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closeAfterTest(() => {
    server.close();
    http.closeAllConnections();
  });
  const { port } = http.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** A started signaling client for `roomId` at `url` (no session token kept), closed after the test. */
export function startSignalingClient(url: string, roomId: string): SignalingClient {
  const socket: ClientSocket = io(url, { autoConnect: false, transports: ['websocket'], forceNew: true });
  const client = new SignalingClient({
    socket,
    roomId,
    profile: () => ({ name: 'Alice', status: 'available' }),
    tokens: { get: () => undefined, set: () => {}, clear: () => {} },
  });
  closeAfterTest(() => client.close());
  client.start();
  return client;
}

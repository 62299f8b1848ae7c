import type { ClientToServerEvents, ServerToClientEvents } from '@kopru/protocol';
import type { Server, Socket } from 'socket.io';

/** What the server remembers about one connection once it has joined. */
export interface SocketData {
  roomId?: string;
  peerId?: string;
}

export type KopruServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type KopruSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

/** socket.io room that reaches every connection of one peer, on any node. */
export const peerChannel = (peerId: string): string => `peer:${peerId}`;
/** socket.io room that reaches everyone in a Köprü room. */
export const roomChannel = (roomId: string): string => `room:${roomId}`;

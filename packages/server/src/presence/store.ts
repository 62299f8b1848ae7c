import type { PeerInfo } from '@kopru/protocol';

/** A peer's presence as the server keeps it: what others see, plus the connection that owns it. */
export interface PresenceRecord {
  info: PeerInfo;
  /** The socket.io connection currently holding this peer; a newer one replaces it on resume. */
  connectionId: string;
}

export type JoinOutcome =
  | { kind: 'joined'; others: PeerInfo[] }
  /** The peer was still present (its old connection had not timed out yet) and now has a new connection. */
  | { kind: 'resumed'; others: PeerInfo[]; previousConnectionId: string }
  | { kind: 'full' };

/**
 * Where presence lives. In-memory for one node; a Redis implementation shares it between nodes. Every
 * method is async so both fit the same interface; each must be atomic for one room.
 */
export interface PresenceStore {
  /** Adds or re-attaches a peer, unless the room already holds `capacity` other peers. */
  join(roomId: string, record: PresenceRecord, capacity: number): Promise<JoinOutcome>;
  /** Removes the peer only if `connectionId` still owns it (a replaced connection must not remove its successor). */
  leave(roomId: string, peerId: string, connectionId: string): Promise<PeerInfo | undefined>;
  update(
    roomId: string,
    peerId: string,
    patch: Partial<Pick<PeerInfo, 'name' | 'status'>>,
  ): Promise<PeerInfo | undefined>;
  get(roomId: string, peerId: string): Promise<PresenceRecord | undefined>;
  list(roomId: string): Promise<PeerInfo[]>;
  /** Number of rooms with at least one peer (for metrics). */
  roomCount(): Promise<number>;
}

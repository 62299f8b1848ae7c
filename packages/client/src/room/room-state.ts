import type { PeerInfo } from '@kopru/protocol';

/** The room as this client sees it: itself and everyone else, keyed by peer id. */
export interface RoomState {
  roomId: string;
  self: PeerInfo | undefined;
  peers: ReadonlyMap<string, PeerInfo>;
}

export type PresenceAction =
  | { type: 'snapshot'; self: PeerInfo; peers: readonly PeerInfo[] }
  | { type: 'joined'; peer: PeerInfo }
  | { type: 'updated'; peer: PeerInfo }
  | { type: 'left'; peerId: string }
  | { type: 'self-updated'; self: PeerInfo };

export const emptyRoomState = (roomId: string): RoomState => ({ roomId, self: undefined, peers: new Map() });

/** Pure presence reducer: the snapshot replaces everything; later events patch it. Returns a new state. */
export function reducePresence(state: RoomState, action: PresenceAction): RoomState {
  switch (action.type) {
    case 'snapshot': {
      const peers = new Map(
        action.peers.filter((p) => p.peerId !== action.self.peerId).map((p) => [p.peerId, p]),
      );
      return { ...state, self: action.self, peers };
    }
    case 'joined':
    case 'updated': {
      if (action.peer.peerId === state.self?.peerId) return state;
      const peers = new Map(state.peers);
      peers.set(action.peer.peerId, action.peer);
      return { ...state, peers };
    }
    case 'left': {
      if (!state.peers.has(action.peerId)) return state;
      const peers = new Map(state.peers);
      peers.delete(action.peerId);
      return { ...state, peers };
    }
    case 'self-updated':
      return { ...state, self: action.self };
  }
}

/** People sorted for display: by name, then id so the order is stable. */
export function sortedPeers(state: RoomState): PeerInfo[] {
  return [...state.peers.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.peerId.localeCompare(b.peerId),
  );
}

/** Case- and accent-insensitive name filter for the people search box. */
export function filterPeers(peers: readonly PeerInfo[], query: string): PeerInfo[] {
  const fold = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{Diacritic}/gu, '')
      .toLocaleLowerCase();
  const q = fold(query.trim());
  return q ? peers.filter((p) => fold(p.name).includes(q)) : [...peers];
}

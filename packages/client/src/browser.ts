import { type ClientToServerEvents, randomShortName } from '@kopru/protocol';
import { io } from 'socket.io-client';
import { rendezvousRoomId } from './pairing/pair-secret.js';
import { PairingMeeting } from './pairing/pairing-meeting.js';
import { type ProfileStore, RoomClient } from './room/room-client.js';
import {
  type ClientSocket,
  NEARBY_ROOM_ID,
  requestOver,
  SignalingClient,
  type TokenStore,
} from './signaling/signaling-client.js';

/** Minimal storage seam (the Web Storage API's shape), so this file needs no DOM types at its callers. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function storageTokenStore(storage: KeyValueStorage, roomId: string): TokenStore {
  const key = `kopru:session:${roomId}`;
  return {
    get: () => storage.getItem(key) ?? undefined,
    set: (token) => storage.setItem(key, token),
    clear: () => storage.removeItem(key),
  };
}

export function storageProfileStore(storage: KeyValueStorage): ProfileStore {
  const key = 'kopru:profile';
  return {
    load() {
      try {
        const value: unknown = JSON.parse(storage.getItem(key) ?? 'null');
        return value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string'
          ? { name: (value as { name: string }).name }
          : undefined;
      } catch {
        return undefined;
      }
    },
    save: (profile) => storage.setItem(key, JSON.stringify(profile)),
  };
}

export interface ConnectOptions {
  /** The room; without one (and without `rendezvous`), the Nearby group of this browser's network. */
  roomId?: string;
  /** A paired device's rendezvous (or a pairing code's meeting), instead of a room. */
  rendezvous?: string;
  /** Server origin; the page's own origin when omitted. */
  url?: string;
  /** Per-tab storage for the session token (sessionStorage: a reload is the same peer, a new tab is not). */
  sessionStorage: KeyValueStorage;
  /** Long-lived storage for the profile (localStorage). */
  localStorage: KeyValueStorage;
}

/**
 * Wires the real socket.io transport and browser storage into a RoomClient, for a room or (without a
 * `roomId`) for Nearby, on a connection of its own. Call `start()` to connect.
 */
export function createRoomClient(opts: ConnectOptions): RoomClient {
  const roomId = opts.rendezvous ? rendezvousRoomId(opts.rendezvous) : (opts.roomId ?? NEARBY_ROOM_ID);
  const socket: ClientSocket = io(opts.url ?? '', {
    autoConnect: false,
    // WebSocket first avoids sticky-session needs behind a load balancer; polling is the fallback.
    transports: ['websocket', 'polling'],
  });
  let room: RoomClient | undefined;
  const signaling = new SignalingClient({
    socket,
    roomId,
    ...(opts.rendezvous
      ? { rendezvous: opts.rendezvous }
      : opts.roomId === undefined
        ? { nearby: true }
        : {}),
    tokens: storageTokenStore(opts.sessionStorage, roomId),
    profile: () => room?.currentProfile() ?? { name: randomShortName(), status: 'available' },
  });
  room = new RoomClient(roomId, signaling, storageProfileStore(opts.localStorage), randomShortName);
  return room;
}

/** Storage that forgets with the object: a pairing meeting's session token is never needed again. */
const throwawayStorage = (): KeyValueStorage => {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
};

/**
 * `pair:create` or `pair:claim` on a short-lived connection of its own (pairing needs no room and must work
 * with Nearby off). Rejects with the server's AppError (`PAIR_CODE_WRONG`, `RATE_LIMITED`, …).
 */
export async function requestPairing<E extends 'pair:create' | 'pair:claim'>(
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  url?: string,
) {
  const socket: ClientSocket = io(url ?? '', { transports: ['websocket', 'polling'] });
  try {
    return await requestOver(socket, event, payload);
  } finally {
    socket.disconnect();
  }
}

/** The meeting a pairing code leads to (`rendezvous` from `pair:create` or `pair:claim`), started. */
export function createPairingMeeting(opts: {
  rendezvous: string;
  localStorage: KeyValueStorage;
  url?: string;
}): PairingMeeting {
  const room = createRoomClient({
    rendezvous: opts.rendezvous,
    sessionStorage: throwawayStorage(),
    localStorage: opts.localStorage,
    ...(opts.url ? { url: opts.url } : {}),
  });
  return new PairingMeeting({ room });
}

import { roomIdSchema } from '@kopru/protocol';
import { useEffect } from 'react';

const RECENT_ROOMS_KEY = 'kopru:recent-rooms';
/** A home screen list, not a history: the last few rooms are what people come back to. */
const RECENT_ROOMS_MAX = 8;

export interface RecentRoom {
  roomId: string;
  visitedAt: number;
}

/** The rooms this browser opened, newest first (what localStorage holds, checked: anything else is dropped). */
export function recentRooms(storage: Storage = window.localStorage): RecentRoom[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(RECENT_ROOMS_KEY) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter(
      (r): r is RecentRoom =>
        typeof r === 'object' &&
        r !== null &&
        roomIdSchema.safeParse((r as RecentRoom).roomId).success &&
        Number.isFinite((r as RecentRoom).visitedAt),
    );
  } catch {
    return [];
  }
}

/** Remembers a visit to `roomId` (moved to the front of the list). */
export function rememberRoom(roomId: string, now: number, storage: Storage = window.localStorage): void {
  const rest = recentRooms(storage).filter((r) => r.roomId !== roomId);
  const next = [{ roomId, visitedAt: now }, ...rest].slice(0, RECENT_ROOMS_MAX);
  storage.setItem(RECENT_ROOMS_KEY, JSON.stringify(next));
}

/** For the room page: this room goes to the home screen's recent rooms. */
export function useRememberRoom(roomId: string): void {
  useEffect(() => rememberRoom(roomId, Date.now()), [roomId]);
}

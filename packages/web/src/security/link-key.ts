import { generateLinkKey, isLinkKey, parseLinkFragment } from '@kopru/client';

/** Where a room's invite-link key is kept: localStorage, per room (a reload or a visit from history keeps it). */
export const linkKeyStorageKey = (roomId: string): string => `kopru:link-key:${roomId}`;

export interface RoomLinkKey {
  /** The room's key (base64url), undefined when we came without one. */
  key: string | undefined;
  /** The link had a `#k=` that is not a key: say so once. */
  damaged: boolean;
}

const taken = new Map<string, RoomLinkKey>();

/**
 * Takes the room's key from the address (`#k=<key>`; `#new` from the server's redirect to a fresh room makes
 * one), keeps it in localStorage, and removes the fragment from the address at once: the key then appears in
 * no history entry, no bookmark and no copy of the address bar. The fragment never reaches the server (browsers
 * do not send it); this keeps it out of everything else. Idempotent per room (React may render twice).
 */
export function takeRoomLinkKey(roomId: string): RoomLinkKey {
  const done = taken.get(roomId);
  if (done) return done;
  const storageKey = linkKeyStorageKey(roomId);
  const stored = readStored(storageKey);
  const fragment = parseLinkFragment(window.location.hash);
  let result: RoomLinkKey = { key: stored, damaged: false };
  if (fragment.kind === 'key') {
    result = { key: fragment.key, damaged: false };
  } else if (fragment.kind === 'new-room') {
    result = { key: stored ?? generateLinkKey(), damaged: false };
  } else if (fragment.kind === 'malformed') {
    // The room opens; a key kept from an earlier visit still proves the connections.
    result = { key: stored, damaged: true };
  }
  if (result.key && result.key !== stored) {
    try {
      window.localStorage.setItem(storageKey, result.key);
    } catch {
      // Storage full or refused: the key holds for this page only.
    }
  }
  if (window.location.hash) {
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  }
  taken.set(roomId, result);
  return result;
}

function readStored(storageKey: string): string | undefined {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value && isLinkKey(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The invite link: the room's address, with the key in the fragment when we hold it. */
export const inviteUrl = (roomId: string, key: string | undefined): string =>
  `${window.location.origin}/r/${roomId}${key ? `#k=${key}` : ''}`;

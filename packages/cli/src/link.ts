import { parseLinkFragment } from '@kopru/client';
import { roomIdSchema } from '@kopru/protocol';
import { usageError } from './errors.js';

/** Where a room lives: the server's origin and the room id (from `https://host/r/<roomId>`). */
export interface RoomLink {
  server: URL;
  roomId: string;
  /** The room's invite-link key (`#k=…`), when the link carries one: the proof is then run with everyone. */
  key: string | undefined;
  /** The link had a `#k=` that is not a key (cut short when copied?): the room opens without the proof. */
  damagedKey: boolean;
  /** The link as a browser opens it (with the key in the fragment, which never reaches the server). */
  href: string;
}

const ROOM_PATH = /^\/r\/([^/]+)\/?$/;

/** A server URL from `--server`: http(s) only, path ignored. */
export function parseServer(value: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    throw usageError(`"${value}" is not a server address (expected e.g. https://example.org)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`"${value}" is not an http(s) address`);
  }
  return new URL(url.origin);
}

/**
 * Reads a room link (`https://host/r/<roomId>`, as the browser's Invite shows it), or a bare room id with
 * `--server`. `--server` also overrides the link's own server (a link copied from behind a proxy).
 */
export function parseRoomLink(link: string, server?: string): RoomLink {
  const override = server === undefined ? undefined : parseServer(server);
  let roomId: string | undefined;
  let hash = '';
  let origin: URL | undefined = override;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(link)) {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw usageError(`"${link}" is not a link`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw usageError(`"${link}" is not a Köprü room link (expected https://<server>/r/<room>)`);
    }
    roomId = ROOM_PATH.exec(url.pathname)?.[1];
    hash = url.hash;
    origin ??= new URL(url.origin);
  } else if (override) {
    roomId = link;
  }
  if (!origin || roomId === undefined) {
    throw usageError(`"${link}" is not a Köprü room link (expected https://<server>/r/<room>)`);
  }
  const decoded = safeDecode(roomId);
  const parsed = roomIdSchema.safeParse(decoded);
  if (!parsed.success) throw usageError(`"${link}" is not a Köprü room link: bad room id "${decoded}"`);
  const fragment = parseLinkFragment(hash);
  return withKey(
    {
      server: origin,
      roomId: parsed.data,
      key: undefined,
      damagedKey: fragment.kind === 'malformed',
      href: '',
    },
    fragment.kind === 'key' ? fragment.key : undefined,
  );
}

/** The same room with `key` as its invite-link key (and in its link). */
export function withKey(link: RoomLink, key: string | undefined): RoomLink {
  const base = new URL(`/r/${link.roomId}`, link.server).href;
  return { ...link, key, href: key ? `${base}#k=${key}` : base };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

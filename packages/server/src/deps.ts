import type { IceServer } from '@kopru/protocol';
import type { Logger } from 'pino';
import type { PresenceStore } from './presence/store.js';
import type { PairingCodes } from './security/pairing-codes.js';
import type { PasswordHasher } from './security/password-hash.js';
import type { RateLimitStore } from './security/rate-limit-store.js';
import type { RateLimits } from './security/rate-limits.js';
import type { RoomAccessStore } from './security/room-access-store.js';
import type { NearbySettings } from './socket/nearby.js';

export interface Clock {
  now(): number;
}

export interface IdGenerator {
  peerId(): string;
  roomId(): string;
}

/** Hands ICE servers to a peer that has joined a room (TURN credentials are per peer and short-lived). */
export type IceServerProvider = (peerId: string) => IceServer[];

/** Everything the server is built from; tests inject fakes, `main.ts` the real thing. */
export interface AppDeps {
  presence: PresenceStore;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  sessionSecret: string;
  sessionTtlMs: number;
  roomCapacity: number;
  /** Nearby (`NEARBY`, `NEARBY_MAX`); on with `DEFAULT_NEARBY_MAX` when omitted. */
  nearby?: NearbySettings;
  iceServers: IceServerProvider;
  /** Seconds the TURN credentials from `iceServers` stay valid (clients refresh before); unset: no expiry. */
  iceServersTtl?: number;
  /** The default of relay-only mode for clients that have not chosen (`RELAY_ONLY`). */
  relayOnlyDefault?: boolean;
  /** Room owners and password hashes; in memory when omitted. */
  roomAccess?: RoomAccessStore;
  /** Per-address token buckets; in memory when omitted. */
  rateLimitStore?: RateLimitStore;
  /** Overrides of `DEFAULT_RATE_LIMITS` (tests; operators set `MAX_CONNECTIONS_PER_IP`). */
  rateLimits?: Partial<RateLimits>;
  /** Live pairing codes; a fresh in-memory set (crypto-random codes) when omitted. */
  pairingCodes?: PairingCodes;
  /** Room password hashing; salted scrypt when omitted. */
  passwordHasher?: PasswordHasher;
  /** Origins besides our own that may open a socket.io connection (`ALLOWED_ORIGINS`); `*` allows any. */
  allowedOrigins?: readonly string[];
  /** TEST ONLY (see security/test-only-sdp-tamper.ts): rewrite DTLS fingerprints in relayed SDP. */
  testOnlyTamperSdp?: boolean;
  /** Whether the page should register its service worker (`GET /app.json`); true when omitted. */
  serviceWorker?: boolean;
  /** Built web app to serve; omitted in server-only tests. */
  webDir?: string;
  trustProxy?: boolean | number | string;
}

import type { IceServer } from '@kopru/protocol';
import type { Logger } from 'pino';
import type { PresenceStore } from './presence/store.js';

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
  iceServers: IceServerProvider;
  /** Built web app to serve; omitted in server-only tests. */
  webDir?: string;
  trustProxy?: boolean | number | string;
}

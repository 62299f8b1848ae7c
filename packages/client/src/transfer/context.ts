import type { PeerMessage } from '@kopru/protocol';
import type { Logger, Timers } from '../peer/seams.js';
import type { PeerLink } from './peer-link.js';
import type { TransferStorage } from './storage.js';
import type { TransferRecord } from './transfer-store.js';
import type { SourceHasher } from './types.js';

/** What one transfer may touch: given by the manager, so transfers never see the transport or the store. */
export interface TransferContext {
  readonly ownerKey: string;
  readonly storage: TransferStorage;
  readonly hasher: SourceHasher;
  readonly timers: Timers;
  readonly logger: Logger;
  /** The sender's window (`SEND_WINDOW_BYTES`; smaller in tests). */
  readonly sendWindowBytes: number;
  now(): number;
  /** A control message to the transfer's peer; false when its channel is not open. */
  send(message: PeerMessage): boolean;
  linkUp(): boolean;
  link(): PeerLink;
  /** Queues the record for the store (writes are serialized, latest wins). */
  persist(record: TransferRecord): void;
  /** Something changed: `urgent` emits now, otherwise at most every `PROGRESS_EVENT_INTERVAL_MS`. */
  changed(urgent: boolean): void;
  reportError(error: unknown): void;
}

/** The storage key of one received file (OPFS file name): unique per transfer and index. */
export const storageKey = (transferId: string, fileIndex: number): string => `${transferId}.${fileIndex}`;

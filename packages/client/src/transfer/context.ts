import type { PeerMessage } from '@kopru/protocol';
import { type Logger, type Timers, withFields } from '../peer/seams.js';
import type { PeerLink } from './peer-link.js';
import type { TransferStorage } from './storage.js';
import type { TransferRecord } from './transfer-store.js';
import type { SourceHasher, TransferTransport } from './types.js';

/** The parts the manager shares with every transfer as they are. */
interface SharedParts {
  readonly ownerKey: string;
  readonly storage: TransferStorage;
  readonly hasher: SourceHasher;
  readonly timers: Timers;
  readonly logger: Logger;
  /** The sender's window (`SEND_WINDOW_BYTES`; smaller in tests). */
  readonly sendWindowBytes: number;
  now(): number;
}

/** What one transfer may touch: given by the manager, so transfers never see the transport or the store. */
export interface TransferContext extends SharedParts {
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

/** What the manager lends its transfers: shared parts, and its own state behind functions. */
export interface ContextParts extends SharedParts {
  readonly transport: Pick<TransferTransport, 'send' | 'connect' | 'isOpen'>;
  /** The manager was closed: nothing is sent any more. */
  closed(): boolean;
  link(peerId: string): PeerLink;
  persist(record: TransferRecord): void;
  changed(transferId: string, urgent: boolean): void;
  reportError(error: unknown): void;
}

/** The context of one transfer: everything scoped to its peer and id. */
export function transferContext(parts: ContextParts, record: TransferRecord): TransferContext {
  const { peerId, id } = record;
  return {
    ownerKey: parts.ownerKey,
    storage: parts.storage,
    hasher: parts.hasher,
    timers: parts.timers,
    logger: withFields(parts.logger, { peerId, transferId: id }),
    sendWindowBytes: parts.sendWindowBytes,
    now: parts.now,
    send: (message) => {
      if (parts.closed()) return false;
      if (parts.transport.send(peerId, message)) return true;
      parts.transport.connect(peerId); // the manager resends once the channel opens
      return false;
    },
    linkUp: () => parts.transport.isOpen(peerId),
    link: () => parts.link(peerId),
    persist: (r) => parts.persist(r),
    changed: (urgent) => parts.changed(id, urgent),
    reportError: parts.reportError,
  };
}

/** The storage key of one received file (OPFS file name): unique per transfer and index. */
export const storageKey = (transferId: string, fileIndex: number): string => `${transferId}.${fileIndex}`;

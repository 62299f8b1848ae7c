import type { DeclineReason, OfferedFile, PeerMessage } from '@kopru/protocol';
import type { DataChannelLike } from '../peer/rtc-types.js';
import type { Logger, Timers } from '../util/seams.js';
import type { TransferStorage } from './storage.js';

export type TransferDirection = 'in' | 'out';

/**
 * Where a transfer is. `offered`: waiting for the receiver's answer. `active`: accepted and moving (or
 * waiting for the connection, see `peerConnected`). `paused`: by either side. `waiting-source`: the sender reloaded and
 * waits for the same files to be chosen again. The last four are final.
 */
export type TransferStatus =
  | 'offered'
  | 'active'
  | 'paused'
  | 'waiting-source'
  | 'complete'
  | 'declined'
  | 'cancelled'
  | 'failed';

export const FINAL_STATUSES: ReadonlySet<TransferStatus> = new Set([
  'complete',
  'declined',
  'cancelled',
  'failed',
]);

/** A file's state: `verifying` = all bytes are there, waiting for or comparing the hashes. */
export type FileState = 'waiting' | 'moving' | 'verifying' | 'verified' | 'mismatch' | 'cancelled';

/** Why a transfer failed or stopped, for the UI. */
export type TransferProblem =
  | { code: 'declined'; reason: DeclineReason; by: 'self' | 'peer'; neededBytes?: number; freeBytes?: number }
  | { code: 'cancelled'; by: 'self' | 'peer' }
  | { code: 'mismatch'; files: number }
  | { code: 'storage'; message: string }
  | { code: 'interrupted' };

export interface TransferFileView {
  readonly path: string;
  readonly size: number;
  readonly mime: string;
  /** Bytes on the receiver's disk as this side knows it (the sender learns it from progress acks). */
  readonly bytes: number;
  readonly state: FileState;
  /** The sender still has this file (false after a sender reload, until it is chosen again). */
  readonly sourceAttached: boolean;
}

/** What the UI renders for one transfer: a snapshot, replaced on every change. */
export interface TransferView {
  readonly id: string;
  readonly direction: TransferDirection;
  readonly peerId: string;
  /** `room` for a batch sent to everyone (one transfer per peer), else the peer id. */
  readonly conversationId: string;
  readonly createdAt: number;
  readonly files: readonly TransferFileView[];
  readonly totalBytes: number;
  readonly doneBytes: number;
  readonly status: TransferStatus;
  readonly pausedBy?: 'self' | 'peer';
  readonly problem?: TransferProblem;
  /** The peer's control channel is open: false shows "waiting for the connection". */
  readonly peerConnected: boolean;
  readonly bytesPerSecond: number;
  readonly secondsLeft: number | undefined;
  /** Receiver only: where the files are kept. */
  readonly storage?: 'disk' | 'memory';
}

export type TransferEvents = {
  /** A transfer was added or changed (progress at most every `PROGRESS_EVENT_INTERVAL_MS`). */
  updated: { transfer: TransferView };
  /** An offer arrived that waits for the user (not auto-accepted). */
  'incoming-offer': { transfer: TransferView };
  /** A transfer was removed from the list (`dismiss`). */
  removed: { transferId: string; conversationId: string };
};

/** The transport seam (the session's peer transport); the transfer layer never sees RTCPeerConnection. */
export interface TransferTransport {
  /**
   * A control message; false when the control channel is not open, in which case the transport asks for a
   * connection and the manager repeats what matters when the channel opens (`handleControlOpen`).
   */
  send(peerId: string, message: PeerMessage): boolean;
  isOpen(peerId: string): boolean;
  /** Opens the peer's `file` channel on its live session (called on every new session). */
  openFileChannel(peerId: string): DataChannelLike | undefined;
  /** The live session's `pc.sctp.maxMessageSize`, once known. */
  maxMessageSize(peerId: string): number | undefined;
  /** Asks for a connection to the peer (a transfer needs it). */
  connect(peerId: string): void;
  peersInRoom(): string[];
}

/** A file the user chose: the browser's `File` (name and size) with its path inside a chosen folder. */
export interface SourceFile {
  readonly blob: Blob;
  /** Relative path with `/`, e.g. "photos/2024/a.jpg"; the bare name for a single file. */
  readonly path: string;
  readonly mime: string;
}

/** Hashes a whole source file (SHA-256, hex) off the main thread. */
export interface SourceHasher {
  hash(blob: Blob): Promise<string>;
  close(): void;
}

export interface TransferManagerOptions {
  /** Key for persisted state: `${roomId}/${selfPeerId}` (a reloaded tab is the same peer). */
  ownerKey: string;
  selfPeerId: string;
  transport: TransferTransport;
  store: TransferStore;
  storage: TransferStorage;
  hasher: SourceHasher;
  /** Bytes a sender may have in flight past the receiver's written offset (default `SEND_WINDOW_BYTES`). */
  sendWindowBytes?: number;
  /**
   * True while "Always accept from this person" must not be honoured for the peer (its invite-link proof
   * failed: the files may come from someone in between); the offer is then asked about like any other.
   */
  autoAcceptHeld?: (peerId: string) => boolean;
  timers?: Timers;
  now?: () => number;
  newId?: () => string;
  logger?: Logger;
  onError?: (error: unknown) => void;
}

/** One file of a transfer as it is saved. */
export interface StoredFile extends OfferedFile {
  state: FileState;
  /** Receiver: the last checkpoint (flushed, hash state saved). Sender: the last acknowledged offset. */
  offset: number;
  /** Receiver: hash-wasm SHA-256 state at `offset`, to resume hashing without rereading. */
  hashState?: Uint8Array | undefined;
  /** Receiver: SHA-256 of the bytes received, once they are all there. */
  localSha256?: string | undefined;
  /** Receiver: the sender's SHA-256 (`file-end`), which may come before the last bytes. */
  senderSha256?: string | undefined;
  /** Receiver: the verdict for this file was delivered to the sender. */
  verdictSent?: boolean | undefined;
}

/** What survives a reload (IndexedDB): enough for the receiver to resume and the sender to wait for files. */
export interface TransferRecord {
  ownerKey: string;
  id: string;
  direction: TransferDirection;
  peerId: string;
  conversationId: string;
  createdAt: number;
  status: TransferStatus;
  pausedBy?: 'self' | 'peer' | undefined;
  problem?: TransferProblem | undefined;
  /** Receiver: where the files are kept (memory ones do not survive a reload). */
  storage?: 'disk' | 'memory' | undefined;
  files: StoredFile[];
}

/** Persistence seam; `IdbTransferStore` in the browser, `MemoryTransferStore` in tests. */
export interface TransferStore {
  load(ownerKey: string): Promise<TransferRecord[]>;
  put(record: TransferRecord): Promise<void>;
  remove(ownerKey: string, transferId: string): Promise<void>;
  /** Peers whose offers are accepted without asking ("Always accept from this person"). */
  loadTrusted(ownerKey: string): Promise<string[]>;
  saveTrusted(ownerKey: string, peerIds: string[]): Promise<void>;
}

export type { OfferedFile };

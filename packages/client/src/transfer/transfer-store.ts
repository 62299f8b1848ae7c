import type { OfferedFile } from '@kopru/protocol';
import type { FileState, TransferDirection, TransferProblem, TransferStatus } from './types.js';

/** One file of a persisted transfer. */
export interface StoredFile extends OfferedFile {
  state: FileState;
  /** Receiver: the last checkpoint (flushed, hash state saved). Sender: the last acked offset. */
  offset: number;
  /** Receiver: hash-wasm SHA-256 state at `offset`, to resume hashing without rereading. */
  hashState?: Uint8Array | undefined;
  /** Receiver: SHA-256 of the bytes received, once they are all there. */
  localSha256?: string | undefined;
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

export class MemoryTransferStore implements TransferStore {
  readonly records = new Map<string, TransferRecord>();
  private readonly trusted = new Map<string, string[]>();

  async load(ownerKey: string): Promise<TransferRecord[]> {
    return [...this.records.values()].filter((r) => r.ownerKey === ownerKey).map((r) => structuredClone(r));
  }

  async put(record: TransferRecord): Promise<void> {
    this.records.set(`${record.ownerKey}|${record.id}`, structuredClone(record));
  }

  async remove(ownerKey: string, transferId: string): Promise<void> {
    this.records.delete(`${ownerKey}|${transferId}`);
  }

  async loadTrusted(ownerKey: string): Promise<string[]> {
    return [...(this.trusted.get(ownerKey) ?? [])];
  }

  async saveTrusted(ownerKey: string, peerIds: string[]): Promise<void> {
    this.trusted.set(ownerKey, [...peerIds]);
  }
}

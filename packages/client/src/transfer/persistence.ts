import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { TransferRecord, TransferStore } from './types.js';

/**
 * Where transfers are saved between page loads: the IndexedDB store (small records only), its in-memory
 * twin for tests and the CLI, the serialized writer the manager uses, and the trusted peers.
 */

export const TRANSFER_DB_NAME = 'kopru-transfers';
/** Bump with an `upgrade` step whenever the object stores change. */
const TRANSFER_DB_VERSION = 1;

interface TransferDb extends DBSchema {
  transfers: { key: [string, string]; value: TransferRecord; indexes: { 'by-owner': string } };
  trusted: { key: string; value: { ownerKey: string; peerIds: string[] } };
}

/** `TransferStore` in IndexedDB: small records only (chunk data in IndexedDB cost ~31 % of the rate: docs/benchmarks.md). */
export class IdbTransferStore implements TransferStore {
  private db: Promise<IDBPDatabase<TransferDb>> | undefined;

  constructor(private readonly name: string = TRANSFER_DB_NAME) {}

  async load(ownerKey: string): Promise<TransferRecord[]> {
    return (await this.open()).getAllFromIndex('transfers', 'by-owner', ownerKey);
  }

  async put(record: TransferRecord): Promise<void> {
    await (await this.open()).put('transfers', record);
  }

  async remove(ownerKey: string, transferId: string): Promise<void> {
    await (await this.open()).delete('transfers', [ownerKey, transferId]);
  }

  async loadTrusted(ownerKey: string): Promise<string[]> {
    return (await (await this.open()).get('trusted', ownerKey))?.peerIds ?? [];
  }

  async saveTrusted(ownerKey: string, peerIds: string[]): Promise<void> {
    await (await this.open()).put('trusted', { ownerKey, peerIds });
  }

  private open(): Promise<IDBPDatabase<TransferDb>> {
    this.db ??= openDB<TransferDb>(this.name, TRANSFER_DB_VERSION, {
      upgrade(db) {
        const transfers = db.createObjectStore('transfers', { keyPath: ['ownerKey', 'id'] });
        transfers.createIndex('by-owner', 'ownerKey');
        db.createObjectStore('trusted', { keyPath: 'ownerKey' });
      },
    });
    return this.db;
  }
}

/** `TransferStore` in memory (tests; a page without IndexedDB). */
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

/**
 * Writes transfer records one at a time; a record changed again while queued is written once, in its
 * latest state (a checkpoint a second per transfer never piles up behind a slow IndexedDB).
 */
export class RecordWriter {
  private readonly queue = new Map<string, TransferRecord>();
  private writing = false;
  private closed = false;

  constructor(
    private readonly store: TransferStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  write(record: TransferRecord): void {
    if (this.closed) return;
    this.queue.set(record.id, record);
    if (!this.writing) void this.drain();
  }

  /** Stops accepting writes; what is queued still goes out. */
  close(): void {
    this.closed = true;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      for (let next = this.queue.entries().next(); !next.done; next = this.queue.entries().next()) {
        const [id, record] = next.value;
        this.queue.delete(id);
        try {
          await this.store.put(record);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** Peers whose offers are accepted without asking ("Always accept from this person"), saved per owner. */
export class TrustedPeers {
  private readonly peers = new Set<string>();

  constructor(
    private readonly store: TransferStore,
    private readonly ownerKey: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Adds the saved ones (kept alongside any trusted before the load finished). */
  async load(): Promise<void> {
    for (const peerId of await this.store.loadTrusted(this.ownerKey)) this.peers.add(peerId);
  }

  set(peerId: string, trusted: boolean): void {
    if (trusted) this.peers.add(peerId);
    else this.peers.delete(peerId);
    void this.store.saveTrusted(this.ownerKey, [...this.peers]).catch(this.onError);
  }

  has(peerId: string): boolean {
    return this.peers.has(peerId);
  }
}

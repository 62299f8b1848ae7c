import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { TransferRecord, TransferStore } from './transfer-store.js';

export const TRANSFER_DB_NAME = 'kopru-transfers';
/** Bump with an `upgrade` step whenever the object stores change. */
const TRANSFER_DB_VERSION = 1;

interface TransferDb extends DBSchema {
  transfers: { key: [string, string]; value: TransferRecord; indexes: { 'by-owner': string } };
  trusted: { key: string; value: { ownerKey: string; peerIds: string[] } };
}

/** `TransferStore` in IndexedDB: small records only (MEASURED.md: chunk data in IndexedDB costs ~31 %). */
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

import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { CHAT_RECORD_KEY_FIELDS, type ChatStore } from './chat-store.js';
import type { ChatRecord } from './types.js';

/** Default database name; one database per origin holds every room's history. */
export const CHAT_DB_NAME = 'kopru-chat';
/** Bump with an `upgrade` step whenever the object stores or indexes change. */
const CHAT_DB_VERSION = 1;

interface ChatDb extends DBSchema {
  messages: {
    key: [string, string, string, string];
    value: ChatRecord;
    indexes: {
      /** [roomId, seq]: a room's history in display order. */
      'by-room': [string, number];
      /** [roomId, conversationId]: for clearing one conversation. */
      'by-conversation': [string, string];
    };
  };
}

/** `ChatStore` in IndexedDB (through `idb`). The database opens on first use. */
export class IdbChatStore implements ChatStore {
  private db: Promise<IDBPDatabase<ChatDb>> | undefined;

  constructor(private readonly name: string = CHAT_DB_NAME) {}

  async load(roomId: string): Promise<ChatRecord[]> {
    const db = await this.open();
    return db.getAllFromIndex('messages', 'by-room', roomRange(roomId));
  }

  async put(records: readonly ChatRecord[]): Promise<void> {
    if (records.length === 0) return;
    const tx = (await this.open()).transaction('messages', 'readwrite');
    // One transaction: a batch is stored entirely or not at all.
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
  }

  async clearRoom(roomId: string): Promise<void> {
    await this.deleteFromIndex('by-room', roomRange(roomId));
  }

  async clearConversation(roomId: string, conversationId: string): Promise<void> {
    await this.deleteFromIndex('by-conversation', IDBKeyRange.only([roomId, conversationId]));
  }

  /** Closes the connection (the next call opens it again). */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) (await db).close();
  }

  private async deleteFromIndex(index: 'by-room' | 'by-conversation', range: IDBKeyRange): Promise<void> {
    const tx = (await this.open()).transaction('messages', 'readwrite');
    for await (const cursor of tx.store.index(index).iterate(range)) await cursor.delete();
    await tx.done;
  }

  private open(): Promise<IDBPDatabase<ChatDb>> {
    this.db ??= openDB<ChatDb>(this.name, CHAT_DB_VERSION, {
      upgrade(db) {
        // A state change is a `put` of the same message: the key makes it replace the record.
        const store = db.createObjectStore('messages', { keyPath: [...CHAT_RECORD_KEY_FIELDS] });
        store.createIndex('by-room', ['roomId', 'seq']);
        store.createIndex('by-conversation', ['roomId', 'conversationId']);
      },
    });
    return this.db;
  }
}

/** Every key of the room in the [roomId, seq] index. */
const roomRange = (roomId: string): IDBKeyRange => IDBKeyRange.bound([roomId, -Infinity], [roomId, Infinity]);

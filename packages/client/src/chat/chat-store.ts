import type { ChatRecord } from './types.js';

/**
 * Chat history, per room. A record's identity is (roomId, direction, from, id): `put` of the same message
 * again replaces it (a state change). Implementations: `IdbChatStore` (browser), `MemoryChatStore` (tests).
 */
export interface ChatStore {
  /** Every record of the room, ordered by `seq`. */
  load(roomId: string): Promise<ChatRecord[]>;
  /** Inserts or replaces the records. */
  put(records: readonly ChatRecord[]): Promise<void>;
  /** Deletes every conversation of the room. */
  clearRoom(roomId: string): Promise<void>;
  clearConversation(roomId: string, conversationId: string): Promise<void>;
}

/** The fields that identify a record in a store (see `ChatStore`); IndexedDB's key path. */
export const CHAT_RECORD_KEY_FIELDS = ['roomId', 'direction', 'from', 'id'] as const;

export const chatRecordKey = (r: ChatRecord): string[] => CHAT_RECORD_KEY_FIELDS.map((field) => r[field]);

const bySeq = (a: ChatRecord, b: ChatRecord) => a.seq - b.seq;

/** In-memory `ChatStore`; copies on the way in and out, as IndexedDB's structured clone does. */
export class MemoryChatStore implements ChatStore {
  private readonly records = new Map<string, ChatRecord>();

  async load(roomId: string): Promise<ChatRecord[]> {
    return [...this.records.values()]
      .filter((r) => r.roomId === roomId)
      .sort(bySeq)
      .map((r) => structuredClone(r));
  }

  async put(records: readonly ChatRecord[]): Promise<void> {
    for (const r of records) this.records.set(JSON.stringify(chatRecordKey(r)), structuredClone(r));
  }

  async clearRoom(roomId: string): Promise<void> {
    this.deleteWhere((r) => r.roomId === roomId);
  }

  async clearConversation(roomId: string, conversationId: string): Promise<void> {
    this.deleteWhere((r) => r.roomId === roomId && r.conversationId === conversationId);
  }

  private deleteWhere(predicate: (r: ChatRecord) => boolean): void {
    for (const [key, r] of this.records) if (predicate(r)) this.records.delete(key);
  }
}

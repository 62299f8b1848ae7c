import type { ChatRecord } from './types.js';

const isUnread = (r: ChatRecord): boolean => r.direction === 'in' && r.state === 'delivered';

/**
 * The room's conversations in memory: records in display order per conversation, an index of outgoing
 * messages by id, and unread counts. Records are immutable; a change replaces one in place, so nothing
 * already shown ever moves.
 */
export class ChatLog {
  private readonly conversations = new Map<string, ChatRecord[]>();
  /** Outgoing records by id, in `seq` order (a Map keeps insertion order; replacing keeps the position). */
  private readonly outgoing = new Map<string, ChatRecord>();
  private readonly unread = new Map<string, number>();
  private seq = 0;

  /** Replaces everything with records loaded from the store (ordered by `seq`). */
  restore(records: readonly ChatRecord[]): void {
    this.conversations.clear();
    this.outgoing.clear();
    this.unread.clear();
    for (const r of records) this.append(r);
  }

  /** The `seq` for the next new record: after every record seen, across reloads. */
  nextSeq(): number {
    return this.seq;
  }

  append(record: ChatRecord): void {
    const list = this.conversations.get(record.conversationId);
    if (list) list.push(record);
    else this.conversations.set(record.conversationId, [record]);
    if (record.direction === 'out') this.outgoing.set(record.id, record);
    this.seq = Math.max(this.seq, record.seq + 1);
    this.countUnread(record.conversationId, isUnread(record) ? 1 : 0);
  }

  /** Puts `next` where `prev` is; false when `prev` is no longer here (its conversation was cleared). */
  replace(prev: ChatRecord, next: ChatRecord): boolean {
    const list = this.conversations.get(prev.conversationId);
    const index = list?.indexOf(prev) ?? -1;
    if (!list || index < 0) return false;
    list[index] = next;
    if (next.direction === 'out') this.outgoing.set(next.id, next);
    this.countUnread(prev.conversationId, Number(isUnread(next)) - Number(isUnread(prev)));
    return true;
  }

  /** A snapshot of the conversation, in display order. */
  list(conversationId: string): readonly ChatRecord[] {
    return [...(this.conversations.get(conversationId) ?? [])];
  }

  conversationIds(): string[] {
    return [...this.conversations.keys()];
  }

  outgoingById(id: string): ChatRecord | undefined {
    return this.outgoing.get(id);
  }

  /** Every outgoing record, in `seq` order (a snapshot: safe to change records while iterating). */
  outgoingRecords(): ChatRecord[] {
    return [...this.outgoing.values()];
  }

  /** Marks the conversation's unread messages read; returns the changed records. */
  markRead(conversationId: string): ChatRecord[] {
    const read: ChatRecord[] = [];
    for (const prev of (this.conversations.get(conversationId) ?? []).filter(isUnread)) {
      const next: ChatRecord = { ...prev, state: 'read' };
      this.replace(prev, next);
      read.push(next);
    }
    return read;
  }

  unreadCount(conversationId: string): number {
    return this.unread.get(conversationId) ?? 0;
  }

  totalUnread(): number {
    let total = 0;
    for (const count of this.unread.values()) total += count;
    return total;
  }

  /** Forgets one conversation, or all of them; returns the ids of the conversations that were there. */
  clear(conversationId?: string): string[] {
    const ids = conversationId === undefined ? this.conversationIds() : [conversationId];
    for (const id of ids) {
      for (const r of this.conversations.get(id) ?? []) if (r.direction === 'out') this.outgoing.delete(r.id);
      this.conversations.delete(id);
      this.unread.delete(id);
    }
    return ids;
  }

  private countUnread(conversationId: string, delta: number): void {
    if (delta !== 0) this.unread.set(conversationId, this.unreadCount(conversationId) + delta);
  }
}

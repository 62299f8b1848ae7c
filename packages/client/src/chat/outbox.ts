import type { ChatMessageFrame } from '@kopru/protocol';
import { type ChatRecord, type DeliveryState, ROOM_CONVERSATION_ID } from './types.js';

/**
 * Delivery bookkeeping as pure functions over `ChatRecord`s: who still needs a message, what an ack or
 * a read receipt changes, and which incoming messages were seen already. The manager owns the records
 * and the side effects (sending, persisting); everything here is decided from the data alone.
 */

const RANK: Record<DeliveryState, number> = { pending: 0, sent: 1, delivered: 2, read: 3 };

/** `next` if it is further along than `current`: a late ack never turns "read" back into "delivered". */
export const advanceState = (current: DeliveryState, next: DeliveryState): DeliveryState =>
  RANK[next] > RANK[current] ? next : current;

/** The least advanced state: a room message is delivered only when every recipient has it. */
export function leastState(states: Iterable<DeliveryState>): DeliveryState | undefined {
  let least: DeliveryState | undefined;
  for (const state of states) if (least === undefined || RANK[state] < RANK[least]) least = state;
  return least;
}

/** The state of an outgoing message for one recipient; undefined if that peer is not a recipient. */
export function recipientState(record: ChatRecord, peerId: string): DeliveryState | undefined {
  if (record.direction !== 'out') return undefined;
  if (record.conversationId === ROOM_CONVERSATION_ID) return record.recipients?.[peerId];
  return record.conversationId === peerId ? record.state : undefined;
}

/** The recipients of an outgoing message. */
export function recipientsOf(record: ChatRecord): string[] {
  if (record.direction !== 'out') return [];
  if (record.conversationId === ROOM_CONVERSATION_ID) return Object.keys(record.recipients ?? {});
  return [record.conversationId];
}

/**
 * The record with `peerId`'s state advanced to `next`; the same object when nothing changes (not a
 * recipient, or already further along), so callers can skip the write.
 */
export function withRecipientState(record: ChatRecord, peerId: string, next: DeliveryState): ChatRecord {
  const current = recipientState(record, peerId);
  if (current === undefined || advanceState(current, next) === current) return record;
  if (record.conversationId !== ROOM_CONVERSATION_ID) return { ...record, state: next };
  const recipients = { ...record.recipients, [peerId]: next };
  // A room message with no recipients cannot reach this line (`current` would be undefined).
  return { ...record, recipients, state: leastState(Object.values(recipients)) ?? record.state };
}

/** Not acked by `peerId` yet: resent, in order, whenever that peer's control channel opens. */
export function awaitsAck(record: ChatRecord, peerId: string): boolean {
  const state = recipientState(record, peerId);
  return state === 'pending' || state === 'sent';
}

/** Every peer that has not acked some of these messages. */
export function peersAwaitingAck(records: Iterable<ChatRecord>): Set<string> {
  const peers = new Set<string>();
  for (const r of records) for (const p of recipientsOf(r)) if (awaitsAck(r, p)) peers.add(p);
  return peers;
}

/** Never written to `peerId`'s channel: sent when it opens, before any newer message to that peer. */
export const awaitsSend = (record: ChatRecord, peerId: string): boolean =>
  recipientState(record, peerId) === 'pending';

/** The wire frame of an outgoing message (the same id for every recipient of a room message). */
export const toFrame = (record: ChatRecord): ChatMessageFrame => ({
  type: 'chat',
  id: record.id,
  scope: record.conversationId === ROOM_CONVERSATION_ID ? 'room' : 'direct',
  text: record.text,
  sentAt: record.sentAt,
});

/**
 * Incoming messages already stored, by (sender, id): a resend is dropped but acked again, so the sender
 * stops resending. Ids stay here after a conversation is cleared, so a late resend is not shown again.
 */
export class ReceivedIds {
  private readonly seen = new Set<string>();

  /** True the first time this (sender, id) is seen. */
  add(from: string, id: string): boolean {
    const key = ReceivedIds.key(from, id);
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  // Peer ids and message ids are URL-safe, so a space cannot occur in either and the key is unambiguous.
  private static key = (from: string, id: string): string => `${from} ${id}`;
}

import type { ChatMessageFrame, ChatScope } from '@kopru/protocol';
import { type ChatRecord, ROOM_CONVERSATION_ID } from './types.js';

/** The conversation a frame from `peerId` belongs to. */
export const conversationOf = (peerId: string, scope: ChatScope): string =>
  scope === 'room' ? ROOM_CONVERSATION_ID : peerId;

interface Origin {
  roomId: string;
  from: string;
  fromName: string;
  seq: number;
}

/**
 * A new outgoing message, pending for each recipient. `recipients` matter for a room message only (its
 * conversation id is `ROOM_CONVERSATION_ID`): the peers present when it is sent.
 */
export function newOutgoingRecord(
  origin: Origin & { id: string; conversationId: string; text: string; now: number },
  recipients: readonly string[],
): ChatRecord {
  const { now, ...fields } = origin;
  const record: ChatRecord = { ...fields, direction: 'out', sentAt: now, receivedAt: now, state: 'pending' };
  if (origin.conversationId !== ROOM_CONVERSATION_ID) return record;
  return {
    ...record,
    recipients: Object.fromEntries(recipients.map((peerId) => [peerId, 'pending' as const])),
    // A room message with nobody else present has no one to wait for: it counts as sent.
    state: recipients.length === 0 ? 'sent' : 'pending',
  };
}

/** A message just received and stored: delivered, unread. */
export const newIncomingRecord = (
  frame: ChatMessageFrame,
  origin: Origin,
  receivedAt: number,
): ChatRecord => ({
  ...origin,
  id: frame.id,
  conversationId: conversationOf(origin.from, frame.scope),
  direction: 'in',
  text: frame.text,
  sentAt: frame.sentAt,
  receivedAt,
  state: 'delivered',
});

import { CHAT_TEXT_MAX, peerIdSchema } from '@kopru/protocol';
import { ROOM_CONVERSATION_ID } from './types.js';

export const CHAT_ERROR_CODES = [
  /** The text is empty or whitespace only. */
  'EMPTY_TEXT',
  /** The text is longer than `CHAT_TEXT_MAX` (UTF-16 code units, as the receiver's schema counts). */
  'TEXT_TOO_LONG',
  /** The conversation id is neither `ROOM_CONVERSATION_ID` nor another peer's id. */
  'INVALID_CONVERSATION',
  /** A command that needs the history was called before `load()` finished. */
  'NOT_LOADED',
] as const;
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number];

/** A rejected chat command; nothing was sent or stored. */
export class ChatError extends Error {
  readonly code: ChatErrorCode;
  constructor(code: ChatErrorCode, message: string) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
  }
}

/** Throws a `ChatError` unless `text` is sendable. The text is sent as typed (not trimmed, never markup). */
export function validateChatText(text: string): void {
  if (text.trim().length === 0) throw new ChatError('EMPTY_TEXT', 'message is empty');
  if (text.length > CHAT_TEXT_MAX) {
    throw new ChatError('TEXT_TOO_LONG', `message is longer than ${CHAT_TEXT_MAX} characters`);
  }
}

/** Throws a `ChatError` unless `conversationId` is the room or another peer's id. */
export function validateConversationId(conversationId: string, selfPeerId: string): void {
  if (conversationId === ROOM_CONVERSATION_ID) return;
  if (conversationId === selfPeerId || !peerIdSchema.safeParse(conversationId).success) {
    throw new ChatError('INVALID_CONVERSATION', `not a conversation: ${conversationId}`);
  }
}

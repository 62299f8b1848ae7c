import type { PeerMessage } from '@kopru/protocol';
import type { Timers } from '../util/seams.js';
import type { ChatStore } from './chat-store.js';
import type { StoreOperation } from './write-queue.js';

/** The conversation id of the room chat ("Everyone"); a direct conversation's id is the other peer's id. */
export const ROOM_CONVERSATION_ID = 'room';

/**
 * Where a message is. Outgoing: pending (not yet written to an open channel) → sent → delivered (acked)
 * → read. Incoming: delivered (stored, unread) → read (the user opened the conversation).
 * States only move forward (see `advanceState`).
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read';

export type ChatDirection = 'in' | 'out';

/** One stored chat message: what the UI renders and what `ChatStore` persists. Treated as immutable. */
export interface ChatRecord {
  /** Unique per sender (`randomId`); (from, id) identifies a message. */
  readonly id: string;
  readonly conversationId: string;
  readonly roomId: string;
  /** Sender's peer id (our own id for outgoing messages). */
  readonly from: string;
  /** Sender's display name when the message was sent or received. */
  readonly fromName: string;
  readonly direction: ChatDirection;
  /** Plain text, never markup: render it as text. */
  readonly text: string;
  /** Sender's clock (ms since epoch). */
  readonly sentAt: number;
  /** Local clock when received; for outgoing messages, when written (equal to `sentAt`). */
  readonly receivedAt: number;
  /** For an outgoing room message: the least advanced of `recipients` (delivered = every recipient acked). */
  readonly state: DeliveryState;
  /** Outgoing room messages only: the state per recipient present when it was sent. */
  readonly recipients?: Readonly<Record<string, DeliveryState>>;
  /** Local arrival order within the room: conversations are shown in this order and never reordered. */
  readonly seq: number;
}

/** The frames this layer handles; the session routes them here (see `isChatFrame`). */
export type ChatFrame = Extract<PeerMessage, { type: 'chat' | 'chat-ack' | 'chat-read' | 'typing' }>;

const CHAT_FRAME_TYPES: ReadonlySet<string> = new Set<ChatFrame['type']>([
  'chat',
  'chat-ack',
  'chat-read',
  'typing',
]);

export const isChatFrame = (message: PeerMessage): message is ChatFrame => CHAT_FRAME_TYPES.has(message.type);

/** The transport seam (the peer mesh): the chat layer never sees sockets or RTCPeerConnection. */
export interface ChatTransport {
  /** Writes a frame to the peer's control channel; false when that channel is not open. */
  send(peerId: string, message: PeerMessage): boolean;
  isOpen(peerId: string): boolean;
  /** Peer ids of everyone else in the room right now. */
  peersInRoom(): string[];
}

export interface ChatManagerOptions {
  roomId: string;
  /** Our own peer id in the room (the `from` of outgoing messages). */
  selfPeerId: string;
  transport: ChatTransport;
  store: ChatStore;
  now?: () => number;
  /** Typing expiry runs on these (`systemTimers` by default), so tests drive it with a fake clock. */
  timers?: Timers;
  /** Message ids; `randomId` by default. */
  newId?: () => string;
  /** Throwing listeners and unexpected failures; `console.error` by default. */
  onError?: (error: unknown) => void;
}

/** Names for `fromName`; `RoomState` from the room client fits this shape. */
export interface ChatPresence {
  self?: { name: string } | undefined;
  peers: ReadonlyMap<string, { name: string }>;
}

/** Events of `ChatManager`. A type alias (not an interface) so that only these names are accepted. */
export type ChatEvents = {
  /** A conversation changed (new message, state change, cleared); `messages` is the whole list, in order. */
  'conversation-updated': { conversationId: string; messages: readonly ChatRecord[] };
  /** The unread count of a conversation changed; `total` is over all conversations (title badge). */
  unread: { conversationId: string; count: number; total: number };
  /** A remote peer started or stopped typing in a conversation. */
  typing: { conversationId: string; peerId: string; active: boolean };
  /** A new message arrived (not a duplicate): for notifications. */
  incoming: { conversationId: string; message: ChatRecord };
  /** Persisting failed; the in-memory conversation is still correct but may not survive a reload. */
  'store-error': { operation: StoreOperation; error: unknown };
};

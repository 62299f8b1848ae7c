export { CHAT_ERROR_CODES, ChatError, type ChatErrorCode, validateChatText } from './chat-errors.js';
export { ChatManager } from './chat-manager.js';
export { type ChatStore, MemoryChatStore } from './chat-store.js';
export { CHAT_DB_NAME, IdbChatStore } from './idb-chat-store.js';
export {
  type ChatDirection,
  type ChatEvents,
  type ChatFrame,
  type ChatManagerOptions,
  type ChatPresence,
  type ChatRecord,
  type ChatTransport,
  type DeliveryState,
  isChatFrame,
  ROOM_CONVERSATION_ID,
} from './types.js';
export { TYPING_EXPIRE_MS, TYPING_THROTTLE_MS } from './typing.js';
export type { StoreOperation } from './write-queue.js';

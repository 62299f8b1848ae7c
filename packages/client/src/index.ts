export { createRoomClient, storageProfileStore, storageTokenStore, type KeyValueStorage } from './browser.js';
export { RoomClient, type RoomClientEvents, type ProfileStore } from './room/room-client.js';
export { emptyRoomState, filterPeers, reducePresence, sortedPeers, type RoomState } from './room/room-state.js';
export {
  SignalingClient,
  type ClientSocket,
  type ConnectionStatus,
  type SignalingEvents,
  type TokenStore,
} from './signaling/signaling-client.js';
export { TypedEmitter, type Unsubscribe } from './util/typed-emitter.js';

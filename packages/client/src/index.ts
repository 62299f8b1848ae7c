export {
  createPairingMeeting,
  createRoomClient,
  type KeyValueStorage,
  requestPairing,
  storageProfileStore,
  storageTokenStore,
} from './browser.js';
export { type CallOptions, wireCalls } from './call/call-wiring.js';
export * from './call/index.js';
export * from './chat/index.js';
export {
  derivePairSecret,
  generatePairNonce,
  PAIR_SECRET_VERSION,
  rendezvousOf,
  rendezvousRoomId,
} from './pairing/pair-secret.js';
export {
  IdbPairedDeviceStore,
  MAX_PAIRED_DEVICES,
  MemoryPairedDeviceStore,
  type PairedDevice,
  type PairedDeviceStore,
  PairedDevices,
} from './pairing/paired-devices.js';
export { PAIRING_LINGER_MS, PairingMeeting, type PairingMeetingEvents } from './pairing/pairing-meeting.js';
export * from './peer/index.js';
export { type ProfileStore, RoomClient, type RoomClientEvents } from './room/room-client.js';
export {
  emptyRoomState,
  filterPeers,
  type RoomState,
  reducePresence,
  sortedPeers,
} from './room/room-state.js';
export * from './security/index.js';
export { KopruSession, type SessionEvents, type SessionOptions } from './session.js';
export {
  type ClientSocket,
  type ConnectionStatus,
  NEARBY_ROOM_ID,
  SignalingClient,
  type SignalingEvents,
  type TokenStore,
} from './signaling/signaling-client.js';
export {
  BrowserTransferStorage,
  estimateFreeBytes,
  OpfsStorage,
  WorkerSourceHasher,
} from './transfer/browser/opfs-storage.js';
export * from './transfer/index.js';
export {
  type Clock,
  consoleLogger,
  type Logger,
  type Random,
  silentLogger,
  systemClock,
  systemTimers,
  type TimerId,
  type Timers,
} from './util/seams.js';
export { TypedEmitter, type Unsubscribe } from './util/typed-emitter.js';

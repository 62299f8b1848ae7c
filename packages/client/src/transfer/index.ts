export * from './constants.js';
export { storageKey } from './context.js';
export {
  type DecodedFileFrame,
  decodeFrame,
  encodeFrame,
  type FrameError,
  type FrameHeader,
} from './framing.js';
export { IdbTransferStore, TRANSFER_DB_NAME } from './idb-transfer-store.js';
export { MemoryStorage } from './memory-storage.js';
export {
  chooseChunkSize,
  type FramePlacement,
  isValidResume,
  type PacingWindow,
  pacingWindow,
  placeFrame,
  type ReceivedFile,
  resumePoint,
} from './offsets.js';
export { Pacer } from './pacer.js';
export { FILE_CHANNEL, type OutgoingStream, PeerLink } from './peer-link.js';
export { RateMeter, secondsLeft } from './rate-meter.js';
export { BlockReader, baseName, describeSource, headHash, splitOffer } from './source.js';
export type { FileSink, SinkCheckpoint, TransferStorage } from './storage.js';
export { TransferManager } from './transfer-manager.js';
export {
  MemoryTransferStore,
  type StoredFile,
  type TransferRecord,
  type TransferStore,
} from './transfer-store.js';
export * from './types.js';

export * from './constants.js';
export { FileChannel } from './file-channel.js';
export { IdbTransferStore, MemoryTransferStore, TRANSFER_DB_NAME } from './persistence.js';
export { RateMeter } from './rate-meter.js';
export { IncomingFiles } from './receiver.js';
export {
  BlockReader,
  baseName,
  describeSource,
  type FrameStream,
  headHash,
  OutgoingFiles,
  splitOffer,
} from './sender.js';
export {
  type FileSink,
  MemoryStorage,
  type SinkCheckpoint,
  type SinkEvents,
  storageKey,
  type TransferStorage,
} from './storage.js';
export { TransferManager } from './transfer-manager.js';
export {
  type LiveFigures,
  reduceTransfer,
  secondsLeft,
  type TransferEffect,
  type TransferEvent,
  type TransferState,
  transferView,
} from './transfer-state.js';
export * from './types.js';
export {
  type BatchPoint,
  batchPoint,
  batchPosition,
  chooseChunkSize,
  type DecodedFileFrame,
  decodeFrame,
  encodeFrame,
  FILE_CHANNEL,
  type FrameError,
  type FrameHeader,
  type FramePlacement,
  isValidResume,
  type PacingWindow,
  pacingWindow,
  placeFrame,
} from './wire.js';

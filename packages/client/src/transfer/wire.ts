import {
  FILE_FRAME_HEADER_BYTES,
  FILE_FRAME_VERSION,
  OFFER_FILES_MAX,
  TRANSFER_ID_LENGTH,
} from '@kopru/protocol';
import { type DataChannelSpec, FIRST_FILE_CHANNEL_ID } from '../peer/data-channels.js';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  HIGH_WATER_BYTES,
  LOW_WATER_BYTES,
  PREFERRED_CHUNK_BYTES,
} from './constants.js';

/**
 * What travels on the `file` channel and how positions in a batch are counted: the binary frame, frame
 * sizes and the pacing window, where a received frame belongs, and batch positions (the unit of the
 * sender's window). Pure functions only.
 */

/**
 * File data has its own reliable, ordered channel, so a bulk transfer never delays a chat or control frame
 * (SCTP schedules streams fairly). One per peer pair carries every transfer with that peer, frames
 * interleaved round-robin; the frame header says where each belongs.
 */
export const FILE_CHANNEL: DataChannelSpec = { id: FIRST_FILE_CHANNEL_ID, label: 'file', ordered: true };

/** Where one binary frame's payload belongs. */
export interface FrameHeader {
  transferId: string;
  fileIndex: number;
  offset: number;
}

export interface DecodedFileFrame extends FrameHeader {
  /** The whole received buffer; the payload starts at `FILE_FRAME_HEADER_BYTES`. */
  buffer: ArrayBuffer;
  payloadBytes: number;
}

export type FrameError =
  | 'not-binary'
  | 'too-short'
  | 'bad-version'
  | 'bad-transfer-id'
  | 'bad-index'
  | 'bad-offset';

const TWO_32 = 2 ** 32;

/** `transferIdSchema` as a plain regular expression: it runs for every frame (hundreds a second). */
const TRANSFER_ID = new RegExp(`^[A-Za-z0-9_-]{${TRANSFER_ID_LENGTH}}$`);

/**
 * Builds one frame: the header, then `payload` (copied; a 64 KiB copy costs microseconds and lets the
 * sender read its file in larger blocks). Into `reuse` when it has exactly the frame's size: a channel's
 * `send` copies the message, so the sender can keep one buffer per stream instead of leaving a 64 KiB
 * buffer per frame to the garbage collector.
 */
export function encodeFrame(header: FrameHeader, payload: Uint8Array, reuse?: ArrayBuffer): ArrayBuffer {
  const bytes = FILE_FRAME_HEADER_BYTES + payload.byteLength;
  const buffer = reuse?.byteLength === bytes ? reuse : new ArrayBuffer(bytes);
  const view = new DataView(buffer);
  view.setUint8(0, FILE_FRAME_VERSION);
  view.setUint8(1, 0);
  view.setUint16(2, header.fileIndex);
  view.setUint32(4, Math.floor(header.offset / TWO_32));
  view.setUint32(8, header.offset % TWO_32);
  for (let i = 0; i < TRANSFER_ID_LENGTH; i++) view.setUint8(12 + i, header.transferId.charCodeAt(i));
  new Uint8Array(buffer, FILE_FRAME_HEADER_BYTES).set(payload);
  return buffer;
}

/** Reads and checks a frame's header; the payload stays in place. Nothing in it is trusted beyond this. */
export function decodeFrame(
  data: unknown,
): { ok: true; frame: DecodedFileFrame } | { ok: false; error: FrameError } {
  if (!(data instanceof ArrayBuffer)) return { ok: false, error: 'not-binary' };
  if (data.byteLength < FILE_FRAME_HEADER_BYTES) return { ok: false, error: 'too-short' };
  const view = new DataView(data);
  if (view.getUint8(0) !== FILE_FRAME_VERSION || view.getUint8(1) !== 0)
    return { ok: false, error: 'bad-version' };
  const fileIndex = view.getUint16(2);
  if (fileIndex >= OFFER_FILES_MAX) return { ok: false, error: 'bad-index' };
  const high = view.getUint32(4);
  const offset = high * TWO_32 + view.getUint32(8);
  if (!Number.isSafeInteger(offset)) return { ok: false, error: 'bad-offset' };
  const transferId = String.fromCharCode(...new Uint8Array(data, 12, TRANSFER_ID_LENGTH));
  if (!TRANSFER_ID.test(transferId)) return { ok: false, error: 'bad-transfer-id' };
  return {
    ok: true,
    frame: {
      transferId,
      fileIndex,
      offset,
      buffer: data,
      payloadBytes: data.byteLength - FILE_FRAME_HEADER_BYTES,
    },
  };
}

/**
 * What to do with a received frame, given the next byte the receiver expects of that file. The channel is
 * reliable and ordered, yet after a pause or a resume request frames already in flight still arrive, and
 * the sender then sends again from the requested offset: those overlap what is written. Only the part that
 * extends the written prefix is kept; a gap means the sender skipped bytes and the frame is refused.
 */
export type FramePlacement =
  | { action: 'write'; skip: number; bytes: number }
  | { action: 'drop'; reason: 'duplicate' | 'gap' | 'past-end' | 'empty' };

export function placeFrame(
  expected: number,
  frameOffset: number,
  payloadBytes: number,
  size: number,
): FramePlacement {
  if (payloadBytes === 0) return { action: 'drop', reason: 'empty' };
  const end = frameOffset + payloadBytes;
  if (end > size) return { action: 'drop', reason: 'past-end' };
  if (frameOffset > expected) return { action: 'drop', reason: 'gap' };
  if (end <= expected) return { action: 'drop', reason: 'duplicate' };
  const skip = expected - frameOffset;
  return { action: 'write', skip, bytes: payloadBytes - skip };
}

/** Validates a resume point the peer asked for against the offer (the sender's side of `resumePoint`). */
export function isValidResume(sizes: readonly number[], fileIndex: number, offset: number): boolean {
  const size = sizes[fileIndex];
  return size !== undefined && offset >= 0 && offset <= size;
}

/**
 * Payload bytes per frame: the preferred chunk (see `PREFERRED_CHUNK_BYTES`), capped so that header plus
 * payload fit one message of the connection (`pc.sctp.maxMessageSize`: Chromium 256 KiB, Firefox 1 GiB,
 * 64 KiB when unknown, per RFC 8841). A limit of 0 means "unlimited" in the spec.
 */
export function chooseChunkSize(
  maxMessageSize: number | undefined,
  preferred = PREFERRED_CHUNK_BYTES,
): number {
  let limit = maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isFinite(limit) || limit <= 0) limit = Number.MAX_SAFE_INTEGER;
  return Math.max(1, Math.min(preferred, limit - FILE_FRAME_HEADER_BYTES));
}

export interface PacingWindow {
  highWater: number;
  lowWater: number;
}

/**
 * The pacing window for a frame size. The sender waits only when a frame would pass the high-water mark,
 * and must then be woken by `bufferedamountlow`, which fires on a fall to the low-water mark: so the gap
 * between the two must hold a whole frame, or the queue could sit between them with nobody to wake it.
 */
export function pacingWindow(frameBytes: number): PacingWindow {
  const highWater = Math.max(HIGH_WATER_BYTES, 4 * frameBytes);
  const lowWater = Math.min(LOW_WATER_BYTES, highWater - frameBytes);
  return { highWater, lowWater };
}

/**
 * A point of a batch (file `fileIndex`, byte `offset`) as one position over the batch's bytes, as if the
 * files were laid end to end: what the sender's window counts in.
 */
export function batchPosition(sizes: readonly number[], fileIndex: number, offset: number): number {
  let position = 0;
  for (let i = 0; i < fileIndex && i < sizes.length; i++) position += sizes[i] ?? 0;
  return position + offset;
}

/** A place in a batch: a file and an offset in it. */
export interface BatchPoint {
  fileIndex: number;
  offset: number;
}

/**
 * The inverse of `batchPosition`: the first file not wholly before `position`, and the offset in it. A
 * position on a boundary names the start of the next non-empty file; past the end, the last file's end.
 */
export function batchPoint(sizes: readonly number[], position: number): BatchPoint {
  let start = 0;
  for (const [fileIndex, size] of sizes.entries()) {
    if (position < start + size) return { fileIndex, offset: Math.max(0, position - start) };
    start += size;
  }
  const last = Math.max(0, sizes.length - 1);
  return { fileIndex: last, offset: sizes[last] ?? 0 };
}

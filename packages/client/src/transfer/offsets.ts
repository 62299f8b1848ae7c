import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  HIGH_WATER_BYTES,
  LOW_WATER_BYTES,
  PREFERRED_CHUNK_BYTES,
} from './constants.js';

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

/** Per file, as the receiver keeps it: bytes on disk (the contiguous prefix) and whether it is finished. */
export interface ReceivedFile {
  size: number;
  offset: number;
  done: boolean;
}

/**
 * Where the sender must continue: the first file not finished, from its verified offset. After a reload
 * that offset is the last checkpoint (flushed to disk, hash state saved), never what merely arrived.
 * `undefined` when every file is finished.
 */
export function resumePoint(
  files: readonly ReceivedFile[],
): { fileIndex: number; offset: number } | undefined {
  const fileIndex = files.findIndex((f) => !f.done);
  if (fileIndex < 0) return undefined;
  const file = files[fileIndex];
  return { fileIndex, offset: Math.min(file?.offset ?? 0, file?.size ?? 0) };
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

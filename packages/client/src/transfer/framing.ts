import {
  FILE_FRAME_HEADER_BYTES,
  FILE_FRAME_VERSION,
  OFFER_FILES_MAX,
  TRANSFER_ID_LENGTH,
} from '@kopru/protocol';

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
 * sender read its file in larger blocks).
 */
export function encodeFrame(header: FrameHeader, payload: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(FILE_FRAME_HEADER_BYTES + payload.byteLength);
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

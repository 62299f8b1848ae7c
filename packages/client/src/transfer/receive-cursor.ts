import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import { storageKey } from './context.js';
import type { DecodedFileFrame } from './framing.js';
import { type FramePlacement, placeFrame } from './offsets.js';
import type { FileSink, SinkCheckpoint, TransferStorage } from './storage.js';

/**
 * The one file of a transfer being written: its storage sink and how many bytes were handed to it, in order
 * (ahead of the last checkpoint, since writes are pipelined to the worker).
 */
export class ReceiveCursor {
  private sink: FileSink | undefined;
  private index = -1;
  private received = 0;

  constructor(
    private readonly storage: TransferStorage,
    private readonly transferId: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** Opens file `index` at its checkpoint (a no-op when it is the open one); returns the bytes it has. */
  open(index: number, at: { offset: number; hashState?: Uint8Array | undefined }): number {
    if (this.sink && this.index === index) return this.received;
    this.sink = this.storage.open(storageKey(this.transferId, index), at, this.onError);
    this.index = index;
    this.received = at.offset;
    return this.received;
  }

  /** Bytes handed to storage for `index`, if it is the open file. */
  bytes(index: number): number | undefined {
    return this.sink && this.index === index ? this.received : undefined;
  }

  /** Writes the part of the frame that extends the file (see `placeFrame`). */
  write(frame: DecodedFileFrame, size: number): FramePlacement {
    const placement = placeFrame(this.received, frame.offset, frame.payloadBytes, size);
    if (placement.action === 'write' && this.sink && this.index === frame.fileIndex) {
      this.sink.write(frame.buffer, FILE_FRAME_HEADER_BYTES + placement.skip, placement.bytes, this.received);
      this.received += placement.bytes;
    }
    return placement;
  }

  /** Flushes the open file; undefined if none, or if it was replaced meanwhile. */
  async checkpoint(): Promise<{ index: number; point: SinkCheckpoint } | undefined> {
    const { sink, index } = this;
    if (!sink) return undefined;
    const point = await sink.checkpoint();
    return this.sink === sink ? { index, point } : undefined;
  }

  /** Detaches the open file (to finish or close it); the cursor is then empty. */
  take(): FileSink | undefined {
    const sink = this.sink;
    this.sink = undefined;
    this.index = -1;
    this.received = 0;
    return sink;
  }
}

import { SEND_WINDOW_BYTES } from './constants.js';
import { batchPosition } from './offsets.js';

/**
 * The sender's window over the receiver's acknowledgements (see `SEND_WINDOW_BYTES`). Positions count over
 * the batch's files laid end to end. Not stop-and-wait: acks (`file-progress`, twice a second) only move
 * the window's back edge; the sender streams freely while it has room.
 */
export class SendWindow {
  private sent = 0;
  private acked = 0;
  private readonly total: number;

  constructor(
    private readonly sizes: readonly number[],
    readonly limit = SEND_WINDOW_BYTES,
  ) {
    this.total = sizes.reduce((sum, size) => sum + size, 0);
  }

  /**
   * Starts again from the receiver's resume point (`file-resume`): everything before it is on its disk,
   * nothing is in flight. May move back (after a receiver reload, to its last checkpoint).
   */
  restart(fileIndex: number, offset: number): void {
    const position = batchPosition(this.sizes, fileIndex, offset);
    this.sent = position;
    this.acked = position;
  }

  /** A frame ending at `endOffset` of file `fileIndex` was handed to the channel. */
  sentTo(fileIndex: number, endOffset: number): void {
    this.sent = Math.max(this.sent, batchPosition(this.sizes, fileIndex, endOffset));
  }

  /**
   * The receiver has written up to here. Returns true when this moved the window; an ack at or below the
   * last one (reordered, or from before a restart) is ignored.
   */
  ack(fileIndex: number, offset: number): boolean {
    const position = batchPosition(this.sizes, fileIndex, offset);
    if (position <= this.acked) return false;
    this.acked = position;
    return true;
  }

  /** Bytes sent and not yet acknowledged as written. */
  inFlight(): number {
    return Math.max(0, this.sent - this.acked);
  }

  /** Whether `bytes` more may be sent without passing the window. */
  fits(bytes: number): boolean {
    return this.inFlight() + bytes <= this.limit;
  }

  /**
   * Every byte of the batch has been sent. The stream must still be asked once more then, whatever the
   * window: that call ends its last files (their `file-end` hashes), and no ack may come before it — the
   * receiver acknowledges only while bytes are missing.
   */
  allSent(): boolean {
    return this.sent >= this.total;
  }
}

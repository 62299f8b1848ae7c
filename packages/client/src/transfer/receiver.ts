import { FILE_FRAME_HEADER_BYTES, type TransferMessage } from '@kopru/protocol';
import type { Logger, Timers } from '../util/seams.js';
import { ACK_STEP_BYTES, CHECKPOINT_INTERVAL_MS } from './constants.js';
import { RateMeter } from './rate-meter.js';
import { type FileSink, storageKey, type TransferStorage } from './storage.js';
import { currentFile, hashRequest, type TransferEvent } from './transfer-state.js';
import type { StoredFile, TransferRecord } from './types.js';
import { type BatchPoint, type DecodedFileFrame, placeFrame } from './wire.js';

export interface ReceiverParts {
  storage: TransferStorage;
  timers: Timers;
  logger: Logger;
  now(): number;
  /** The transfer's current record (the reducer's; read only). */
  record(): TransferRecord;
  /** Reports to the transfer's state machine. */
  dispatch(event: TransferEvent): void;
  /** A control message to the sender (resume points and credit are the data path's, not the reducer's). */
  send(message: TransferMessage): void;
  /** Progress to show (at most every `PROGRESS_EVENT_INTERVAL_MS`). */
  progressed(): void;
}

/**
 * The receiver's data path for one transfer: frames into storage (a worker writing OPFS and hashing as it
 * goes), the one byte ledger (per file: bytes handed to storage, and bytes the storage reports written
 * and hashed), the credit it grants the sender from that ledger (`file-progress`), checkpoints, and the
 * resume point. The transfer's status and verdicts are the reducer's; this reports to it through events.
 */
export class IncomingFiles {
  private readonly meter = new RateMeter();
  private readonly sizes: readonly number[];
  /** Batch position where each file starts. */
  private readonly starts: readonly number[];
  /** Per file: bytes written and hashed, as the storage reported (the credit the sender gets). */
  private readonly written: number[];
  /** The first file not wholly written. */
  private frontier = 0;
  /** The open file: its index, sink, and bytes handed to it (ahead of `written`: writes are pipelined). */
  private open: { index: number; sink: FileSink; received: number } | undefined;
  /** The batch position last acknowledged (undefined: acknowledge the next one, whatever it is). */
  private lastAck: number | undefined;
  private timer: ReturnType<Timers['setTimeout']> | undefined;
  private closed = false;

  constructor(
    files: readonly StoredFile[],
    private readonly parts: ReceiverParts,
  ) {
    this.sizes = files.map((f) => f.size);
    let start = 0;
    this.starts = this.sizes.map((size) => {
      const at = start;
      start += size;
      return at;
    });
    this.written = files.map((f) =>
      f.state === 'waiting' || f.state === 'moving' || f.state === 'cancelled' ? f.offset : f.size,
    );
    this.advanceFrontier();
  }

  private get id(): string {
    return this.parts.record().id;
  }

  /**
   * Receiving (again): opens the current file at its checkpoint and tells the sender where to continue,
   * then what is written (its credit), once — the sender restarts its stream there.
   */
  receive(): void {
    if (this.closed) return;
    const index = this.openCurrent();
    if (index === undefined || !this.open) {
      // Every byte is here (the files left were empty): ask for the hashes the sender still owes.
      const message = hashRequest(this.parts.record());
      if (message) this.parts.send(message);
      return;
    }
    this.parts.send({
      type: 'file-resume',
      transferId: this.id,
      fileIndex: index,
      offset: this.open.received,
    });
    this.lastAck = undefined;
    this.acknowledge(0);
    this.armCheckpoints();
  }

  /** A validated frame of this transfer (kept while paused: frames in flight still extend the file). */
  handleFrame(frame: DecodedFileFrame): void {
    const status = this.parts.record().status;
    if (this.closed || !(status === 'active' || status === 'paused' || status === 'waiting-source')) return;
    // The open file takes the frame; otherwise the first file still missing bytes, if it is this one.
    if (this.open?.index !== frame.fileIndex) this.openCurrent();
    const open = this.open;
    const index = frame.fileIndex;
    if (open?.index !== index) return; // stale (an older file)
    const size = this.sizes[index] ?? 0;
    const placement = placeFrame(open.received, frame.offset, frame.payloadBytes, size);
    if (placement.action === 'drop') {
      if (placement.reason !== 'duplicate')
        this.parts.logger.warn('file frame refused', { transferId: this.id, reason: placement.reason });
      return;
    }
    open.sink.write(frame.buffer, FILE_FRAME_HEADER_BYTES + placement.skip, placement.bytes, open.received);
    open.received += placement.bytes;
    this.meter.add(this.parts.now(), (this.starts[index] ?? 0) + open.received);
    if (open.received === size) {
      this.complete();
      this.openCurrent(); // the files after it may be empty: they complete on opening
    }
    this.parts.progressed();
  }

  /** Flushes the open file and reports where it is (`checkpoint`), a resume point after a reload. */
  async checkpoint(): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      const point = await open.sink.checkpoint();
      if (this.open === open)
        this.parts.dispatch({
          type: 'checkpoint',
          fileIndex: open.index,
          offset: point.offset,
          hashState: point.hashState,
        });
    } catch (error) {
      this.parts.dispatch({ type: 'storage-failed', message: String(error) });
    }
  }

  /** Bytes of a file on this side: what was handed to storage for the open one. */
  bytesOf(index: number): number {
    if (this.open?.index === index) return this.open.received;
    return this.parts.record().files[index]?.offset ?? 0;
  }

  bytesPerSecond(): number {
    return this.meter.bytesPerSecond(this.parts.now());
  }

  resetRate(): void {
    this.meter.reset();
  }

  /**
   * Stops receiving: checkpoints end and the open file is closed; `discard` deletes unfinished files.
   * Resolves once the file is closed.
   */
  stop(discard: boolean): Promise<void> {
    this.stopCheckpoints();
    const open = this.open;
    this.open = undefined;
    const closed = open ? open.sink.close().catch(() => undefined) : Promise.resolve();
    if (!discard) return closed;
    const record = this.parts.record();
    return closed.then(() =>
      Promise.all(
        record.files.map((f, i) =>
          f.state === 'cancelled'
            ? this.parts.storage.remove(storageKey(record.id, i)).catch(() => undefined)
            : undefined,
        ),
      ).then(() => undefined),
    );
  }

  /** Stops timers and closes the open file (kept for resuming); resolves once it is closed. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.stop(false);
  }

  /** Opens the first file whose bytes are not all here; returns its index (undefined: all are here). */
  private openCurrent(): number | undefined {
    for (;;) {
      const record = this.parts.record();
      const index = currentFile(record);
      if (index === undefined || this.open?.index === index) return index;
      const file = record.files[index];
      if (!file) return undefined;
      const sink = this.parts.storage.open(
        storageKey(record.id, index),
        { offset: file.offset, hashState: file.hashState },
        {
          written: (offset) => this.recordWritten(index, offset),
          failed: (message) => this.parts.dispatch({ type: 'storage-failed', message }),
        },
      );
      this.open = { index, sink, received: file.offset };
      if (file.offset < file.size) return index;
      this.complete(); // nothing to receive (an empty file, or all of it was here): next
    }
  }

  /** Every byte of the open file was handed to storage: finish it (its hash follows) and let it go. */
  private complete(): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const { index, sink } = open;
    this.parts.dispatch({ type: 'bytes-complete', fileIndex: index });
    sink.finish().then(
      (sha256) => {
        this.recordWritten(index, this.sizes[index] ?? 0);
        this.parts.dispatch({ type: 'file-hashed', fileIndex: index, sha256 });
      },
      (error: unknown) => this.parts.dispatch({ type: 'storage-failed', message: String(error) }),
    );
  }

  /** The ledger: the storage has written and hashed file `index` up to `offset`. */
  private recordWritten(index: number, offset: number): void {
    if (offset <= (this.written[index] ?? 0)) return;
    this.written[index] = offset;
    this.advanceFrontier();
    this.acknowledge(ACK_STEP_BYTES);
  }

  private advanceFrontier(): void {
    while (
      this.frontier < this.sizes.length - 1 &&
      (this.written[this.frontier] ?? 0) >= (this.sizes[this.frontier] ?? 0)
    )
      this.frontier += 1;
  }

  /** How far the batch is written and hashed, as a position and as a point of the batch. */
  private writtenPoint(): { position: number; point: BatchPoint } {
    const fileIndex = this.frontier;
    const offset = Math.min(this.written[fileIndex] ?? 0, this.sizes[fileIndex] ?? 0);
    return { position: (this.starts[fileIndex] ?? 0) + offset, point: { fileIndex, offset } };
  }

  /**
   * Grants the sender credit (`file-progress`) when the written point moved at least `step` bytes since
   * the last grant — and only when it moved: never the same point twice. While the receiver's messages
   * kept arriving, Chromium's SCTP did not retransmit what the sender had lost, so a burst of packets lost
   * early in a transfer stalled it for ~24 s while an unchanged ack was repeated twice a second
   * (docs/benchmarks.md, "The start-of-transfer stall").
   */
  private acknowledge(step: number): void {
    if (this.closed || this.parts.record().status !== 'active') return;
    const { position, point } = this.writtenPoint();
    if (this.lastAck !== undefined && (position <= this.lastAck || position - this.lastAck < step)) return;
    this.lastAck = position;
    this.parts.send({ type: 'file-progress', transferId: this.id, ...point });
  }

  private armCheckpoints(): void {
    if (this.timer !== undefined || this.closed) return;
    const tick = () => {
      this.timer = undefined;
      const status = this.parts.record().status;
      if (this.closed || !(status === 'active' || status === 'paused' || status === 'waiting-source')) return;
      void this.checkpoint();
      this.acknowledge(1);
      this.parts.progressed();
      this.timer = this.parts.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
    };
    this.timer = this.parts.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
  }

  private stopCheckpoints(): void {
    if (this.timer !== undefined) this.parts.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

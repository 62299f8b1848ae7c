import { CHECKPOINT_INTERVAL_MS } from './constants.js';
import { storageKey, type TransferContext } from './context.js';
import type { DecodedFileFrame } from './framing.js';
import { type BatchPoint, batchPoint } from './offsets.js';
import { RateMeter } from './rate-meter.js';
import { ReceiveCursor } from './receive-cursor.js';
import { baseName } from './source.js';
import { StorageBrake } from './storage-brake.js';
import type { StoredFile, TransferRecord } from './transfer-store.js';

export const isFinalFile = (f: StoredFile): boolean => f.state === 'verified' || f.state === 'mismatch';
const bytesComplete = (f: StoredFile): boolean => f.state === 'verifying' || isFinalFile(f);

export interface IncomingFilesEvents {
  /** Every file has a verdict; `mismatches` of them did not hash to the sender's SHA-256. */
  finished(mismatches: number): void;
  storageFailed(message: string): void;
}

/**
 * The data side of a received transfer: frames to storage (a worker writing OPFS and hashing as it goes),
 * checkpoints twice a second, each file's SHA-256 against the sender's, and the resume point. The
 * transfer's status (accepted, paused, cancelled) belongs to `IncomingTransfer`.
 */
export class IncomingFiles {
  private readonly cursor: ReceiveCursor;
  private readonly senderHashes = new Map<number, string>();
  private readonly meter = new RateMeter();
  private readonly brake: StorageBrake;
  private checkpointTimer: ReturnType<TransferContext['timers']['setTimeout']> | undefined;
  private closed = false;
  /** The point last acknowledged with `file-progress` (undefined: acknowledge the next one whatever it is). */
  private lastAck: BatchPoint | undefined;

  constructor(
    private readonly ctx: TransferContext,
    private readonly record: TransferRecord,
    private readonly events: IncomingFilesEvents,
  ) {
    this.cursor = new ReceiveCursor(ctx.storage, record.id, (message) => events.storageFailed(message));
    this.brake = new StorageBrake(ctx, record.id, () => {
      if (!this.closed && this.record.status === 'active') this.begin();
    });
  }

  private get id(): string {
    return this.record.id;
  }

  /** Opens the current file's storage and tells the sender where to continue (once storage keeps up). */
  begin(): void {
    if (this.closed || this.brake.holdsResume()) return;
    const current = this.currentIndex();
    if (current !== undefined) {
      this.openSink(current);
      const at = this.currentIndex(); // an empty file completes on opening
      if (at !== undefined) {
        const offset = this.cursor.bytes(at) ?? 0;
        this.ctx.send({ type: 'file-resume', transferId: this.id, fileIndex: at, offset });
        this.lastAck = undefined; // the sender restarts its window here: tell it the written point again
        this.armCheckpoints();
        return;
      }
    }
    // Every byte is here; the sender owes hashes: resuming at the end of the first unverified file sends them.
    const waiting = this.record.files.findIndex(
      (f, i) => f.state === 'verifying' && !this.senderHashes.has(i),
    );
    const file = this.record.files[waiting];
    if (file)
      this.ctx.send({ type: 'file-resume', transferId: this.id, fileIndex: waiting, offset: file.size });
  }

  /** A validated frame of this transfer, while it is accepted. */
  handleFrame(frame: DecodedFileFrame): void {
    const current = this.currentIndex();
    const file = current === undefined ? undefined : this.record.files[current];
    if (current === undefined || !file || frame.fileIndex !== current) return; // stale (older file)
    this.openSink(current);
    const placement = this.cursor.write(frame, file.size);
    if (placement.action === 'drop') {
      if (placement.reason !== 'duplicate') {
        this.ctx.logger.warn('file frame refused', { transferId: this.id, reason: placement.reason });
      }
      return;
    }
    if (file.state === 'waiting') file.state = 'moving';
    this.meter.add(this.ctx.now(), this.doneBytes());
    if (this.cursor.bytes(current) === file.size) this.bytesComplete(current);
    this.brake.afterFrame();
    this.ctx.changed(false);
  }

  /** The sender's SHA-256 of a file (may come before its last bytes: another channel). */
  handleEnd(fileIndex: number, sha256: string): void {
    if (!this.record.files[fileIndex]) return;
    this.senderHashes.set(fileIndex, sha256);
    this.verify(fileIndex);
  }

  /** Verdicts the sender may have missed (the channel was down when they were decided). */
  sendVerdicts(): void {
    for (const [fileIndex, file] of this.record.files.entries()) {
      if (isFinalFile(file) && !file.verdictSent) {
        const ok = file.state === 'verified';
        file.verdictSent = this.ctx.send({ type: 'file-verified', transferId: this.id, fileIndex, ok });
      }
    }
  }

  /** Flushes the open file and saves where it is (offset and hash state). */
  async checkpoint(): Promise<void> {
    try {
      const checkpoint = await this.cursor.checkpoint();
      if (!checkpoint) return;
      const file = this.record.files[checkpoint.index];
      if (file?.state !== 'moving') return;
      file.offset = checkpoint.point.offset;
      file.hashState = checkpoint.point.hashState;
      this.ctx.persist(this.record);
    } catch (error) {
      this.events.storageFailed(String(error));
    }
  }

  bytesPerSecond(): number {
    return this.meter.bytesPerSecond(this.ctx.now());
  }

  resetRate(): void {
    this.meter.reset();
  }

  /** Bytes of a file here: all for a finished one, what was handed to storage for the open one. */
  bytesOf(index: number, current = this.currentIndex()): number {
    const file = this.record.files[index];
    if (!file) return 0;
    if (bytesComplete(file)) return file.size;
    return (index === current ? this.cursor.bytes(index) : undefined) ?? file.offset;
  }

  /** The received file for saving; only verified files are offered. */
  async file(fileIndex: number): Promise<File | Blob> {
    const file = this.record.files[fileIndex];
    if (file?.state !== 'verified') throw new Error('file not verified');
    return this.ctx.storage.file(storageKey(this.id, fileIndex), baseName(file.path), file.mime);
  }

  /** Marks unfinished files cancelled and deletes them; verified ones stay. */
  discardPartial(): void {
    this.stopCheckpoints();
    const sink = this.cursor.take();
    const partial: number[] = [];
    for (const [index, file] of this.record.files.entries()) {
      if (isFinalFile(file)) continue;
      file.state = 'cancelled';
      file.hashState = undefined;
      partial.push(index);
    }
    const closed = sink ? sink.close().catch(() => undefined) : Promise.resolve();
    void closed.then(() =>
      Promise.all(partial.map((i) => this.ctx.storage.remove(storageKey(this.id, i)).catch(() => undefined))),
    );
  }

  /** Deletes every stored file (the user dismissed the transfer). */
  async removeAll(): Promise<void> {
    this.close();
    await Promise.all(this.record.files.map((_f, i) => this.ctx.storage.remove(storageKey(this.id, i))));
  }

  /** Stops timers and closes the open file (kept for resuming). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopCheckpoints();
    void this.cursor
      .take()
      ?.close()
      .catch(() => undefined);
  }

  /** The first file whose bytes are not all here. */
  private currentIndex(): number | undefined {
    const index = this.record.files.findIndex((f) => f.state === 'waiting' || f.state === 'moving');
    return index < 0 ? undefined : index;
  }

  private openSink(index: number): void {
    const file = this.record.files[index];
    if (!file || this.cursor.bytes(index) !== undefined) return;
    const offset = this.cursor.open(index, { offset: file.offset, hashState: file.hashState });
    if (offset === file.size) this.bytesComplete(index);
  }

  private bytesComplete(index: number): void {
    const file = this.record.files[index];
    if (!file || this.cursor.bytes(index) === undefined) return;
    const sink = this.cursor.take();
    if (!sink) return;
    file.state = 'verifying';
    file.offset = file.size;
    file.hashState = undefined;
    this.ctx.persist(this.record);
    sink.finish().then(
      (sha256) => {
        file.localSha256 = sha256;
        this.ctx.persist(this.record);
        this.verify(index);
      },
      (error: unknown) => this.events.storageFailed(String(error)),
    );
    const next = this.currentIndex();
    if (next !== undefined && this.record.status === 'active') this.openSink(next);
  }

  private verify(index: number): void {
    const file = this.record.files[index];
    const expected = this.senderHashes.get(index);
    if (file?.state !== 'verifying' || !file.localSha256 || !expected) return;
    const ok = file.localSha256 === expected;
    file.state = ok ? 'verified' : 'mismatch';
    if (!ok) {
      this.ctx.logger.warn('hash mismatch', { transferId: this.id, fileIndex: index });
      void this.ctx.storage.remove(storageKey(this.id, index)).catch(() => undefined);
    }
    file.verdictSent = this.ctx.send({ type: 'file-verified', transferId: this.id, fileIndex: index, ok });
    const files = this.record.files;
    if (files.every(isFinalFile)) {
      this.stopCheckpoints();
      this.events.finished(files.filter((f) => f.state === 'mismatch').length);
      return;
    }
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }

  private armCheckpoints(): void {
    if (this.checkpointTimer !== undefined || this.closed) return;
    const tick = () => {
      this.checkpointTimer = undefined;
      const status = this.record.status;
      if (this.closed || !(status === 'active' || status === 'paused' || status === 'waiting-source')) return;
      void this.checkpoint();
      if (this.currentIndex() !== undefined && status === 'active') this.acknowledgeProgress();
      this.ctx.changed(false);
      this.checkpointTimer = this.ctx.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
    };
    this.checkpointTimer = this.ctx.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
  }

  /**
   * Tells the sender how far the batch is written, and only when that moved: never the same point twice.
   * While the receiver's messages keep arriving, Chromium's SCTP did not retransmit what the sender had
   * lost, so a burst of packets lost early in a transfer stalled it for ~24 s (7 of 60 runs) while this
   * repeated its unchanged ack twice a second; acking only progress, 0 of 25 (docs/benchmarks.md, "The
   * start-of-transfer stall").
   */
  private acknowledgeProgress(): void {
    const point = this.writtenPoint();
    if (this.lastAck?.fileIndex === point.fileIndex && this.lastAck.offset === point.offset) return;
    this.lastAck = point;
    this.ctx.send({ type: 'file-progress', transferId: this.id, ...point });
  }

  private stopCheckpoints(): void {
    if (this.checkpointTimer !== undefined) this.ctx.timers.clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    this.brake.stop();
  }

  /**
   * How far the batch is written and hashed (what `file-progress` acknowledges, moving the sender's
   * window): what arrived, less what the storage has not written yet, as a point of the batch.
   */
  private writtenPoint(): BatchPoint {
    const current = this.currentIndex();
    let written = 0;
    for (const [index] of this.record.files.entries()) {
      written += this.bytesOf(index, current) - this.ctx.storage.unwritten(storageKey(this.id, index));
    }
    return batchPoint(
      this.record.files.map((f) => f.size),
      Math.max(0, written),
    );
  }

  private doneBytes(): number {
    return this.record.files.reduce((sum, _f, i) => sum + this.bytesOf(i), 0);
  }
}

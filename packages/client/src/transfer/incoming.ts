import type { PeerMessage } from '@kopru/protocol';
import { CHECKPOINT_INTERVAL_MS, MEMORY_FALLBACK_MAX_BYTES, QUOTA_MARGIN_BYTES } from './constants.js';
import { storageKey, type TransferContext } from './context.js';
import type { DecodedFileFrame } from './framing.js';
import { RateMeter } from './rate-meter.js';
import { ReceiveCursor } from './receive-cursor.js';
import { baseName } from './source.js';
import type { StoredFile, TransferRecord } from './transfer-store.js';
import { transferView } from './transfer-view.js';
import { FINAL_STATUSES, type TransferStatus, type TransferView } from './types.js';

const isFinalFile = (f: StoredFile): boolean => f.state === 'verified' || f.state === 'mismatch';
const bytesComplete = (f: StoredFile): boolean => f.state === 'verifying' || isFinalFile(f);

/**
 * The receiver's side of one transfer: validates frames, pipes them to storage (a worker writing OPFS and
 * hashing as it goes), checkpoints twice a second, verifies each file's SHA-256 against the sender's, and
 * names the resume point whenever data must (re)start.
 */
export class IncomingTransfer {
  private readonly cursor: ReceiveCursor;
  private readonly senderHashes = new Map<number, string>();
  private readonly meter = new RateMeter();
  private checkpointTimer: ReturnType<TransferContext['timers']['setTimeout']> | undefined;
  private unsent: PeerMessage | undefined;
  private closed = false;

  constructor(
    private readonly ctx: TransferContext,
    readonly record: TransferRecord,
  ) {
    this.cursor = new ReceiveCursor(ctx.storage, record.id, (message) => this.storageFailed(message));
  }

  get id(): string {
    return this.record.id;
  }

  get status(): TransferStatus {
    return this.record.status;
  }

  /** Accepts unless the files do not fit (quota, or the memory fallback's limit): then declines, saying why. */
  async accept(): Promise<void> {
    if (this.record.status !== 'offered') return;
    const needed = this.record.files.reduce((sum, f) => sum + f.size, 0);
    const free = await this.ctx.storage.freeBytes(); // first: the storage knows its kind once this resolves
    if (this.record.status !== 'offered') return;
    if (this.ctx.storage.kind === 'memory' && needed > MEMORY_FALLBACK_MAX_BYTES) {
      this.refuse('too-large', needed, MEMORY_FALLBACK_MAX_BYTES);
      return;
    }
    if (free !== undefined && needed + QUOTA_MARGIN_BYTES > free) {
      this.refuse('quota', needed, Math.max(0, free - QUOTA_MARGIN_BYTES));
      return;
    }
    this.record.storage = this.ctx.storage.kind;
    this.setStatus('active');
    this.ctx.send({ type: 'file-accept', transferId: this.id });
    this.begin();
  }

  decline(): void {
    if (this.record.status !== 'offered') return;
    this.record.problem = { code: 'declined', reason: 'declined', by: 'self' };
    this.setStatus('declined');
    this.sendFinal({ type: 'file-decline', transferId: this.id, reason: 'declined' });
  }

  pause(): void {
    if (this.record.status !== 'active') return;
    this.setStatus('paused', 'self');
    this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'user' });
    void this.checkpoint();
  }

  resume(): void {
    if (this.record.status !== 'paused') return;
    this.setStatus('active');
    this.begin();
  }

  cancel(): void {
    if (FINAL_STATUSES.has(this.record.status)) return;
    this.record.problem = { code: 'cancelled', by: 'self' };
    this.abandon();
    this.sendFinal({ type: 'file-cancel', transferId: this.id });
  }

  handle(message: PeerMessage): void {
    const status = this.record.status;
    switch (message.type) {
      case 'file-offer':
        this.repeatedOffer();
        return;
      case 'file-end': {
        const file = this.record.files[message.fileIndex];
        if (!file || FINAL_STATUSES.has(status)) return;
        this.senderHashes.set(message.fileIndex, message.sha256);
        this.verify(message.fileIndex);
        return;
      }
      case 'file-pause':
        if (message.paused && status === 'active') {
          this.setStatus(message.reason === 'source-missing' ? 'waiting-source' : 'paused', 'peer');
          void this.checkpoint();
        } else if (!message.paused && (status === 'paused' || status === 'waiting-source')) {
          this.setStatus('active');
          this.begin();
        }
        return;
      case 'file-cancel':
        if (FINAL_STATUSES.has(status)) return;
        this.record.problem = { code: 'cancelled', by: 'peer' };
        this.abandon();
        return;
      default:
        return;
    }
  }

  /** A validated frame from this transfer's peer. */
  handleFrame(frame: DecodedFileFrame): void {
    const status = this.record.status;
    // Frames already in flight when a pause was asked for still extend the file: keep them.
    if (status !== 'active' && status !== 'paused' && status !== 'waiting-source') return;
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
    this.ctx.changed(false);
  }

  /** The control channel (re)opened: say where to continue, or repeat what the sender may have missed. */
  handleControlOpen(): void {
    if (this.unsent && this.ctx.send(this.unsent)) this.unsent = undefined;
    const status = this.record.status;
    if (status === 'active') this.begin();
    else if (status === 'paused' && this.record.pausedBy === 'self') {
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'user' });
    }
    this.sendVerdicts();
    this.ctx.changed(true);
  }

  handleLinkDown(): void {
    this.meter.reset();
    this.ctx.changed(true);
  }

  /** After a reload: memory-kept files are gone, so such a transfer cannot continue. */
  handleRestored(): void {
    if (this.record.storage === 'memory' && !FINAL_STATUSES.has(this.record.status)) {
      this.record.problem = { code: 'interrupted' };
      this.abandon();
      this.unsent = { type: 'file-cancel', transferId: this.id };
    }
  }

  /** The received file for saving; only verified files are offered. */
  async file(fileIndex: number): Promise<File | Blob> {
    const file = this.record.files[fileIndex];
    if (file?.state !== 'verified') throw new Error('file not verified');
    return this.ctx.storage.file(storageKey(this.id, fileIndex), baseName(file.path), file.mime);
  }

  /** Deletes every stored file of this transfer (the user dismissed it). */
  async removeFiles(): Promise<void> {
    this.close();
    await Promise.all(this.record.files.map((_f, i) => this.ctx.storage.remove(storageKey(this.id, i))));
  }

  view(): TransferView {
    const current = this.currentIndex();
    return transferView(this.record, {
      bytes: (i) => this.bytesOf(i, current),
      sourceAttached: () => true,
      linkUp: this.ctx.linkUp(),
      bytesPerSecond: this.meter.bytesPerSecond(this.ctx.now()),
      storage: this.record.storage ?? this.ctx.storage.kind,
    });
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

  /** Opens the current file's storage and tells the sender where to continue. */
  private begin(): void {
    if (this.closed) return;
    const current = this.currentIndex();
    if (current !== undefined) {
      this.openSink(current);
      const at = this.currentIndex(); // an empty file completes on opening
      if (at !== undefined) {
        const offset = this.cursor.bytes(at) ?? 0;
        this.ctx.send({ type: 'file-resume', transferId: this.id, fileIndex: at, offset });
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
      (error: unknown) => this.storageFailed(String(error)),
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
      const mismatches = files.filter((f) => f.state === 'mismatch').length;
      if (mismatches > 0) this.record.problem = { code: 'mismatch', files: mismatches };
      this.stopCheckpoints();
      this.setStatus(mismatches > 0 ? 'failed' : 'complete');
      return;
    }
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }

  private sendVerdicts(): void {
    for (const [fileIndex, file] of this.record.files.entries()) {
      if (isFinalFile(file) && !file.verdictSent) {
        file.verdictSent = this.ctx.send({
          type: 'file-verified',
          transferId: this.id,
          fileIndex,
          ok: file.state === 'verified',
        });
      }
    }
  }

  private async checkpoint(): Promise<void> {
    try {
      const checkpoint = await this.cursor.checkpoint();
      if (!checkpoint) return;
      const { index, point } = checkpoint;
      const file = this.record.files[index];
      if (file?.state !== 'moving') return;
      file.offset = point.offset;
      file.hashState = point.hashState;
      this.ctx.persist(this.record);
    } catch (error) {
      this.storageFailed(String(error));
    }
  }

  private armCheckpoints(): void {
    if (this.checkpointTimer !== undefined || this.closed) return;
    const tick = () => {
      this.checkpointTimer = undefined;
      const status = this.record.status;
      if (this.closed || FINAL_STATUSES.has(status)) return;
      void this.checkpoint();
      const current = this.currentIndex();
      if (current !== undefined && status === 'active') {
        const offset = this.bytesOf(current, current);
        this.ctx.send({ type: 'file-progress', transferId: this.id, fileIndex: current, offset });
      }
      this.ctx.changed(false);
      this.checkpointTimer = this.ctx.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
    };
    this.checkpointTimer = this.ctx.timers.setTimeout(tick, CHECKPOINT_INTERVAL_MS);
  }

  private stopCheckpoints(): void {
    if (this.checkpointTimer !== undefined) this.ctx.timers.clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
  }

  private repeatedOffer(): void {
    const status = this.record.status;
    if (status === 'active') {
      this.ctx.send({ type: 'file-accept', transferId: this.id });
      this.begin();
    } else if (status === 'declined') {
      this.ctx.send({ type: 'file-decline', transferId: this.id, reason: this.declineReason() });
    } else if (status === 'cancelled') {
      this.ctx.send({ type: 'file-cancel', transferId: this.id });
    }
  }

  private declineReason() {
    const problem = this.record.problem;
    return problem?.code === 'declined' ? problem.reason : 'declined';
  }

  private refuse(reason: 'quota' | 'too-large', neededBytes: number, freeBytes: number): void {
    this.record.problem = { code: 'declined', reason, by: 'self', neededBytes, freeBytes };
    this.setStatus('declined');
    this.sendFinal({ type: 'file-decline', transferId: this.id, reason });
  }

  private storageFailed(message: string): void {
    if (FINAL_STATUSES.has(this.record.status)) return;
    this.ctx.logger.error('storing a received file failed', { transferId: this.id, message });
    this.record.problem = { code: 'storage', message };
    this.abandon('failed');
    this.sendFinal({ type: 'file-cancel', transferId: this.id });
  }

  /** Ends the transfer: partial files are deleted, verified ones stay. */
  private abandon(status: 'cancelled' | 'failed' = 'cancelled'): void {
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
    this.setStatus(status);
  }

  private bytesOf(index: number, current = this.currentIndex()): number {
    const file = this.record.files[index];
    if (!file) return 0;
    if (bytesComplete(file)) return file.size;
    return (index === current ? this.cursor.bytes(index) : undefined) ?? file.offset;
  }

  private doneBytes(): number {
    return this.record.files.reduce((sum, _f, i) => sum + this.bytesOf(i), 0);
  }

  private sendFinal(message: PeerMessage): void {
    if (!this.ctx.send(message)) this.unsent = message;
  }

  private setStatus(status: TransferStatus, pausedBy?: 'self' | 'peer'): void {
    this.record.status = status;
    this.record.pausedBy = status === 'paused' || status === 'waiting-source' ? pausedBy : undefined;
    if (status !== 'active') this.meter.reset();
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }
}

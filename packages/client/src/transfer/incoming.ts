import type { PeerMessage } from '@kopru/protocol';
import { MEMORY_FALLBACK_MAX_BYTES, QUOTA_MARGIN_BYTES } from './constants.js';
import type { TransferContext } from './context.js';
import type { DecodedFileFrame } from './framing.js';
import { IncomingFiles } from './incoming-files.js';
import type { TransferRecord } from './transfer-store.js';
import { transferView } from './transfer-view.js';
import { FINAL_STATUSES, type TransferStatus, type TransferView } from './types.js';

/**
 * The receiver's side of one transfer: the offer's answer (with the quota check), pause, resume and
 * cancel from either side, and what to repeat when the connection comes back. The bytes themselves are
 * `IncomingFiles`'.
 */
export class IncomingTransfer {
  private readonly files: IncomingFiles;
  private unsent: PeerMessage | undefined;

  constructor(
    private readonly ctx: TransferContext,
    readonly record: TransferRecord,
  ) {
    this.files = new IncomingFiles(ctx, record, {
      finished: (mismatches) => {
        if (mismatches > 0) this.record.problem = { code: 'mismatch', files: mismatches };
        this.setStatus(mismatches > 0 ? 'failed' : 'complete');
      },
      storageFailed: (message) => this.storageFailed(message),
    });
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
    this.files.begin();
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
    void this.files.checkpoint();
  }

  resume(): void {
    if (this.record.status !== 'paused') return;
    this.setStatus('active');
    this.files.begin();
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
      case 'file-end':
        if (!FINAL_STATUSES.has(status)) this.files.handleEnd(message.fileIndex, message.sha256);
        return;
      case 'file-pause':
        if (message.reason === 'busy') return; // only a receiver sends it
        if (message.paused && status === 'active') {
          this.setStatus(message.reason === 'source-missing' ? 'waiting-source' : 'paused', 'peer');
          void this.files.checkpoint();
        } else if (!message.paused && (status === 'paused' || status === 'waiting-source')) {
          this.setStatus('active');
          this.files.begin();
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
    if (status === 'active' || status === 'paused' || status === 'waiting-source')
      this.files.handleFrame(frame);
  }

  /** The control channel (re)opened: say where to continue, or repeat what the sender may have missed. */
  handleControlOpen(): void {
    if (this.unsent && this.ctx.send(this.unsent)) this.unsent = undefined;
    const status = this.record.status;
    if (status === 'active') this.files.begin();
    else if (status === 'paused' && this.record.pausedBy === 'self') {
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'user' });
    }
    this.files.sendVerdicts();
    this.ctx.changed(true);
  }

  handleLinkDown(): void {
    this.files.resetRate();
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
  file(fileIndex: number): Promise<File | Blob> {
    return this.files.file(fileIndex);
  }

  /** Deletes every stored file of this transfer (the user dismissed it). */
  removeFiles(): Promise<void> {
    return this.files.removeAll();
  }

  view(): TransferView {
    return transferView(this.record, {
      bytes: (i) => this.files.bytesOf(i),
      sourceAttached: () => true,
      linkUp: this.ctx.linkUp(),
      bytesPerSecond: this.files.bytesPerSecond(),
      storage: this.record.storage ?? this.ctx.storage.kind,
    });
  }

  /** Stops timers and closes the open file (kept for resuming). Idempotent. */
  close(): void {
    this.files.close();
  }

  private repeatedOffer(): void {
    const status = this.record.status;
    if (status === 'active') {
      this.ctx.send({ type: 'file-accept', transferId: this.id });
      this.files.begin();
    } else if (status === 'declined') {
      const problem = this.record.problem;
      const reason = problem?.code === 'declined' ? problem.reason : 'declined';
      this.ctx.send({ type: 'file-decline', transferId: this.id, reason });
    } else if (status === 'cancelled') {
      this.ctx.send({ type: 'file-cancel', transferId: this.id });
    }
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
    this.files.discardPartial();
    this.setStatus(status);
  }

  private sendFinal(message: PeerMessage): void {
    if (!this.ctx.send(message)) this.unsent = message;
  }

  private setStatus(status: TransferStatus, pausedBy?: 'self' | 'peer'): void {
    this.record.status = status;
    this.record.pausedBy = status === 'paused' || status === 'waiting-source' ? pausedBy : undefined;
    if (status !== 'active') this.files.resetRate();
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }
}

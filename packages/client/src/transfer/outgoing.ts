import type { DeclineReason, PeerMessage } from '@kopru/protocol';
import type { TransferContext } from './context.js';
import { isValidResume } from './offsets.js';
import { OutgoingSources } from './outgoing-sources.js';
import type { OutgoingStream } from './peer-link.js';
import { RateMeter } from './rate-meter.js';
import { SendWindow } from './send-window.js';
import type { TransferRecord } from './transfer-store.js';
import { transferView } from './transfer-view.js';
import { FINAL_STATUSES, type SourceFile, type TransferView } from './types.js';

/**
 * The sender's side of one transfer. The receiver drives it: `file-resume` says where to (re)start, and
 * the sender streams from there to the end of the batch, never more than its window (`SEND_WINDOW_BYTES`)
 * past what the receiver has acknowledged as written.
 */
export class OutgoingTransfer {
  private readonly sources: OutgoingSources;
  private readonly meter = new RateMeter();
  private readonly sendWindow: SendWindow;
  private stream: OutgoingStream | undefined;
  /** A final message (cancel) that could not be sent yet: resent when the channel reopens. */
  private unsent: PeerMessage | undefined;

  constructor(
    private readonly ctx: TransferContext,
    readonly record: TransferRecord,
    sources: (SourceFile | undefined)[],
  ) {
    this.sources = new OutgoingSources(record.files, sources, ctx.hasher);
    this.sendWindow = new SendWindow(
      record.files.map((f) => f.size),
      ctx.sendWindowBytes,
    );
  }

  get id(): string {
    return this.record.id;
  }

  /** Sends the offer (again when the channel was closed: the receiver ignores a duplicate). */
  offer(): void {
    if (this.record.status !== 'offered') return;
    const { id: transferId, files } = this.record;
    this.ctx.send({
      type: 'file-offer',
      transferId,
      scope: this.record.conversationId === this.record.peerId ? 'direct' : 'room',
      files: files.map(({ path, size, mime, headSha256 }) => ({ path, size, mime, headSha256 })),
      sentAt: this.record.createdAt,
    });
  }

  pause(): void {
    if (this.record.status !== 'active') return;
    this.stop();
    this.setStatus('paused', 'self');
    this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'user' });
  }

  /** Unpauses; the receiver answers with the offset to continue from. */
  resume(): void {
    if (this.record.status !== 'paused') return;
    this.setStatus('active');
    this.ctx.send({ type: 'file-pause', transferId: this.id, paused: false, reason: 'user' });
  }

  cancel(): void {
    if (FINAL_STATUSES.has(this.record.status)) return;
    this.stop();
    this.record.problem = { code: 'cancelled', by: 'self' };
    this.setStatus('cancelled');
    this.sendFinal({ type: 'file-cancel', transferId: this.id });
  }

  /**
   * After a reload: the user chose files again. Each missing file is matched by path (or name), size and
   * the hash of its first bytes. Returns how many files are still missing.
   */
  async reattach(candidates: readonly SourceFile[]): Promise<number> {
    await this.sources.reattach(candidates);
    const missing = this.sources.missing();
    if (missing === 0 && this.record.status === 'waiting-source') {
      this.setStatus('active');
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: false, reason: 'source-missing' });
    }
    this.ctx.changed(true);
    return missing;
  }

  handle(message: PeerMessage): void {
    const status = this.record.status;
    switch (message.type) {
      case 'file-accept':
        if (status === 'offered') {
          this.setStatus('active');
          this.sources.startHashing();
        }
        return;
      case 'file-decline':
        if (status === 'offered') this.declined(message.reason);
        return;
      case 'file-resume':
        this.resumeFrom(message.fileIndex, message.offset);
        return;
      case 'file-progress':
        if (status !== 'active' && status !== 'paused') return;
        this.progress(message.fileIndex, message.offset);
        // The receiver has written more: the window moved, so a stream waiting on it may send again.
        if (this.sendWindow.ack(message.fileIndex, message.offset) && this.stream) this.ctx.link().wake();
        return;
      case 'file-verified':
        this.verified(message.fileIndex, message.ok);
        return;
      case 'file-pause':
        if (message.reason === 'busy') {
          // The receiver's storage is behind: stop sending (not a pause anyone sees) until its file-resume.
          if (message.paused && status === 'active') this.stop();
          return;
        }
        if (message.paused && status === 'active') {
          this.stop();
          this.setStatus('paused', 'peer');
        }
        return;
      case 'file-cancel':
        if (FINAL_STATUSES.has(status)) return;
        this.stop();
        this.record.problem = { code: 'cancelled', by: 'peer' };
        this.setStatus('cancelled');
        return;
      default:
        return;
    }
  }

  /** The control channel (re)opened: repeat what the receiver may have missed. */
  handleControlOpen(): void {
    if (this.unsent && this.ctx.send(this.unsent)) this.unsent = undefined;
    const { status, pausedBy } = this.record;
    if (status === 'offered') this.offer();
    else if (status === 'paused' && pausedBy === 'self') {
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'user' });
    } else if (status === 'waiting-source') {
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'source-missing' });
    }
    this.ctx.changed(true);
  }

  /** The connection went down: the stream died with its channel; the receiver will name the resume point. */
  handleLinkDown(): void {
    this.stream = undefined;
    this.meter.reset();
    this.ctx.changed(true);
  }

  view(): TransferView {
    const files = this.record.files;
    return transferView(this.record, {
      bytes: (i) => (files[i]?.state === 'verified' ? (files[i]?.size ?? 0) : (files[i]?.offset ?? 0)),
      sourceAttached: (i) => this.sources.attached(i),
      linkUp: this.ctx.linkUp(),
      bytesPerSecond: this.meter.bytesPerSecond(this.ctx.now()),
    });
  }

  close(): void {
    this.stop();
  }

  private resumeFrom(fileIndex: number, offset: number): void {
    const status = this.record.status;
    if (status === 'cancelled') {
      this.ctx.send({ type: 'file-cancel', transferId: this.id });
      return;
    }
    if (FINAL_STATUSES.has(status) || status === 'offered') return;
    const sizes = this.record.files.map((f) => f.size);
    if (!isValidResume(sizes, fileIndex, offset)) {
      this.ctx.logger.warn('invalid resume point', { transferId: this.id, fileIndex, offset });
      return;
    }
    if (this.sources.missing() > 0) {
      this.stop();
      this.setStatus('waiting-source');
      this.ctx.send({ type: 'file-pause', transferId: this.id, paused: true, reason: 'source-missing' });
      return;
    }
    this.setStatus('active'); // a resume point from the receiver also unpauses
    this.sources.startHashing();
    // Files before the resume point are on the receiver's disk; those without a verdict need their hash.
    for (let i = 0; i < fileIndex; i++) {
      const file = this.record.files[i];
      if (file && file.state !== 'verified' && file.state !== 'mismatch') this.fileSent(i);
    }
    this.progress(fileIndex, offset);
    this.stop();
    this.meter.reset();
    this.sendWindow.restart(fileIndex, offset);
    this.stream = this.sources.stream(this.id, { fileIndex, offset }, this.sendWindow, {
      live: (stream) => this.stream === stream,
      fileSent: (index) => this.fileSent(index),
      readFailed: (index, error) => this.failRead(index, error),
    });
    this.ctx.link().add(this.stream);
  }

  /** Every byte of the file is queued: send its hash once computed (the pump goes on meanwhile). */
  private fileSent(fileIndex: number): void {
    void this.sources
      .hashOf(fileIndex)
      .then((sha256) => {
        if (this.record.status !== 'active' && this.record.status !== 'paused') return;
        this.ctx.send({ type: 'file-end', transferId: this.id, fileIndex, sha256 });
      })
      .catch((error: unknown) => this.failRead(fileIndex, error));
  }

  private progress(fileIndex: number, offset: number): void {
    const files = this.record.files;
    if (fileIndex >= files.length) return;
    for (const [i, file] of files.entries()) {
      if (i < fileIndex && file.state !== 'verified' && file.state !== 'mismatch') {
        file.offset = file.size;
        file.state = 'verifying';
      }
    }
    const file = files[fileIndex];
    if (file && file.state !== 'verified' && file.state !== 'mismatch') {
      file.offset = offset;
      file.state = offset < file.size ? 'moving' : 'verifying';
    }
    this.meter.add(
      this.ctx.now(),
      files.reduce((sum, f) => sum + f.offset, 0),
    );
    this.ctx.changed(false);
  }

  private verified(fileIndex: number, ok: boolean): void {
    const file = this.record.files[fileIndex];
    if (!file || file.state === 'verified' || file.state === 'mismatch') return;
    file.state = ok ? 'verified' : 'mismatch';
    file.offset = file.size;
    const files = this.record.files;
    if (files.every((f) => f.state === 'verified' || f.state === 'mismatch')) {
      const mismatches = files.filter((f) => f.state === 'mismatch').length;
      this.stop();
      if (mismatches > 0) this.record.problem = { code: 'mismatch', files: mismatches };
      this.setStatus(mismatches > 0 ? 'failed' : 'complete');
      return;
    }
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }

  private declined(reason: DeclineReason): void {
    this.record.problem = { code: 'declined', reason, by: 'peer' };
    this.setStatus('declined');
  }

  private failRead(fileIndex: number, error: unknown): void {
    if (FINAL_STATUSES.has(this.record.status)) return;
    this.ctx.logger.warn('reading a file failed', { transferId: this.id, fileIndex, error: String(error) });
    this.stop();
    this.record.problem = { code: 'storage', message: String(error) };
    this.setStatus('failed');
    this.sendFinal({ type: 'file-cancel', transferId: this.id });
  }

  private stop(): void {
    if (this.stream) this.ctx.link().remove(this.id);
    this.stream = undefined;
  }

  private sendFinal(message: PeerMessage): void {
    if (!this.ctx.send(message)) this.unsent = message;
  }

  private setStatus(status: TransferRecord['status'], pausedBy?: 'self' | 'peer'): void {
    this.record.status = status;
    this.record.pausedBy = status === 'paused' ? pausedBy : undefined;
    if (status !== 'active' && status !== 'paused') this.meter.reset();
    this.ctx.persist(this.record);
    this.ctx.changed(true);
  }
}

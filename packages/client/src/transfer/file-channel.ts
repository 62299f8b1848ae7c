import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import type { DataChannelLike } from '../peer/rtc-types.js';
import type { Logger, Timers } from '../util/seams.js';
import { PACER_POLL_MS } from './constants.js';
import type { FrameStream } from './sender.js';
import {
  chooseChunkSize,
  type DecodedFileFrame,
  decodeFrame,
  type PacingWindow,
  pacingWindow,
} from './wire.js';

export interface FileChannelOptions {
  timers: Timers;
  logger: Logger;
  /** A valid frame arrived (which transfer it belongs to, and from whom, is the manager's check). */
  onFrame(frame: DecodedFileFrame): void;
}

/**
 * The `file` channel with one peer, across its sessions: the one sender of every transfer with that peer
 * (frames interleaved round-robin, paced by `bufferedamountlow`), and the decoder of what arrives. It
 * knows nothing of transfers beyond the streams it is given; a transfer's window is its stream's business.
 */
export class FileChannel {
  private channel: DataChannelLike | undefined;
  private payloadBytes = chooseChunkSize(undefined);
  private pacing: PacingWindow = pacingWindow(this.payloadBytes + FILE_FRAME_HEADER_BYTES);
  private readonly streams = new Map<string, FrameStream>();
  private running = false;
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(private readonly opts: FileChannelOptions) {}

  /**
   * A new session's channel (the old one died with its connection). Streams are dropped: the receiver
   * names the resume point for each once the connection is back.
   */
  attach(channel: DataChannelLike, maxMessageSize: () => number | undefined): void {
    if (this.closed) return;
    this.streams.clear();
    this.channel = channel;
    this.wakeSender();
    channel.binaryType = 'arraybuffer';
    channel.addEventListener('message', (event) => {
      if (this.channel !== channel) return;
      const decoded = decodeFrame(event.data);
      if (decoded.ok) this.opts.onFrame(decoded.frame);
      else this.opts.logger.warn('invalid file frame dropped', { error: decoded.error });
    });
    channel.addEventListener('bufferedamountlow', () => this.wakeSender());
    channel.addEventListener('close', () => this.wakeSender());
    channel.addEventListener('open', () => {
      if (this.channel !== channel) return;
      // Known only once SCTP is up: size the frames and the pacing from the real limit.
      this.payloadBytes = chooseChunkSize(maxMessageSize());
      this.pacing = pacingWindow(this.payloadBytes + FILE_FRAME_HEADER_BYTES);
      channel.bufferedAmountLowThreshold = this.pacing.lowWater;
      this.opts.logger.info('file channel open', { payloadBytes: this.payloadBytes });
      void this.pump();
    });
    channel.bufferedAmountLowThreshold = this.pacing.lowWater;
  }

  /** Starts (or restarts) sending a transfer's stream. */
  add(stream: FrameStream): void {
    if (this.closed) return;
    this.streams.set(stream.transferId, stream);
    void this.pump();
  }

  remove(transferId: string): void {
    this.streams.delete(transferId);
  }

  /** A stream that was not ready may be now (its receiver granted credit). */
  wake(): void {
    if (!this.closed) void this.pump();
  }

  /** Stops sending. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.streams.clear();
    this.wakeSender();
  }

  private get open(): boolean {
    return !this.closed && this.channel?.readyState === 'open';
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.open && this.streams.size > 0) {
        const channel = this.channel as DataChannelLike;
        const payloadBytes = this.payloadBytes;
        let served = false;
        for (const [transferId, stream] of this.streams) {
          if (!stream.ready(payloadBytes)) continue;
          served = true;
          let frame = stream.next(payloadBytes);
          if (frame instanceof Promise) frame = await frame;
          if (!frame) {
            if (this.streams.get(transferId) === stream) this.streams.delete(transferId);
            continue;
          }
          // Awaited only when the queue is full: most frames go out without a promise.
          const full = channel.bufferedAmount + frame.byteLength > this.pacing.highWater;
          if (full && !(await this.room(channel, frame.byteLength))) return;
          // Paused, cancelled or restarted while this frame was read: the receiver asks again from its offset.
          if (this.streams.get(transferId) !== stream) continue;
          try {
            channel.send(frame);
          } catch (error) {
            // Closing under us; a new session follows and the receiver asks again from its offset.
            this.opts.logger.warn('file channel send failed', { error: String(error) });
            return;
          }
        }
        if (!served) return; // every stream waits for credit; `wake` starts the loop again
      }
    } finally {
      this.running = false;
      // A newer channel opened (or a stream came) while this loop was leaving: serve it.
      if (this.open && this.anyReady()) queueMicrotask(() => void this.pump());
    }
  }

  /**
   * Resolves true once `bytes` more fit under the high-water mark, false if the channel closed or was
   * replaced. No acknowledgement is awaited here: only the channel's own queue.
   */
  private async room(channel: DataChannelLike, bytes: number): Promise<boolean> {
    while (this.open && this.channel === channel && channel.bufferedAmount + bytes > this.pacing.highWater) {
      await new Promise<void>((resolve) => {
        // A safety net should `bufferedamountlow` be missed (it fires only on a crossing).
        const poll = this.opts.timers.setTimeout(() => this.wakeSender(), PACER_POLL_MS);
        this.waiter = () => {
          this.opts.timers.clearTimeout(poll);
          resolve();
        };
      });
    }
    return this.open && this.channel === channel;
  }

  private wakeSender(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private anyReady(): boolean {
    for (const stream of this.streams.values()) if (stream.ready(this.payloadBytes)) return true;
    return false;
  }
}

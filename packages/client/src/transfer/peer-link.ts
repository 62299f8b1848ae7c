import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import { type DataChannelSpec, FIRST_FILE_CHANNEL_ID } from '../peer/data-channels.js';
import type { DataChannelLike } from '../peer/rtc-types.js';
import type { Logger, Timers } from '../peer/seams.js';
import { chooseChunkSize, pacingWindow } from './offsets.js';
import { Pacer } from './pacer.js';

/**
 * File data has its own reliable, ordered channel, so a bulk transfer never delays a chat or control frame
 * (SCTP schedules streams fairly). One per peer pair carries every transfer with that peer, frames
 * interleaved round-robin; the frame header says where each belongs.
 */
export const FILE_CHANNEL: DataChannelSpec = { id: FIRST_FILE_CHANNEL_ID, label: 'file', ordered: true };

/** One transfer's outgoing bytes: the link asks it for frames while there is room in the channel. */
export interface OutgoingStream {
  readonly transferId: string;
  /**
   * False while the stream may not send a frame of `payloadBytes` (its window is full). The link then
   * serves the other streams, and the stream calls `PeerLink.wake` once it may send again.
   */
  ready?(payloadBytes: number): boolean;
  /** The next frame (header included) with at most `payloadBytes` of data; undefined when done. */
  next(payloadBytes: number): Promise<ArrayBuffer | undefined>;
}

export interface PeerLinkOptions {
  peerId: string;
  timers: Timers;
  logger: Logger;
  /** A binary message arrived on the file channel (validated by the receiver). */
  onFrame(data: unknown): void;
}

/** The `file` channel with one peer across its sessions, and the paced, round-robin sending loop. */
export class PeerLink {
  private channel: DataChannelLike | undefined;
  private pacer: Pacer | undefined;
  private payloadBytes = 0;
  private readonly streams = new Map<string, OutgoingStream>();
  private running = false;
  private closed = false;

  constructor(private readonly opts: PeerLinkOptions) {}

  /**
   * A new session's channel (the old one died with its connection). Streams are dropped: the receiver
   * names the resume point for each once the connection is back.
   */
  attach(channel: DataChannelLike, maxMessageSize: () => number | undefined): void {
    if (this.closed) return;
    this.pacer?.stop();
    this.streams.clear();
    this.channel = channel;
    const pacer = new Pacer(
      channel,
      pacingWindow(chooseChunkSize(undefined) + FILE_FRAME_HEADER_BYTES),
      this.opts.timers,
    );
    this.pacer = pacer;
    channel.addEventListener('message', (event) => {
      if (this.channel === channel) this.opts.onFrame(event.data);
    });
    channel.addEventListener('open', () => {
      if (this.channel !== channel) return;
      // Known only once SCTP is up: size the frames and the window from the real limit.
      this.payloadBytes = chooseChunkSize(maxMessageSize());
      this.pacer?.stop();
      this.pacer = new Pacer(
        channel,
        pacingWindow(this.payloadBytes + FILE_FRAME_HEADER_BYTES),
        this.opts.timers,
      );
      this.opts.logger.info('file channel open', { payloadBytes: this.payloadBytes });
      void this.pump();
    });
  }

  get open(): boolean {
    return !this.closed && this.channel?.readyState === 'open' && (this.pacer?.open ?? false);
  }

  /** Starts (or restarts) sending a transfer's stream. */
  add(stream: OutgoingStream): void {
    if (this.closed) return;
    this.streams.set(stream.transferId, stream);
    void this.pump();
  }

  remove(transferId: string): void {
    this.streams.delete(transferId);
  }

  has(transferId: string): boolean {
    return this.streams.has(transferId);
  }

  /** A stream that was not ready may be now (its receiver acknowledged bytes): resume sending. */
  wake(): void {
    if (!this.closed) void this.pump();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.streams.clear();
    this.pacer?.stop();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.open && this.streams.size > 0) {
        const channel = this.channel;
        const pacer = this.pacer;
        if (!channel || !pacer) return;
        const payloadBytes = this.chunkBytes();
        let served = false;
        for (const stream of [...this.streams.values()]) {
          if (this.streams.get(stream.transferId) !== stream) continue;
          if (stream.ready && !stream.ready(payloadBytes)) continue;
          served = true;
          const frame = await stream.next(payloadBytes);
          if (!frame) {
            if (this.streams.get(stream.transferId) === stream) this.streams.delete(stream.transferId);
            continue;
          }
          if (!(await pacer.room(frame.byteLength))) return;
          // Paused, cancelled or restarted while this frame was read: the receiver asks again from its offset.
          if (this.streams.get(stream.transferId) !== stream || this.channel !== channel) continue;
          try {
            channel.send(frame);
          } catch (error) {
            // Closing under us; `close` follows and the receiver asks again from its offset.
            this.opts.logger.warn('file channel send failed', { error: String(error) });
            pacer.stop();
            return;
          }
        }
        if (!served) return; // every stream waits for its receiver's ack; `wake` starts the loop again
      }
    } finally {
      this.running = false;
      // A newer channel opened (or a stream came) while this loop was leaving an old one: serve it.
      if (this.open && this.anyReady()) queueMicrotask(() => void this.pump());
    }
  }

  private chunkBytes(): number {
    return this.payloadBytes || chooseChunkSize(undefined);
  }

  private anyReady(): boolean {
    const payloadBytes = this.chunkBytes();
    for (const stream of this.streams.values()) if (!stream.ready || stream.ready(payloadBytes)) return true;
    return false;
  }
}

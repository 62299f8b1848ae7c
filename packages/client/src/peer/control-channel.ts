import { AppError, CONTROL_FRAME_MAX_BYTES, type PeerMessage, parsePeerMessage } from '@kopru/protocol';
import type { Logger } from '../util/seams.js';
import type { DataChannelLike } from './rtc-types.js';

/** Why a control frame was dropped: binary data, over the size limit, or not a valid `PeerMessage`. */
export type InvalidFrameReason = 'not-text' | 'too-large' | 'malformed';

export type DecodedFrame = { ok: true; message: PeerMessage } | { ok: false; reason: InvalidFrameReason };

/** Validates one received frame; never trusts its content beyond the schema. */
export function decodeControlFrame(frame: unknown): DecodedFrame {
  if (typeof frame !== 'string') return { ok: false, reason: 'not-text' };
  if (frame.length > CONTROL_FRAME_MAX_BYTES) return { ok: false, reason: 'too-large' };
  const message = parsePeerMessage(frame);
  return message ? { ok: true, message } : { ok: false, reason: 'malformed' };
}

export interface ControlChannelHandlers {
  open(): void;
  close(): void;
  message(message: PeerMessage): void;
  invalid(reason: InvalidFrameReason): void;
}

/** The `control` channel of one connection: JSON frames in and out, validated on receipt. */
export class ControlChannel {
  private wasOpen = false;
  private closed = false;

  constructor(
    private readonly channel: DataChannelLike,
    private readonly handlers: ControlChannelHandlers,
    private readonly logger: Logger,
  ) {
    channel.addEventListener('open', () => {
      if (this.closed || this.wasOpen) return;
      this.wasOpen = true;
      handlers.open();
    });
    channel.addEventListener('close', () => this.markClosed());
    channel.addEventListener('message', (event) => this.receive(event.data));
  }

  get isOpen(): boolean {
    return !this.closed && this.channel.readyState === 'open';
  }

  /** False when the channel is not open (or refused the frame): the caller keeps the message queued. */
  send(message: PeerMessage): boolean {
    const frame = JSON.stringify(message);
    // Schema limits keep every valid message far below this; a bigger one is a bug, not a transient state.
    if (frame.length > CONTROL_FRAME_MAX_BYTES) {
      throw new AppError('PAYLOAD_TOO_LARGE', `control frame of ${frame.length} characters`);
    }
    if (!this.isOpen) return false;
    try {
      this.channel.send(frame);
      return true;
    } catch (error) {
      // Closing under our feet, or the send buffer is full: both mean "not now".
      this.logger.warn('control send failed', { error: String(error) });
      return false;
    }
  }

  /** Closes the channel; reports `close` once if it had opened. */
  close(): void {
    if (this.closed) return;
    this.channel.close();
    this.markClosed();
  }

  private receive(frame: unknown): void {
    if (this.closed) return;
    const decoded = decodeControlFrame(frame);
    if (decoded.ok) this.handlers.message(decoded.message);
    else this.handlers.invalid(decoded.reason);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.wasOpen) this.handlers.close();
  }
}

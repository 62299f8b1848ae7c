import type { DataChannelLike } from '../peer/rtc-types.js';
import type { Timers } from '../peer/seams.js';
import { PACER_POLL_MS } from './constants.js';
import type { PacingWindow } from './offsets.js';

/**
 * Flow control for one channel: frames go out back to back while the queue (`bufferedAmount`) stays under
 * the high-water mark; past it the sender sleeps until `bufferedamountlow`. No acknowledgement is awaited
 * on this path: the receiver's acks only report progress and resume points.
 */
export class Pacer {
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly channel: Pick<
      DataChannelLike,
      'bufferedAmount' | 'bufferedAmountLowThreshold' | 'readyState' | 'addEventListener'
    >,
    private readonly pacing: PacingWindow,
    private readonly timers: Timers,
  ) {
    channel.bufferedAmountLowThreshold = pacing.lowWater;
    channel.addEventListener('bufferedamountlow', () => this.wake());
    channel.addEventListener('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  get open(): boolean {
    return !this.closed && this.channel.readyState === 'open';
  }

  /**
   * Resolves true once `bytes` more fit under the high-water mark, false if the channel closed (or `stop`).
   * `bytes` must not exceed `highWater − lowWater` (see `pacingWindow`), or no wake-up would be certain.
   */
  async room(bytes: number): Promise<boolean> {
    if (bytes > this.pacing.highWater - this.pacing.lowWater) {
      throw new RangeError(`frame of ${bytes} bytes does not fit the pacing window`);
    }
    while (this.open && this.channel.bufferedAmount + bytes > this.pacing.highWater) {
      await new Promise<void>((resolve) => {
        const poll = this.timers.setTimeout(() => this.wake(), PACER_POLL_MS);
        this.waiter = () => {
          this.timers.clearTimeout(poll);
          resolve();
        };
      });
    }
    return this.open;
  }

  /** Wakes a waiting `room()`, which then reports the channel closed. Idempotent. */
  stop(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

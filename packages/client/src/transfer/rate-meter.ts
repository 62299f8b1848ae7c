import { RATE_WINDOW_MS } from './constants.js';

/**
 * Transfer speed over a sliding window, from cumulative byte counts sampled over time. Samples are kept
 * only for the window, so memory stays constant however long the transfer runs.
 */
export class RateMeter {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  /** Records the cumulative count `bytes` at time `at` (ms). */
  add(at: number, bytes: number): void {
    const last = this.samples.at(-1);
    if (last && bytes < last.bytes) this.samples.length = 0; // restarted lower (a resend): start over
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window; 0 until two samples are at least 200 ms apart. */
  bytesPerSecond(now: number): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last) return 0;
    // A stall shows as a falling rate: the window is measured up to now, not to the last sample.
    const span = Math.max(now, last.at) - first.at;
    if (span < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / span;
  }

  reset(): void {
    this.samples.length = 0;
  }
}

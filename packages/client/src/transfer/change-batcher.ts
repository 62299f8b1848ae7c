import type { Timers } from '../peer/seams.js';
import { PROGRESS_EVENT_INTERVAL_MS } from './constants.js';

/**
 * Coalesces change notifications: urgent ones (a state change) go out at once, progress at most every
 * `PROGRESS_EVENT_INTERVAL_MS` per batch, so the UI re-renders a few times a second, not once per frame.
 */
export class ChangeBatcher {
  private readonly dirty = new Set<string>();
  private timer: ReturnType<Timers['setTimeout']> | undefined;
  private closed = false;

  constructor(
    private readonly timers: Timers,
    private readonly publish: (id: string) => void,
  ) {}

  changed(id: string, urgent: boolean): void {
    if (this.closed) return;
    if (urgent) {
      this.dirty.delete(id);
      this.publish(id);
      return;
    }
    this.dirty.add(id);
    this.timer ??= this.timers.setTimeout(() => {
      this.timer = undefined;
      for (const dirty of [...this.dirty]) {
        this.dirty.delete(dirty);
        this.publish(dirty);
      }
    }, PROGRESS_EVENT_INTERVAL_MS);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.dirty.clear();
  }
}

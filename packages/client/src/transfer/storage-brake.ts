import { BACKLOG_HIGH_BYTES, BACKLOG_LOW_BYTES, BACKLOG_POLL_MS } from './constants.js';
import type { TransferContext } from './context.js';

/**
 * The receiver's brake for its own storage (see `BACKLOG_HIGH_BYTES`): past the high mark not yet written
 * it stops the sender (`file-pause`, reason `busy`); a resume point is named only under the low mark, since
 * the sender restarts its window there and what is still unwritten would count as acknowledged.
 */
export class StorageBrake {
  /** Set while waiting for the storage to catch up. */
  private timer: ReturnType<TransferContext['timers']['setTimeout']> | undefined;

  constructor(
    private readonly ctx: TransferContext,
    private readonly transferId: string,
    /** Called once the storage has caught up after a hold (the caller names the resume point). */
    private readonly caughtUp: () => void,
  ) {}

  /** After a frame was handed to storage: stops the sender if storage is too far behind. */
  afterFrame(): void {
    if (this.timer !== undefined || this.ctx.storage.backlog() <= BACKLOG_HIGH_BYTES) return;
    this.ctx.logger.info('storage behind: holding the sender', {
      transferId: this.transferId,
      backlog: this.ctx.storage.backlog(),
    });
    this.ctx.send({ type: 'file-pause', transferId: this.transferId, paused: true, reason: 'busy' });
    this.wait();
  }

  /** True when a resume point must wait for the storage (then `caughtUp` follows once it may be named). */
  holdsResume(): boolean {
    if (this.ctx.storage.backlog() <= BACKLOG_LOW_BYTES) return false;
    this.wait();
    return true;
  }

  /** Stops waiting (`caughtUp` will not be called). Idempotent. */
  stop(): void {
    if (this.timer !== undefined) this.ctx.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private wait(): void {
    if (this.timer !== undefined) return;
    const check = () => {
      if (this.ctx.storage.backlog() > BACKLOG_LOW_BYTES) {
        this.timer = this.ctx.timers.setTimeout(check, BACKLOG_POLL_MS);
        return;
      }
      this.timer = undefined;
      this.caughtUp();
    };
    this.timer = this.ctx.timers.setTimeout(check, BACKLOG_POLL_MS);
  }
}

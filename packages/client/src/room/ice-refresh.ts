import type { TimerId, Timers } from '../util/seams.js';

/**
 * Fresh TURN credentials are fetched at half their lifetime: an hour-long credential is renewed after 30
 * minutes, leaving 30 minutes for the request to get through (a reconnect also brings fresh ones).
 */
export const ICE_REFRESH_AT = 0.5;
/** After a failed refresh (server unreachable for a moment), try again this much later. */
export const ICE_REFRESH_RETRY_MS = 30_000;
/** Never sooner than this, whatever the server says (a TTL of a few seconds would make a request loop). */
export const ICE_REFRESH_MIN_MS = 10_000;

/**
 * Schedules `ice:refresh` before the current ICE servers' credentials expire, again and again. `refresh`
 * fetches and applies fresh servers and returns their lifetime in seconds (undefined: they never expire).
 */
export class IceRefreshSchedule {
  private timer: TimerId | undefined;
  /** Bumped by `cancel()`, so a refresh still under way when the schedule was cancelled changes nothing. */
  private generation = 0;

  constructor(
    private readonly timers: Timers,
    private readonly refresh: () => Promise<number | undefined>,
  ) {}

  /** (Re)starts the schedule for servers valid `ttlSeconds` from now; undefined cancels it. */
  schedule(ttlSeconds: number | undefined): void {
    this.cancel();
    if (ttlSeconds === undefined) return;
    this.arm(Math.max(ICE_REFRESH_MIN_MS, ttlSeconds * 1000 * ICE_REFRESH_AT));
  }

  cancel(): void {
    this.generation += 1;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      const generation = this.generation;
      this.refresh().then(
        (ttl) => {
          if (generation === this.generation) this.schedule(ttl);
        },
        () => {
          // The server did not answer: try again while the old credentials are still valid. (Cancelled
          // meanwhile: the connection dropped, and the next join brings fresh servers and a new schedule.)
          if (generation === this.generation) this.arm(ICE_REFRESH_RETRY_MS);
        },
      );
    }, ms);
  }
}

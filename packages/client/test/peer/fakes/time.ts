import { vi } from 'vitest';

/** A fixed start, so epochs (clock-based) are the same on every run. */
export const START_TIME = Date.UTC(2025, 0, 1);

/** Fake timers and Date for one test; everything in the fakes runs on them. */
export function useFakeTime(): void {
  vi.useFakeTimers({ now: START_TIME });
}

/**
 * Lets queued tasks, operations and signals run for `ms` of fake time. A full negotiation over the fake
 * network takes ~30 ms; the recovery ladder's shortest timer is 700 ms, so the default never reaches it.
 */
export async function settle(ms = 200): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

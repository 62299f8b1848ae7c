import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ICE_REFRESH_RETRY_MS, IceRefreshSchedule } from '../../src/room/ice-refresh.js';
import { systemTimers } from '../../src/util/seams.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('IceRefreshSchedule', () => {
  it('refreshes at half the lifetime, then again for the lifetime of the fresh servers', async () => {
    const calls: number[] = [];
    const schedule = new IceRefreshSchedule(systemTimers, async () => {
      calls.push(Date.now());
      return 600;
    });
    const start = Date.now();
    schedule.schedule(3600);
    await vi.advanceTimersByTimeAsync(1800_000 - 1);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([start + 1800_000]);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toEqual([start + 1800_000, start + 2100_000]);
    schedule.cancel();
  });

  it('retries a failed refresh well before expiry, and stops once cancelled (disconnected)', async () => {
    let attempts = 0;
    const schedule = new IceRefreshSchedule(systemTimers, async () => {
      attempts += 1;
      throw new Error('no answer');
    });
    schedule.schedule(3600);
    await vi.advanceTimersByTimeAsync(1800_000);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(ICE_REFRESH_RETRY_MS);
    expect(attempts).toBe(2);
    schedule.cancel();
    await vi.advanceTimersByTimeAsync(10 * ICE_REFRESH_RETRY_MS);
    expect(attempts).toBe(2);
  });

  it('does nothing for servers that never expire', async () => {
    const refresh = vi.fn(async () => undefined);
    new IceRefreshSchedule(systemTimers, refresh).schedule(undefined);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(refresh).not.toHaveBeenCalled();
  });
});

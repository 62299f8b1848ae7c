import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers } from '../../src/peer/seams.js';
import { pacingWindow } from '../../src/transfer/offsets.js';
import { Pacer } from '../../src/transfer/pacer.js';
import { FakeFileChannel } from './fakes.js';

const FRAME = 64 * 1024 + FILE_FRAME_HEADER_BYTES;

/** The sending loop as `PeerLink` runs it: wait for room, send, repeat. */
async function sendAll(pacer: Pacer, channel: FakeFileChannel, frames: number, sent: { count: number }) {
  for (let i = 0; i < frames; i++) {
    if (!(await pacer.room(FRAME))) return;
    channel.send(new ArrayBuffer(FRAME));
    sent.count += 1;
  }
}

describe('Pacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const openChannel = () => {
    const channel = new FakeFileChannel();
    channel.open();
    return channel;
  };

  it('fills the queue up to the high-water mark and never past it', async () => {
    const channel = openChannel();
    const window = pacingWindow(FRAME);
    const sent = { count: 0 };
    void sendAll(new Pacer(channel, window, systemTimers), channel, 100, sent);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.count).toBe(Math.floor(window.highWater / FRAME));
    expect(channel.bufferedAmount).toBeLessThanOrEqual(window.highWater);
    expect(channel.bufferedAmountLowThreshold).toBe(window.lowWater);
  });

  it('resumes on bufferedamountlow, and only then', async () => {
    const channel = openChannel();
    const window = pacingWindow(FRAME);
    const sent = { count: 0 };
    void sendAll(
      new Pacer(channel, window, { setTimeout: () => 0 as never, clearTimeout: () => {} }),
      channel,
      100,
      sent,
    );
    await vi.advanceTimersByTimeAsync(0);
    const full = sent.count;
    channel.drain(FRAME); // one frame out: still above the low-water mark, no event
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.count).toBe(full);
    channel.drain(window.highWater - window.lowWater); // falls to the low-water mark: event
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.count).toBeGreaterThan(full);
    expect(channel.maxBuffered).toBeLessThanOrEqual(window.highWater);
  });

  it('sends everything when the receiver keeps draining, never passing the mark', async () => {
    const channel = openChannel();
    const window = pacingWindow(FRAME);
    const sent = { count: 0 };
    const done = sendAll(new Pacer(channel, window, systemTimers), channel, 500, sent);
    while (sent.count < 500) {
      channel.drain(3 * FRAME);
      await vi.advanceTimersByTimeAsync(0);
    }
    await done;
    expect(channel.maxBuffered).toBeLessThanOrEqual(window.highWater);
  });

  it('re-checks on a timer if the event never comes (a missed crossing)', async () => {
    const channel = openChannel();
    const window = pacingWindow(FRAME);
    const sent = { count: 0 };
    void sendAll(new Pacer(channel, window, systemTimers), channel, 100, sent);
    await vi.advanceTimersByTimeAsync(0);
    const full = sent.count;
    channel.queue.length = 0;
    channel.bufferedAmount = 0; // drained without an event
    await vi.advanceTimersByTimeAsync(300);
    expect(sent.count).toBeGreaterThan(full);
  });

  it('reports false when the channel closes while waiting', async () => {
    const channel = openChannel();
    const pacer = new Pacer(channel, pacingWindow(FRAME), systemTimers);
    const sent = { count: 0 };
    const done = sendAll(pacer, channel, 100, sent);
    await vi.advanceTimersByTimeAsync(0);
    channel.close();
    await done;
    expect(await pacer.room(FRAME)).toBe(false);
  });

  it('refuses a frame too big for the window (it could wait forever)', async () => {
    const channel = openChannel();
    const window = pacingWindow(FRAME);
    await expect(new Pacer(channel, window, systemTimers).room(window.highWater)).rejects.toThrow(RangeError);
  });
});

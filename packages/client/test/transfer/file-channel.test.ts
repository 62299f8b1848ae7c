import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileChannel } from '../../src/transfer/file-channel.js';
import type { FrameStream } from '../../src/transfer/sender.js';
import { encodeFrame, pacingWindow } from '../../src/transfer/wire.js';
import { silentLogger, systemTimers } from '../../src/util/seams.js';
import { FakeFileChannel } from './fakes.js';

const PAYLOAD = 64 * 1024;
const FRAME = PAYLOAD + FILE_FRAME_HEADER_BYTES;

/** A stream of `frames` frames of one transfer; `ready` may be switched off (no credit). */
type TestStream = FrameStream & { credit: boolean; sent: number };

function stream(transferId: string, frames: number): TestStream {
  let left = frames;
  const s: TestStream = {
    credit: true,
    sent: 0,
    transferId,
    ready: () => s.credit && left > 0,
    next: () => {
      if (left === 0) return undefined;
      left -= 1;
      s.sent += 1;
      return encodeFrame(
        { transferId, fileIndex: 0, offset: (frames - left - 1) * PAYLOAD },
        new Uint8Array(PAYLOAD),
      );
    },
  };
  return s;
}

describe('FileChannel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const attached = (open = true) => {
    const channel = new FakeFileChannel();
    channel.held = true; // delivered only when the test drains it
    const files = new FileChannel({ timers: systemTimers, logger: silentLogger, onFrame: () => {} });
    files.attach(channel, () => 256 * 1024);
    if (open) channel.open();
    return { channel, files };
  };

  it('fills the queue up to the high-water mark, never past it, and resumes on bufferedamountlow only', async () => {
    const { channel, files } = attached();
    const window = pacingWindow(FRAME);
    const a = stream('A'.repeat(16), 100);
    files.add(a);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.sent).toBe(Math.floor(window.highWater / FRAME) + 1); // the last one read waits for room
    expect(channel.bufferedAmount).toBeLessThanOrEqual(window.highWater);
    expect(channel.bufferedAmountLowThreshold).toBe(window.lowWater);
    const queued = channel.queue.length;
    channel.drain(FRAME); // one frame out: still above the low-water mark, no event
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.queue.length).toBe(queued - 1);
    channel.drain(); // down to empty: `bufferedamountlow` fires
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.queue.length).toBeGreaterThan(0);
    expect(channel.maxBuffered).toBeLessThanOrEqual(window.highWater);
  });

  it('interleaves the streams of several transfers round-robin', async () => {
    const { channel, files } = attached(false);
    const a = stream('A'.repeat(16), 4);
    const b = stream('B'.repeat(16), 4);
    files.add(a);
    files.add(b);
    channel.open();
    await vi.advanceTimersByTimeAsync(0);
    const ids = channel.queue.map((f) => new TextDecoder().decode(new Uint8Array(f, 12, 1)));
    expect(ids.join('')).toBe('ABABABAB');
  });

  it('skips a stream without credit and serves it again once woken', async () => {
    const { channel, files } = attached();
    const a = stream('A'.repeat(16), 3);
    a.credit = false;
    files.add(a);
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.queue).toHaveLength(0);
    a.credit = true;
    files.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(channel.queue).toHaveLength(3);
  });

  it('a removed stream sends nothing more; a new session drops every stream', async () => {
    const { channel, files } = attached();
    const a = stream('A'.repeat(16), 100);
    files.add(a);
    await vi.advanceTimersByTimeAsync(0);
    files.remove(a.transferId);
    const sent = a.sent;
    channel.drain();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.sent).toBe(sent);
    const b = stream('B'.repeat(16), 100);
    files.add(b);
    files.attach(new FakeFileChannel(), () => undefined);
    channel.drain();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(channel.queue.every((f) => new TextDecoder().decode(new Uint8Array(f, 12, 1)) === 'B')).toBe(true);
  });
});

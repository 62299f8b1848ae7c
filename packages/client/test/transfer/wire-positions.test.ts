import { FILE_FRAME_HEADER_BYTES } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { HIGH_WATER_BYTES, LOW_WATER_BYTES, PREFERRED_CHUNK_BYTES } from '../../src/transfer/constants.js';
import { RateMeter } from '../../src/transfer/rate-meter.js';
import { splitOffer } from '../../src/transfer/sender.js';
import { secondsLeft } from '../../src/transfer/transfer-state.js';
import { chooseChunkSize, pacingWindow, placeFrame } from '../../src/transfer/wire.js';

describe('placeFrame', () => {
  it('writes a frame that starts at the expected offset', () => {
    expect(placeFrame(100, 100, 50, 1000)).toEqual({ action: 'write', skip: 0, bytes: 50 });
  });
  it('keeps only the new tail of a frame that overlaps what is written (a resend after a resume)', () => {
    expect(placeFrame(120, 100, 50, 1000)).toEqual({ action: 'write', skip: 20, bytes: 30 });
  });
  it('drops a frame entirely before the expected offset', () => {
    expect(placeFrame(150, 100, 50, 1000)).toEqual({ action: 'drop', reason: 'duplicate' });
  });
  it('refuses a frame after a gap', () => {
    expect(placeFrame(100, 101, 50, 1000)).toEqual({ action: 'drop', reason: 'gap' });
  });
  it('refuses a frame that runs past the end of the file', () => {
    expect(placeFrame(990, 990, 11, 1000)).toEqual({ action: 'drop', reason: 'past-end' });
  });
  it('accepts the last byte exactly', () => {
    expect(placeFrame(999, 999, 1, 1000)).toEqual({ action: 'write', skip: 0, bytes: 1 });
  });
  it('drops an empty frame', () => {
    expect(placeFrame(0, 0, 0, 1000)).toEqual({ action: 'drop', reason: 'empty' });
  });
});

describe('chunk size', () => {
  it('uses the preferred chunk when the connection allows it (Chromium: 256 KiB messages)', () => {
    expect(chooseChunkSize(256 * 1024)).toBe(PREFERRED_CHUNK_BYTES);
  });
  it('leaves room for the header under a small message limit', () => {
    expect(chooseChunkSize(16 * 1024)).toBe(16 * 1024 - FILE_FRAME_HEADER_BYTES);
  });
  it('assumes the RFC 8841 default of 64 KiB while the limit is unknown', () => {
    expect(chooseChunkSize(undefined)).toBe(
      Math.min(PREFERRED_CHUNK_BYTES, 64 * 1024 - FILE_FRAME_HEADER_BYTES),
    );
  });
  it('treats 0 (no limit, per the spec) like a large limit: Firefox also gets the preferred chunk', () => {
    expect(chooseChunkSize(0)).toBe(PREFERRED_CHUNK_BYTES);
    expect(chooseChunkSize(1024 ** 3)).toBe(PREFERRED_CHUNK_BYTES);
  });
  it('honours a larger preferred chunk up to the limit', () => {
    expect(chooseChunkSize(256 * 1024, 1024 * 1024)).toBe(256 * 1024 - FILE_FRAME_HEADER_BYTES);
  });
});

describe('pacing window', () => {
  it('is the measured 1 MiB / 512 KiB for 64 KiB frames', () => {
    expect(pacingWindow(64 * 1024 + FILE_FRAME_HEADER_BYTES)).toEqual({
      highWater: HIGH_WATER_BYTES,
      lowWater: LOW_WATER_BYTES,
    });
  });
  it('always leaves a whole frame between the marks', () => {
    for (const frame of [1, 64 * 1024, 256 * 1024, 1024 * 1024]) {
      const { highWater, lowWater } = pacingWindow(frame);
      expect(highWater - lowWater).toBeGreaterThanOrEqual(frame);
      expect(highWater).toBeLessThan(16 * 1024 * 1024);
    }
  });
});

describe('rate meter', () => {
  it('averages over the window and falls during a stall', () => {
    const meter = new RateMeter(3000);
    for (let t = 0; t <= 3000; t += 500) meter.add(t, t * 10_000); // 10 MB/s
    expect(meter.bytesPerSecond(3000)).toBeCloseTo(10_000_000, -3);
    expect(meter.bytesPerSecond(6000)).toBeLessThan(6_000_000);
  });
  it('says nothing before two samples 200 ms apart, and restarts on a lower count', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    expect(meter.bytesPerSecond(100)).toBe(0);
    meter.add(1000, 1000);
    meter.add(1100, 10);
    expect(meter.bytesPerSecond(1100)).toBe(0);
  });
  it('computes the time left', () => {
    expect(secondsLeft(100, 30)).toBe(4);
    expect(secondsLeft(0, 0)).toBe(0);
    expect(secondsLeft(100, 0)).toBeUndefined();
  });
});

describe('splitOffer', () => {
  const file = (i: number, pathLength = 10) => ({
    path: `${i}`.padStart(pathLength, 'p'),
    size: i,
    mime: '',
    headSha256: 'a'.repeat(64),
  });
  it('keeps a small selection in one offer', () => {
    expect(splitOffer([file(1), file(2)])).toHaveLength(1);
  });
  it('splits at 256 files and by JSON size, keeping the order', () => {
    const many = Array.from({ length: 600 }, (_, i) => file(i));
    const batches = splitOffer(many);
    expect(batches.map((b: unknown[]) => b.length)).toEqual([256, 256, 88]);
    expect(batches.flat()).toEqual(many);
    const long = Array.from({ length: 100 }, (_, i) => file(i, 1000));
    const parts = splitOffer(long);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(JSON.stringify(part).length).toBeLessThan(56 * 1024 + 1100);
  });
});

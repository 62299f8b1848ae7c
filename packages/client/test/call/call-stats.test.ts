import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CallStatsSnapshot,
  connectionQuality,
  EMPTY_STATS,
  reduceStats,
  type StatsSample,
  VIDEO_MAX_BITRATE_BPS,
  VIDEO_MIN_BITRATE_BPS,
  videoBitrateFor,
} from '../../src/index.js';

/**
 * Two samples one second apart from a real Chromium call (fake camera and microphone, loopback): the
 * `getStats()` reports of our audio and video senders and of the peer's two receivers, as entries.
 * Certificates were removed to keep the file small.
 */
type RawSample = { at: number; reports: [string, Record<string, unknown>][][] };
const raw: RawSample[] = JSON.parse(
  readFileSync(path.join(import.meta.dirname, 'fixtures/chromium-stats.json'), 'utf8'),
);
const toSample = (s: RawSample): StatsSample => ({
  at: s.at,
  reports: s.reports.map((entries) => new Map(entries)),
});
const [first, second] = raw.map(toSample) as [StatsSample, StatsSample];

/** Sums a counter over one kind of stat in a raw sample, straight from the fixture. */
function total(sample: RawSample, type: string, keys: string[]): number {
  const unique = new Map(sample.reports.flat());
  let sum = 0;
  for (const stat of unique.values()) {
    if (stat.type !== type) continue;
    for (const key of keys) sum += typeof stat[key] === 'number' ? (stat[key] as number) : 0;
  }
  return sum;
}

describe('reduceStats over real Chromium reports', () => {
  it('reads the path, round trip, codecs and incoming video from one sample', () => {
    const { latest } = reduceStats(EMPTY_STATS, first);
    expect(latest).toMatchObject({
      path: 'direct',
      localCandidateType: 'host',
      remoteCandidateType: 'host',
      protocol: 'udp',
      audioCodec: 'opus',
      videoCodec: 'VP8',
      bitrateInBps: undefined, // a rate needs two samples
    });
    expect(latest?.rttMs).toBeGreaterThanOrEqual(0);
    expect(latest?.videoIn?.width).toBeGreaterThan(0);
    expect(latest?.videoOut?.height).toBeGreaterThan(0);
  });

  it('turns the counters of two samples into bit rates and loss over the interval', () => {
    const history = reduceStats(reduceStats(EMPTY_STATS, first), second);
    const [r0, r1] = raw as [RawSample, RawSample];
    const seconds = (r1.at - r0.at) / 1000;
    const bytesIn = (s: RawSample) => total(s, 'inbound-rtp', ['bytesReceived', 'headerBytesReceived']);
    const bytesOut = (s: RawSample) => total(s, 'outbound-rtp', ['bytesSent', 'headerBytesSent']);
    expect(history.latest?.bitrateInBps).toBe(Math.round(((bytesIn(r1) - bytesIn(r0)) * 8) / seconds));
    expect(history.latest?.bitrateOutBps).toBe(Math.round(((bytesOut(r1) - bytesOut(r0)) * 8) / seconds));
    expect(history.latest?.bitrateInBps).toBeGreaterThan(10_000); // video was flowing
    expect(history.latest?.lossPercent).toBe(0); // loopback
    expect(history.series.bitrateInBps).toEqual([null, history.latest?.bitrateInBps]);
  });

  it('restarts the rates when the counters go backwards (a rebuilt connection)', () => {
    const history = reduceStats(reduceStats(EMPTY_STATS, second), { ...first, at: second.at + 1000 });
    expect(history.latest?.bitrateInBps).toBeUndefined();
    expect(history.latest?.lossPercent).toBeUndefined();
  });

  it('keeps at most `limit` points per series', () => {
    let history = EMPTY_STATS;
    for (let i = 0; i < 5; i++) history = reduceStats(history, { ...first, at: first.at + i * 1000 }, 3);
    expect(history.series.rttMs).toHaveLength(3);
  });

  it('reports a relayed path when either end of the selected pair is a TURN relay', () => {
    const pair = { type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', nominated: true };
    const report = new Map<string, unknown>([
      ['P', pair],
      ['L', { type: 'local-candidate', candidateType: 'relay', protocol: 'udp' }],
      ['R', { type: 'remote-candidate', candidateType: 'srflx' }],
    ]);
    expect(reduceStats(EMPTY_STATS, { at: 0, reports: [report] }).latest?.path).toBe('relayed');
  });

  it('counts lost packets against all incoming ones', () => {
    const at = (t: number, received: number, lost: number): StatsSample => ({
      at: t,
      reports: [
        new Map([
          ['I', { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost }],
        ]),
      ],
    });
    const history = reduceStats(reduceStats(EMPTY_STATS, at(0, 100, 0)), at(1000, 190, 10));
    expect(history.latest?.lossPercent).toBe(10);
  });
});

describe('connectionQuality', () => {
  const sample = (figures: Partial<CallStatsSnapshot>) =>
    ({ ...reduceStats(EMPTY_STATS, first).latest, ...figures }) as CallStatsSnapshot;

  it('reads the real loopback call as good, with its jitter in ms', () => {
    const latest = reduceStats(reduceStats(EMPTY_STATS, first), second).latest;
    expect(latest?.jitterMs).toBeGreaterThanOrEqual(0);
    expect(connectionQuality(latest)).toBe('good');
  });

  it.each([
    [{ rttMs: 120, lossPercent: 0.5, jitterMs: 8 }, 'good'],
    [{ rttMs: 320, lossPercent: 0, jitterMs: 5 }, 'fair'],
    [{ rttMs: 50, lossPercent: 4, jitterMs: 5 }, 'fair'],
    [{ rttMs: 50, lossPercent: 0, jitterMs: 40 }, 'fair'],
    [{ rttMs: 700, lossPercent: 0, jitterMs: 5 }, 'poor'],
    [{ rttMs: 50, lossPercent: 12, jitterMs: 5 }, 'poor'],
    [{ rttMs: 50, lossPercent: 1, jitterMs: 90 }, 'poor'],
  ] as const)('%o is %s', (figures, quality) => {
    expect(connectionQuality(sample(figures))).toBe(quality);
  });

  it('says nothing before a sample with figures', () => {
    expect(connectionQuality(undefined)).toBeUndefined();
    expect(
      connectionQuality(sample({ rttMs: undefined, lossPercent: undefined, jitterMs: undefined })),
    ).toBeUndefined();
  });
});

describe('videoBitrateFor', () => {
  it('gives a 1:1 call the maximum and shares the uplink budget in groups, never below the floor', () => {
    expect(videoBitrateFor(1)).toBe(VIDEO_MAX_BITRATE_BPS);
    expect(videoBitrateFor(2)).toBe(1_250_000);
    expect(videoBitrateFor(5)).toBe(500_000);
    expect(videoBitrateFor(50)).toBe(VIDEO_MIN_BITRATE_BPS);
    expect(videoBitrateFor(0)).toBe(VIDEO_MAX_BITRATE_BPS);
  });
});

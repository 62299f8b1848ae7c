import type { CandidateType } from '../peer/candidate-stats.js';
import type { StatsReportLike } from '../peer/rtc-types.js';

/** What chrome://webrtc-internals would show for one peer, boiled down for the stats panel. */
export interface CallStatsSnapshot {
  readonly at: number;
  /** `relayed` when either end of the selected candidate pair is a TURN relay. */
  readonly path: 'direct' | 'relayed' | undefined;
  readonly localCandidateType: CandidateType | undefined;
  readonly remoteCandidateType: CandidateType | undefined;
  /** `udp` or `tcp` (of the local candidate). */
  readonly protocol: string | undefined;
  readonly rttMs: number | undefined;
  /** Media bits per second (RTP payload and headers) over the last interval, both kinds together. */
  readonly bitrateInBps: number | undefined;
  readonly bitrateOutBps: number | undefined;
  /** Incoming packets lost over the last interval, in percent. */
  readonly lossPercent: number | undefined;
  /** Interarrival jitter of the incoming audio (the stream a listener notices first), in ms. */
  readonly jitterMs: number | undefined;
  readonly audioCodec: string | undefined;
  readonly videoCodec: string | undefined;
  readonly videoIn: VideoFormat | undefined;
  readonly videoOut: VideoFormat | undefined;
}

export interface VideoFormat {
  readonly width: number;
  readonly height: number;
  readonly fps: number | undefined;
}

/** Counters at the previous sample, so the next one can turn them into rates. */
interface Totals {
  readonly at: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
}

export type StatsSeriesName = 'rttMs' | 'bitrateInBps' | 'bitrateOutBps' | 'lossPercent';

export interface CallStatsHistory {
  readonly latest: CallStatsSnapshot | undefined;
  readonly totals: Totals | undefined;
  /** Oldest first, at most `limit` values each; null where the value was unknown. */
  readonly series: Readonly<Record<StatsSeriesName, readonly (number | null)[]>>;
}

export interface StatsSample {
  /** ms since the epoch when the reports were taken. */
  readonly at: number;
  /** Partial reports (per sender and receiver) of one connection; entries with the same id are one stat. */
  readonly reports: readonly StatsReportLike[];
}

export const EMPTY_STATS: CallStatsHistory = {
  latest: undefined,
  totals: undefined,
  series: { rttMs: [], bitrateInBps: [], bitrateOutBps: [], lossPercent: [] },
};

type Stat = Record<string, unknown>;

const num = (stat: Stat | undefined, key: string): number | undefined => {
  const value = stat?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};
const str = (stat: Stat | undefined, key: string): string | undefined => {
  const value = stat?.[key];
  return typeof value === 'string' ? value : undefined;
};

const CANDIDATE_TYPES: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];
const candidateType = (stat: Stat | undefined): CandidateType | undefined => {
  const type = str(stat, 'candidateType');
  return type && CANDIDATE_TYPES.includes(type) ? (type as CandidateType) : undefined;
};

function merge(reports: readonly StatsReportLike[]): Map<string, Stat> {
  const byId = new Map<string, Stat>();
  for (const report of reports) {
    report.forEach((value, key) => {
      if (typeof value === 'object' && value !== null) byId.set(key, value as Stat);
    });
  }
  return byId;
}

function selectedPair(byId: Map<string, Stat>): Stat | undefined {
  for (const stat of byId.values()) {
    const id = str(stat, 'selectedCandidatePairId');
    if (stat.type === 'transport' && id) return byId.get(id);
  }
  for (const stat of byId.values()) {
    if (stat.type === 'candidate-pair' && (stat.selected === true || stat.nominated === true)) return stat;
  }
  return undefined;
}

const codecName = (byId: Map<string, Stat>, rtp: Stat | undefined): string | undefined => {
  const id = str(rtp, 'codecId');
  const mime = id ? str(byId.get(id), 'mimeType') : undefined;
  return mime?.split('/')[1];
};

function videoFormat(rtp: Stat | undefined): VideoFormat | undefined {
  const width = num(rtp, 'frameWidth');
  const height = num(rtp, 'frameHeight');
  if (!width || !height) return undefined;
  return { width, height, fps: num(rtp, 'framesPerSecond') };
}

const jitterMs = (rtp: Stat | undefined): number | undefined => {
  const seconds = num(rtp, 'jitter');
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
};

const rate = (now: number, before: number, seconds: number): number | undefined =>
  now >= before && seconds > 0 ? Math.round(((now - before) * 8) / seconds) : undefined;

function push(list: readonly (number | null)[], value: number | undefined, limit: number): (number | null)[] {
  const next = [...list, value ?? null];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * Folds one `getStats` sample into the history: the snapshot the panel shows, and the series it charts.
 * Rates need two samples; counters that went backwards (a rebuilt connection) restart the rates.
 */
export function reduceStats(history: CallStatsHistory, sample: StatsSample, limit = 60): CallStatsHistory {
  const byId = merge(sample.reports);
  const stats = [...byId.values()];
  const inbound = stats.filter((s) => s.type === 'inbound-rtp');
  const outbound = stats.filter((s) => s.type === 'outbound-rtp');
  const sum = (list: Stat[], key: string) => list.reduce((total, s) => total + (num(s, key) ?? 0), 0);
  const totals: Totals = {
    at: sample.at,
    bytesIn: sum(inbound, 'bytesReceived') + sum(inbound, 'headerBytesReceived'),
    bytesOut: sum(outbound, 'bytesSent') + sum(outbound, 'headerBytesSent'),
    packetsReceived: sum(inbound, 'packetsReceived'),
    packetsLost: sum(inbound, 'packetsLost'),
  };
  const before = history.totals;
  const seconds = before ? (sample.at - before.at) / 1000 : 0;
  let lossPercent: number | undefined;
  if (before && totals.packetsReceived >= before.packetsReceived) {
    const lost = Math.max(0, totals.packetsLost - before.packetsLost);
    const received = totals.packetsReceived - before.packetsReceived;
    lossPercent = lost + received > 0 ? (100 * lost) / (lost + received) : 0;
  }

  const pair = selectedPair(byId);
  const local = byId.get(str(pair, 'localCandidateId') ?? '');
  const remote = byId.get(str(pair, 'remoteCandidateId') ?? '');
  const localCandidateType = candidateType(local);
  const remoteCandidateType = candidateType(remote);
  const remoteInbound = stats.filter((s) => s.type === 'remote-inbound-rtp');
  const pairRtt = num(pair, 'currentRoundTripTime') ?? num(remoteInbound[0], 'roundTripTime');
  const byKind = (list: Stat[], kind: string) => list.find((s) => s.kind === kind);

  const latest: CallStatsSnapshot = {
    at: sample.at,
    path: !localCandidateType
      ? undefined
      : localCandidateType === 'relay' || remoteCandidateType === 'relay'
        ? 'relayed'
        : 'direct',
    localCandidateType,
    remoteCandidateType,
    protocol: str(local, 'protocol'),
    rttMs: pairRtt === undefined ? undefined : Math.round(pairRtt * 1000),
    bitrateInBps: before ? rate(totals.bytesIn, before.bytesIn, seconds) : undefined,
    bitrateOutBps: before ? rate(totals.bytesOut, before.bytesOut, seconds) : undefined,
    lossPercent,
    jitterMs: jitterMs(byKind(inbound, 'audio') ?? byKind(inbound, 'video')),
    audioCodec: codecName(byId, byKind(inbound, 'audio')) ?? codecName(byId, byKind(outbound, 'audio')),
    videoCodec: codecName(byId, byKind(inbound, 'video')) ?? codecName(byId, byKind(outbound, 'video')),
    videoIn: videoFormat(byKind(inbound, 'video')),
    videoOut: videoFormat(byKind(outbound, 'video')),
  };
  const { series } = history;
  return {
    latest,
    totals,
    series: {
      rttMs: push(series.rttMs, latest.rttMs, limit),
      bitrateInBps: push(series.bitrateInBps, latest.bitrateInBps, limit),
      bitrateOutBps: push(series.bitrateOutBps, latest.bitrateOutBps, limit),
      lossPercent: push(series.lossPercent, latest.lossPercent, limit),
    },
  };
}

export type ConnectionQuality = 'good' | 'fair' | 'poor';

/**
 * Limits of a call that still feels good, and of one that is clearly hurting. Round trip: ITU-T G.114
 * keeps one-way delay under 150 ms for interactive speech (300 ms round trip), and past 300 ms one way
 * conversation breaks down (600 ms round trip). Loss: Opus with in-band FEC hides a few percent; video
 * freezes visibly around 10 %. Jitter: above 30 ms the jitter buffer adds noticeable delay, above 75 ms
 * speech gets choppy (the usual VoIP guidance, also what Twilio's and Jitsi's indicators use).
 */
export const QUALITY_LIMITS = {
  fair: { rttMs: 300, lossPercent: 3, jitterMs: 30 },
  poor: { rttMs: 600, lossPercent: 10, jitterMs: 75 },
} as const;

/** Good, fair or poor from the latest sample's loss, jitter and round trip (undefined before one). */
export function connectionQuality(latest: CallStatsSnapshot | undefined): ConnectionQuality | undefined {
  if (!latest) return undefined;
  const { rttMs, lossPercent, jitterMs } = latest;
  if (rttMs === undefined && lossPercent === undefined && jitterMs === undefined) return undefined;
  const over = (limits: { rttMs: number; lossPercent: number; jitterMs: number }) =>
    (rttMs ?? 0) >= limits.rttMs ||
    (lossPercent ?? 0) >= limits.lossPercent ||
    (jitterMs ?? 0) >= limits.jitterMs;
  if (over(QUALITY_LIMITS.poor)) return 'poor';
  if (over(QUALITY_LIMITS.fair)) return 'fair';
  return 'good';
}

import type { StatsReportLike } from '../peer/rtc-types.js';

/**
 * The receiver's RTCP reports for our video arrive about once a second (Chromium sends video RTCP every
 * ~1 s, randomised ×0.5–1.5 as RFC 3550 §6.3 asks). No report for this long means the path dropped them:
 * a network outage, not jitter.
 */
export const FEEDBACK_GAP_MS = 2_500;

/** When the peer's latest RTCP receiver report on our video arrived (ms), from a sender's getStats. */
export function videoFeedbackAt(reports: readonly StatsReportLike[]): number | undefined {
  let latest: number | undefined;
  for (const report of reports) {
    report.forEach((value) => {
      const stat = value as { type?: unknown; kind?: unknown; timestamp?: unknown };
      if (stat.type !== 'remote-inbound-rtp' || stat.kind !== 'video' || typeof stat.timestamp !== 'number')
        return;
      latest = Math.max(latest ?? 0, stat.timestamp);
    });
  }
  return latest;
}

/**
 * Notices, per peer, the first report after an outage. After a few seconds of lost packets the far
 * decoder waits for a key frame; its request was likely lost in the outage too, and libwebrtc only asks
 * again after 3 s without a decodable frame. The manager answers this signal with a key frame at once.
 */
export class FeedbackWatch {
  private readonly lastAt = new Map<string, number>();

  /** True when feedback resumed after a gap longer than `FEEDBACK_GAP_MS`. */
  observe(peerId: string, at: number | undefined): boolean {
    if (at === undefined) return false;
    const last = this.lastAt.get(peerId);
    if (last !== undefined && at <= last) return false;
    this.lastAt.set(peerId, at);
    return last !== undefined && at - last > FEEDBACK_GAP_MS;
  }

  forget(peerId: string): void {
    this.lastAt.delete(peerId);
  }

  clear(): void {
    this.lastAt.clear();
  }
}

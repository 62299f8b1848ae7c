import type { TimerId, Timers } from '../util/seams.js';
import { LEVEL_INTERVAL_MS, STATS_HISTORY_LENGTH, STATS_INTERVAL_MS } from './call-api.js';
import { type CallStatsHistory, EMPTY_STATS, reduceStats } from './call-stats.js';
import { FeedbackWatch, videoFeedbackAt } from './feedback-watch.js';
import type { MediaLinks } from './media-links.js';

export interface CallMonitorOptions {
  links: MediaLinks;
  timers: Timers;
  now: () => number;
  /** Who to watch right now (the call's participants). */
  participants: () => readonly string[];
  onStats(peerId: string, history: CallStatsHistory): void;
  onLevels(levels: ReadonlyMap<string, number>): void;
  /** The peer's reports on our video came back after an outage (see `FeedbackWatch`). */
  onFeedbackResumed(peerId: string): void;
}

/**
 * While a call is active: samples each participant's `getStats` once a second into its history (the
 * stats panel's charts) and the audio levels five times a second (speaking indicators).
 */
export class CallMonitor {
  private readonly histories = new Map<string, CallStatsHistory>();
  private readonly feedback = new FeedbackWatch();
  private statsTimer: TimerId | undefined;
  private levelTimer: TimerId | undefined;
  private running = false;

  constructor(private readonly opts: CallMonitorOptions) {}

  history(peerId: string): CallStatsHistory | undefined {
    return this.histories.get(peerId);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleStats();
    this.scheduleLevels();
  }

  /** Stops sampling and forgets the histories (the next call starts its charts empty). */
  stop(): void {
    this.running = false;
    if (this.statsTimer !== undefined) this.opts.timers.clearTimeout(this.statsTimer);
    if (this.levelTimer !== undefined) this.opts.timers.clearTimeout(this.levelTimer);
    this.statsTimer = undefined;
    this.levelTimer = undefined;
    this.histories.clear();
    this.feedback.clear();
  }

  /** A peer's connection was rebuilt: its counters restart, so its rates must too. */
  reset(peerId: string): void {
    const history = this.histories.get(peerId);
    if (history) this.histories.set(peerId, { ...history, totals: undefined });
    this.feedback.forget(peerId);
  }

  private scheduleStats(): void {
    this.statsTimer = this.opts.timers.setTimeout(() => {
      void this.sampleStats().finally(() => {
        if (this.running) this.scheduleStats();
      });
    }, STATS_INTERVAL_MS);
  }

  private scheduleLevels(): void {
    this.levelTimer = this.opts.timers.setTimeout(() => {
      if (!this.running) return;
      const now = this.opts.now();
      this.opts.onLevels(new Map(this.opts.participants().map((p) => [p, this.opts.links.level(p, now)])));
      this.scheduleLevels();
    }, LEVEL_INTERVAL_MS);
  }

  private async sampleStats(): Promise<void> {
    const peers = this.opts.participants();
    await Promise.all(
      peers.map(async (peerId) => {
        const reports = await this.opts.links.reports(peerId);
        if (!this.running || reports.length === 0) return;
        const before = this.histories.get(peerId) ?? EMPTY_STATS;
        const history = reduceStats(before, { at: this.opts.now(), reports }, STATS_HISTORY_LENGTH);
        this.histories.set(peerId, history);
        this.opts.onStats(peerId, history);
        if (this.feedback.observe(peerId, videoFeedbackAt(reports))) this.opts.onFeedbackResumed(peerId);
      }),
    );
    for (const peerId of this.histories.keys()) {
      if (!peers.includes(peerId)) this.histories.delete(peerId);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { FEEDBACK_GAP_MS, FeedbackWatch, videoFeedbackAt } from '../../src/call/feedback-watch.js';

const report = (entries: Record<string, unknown>[]) => new Map(entries.map((e, i) => [`S${i}`, e]));

describe('FeedbackWatch: noticing the end of an outage from RTCP receiver reports', () => {
  it('reads the arrival time of the latest video receiver report, ignoring audio', () => {
    const reports = [
      report([{ type: 'remote-inbound-rtp', kind: 'audio', timestamp: 9_000 }]),
      report([
        { type: 'remote-inbound-rtp', kind: 'video', timestamp: 5_000 },
        { type: 'outbound-rtp', kind: 'video', timestamp: 9_500 },
      ]),
    ];
    expect(videoFeedbackAt(reports)).toBe(5_000);
    expect(
      videoFeedbackAt([report([{ type: 'outbound-rtp', kind: 'video', timestamp: 1 }])]),
    ).toBeUndefined();
  });

  it('stays quiet while reports arrive about once a second, and while none arrive', () => {
    const watch = new FeedbackWatch();
    expect(watch.observe('bob', 1_000)).toBe(false);
    expect(watch.observe('bob', 1_900)).toBe(false);
    expect(watch.observe('bob', 1_900)).toBe(false); // outage: the same report again
    expect(watch.observe('bob', 1_900)).toBe(false);
    expect(watch.observe('bob', undefined)).toBe(false);
  });

  it('fires once for the first report after a gap longer than FEEDBACK_GAP_MS', () => {
    const watch = new FeedbackWatch();
    watch.observe('bob', 1_000);
    expect(watch.observe('bob', 1_000 + FEEDBACK_GAP_MS + 500)).toBe(true);
    expect(watch.observe('bob', 1_000 + FEEDBACK_GAP_MS + 1_400)).toBe(false);
  });

  it('keeps peers apart and starts over for a peer after forget()', () => {
    const watch = new FeedbackWatch();
    watch.observe('bob', 1_000);
    watch.observe('cem', 1_000);
    watch.forget('bob');
    expect(watch.observe('bob', 10_000)).toBe(false); // a new connection's first report
    expect(watch.observe('cem', 10_000)).toBe(true);
  });
});

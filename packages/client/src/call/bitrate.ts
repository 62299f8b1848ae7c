/**
 * In a full mesh every sender uploads one copy of its video per other participant, so the per-copy cap
 * shrinks as the call grows: the whole upload stays within a budget a home uplink carries.
 */

/** Upload we allow all video copies together: a typical residential uplink leaves this much for a call. */
export const VIDEO_UPLINK_BUDGET_BPS = 2_500_000;

/** More than this buys little for VGA (640×480) in VP8; 1:1 calls get this much. */
export const VIDEO_MAX_BITRATE_BPS = 1_500_000;

/** Below this VP8 falls to postage-stamp resolutions; at this cap and 6 people a sender still sends 1.25 Mbps. */
export const VIDEO_MIN_BITRATE_BPS = 250_000;

/** The cap for each video copy when sending to `remotePeers` others. */
export function videoBitrateFor(remotePeers: number): number {
  const share = VIDEO_UPLINK_BUDGET_BPS / Math.max(1, remotePeers);
  return Math.round(Math.min(VIDEO_MAX_BITRATE_BPS, Math.max(VIDEO_MIN_BITRATE_BPS, share)));
}

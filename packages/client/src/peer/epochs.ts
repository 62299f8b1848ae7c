import type { SignalData } from '@kopru/protocol';
import type { Clock } from '../util/seams.js';

/**
 * Session epochs. Every signal of a pair carries the epoch of the connection it belongs to; a connection
 * built now takes `max(now, floor)`, where the floor is one past the last epoch used with that peer (or
 * an epoch announced by a `reset`). Clock-based, so a reloaded page, which remembers nothing, still picks
 * a newer epoch than its previous life (given clocks that agree to within the session's age).
 */

/** What a signal means for a live session, by its epoch. */
export type SessionVerdict =
  /** Older: a late or flushed signal of a connection that no longer exists. Dropped. */
  | 'stale'
  /** Older, and an offer: dropped, but the peer may have missed our rebuild (see the mesh). */
  | 'stale-offer'
  /** Same epoch: applied. */
  | 'apply'
  /** Newer: the peer rebuilt (reloaded, or its ladder did); rebuild at its epoch, then apply. */
  | 'follow';

export function judgeForSession(data: SignalData, sessionEpoch: number): SessionVerdict {
  if (data.epoch > sessionEpoch) return 'follow';
  if (data.epoch === sessionEpoch) return 'apply';
  return isOffer(data) ? 'stale-offer' : 'stale';
}

/** What a signal means when we hold no session with its sender. */
export type NoSessionVerdict =
  /** Below the floor: belongs to a connection we closed. Dropped. */
  | 'stale'
  /** A `reset`: nothing to rebuild; remember the epoch as the floor. */
  | 'note'
  /** An offer: open a session at its epoch and answer. */
  | 'open'
  /** An answer or candidate for a connection we do not have: ask the peer for a reset. */
  | 'unknown-connection';

export function judgeWithoutSession(data: SignalData, floor: number | undefined): NoSessionVerdict {
  if (floor !== undefined && data.epoch < floor) return 'stale';
  if (data.kind === 'reset') return 'note';
  return isOffer(data) ? 'open' : 'unknown-connection';
}

export function isOffer(data: SignalData): boolean {
  return data.kind === 'description' && data.description.type === 'offer';
}

/** The epoch floor per peer. Kept after a pair closes, so late signals of the old connection stay stale. */
export class EpochLedger {
  private readonly floors = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  floor(peerId: string): number | undefined {
    return this.floors.get(peerId);
  }

  /** The epoch for a connection built now. */
  next(peerId: string): number {
    return Math.max(Math.floor(this.clock.now()), this.floors.get(peerId) ?? 0);
  }

  /** A connection was built at `epoch`: the next one must be newer. */
  used(peerId: string, epoch: number): void {
    this.raise(peerId, epoch + 1);
  }

  /** Sessions with the peer start at `epoch` or later from now on. */
  raise(peerId: string, epoch: number): void {
    this.floors.set(peerId, Math.max(this.floors.get(peerId) ?? 0, epoch));
  }

  /** Picks the epoch for a `reset` we send (at least `min`) and makes it the floor. */
  announce(peerId: string, min = 0): number {
    const epoch = Math.max(this.next(peerId), min);
    this.raise(peerId, epoch);
    return epoch;
  }
}

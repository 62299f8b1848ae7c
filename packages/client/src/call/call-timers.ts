import type { TimerId, Timers } from '../util/seams.js';
import { INCOMING_RING_GRACE_MS, PARTICIPANT_RETURN_GRACE_MS, RING_TIMEOUT_MS } from './call-api.js';
import { type CallState, isInCall } from './call-state.js';

/** The key of the incoming call's ring timer (outgoing ones are keyed by invitee). */
const INCOMING = '';

/** A set of named timers made to match a wanted set: missing ones start, unwanted ones stop. */
class TimerSet {
  private readonly ids = new Map<string, TimerId>();

  constructor(
    private readonly timers: Timers,
    private readonly fire: (key: string) => void,
  ) {}

  match(wanted: ReadonlyMap<string, number>): void {
    for (const [key, id] of this.ids) {
      if (wanted.has(key)) continue;
      this.timers.clearTimeout(id);
      this.ids.delete(key);
    }
    for (const [key, ms] of wanted) {
      if (this.ids.has(key)) continue;
      const id = this.timers.setTimeout(() => {
        this.ids.delete(key);
        this.fire(key);
      }, ms);
      this.ids.set(key, id);
    }
  }

  clear(): void {
    this.match(new Map());
  }
}

/**
 * The call's timers, derived from its state after every step: a ring timer per ringing invitee (and one
 * for a call ringing here), a grace timer per participant who is away. Firing reports back as actions.
 */
export class CallTimers {
  private readonly ring: TimerSet;
  private readonly away: TimerSet;

  constructor(
    timers: Timers,
    actions: { ringTimeout(peerId: string | undefined): void; gone(peerId: string): void },
  ) {
    this.ring = new TimerSet(timers, (key) => actions.ringTimeout(key === INCOMING ? undefined : key));
    this.away = new TimerSet(timers, (peerId) => actions.gone(peerId));
  }

  follow(state: CallState): void {
    const ringing = new Map<string, number>();
    if (state.phase === 'incoming') ringing.set(INCOMING, RING_TIMEOUT_MS + INCOMING_RING_GRACE_MS);
    if (isInCall(state)) for (const peerId of state.ringing) ringing.set(peerId, RING_TIMEOUT_MS);
    this.ring.match(ringing);
    const away = new Map<string, number>();
    if (isInCall(state)) {
      for (const p of state.participants.values())
        if (p.away) away.set(p.peerId, PARTICIPANT_RETURN_GRACE_MS);
    }
    this.away.match(away);
  }

  clear(): void {
    this.ring.clear();
    this.away.clear();
  }
}

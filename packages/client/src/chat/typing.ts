import type { PeerMessage } from '@kopru/protocol';
import type { TimerId, Timers } from '../util/seams.js';
import { ROOM_CONVERSATION_ID } from './types.js';

type TypingFrame = Extract<PeerMessage, { type: 'typing' }>;

/**
 * At most one "typing" frame per conversation every 2 s while the user keeps typing: enough to keep the
 * peer's indicator alive (see `TYPING_EXPIRE_MS`) without a frame per keystroke.
 */
export const TYPING_THROTTLE_MS = 2_000;

/**
 * A peer's indicator goes off 5 s after its last "typing" frame: more than two refresh intervals, so one
 * late frame does not make it flicker, yet a closed tab or a lost "stopped" frame clears it soon.
 */
export const TYPING_EXPIRE_MS = 5_000;

/** The user's own typing: decides which changes go on the wire, and builds their frames. */
export class LocalTyping {
  /** Conversation id → when we last announced "typing" there. */
  private readonly lastActive = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly send: (conversationId: string, frame: TypingFrame) => void,
  ) {}

  set(conversationId: string, active: boolean): void {
    // "typing" at most once per throttle interval; "stopped" only after a "typing".
    const announce = active ? !this.throttled(conversationId) : this.lastActive.delete(conversationId);
    if (!announce) return;
    const scope = conversationId === ROOM_CONVERSATION_ID ? 'room' : 'direct';
    this.send(conversationId, { type: 'typing', scope, active });
  }

  /** A message was sent: the receiver clears the indicator itself, and the next keystroke announces again. */
  reset(conversationId: string): void {
    this.lastActive.delete(conversationId);
  }

  private throttled(conversationId: string): boolean {
    const last = this.lastActive.get(conversationId);
    const now = this.now();
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return true;
    this.lastActive.set(conversationId, now);
    return false;
  }
}

type TypingListener = (change: { conversationId: string; peerId: string; active: boolean }) => void;

/** Remote peers' typing state, expiring without a refresh; reports changes only (on → off, off → on). */
export class RemoteTyping {
  private readonly active = new Map<string, { conversationId: string; peerId: string; timer: TimerId }>();

  constructor(
    private readonly timers: Timers,
    private readonly onChange: TypingListener,
  ) {}

  set(conversationId: string, peerId: string, active: boolean): void {
    // Peer ids and conversation ids are URL-safe: a space cannot occur in either.
    const key = `${conversationId} ${peerId}`;
    const existing = this.active.get(key);
    if (existing) this.timers.clearTimeout(existing.timer);
    if (!active) {
      if (!existing) return;
      this.active.delete(key);
      this.onChange({ conversationId, peerId, active: false });
      return;
    }
    const timer = this.timers.setTimeout(() => this.set(conversationId, peerId, false), TYPING_EXPIRE_MS);
    this.active.set(key, { conversationId, peerId, timer });
    if (!existing) this.onChange({ conversationId, peerId, active: true });
  }

  /** The peer left: its indicators go off everywhere. */
  clearPeer(peerId: string): void {
    for (const entry of [...this.active.values()]) {
      if (entry.peerId === peerId) this.set(entry.conversationId, peerId, false);
    }
  }

  /** Peer ids typing in a conversation now. */
  typingIn(conversationId: string): string[] {
    return [...this.active.values()].filter((e) => e.conversationId === conversationId).map((e) => e.peerId);
  }

  /** Stops every timer without reporting (the owner is closing). */
  dispose(): void {
    for (const { timer } of this.active.values()) this.timers.clearTimeout(timer);
    this.active.clear();
  }
}

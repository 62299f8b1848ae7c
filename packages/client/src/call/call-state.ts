import type { CallDeclineReason, CallMedia, CallMessage } from '@kopru/protocol';

/** The call as a pure reducer: its states, inputs and outputs, then `reduceCall`. */

/** What one remote participant is sending (from its `call-media` messages). */
export interface ParticipantMedia {
  readonly microphone: boolean;
  readonly camera: boolean;
  readonly screen: boolean;
}

export interface Participant extends ParticipantMedia {
  readonly peerId: string;
  /** Left the room without hanging up; kept for a grace period in case it comes back (see the manager). */
  readonly away: boolean;
}

/** Why a call ended, from this user's point of view. */
export type CallEndReason =
  /** We hung up, or cancelled before anyone answered. */
  | 'hung-up'
  | 'cancelled'
  /** The last other participant hung up or went away. */
  | 'remote-hung-up'
  /** Every invitee answered no / was in another call / the call was full / nobody answered in time. */
  | CallDeclineReason
  | 'no-answer'
  /** We declined an incoming call. */
  | 'rejected'
  /** An incoming call stopped ringing before we answered (the caller cancelled or gave up). */
  | 'missed';

/** Something that happened to one person in a call that continues (e.g. "Carol is busy"). */
export interface CallNotice {
  readonly peerId: string;
  readonly kind: CallDeclineReason | 'no-answer' | 'left' | 'joined';
}

export interface CallEnded {
  readonly callId: string;
  readonly reason: CallEndReason;
  /** The person the reason is about (the one who declined, the caller of a missed call…). */
  readonly peerId: string | undefined;
}

export type CallState =
  | { readonly phase: 'idle'; readonly ended: CallEnded | undefined }
  | {
      readonly phase: 'incoming';
      readonly callId: string;
      readonly media: CallMedia;
      readonly from: string;
      /** Others already in the call besides the caller. */
      readonly members: readonly string[];
    }
  | {
      /** `outgoing` while nobody has answered yet; `active` once someone has. */
      readonly phase: 'outgoing' | 'active';
      readonly callId: string;
      readonly media: CallMedia;
      readonly participants: ReadonlyMap<string, Participant>;
      /** Invitees whose phone is ringing. */
      readonly ringing: ReadonlySet<string>;
      readonly notice: CallNotice | undefined;
    };

export type InCallState = Extract<CallState, { phase: 'outgoing' | 'active' }>;

export type CallAction =
  | { type: 'start'; callId: string; media: CallMedia; invitees: readonly string[] }
  | { type: 'invite'; invitees: readonly string[] }
  | { type: 'accept' }
  | { type: 'decline' }
  | { type: 'hangup' }
  | { type: 'dismiss' }
  | { type: 'received'; from: string; message: CallMessage; maxParticipants: number }
  /** An outgoing invitation rang out (`peerId`), or the incoming call did (`peerId` undefined). */
  | { type: 'ring-timeout'; peerId: string | undefined }
  | { type: 'peer-away'; peerId: string }
  | { type: 'peer-back'; peerId: string }
  /** A peer left the room for good (or never came back within the grace period). */
  | { type: 'peer-gone'; peerId: string };

export interface Outgoing {
  readonly to: string;
  readonly message: CallMessage;
}

export interface Transition {
  readonly state: CallState;
  /** Messages to send, in order. */
  readonly send: readonly Outgoing[];
}

export const IDLE: CallState = { phase: 'idle', ended: undefined };

export const isInCall = (state: CallState): state is InCallState =>
  state.phase === 'outgoing' || state.phase === 'active';

/** Everyone this client has a call relationship with right now (participants, ringing invitees, caller). */
export function involvedPeers(state: CallState): string[] {
  if (state.phase === 'incoming') return [state.from, ...state.members];
  if (isInCall(state)) return [...state.participants.keys(), ...state.ringing];
  return [];
}

const NO_MEDIA: ParticipantMedia = { microphone: false, camera: false, screen: false };

const stay = (state: CallState): Transition => ({ state, send: [] });

const ended = (callId: string, reason: CallEndReason, peerId?: string): CallState => ({
  phase: 'idle',
  ended: { callId, reason, peerId },
});

const newParticipant = (peerId: string): Participant => ({ peerId, away: false, ...NO_MEDIA });

/** After someone dropped out: the call goes on, becomes idle, or (nobody answered) reports why. */
function settle(state: InCallState, notice: CallNotice, endReason: CallEndReason): CallState {
  if (state.participants.size > 0 || state.ringing.size > 0) {
    const phase = state.participants.size > 0 ? 'active' : 'outgoing';
    return { ...state, phase, notice };
  }
  return ended(state.callId, endReason, notice.peerId);
}

function withoutRinging(state: InCallState, peerId: string): InCallState {
  const ringing = new Set(state.ringing);
  ringing.delete(peerId);
  return { ...state, ringing };
}

function withoutParticipant(state: InCallState, peerId: string): InCallState {
  const participants = new Map(state.participants);
  participants.delete(peerId);
  return { ...state, participants };
}

function withParticipant(state: InCallState, participant: Participant): InCallState {
  const participants = new Map(state.participants).set(participant.peerId, participant);
  const ringing = new Set(state.ringing);
  ringing.delete(participant.peerId);
  return { ...state, phase: 'active', participants, ringing };
}

/**
 * The call state machine, pure: (state, action) → (state, messages to send). Timers, media and the
 * transport live in `CallManager`, which derives them from the state this returns.
 */
export function reduceCall(state: CallState, action: CallAction): Transition {
  switch (action.type) {
    case 'start': {
      if (state.phase !== 'idle' || action.invitees.length === 0) return stay(state);
      const next: InCallState = {
        phase: 'outgoing',
        callId: action.callId,
        media: action.media,
        participants: new Map(),
        ringing: new Set(action.invitees),
        notice: undefined,
      };
      return {
        state: next,
        send: action.invitees.map((to) => ({
          to,
          message: { type: 'call-invite', callId: action.callId, media: action.media, members: [] },
        })),
      };
    }
    case 'invite': {
      if (!isInCall(state)) return stay(state);
      const fresh = action.invitees.filter((p) => !state.participants.has(p) && !state.ringing.has(p));
      if (fresh.length === 0) return stay(state);
      const members = [...state.participants.keys()];
      return {
        state: { ...state, ringing: new Set([...state.ringing, ...fresh]) },
        send: fresh.map((to) => ({
          to,
          message: { type: 'call-invite', callId: state.callId, media: state.media, members },
        })),
      };
    }
    case 'accept': {
      if (state.phase !== 'incoming') return stay(state);
      const everyone = [state.from, ...state.members];
      const next: InCallState = {
        phase: 'active',
        callId: state.callId,
        media: state.media,
        participants: new Map(everyone.map((p) => [p, newParticipant(p)])),
        ringing: new Set(),
        notice: undefined,
      };
      return {
        state: next,
        send: everyone.map((to) => ({ to, message: { type: 'call-accept', callId: state.callId } })),
      };
    }
    case 'decline': {
      if (state.phase !== 'incoming') return stay(state);
      return {
        state: ended(state.callId, 'rejected', state.from),
        send: [
          { to: state.from, message: { type: 'call-decline', callId: state.callId, reason: 'declined' } },
        ],
      };
    }
    case 'hangup': {
      if (state.phase === 'incoming') return reduceCall(state, { type: 'decline' });
      if (!isInCall(state)) return stay(state);
      const { callId } = state;
      const send: Outgoing[] = [
        ...[...state.participants.keys()].map((to) => ({
          to,
          message: { type: 'call-hangup', callId } as const,
        })),
        ...[...state.ringing].map((to) => ({
          to,
          message: { type: 'call-cancel', callId, reason: 'cancelled' } as const,
        })),
      ];
      return { state: ended(callId, state.phase === 'active' ? 'hung-up' : 'cancelled'), send };
    }
    case 'dismiss':
      return state.phase === 'idle' && state.ended ? stay(IDLE) : stay(state);
    case 'ring-timeout': {
      if (state.phase === 'incoming' && action.peerId === undefined) {
        return stay(ended(state.callId, 'missed', state.from));
      }
      if (!isInCall(state) || action.peerId === undefined || !state.ringing.has(action.peerId)) {
        return stay(state);
      }
      const peerId = action.peerId;
      return {
        state: settle(withoutRinging(state, peerId), { peerId, kind: 'no-answer' }, 'no-answer'),
        send: [{ to: peerId, message: { type: 'call-cancel', callId: state.callId, reason: 'no-answer' } }],
      };
    }
    case 'peer-away':
    case 'peer-back': {
      if (!isInCall(state)) return stay(state);
      const participant = state.participants.get(action.peerId);
      if (!participant) return stay(state);
      const away = action.type === 'peer-away';
      if (participant.away === away) return stay(state);
      return stay(withParticipant(state, { ...participant, away }));
    }
    case 'peer-gone':
      return peerGone(state, action.peerId);
    case 'received':
      return received(state, action.from, action.message, action.maxParticipants);
  }
}

function peerGone(state: CallState, peerId: string): Transition {
  if (state.phase === 'incoming') {
    return state.from === peerId ? stay(ended(state.callId, 'missed', peerId)) : stay(state);
  }
  if (!isInCall(state)) return stay(state);
  if (state.participants.has(peerId)) {
    return stay(settle(withoutParticipant(state, peerId), { peerId, kind: 'left' }, 'remote-hung-up'));
  }
  if (state.ringing.has(peerId)) {
    return stay(settle(withoutRinging(state, peerId), { peerId, kind: 'no-answer' }, 'no-answer'));
  }
  return stay(state);
}

function received(state: CallState, from: string, message: CallMessage, maxParticipants: number): Transition {
  if (message.type === 'call-invite') return receivedInvite(state, from, message, maxParticipants);
  const sameCall = state.phase !== 'idle' && state.callId === message.callId;
  if (!sameCall) {
    // An answer to a call that is already over here (it rang out as they pressed Accept): tell them.
    if (message.type !== 'call-accept') return stay(state);
    return { state, send: [{ to: from, message: { type: 'call-hangup', callId: message.callId } }] };
  }
  if (state.phase === 'incoming') {
    // The caller withdrew (or hung up, if the invite raced its hang-up).
    const fromCaller = from === state.from;
    if (fromCaller && (message.type === 'call-cancel' || message.type === 'call-hangup')) {
      return stay(ended(state.callId, 'missed', from));
    }
    return stay(state);
  }
  if (!isInCall(state)) return stay(state);
  switch (message.type) {
    case 'call-accept': {
      // From an invitee of ours, or from someone another member invited (it joins everyone listed).
      if (state.participants.has(from)) return stay(state);
      const joined = withParticipant(state, newParticipant(from));
      // "X joined" is news in a running call; the first answer is the call starting.
      const notice: CallNotice | undefined =
        state.phase === 'active' ? { peerId: from, kind: 'joined' } : undefined;
      // Our invitee only knows the members its invite listed: name everyone already here (some may have
      // answered after the invite went out, or been invited with it), so that it connects to them too.
      const others = [...state.participants.keys()];
      const send: Outgoing[] =
        state.ringing.has(from) && others.length > 0
          ? [{ to: from, message: { type: 'call-peers', callId: state.callId, peers: others } }]
          : [];
      return { state: { ...joined, notice }, send };
    }
    case 'call-peers': {
      const fresh = message.peers.filter((p) => p !== from && !state.participants.has(p));
      const room = Math.max(0, maxParticipants - 1 - state.participants.size);
      let next: InCallState = state;
      for (const peerId of fresh.slice(0, room)) next = withParticipant(next, newParticipant(peerId));
      return {
        state: next,
        send: fresh
          .slice(0, room)
          .map((to) => ({ to, message: { type: 'call-accept', callId: state.callId } })),
      };
    }
    case 'call-decline': {
      if (!state.ringing.has(from)) return stay(state);
      return stay(
        settle(withoutRinging(state, from), { peerId: from, kind: message.reason }, message.reason),
      );
    }
    case 'call-hangup':
    case 'call-cancel':
      return peerGone(state, from);
    case 'call-media': {
      const participant = state.participants.get(from);
      if (!participant) return stay(state);
      const { microphone, camera, screen } = message;
      return stay(withParticipant(state, { ...participant, microphone, camera, screen }));
    }
  }
}

function receivedInvite(
  state: CallState,
  from: string,
  invite: Extract<CallMessage, { type: 'call-invite' }>,
  maxParticipants: number,
): Transition {
  const reply = (reason: CallDeclineReason): Transition => ({
    state,
    send: [{ to: from, message: { type: 'call-decline', callId: invite.callId, reason } }],
  });
  if (state.phase !== 'idle') {
    if (state.callId === invite.callId) return stay(state); // a duplicate, or we are already in it
    // Both pressed "call" at once: the call with the smaller id wins on both sides, so the owner of the
    // larger one answers the other's invite instead of ringing, and the other ignores this invite.
    const crossed = state.phase === 'outgoing' && state.participants.size === 0 && state.ringing.has(from);
    if (crossed && state.ringing.size === 1) {
      if (invite.callId > state.callId) return stay(state);
      const incoming: CallState = {
        phase: 'incoming',
        callId: invite.callId,
        media: invite.media,
        from,
        members: [],
      };
      return reduceCall(incoming, { type: 'accept' });
    }
    return reply('busy');
  }
  const members = invite.members.filter((p) => p !== from);
  if (members.length + 2 > maxParticipants) return reply('full');
  return stay({ phase: 'incoming', callId: invite.callId, media: invite.media, from, members });
}

import type { CallDeclineReason, CallMedia, CallMessage } from '@kopru/protocol';

/** The call's states, inputs and outputs (the reducer is `reduceCall` in `call-state.ts`). */

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

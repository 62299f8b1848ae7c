import { z } from 'zod';
import { peerIdSchema } from './presence.js';

/**
 * Call signaling between two browsers, on the pair's `control` DataChannel (members of the peer message
 * union in `peer-messages.ts`). Media itself flows on RTP transceivers of the same RTCPeerConnection; these
 * messages only say who rings, who answers, who is in the call and what each one sends.
 */

/**
 * Largest call any schema accepts (members listed in an invite, plus the inviter and the invitee). The
 * configured cap (`DEFAULT_MAX_CALL_PARTICIPANTS` in the client, 6) is lower: a full mesh uploads one copy
 * of every stream per participant, which is what limits it, not this bound.
 */
export const CALL_PARTICIPANTS_MAX = 16;

/** Random, URL-safe, chosen by the caller; both ends compare them to settle two calls placed at once. */
export const callIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const callMediaSchema = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof callMediaSchema>;

/** "Ring": the sender calls the receiver. `members` are the others already in the call (not the sender). */
export const callInviteSchema = z.object({
  type: z.literal('call-invite'),
  callId: callIdSchema,
  media: callMediaSchema,
  members: z.array(peerIdSchema).max(CALL_PARTICIPANTS_MAX - 2),
});

/** The sender answered: sent to the inviter and to every member the invite listed, who add the sender. */
export const callAcceptSchema = z.object({
  type: z.literal('call-accept'),
  callId: callIdSchema,
});

/**
 * "These people are in the call too": the inviter tells someone who just accepted about participants the
 * invite did not list (they joined after it was sent, or were invited at the same time). The receiver
 * sends each of them a `call-accept`, which adds it on their side.
 */
export const callPeersSchema = z.object({
  type: z.literal('call-peers'),
  callId: callIdSchema,
  peers: z
    .array(peerIdSchema)
    .min(1)
    .max(CALL_PARTICIPANTS_MAX - 2),
});

/**
 * The sender will not join: it said no, is in another call, the call would exceed its cap, or it is the
 * command-line client (`terminal`), which has no camera or microphone.
 */
export const callDeclineSchema = z.object({
  type: z.literal('call-decline'),
  callId: callIdSchema,
  reason: z.enum(['declined', 'busy', 'full', 'terminal']),
});

/** The inviter withdrew the invitation before it was answered (pressed hang up, or it rang out). */
export const callCancelSchema = z.object({
  type: z.literal('call-cancel'),
  callId: callIdSchema,
  reason: z.enum(['cancelled', 'no-answer']),
});

/** The sender left the call. */
export const callHangupSchema = z.object({
  type: z.literal('call-hangup'),
  callId: callIdSchema,
});

/** What the sender is sending now; sent to each participant when they join and after every change. */
export const callMediaStateSchema = z.object({
  type: z.literal('call-media'),
  callId: callIdSchema,
  microphone: z.boolean(),
  camera: z.boolean(),
  screen: z.boolean(),
});

/** Every call message, for the peer message union. */
export const callMessageSchemas = [
  callInviteSchema,
  callAcceptSchema,
  callPeersSchema,
  callDeclineSchema,
  callCancelSchema,
  callHangupSchema,
  callMediaStateSchema,
] as const;

export type CallInvite = z.infer<typeof callInviteSchema>;
export type CallMessage =
  | CallInvite
  | z.infer<typeof callAcceptSchema>
  | z.infer<typeof callPeersSchema>
  | z.infer<typeof callDeclineSchema>
  | z.infer<typeof callCancelSchema>
  | z.infer<typeof callHangupSchema>
  | z.infer<typeof callMediaStateSchema>;
export type CallDeclineReason = z.infer<typeof callDeclineSchema>['reason'];
export type CallCancelReason = z.infer<typeof callCancelSchema>['reason'];

const CALL_MESSAGE_TYPES: ReadonlySet<string> = new Set(callMessageSchemas.map((s) => s.shape.type.value));

/** True for the members of the peer message union that belong to calls. */
export function isCallMessage(message: { type: string }): message is CallMessage {
  return CALL_MESSAGE_TYPES.has(message.type);
}

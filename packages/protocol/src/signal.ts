import { z } from 'zod';
import { protocolErrorSchema } from './errors.js';
import { LIMITS } from './limits.js';
import { peerIdSchema } from './presence.js';

/**
 * Session epoch of a peer pair: bumped each time a pair rebuilds its RTCPeerConnection, so late answers
 * and candidates from an older connection (socket.io flushes its send buffer on reconnect) are dropped.
 */
export const epochSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const sessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(LIMITS.sdpMax),
});

export const iceCandidateSchema = z.object({
  candidate: z.string().max(LIMITS.candidateMax),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** What one peer sends another through the server. The server checks the shape and size, never the meaning. */
export const signalDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('description'), epoch: epochSchema, description: sessionDescriptionSchema }),
  // `candidate: null` marks the end of candidates.
  z.object({ kind: z.literal('candidate'), epoch: epochSchema, candidate: iceCandidateSchema.nullable() }),
  // Asks the other side to tear down and rebuild the pair under a newer epoch.
  z.object({ kind: z.literal('reset'), epoch: epochSchema }),
]);
export type SignalData = z.infer<typeof signalDataSchema>;

export const signalRequestSchema = z.object({ to: peerIdSchema, data: signalDataSchema });
export type SignalRequest = z.infer<typeof signalRequestSchema>;

/** A relayed signal as delivered: `from` is stamped by the server from the sending connection. */
export const signalMessageSchema = z.object({ from: peerIdSchema, data: signalDataSchema });
export type SignalMessage = z.infer<typeof signalMessageSchema>;

/**
 * The answer to a `signal` sent without an acknowledgement (how the app sends them) that the server refused:
 * the error, and the addressee when the request named a valid one. A relayed signal gets no answer at all.
 */
export const signalFailedSchema = z.object({ to: peerIdSchema.optional(), error: protocolErrorSchema });
export type SignalFailed = z.infer<typeof signalFailedSchema>;

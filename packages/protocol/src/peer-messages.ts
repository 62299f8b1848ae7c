import { z } from 'zod';
import { callMessageSchemas } from './call-messages.js';
import { pairForgetSchema, pairHelloSchema } from './pairing.js';
import { transferMessageSchemas } from './transfer-messages.js';

export * from './call-messages.js';
export * from './transfer-messages.js';

/**
 * Messages between two browsers on a pair's reliable, ordered `control` DataChannel (JSON text frames).
 * The server never sees them. Every frame is validated with `peerMessageSchema` on receipt; a frame that
 * fails is dropped and reported, never acted on. Later features (files, calls) add members to the union.
 */

/** Random, URL-safe, unique per sender (see `randomId`). */
export const messageIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const CHAT_TEXT_MAX = 8000;

export const chatScopeSchema = z.enum(['direct', 'room']);
export type ChatScope = z.infer<typeof chatScopeSchema>;

export const chatMessageSchema = z.object({
  type: z.literal('chat'),
  id: messageIdSchema,
  /** `direct`: a private message to this peer; `room`: a copy of a message sent to everyone. */
  scope: chatScopeSchema,
  text: z.string().min(1).max(CHAT_TEXT_MAX),
  /** Sender's clock (ms since epoch), for display and ordering; the receiver does not trust it for anything else. */
  sentAt: z.number().int().nonnegative(),
});

/** The receiver has stored these messages (delivered). Also sent again for duplicates, so resends stop. */
export const chatAckSchema = z.object({
  type: z.literal('chat-ack'),
  ids: z.array(messageIdSchema).min(1).max(512),
});

/** The receiver has seen these direct messages (it opened the conversation). */
export const chatReadSchema = z.object({
  type: z.literal('chat-read'),
  ids: z.array(messageIdSchema).min(1).max(512),
});

export const typingSchema = z.object({
  type: z.literal('typing'),
  scope: chatScopeSchema,
  active: z.boolean(),
});

/** Bytes of a link proof: an HMAC-SHA-256. */
export const LINK_PROOF_BYTES = 32;

/**
 * Proves that the sender holds the room's invite-link key, bound to the DTLS fingerprints of this very
 * connection (docs/security.md#invite-link-proof): HMAC-SHA-256, base64url without padding (43 characters).
 * Sent once per connection, only by a side that holds the key; reveals nothing about the key.
 */
export const linkProofSchema = z.object({
  type: z.literal('link-proof'),
  /** Version of the construction (`KOPRU-LINK-PROOF-1`); a later one gets a new number. */
  v: z.literal(1),
  proof: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type LinkProofMessage = z.infer<typeof linkProofSchema>;

export const peerMessageSchema = z.discriminatedUnion('type', [
  chatMessageSchema,
  linkProofSchema,
  pairHelloSchema,
  pairForgetSchema,
  chatAckSchema,
  chatReadSchema,
  typingSchema,
  ...transferMessageSchemas,
  ...callMessageSchemas,
]);
export type PeerMessage = z.infer<typeof peerMessageSchema>;
export type ChatMessageFrame = z.infer<typeof chatMessageSchema>;

/** Largest control frame accepted (a chat message at its maximum length, JSON-escaped, fits well within). */
export const CONTROL_FRAME_MAX_BYTES = 64 * 1024;

/** Parses one control-channel frame; `undefined` for anything that is not a valid message. */
export function parsePeerMessage(frame: unknown): PeerMessage | undefined {
  if (typeof frame !== 'string' || frame.length > CONTROL_FRAME_MAX_BYTES) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return undefined;
  }
  const parsed = peerMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

import { z } from 'zod';

/**
 * Pairing two devices (docs/protocol.md#pairing). The server only brings the two together once, through a
 * 6-digit code; the pair secret is agreed peer to peer over the DataChannel and never reaches the server.
 * Later the two meet in a rendezvous named by a hash of that secret.
 */

/** A pairing code as typed: exactly six digits (random, never sequential). */
export const pairingCodeSchema = z.string().regex(/^\d{6}$/, 'a pairing code is six digits');

/**
 * A rendezvous id: 32 bytes, base64url without padding (43 characters). For a pairing meeting the server
 * draws it; for paired devices it is SHA-256 of the pair secret (the server never learns the secret).
 */
export const rendezvousIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a rendezvous id');

/** `pair:create`: a new code for this connection to be found by. */
export const pairCreateRequestSchema = z.object({}).strict();
export const pairCreateReplySchema = z.object({
  code: pairingCodeSchema,
  /** Where the creator waits for the device that claims the code. */
  rendezvous: rendezvousIdSchema,
  /** How long the code stays valid from now (a duration: the two clocks need not agree). */
  expiresInMs: z.number().int().positive(),
});
export type PairCreateReply = z.infer<typeof pairCreateReplySchema>;

/** `pair:claim`: the other device typed (or scanned) the code. One use: the code is gone after this. */
export const pairClaimRequestSchema = z.object({ code: pairingCodeSchema });
export const pairClaimReplySchema = z.object({ rendezvous: rendezvousIdSchema });
export type PairClaimReply = z.infer<typeof pairClaimReplySchema>;

/** Bytes each side contributes to the pair secret. */
export const PAIR_NONCE_BYTES = 32;

/**
 * The first message of a pairing meeting, from each side: its contribution to the pair secret (random,
 * sent on the DTLS-protected control channel, so only the other browser reads it) and its device name.
 */
export const pairHelloSchema = z.object({
  type: z.literal('pair-hello'),
  v: z.literal(1),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  name: z.string().trim().min(1).max(32),
});
export type PairHelloMessage = z.infer<typeof pairHelloSchema>;

/** Sent to a paired device when its pair is forgotten here ("Forget device"): it forgets it too. */
export const pairForgetSchema = z.object({ type: z.literal('pair-forget'), v: z.literal(1) });
export type PairForgetMessage = z.infer<typeof pairForgetSchema>;

export type PairingMessage = PairHelloMessage | PairForgetMessage;
export const isPairingMessage = (message: { type: string }): message is PairingMessage =>
  message.type === 'pair-hello' || message.type === 'pair-forget';

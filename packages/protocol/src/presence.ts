import { z } from 'zod';
import { LIMITS } from './limits.js';

/** Room ids are URL-safe (they appear in `/r/<roomId>`). */
export const roomIdSchema = z
  .string()
  .min(LIMITS.roomIdMin)
  .max(LIMITS.roomIdMax)
  .regex(/^[A-Za-z0-9_-]+$/, 'room id may contain letters, digits, "-" and "_" only');

export const peerIdSchema = z
  .string()
  .length(LIMITS.peerIdLength)
  .regex(/^[A-Za-z0-9_-]+$/);

// Control characters (C0, DEL, C1) and bidi overrides would let a name hide or reorder what others see.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to match control characters
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(LIMITS.nameMax, `name must be at most ${LIMITS.nameMax} characters`)
  .refine((s) => !FORBIDDEN_NAME_CHARS.test(s), 'name contains control characters');

export const PEER_STATUSES = ['available', 'in-call', 'away'] as const;
export const peerStatusSchema = z.enum(PEER_STATUSES);
export type PeerStatus = z.infer<typeof peerStatusSchema>;

/**
 * What kind of device a nearby peer is, so a list of them can say "phone" or "computer". The server
 * derives it from the connection's User-Agent (coarsely: nothing finer than these three is kept).
 */
export const DEVICE_KINDS = ['phone', 'tablet', 'computer'] as const;
export const deviceKindSchema = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof deviceKindSchema>;

/**
 * What kind of program a person uses: `browser` (the web app) or `terminal` (the `kopru` command line,
 * which has no camera or microphone: it declines calls). Absent means a browser.
 */
export const CLIENT_KINDS = ['browser', 'terminal'] as const;
export const clientKindSchema = z.enum(CLIENT_KINDS);
export type ClientKind = z.infer<typeof clientKindSchema>;

export const peerInfoSchema = z.object({
  peerId: peerIdSchema,
  name: displayNameSchema,
  status: peerStatusSchema,
  client: clientKindSchema.optional(),
  /** Server time (ms since epoch) when this peer first joined the room in its current session. */
  joinedAt: z.number().int().nonnegative(),
  /** Only in Nearby: the kind of device, stamped by the server. */
  device: deviceKindSchema.optional(),
});
export type PeerInfo = z.infer<typeof peerInfoSchema>;

export const LEAVE_REASONS = ['left', 'disconnected', 'expired'] as const;
export const leaveReasonSchema = z.enum(LEAVE_REASONS);
export type LeaveReason = z.infer<typeof leaveReasonSchema>;

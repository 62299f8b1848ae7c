import { z } from 'zod';
import { LIMITS } from './limits.js';

/**
 * A room password as typed by people: any characters, 1–`LIMITS.passwordMax` long. The server keeps only a
 * salted scrypt hash of it; it is never logged and never sent back.
 */
export const roomPasswordSchema = z.string().min(1).max(LIMITS.passwordMax);

/** What the join reply tells a peer about the room's protection. */
export const roomAccessSchema = z.object({
  /** True for the room's creator (its first joiner), who alone may set or remove the password. */
  owner: z.boolean(),
  passwordProtected: z.boolean(),
});
export type RoomAccess = z.infer<typeof roomAccessSchema>;

/** `room:set-password`: a new password, or `null` to remove it. Members already in the room stay. */
export const setPasswordRequestSchema = z.object({ password: roomPasswordSchema.nullable() }).strict();
export type SetPasswordRequest = z.infer<typeof setPasswordRequestSchema>;

/** `room:access`: sent to everyone in the room when its protection changes. */
export const roomAccessChangedSchema = z.object({ passwordProtected: z.boolean() });
export type RoomAccessChanged = z.infer<typeof roomAccessChangedSchema>;

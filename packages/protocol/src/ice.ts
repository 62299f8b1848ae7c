import { z } from 'zod';

export const iceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof iceServerSchema>;

/**
 * Seconds the credentials in an `iceServers` list stay valid (TURN REST credentials, default one hour).
 * Absent: they do not expire. Clients ask for fresh ones (`ice:refresh`) well before.
 */
export const iceServersTtlSchema = z.number().int().positive();

export const iceRefreshReplySchema = z.object({
  iceServers: z.array(iceServerSchema),
  iceServersTtl: iceServersTtlSchema.optional(),
});
export type IceRefreshReply = z.infer<typeof iceRefreshReplySchema>;

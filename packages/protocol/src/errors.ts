import { z } from 'zod';

/**
 * Every error the server can answer with, and `INVALID_REPLY`, which the client raises itself when an
 * answer does not match its schema. Listed with their meaning in docs/protocol.md.
 */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'NOT_IN_ROOM',
  'ALREADY_IN_ROOM',
  'ROOM_FULL',
  'PEER_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
  'PASSWORD_REQUIRED',
  'WRONG_PASSWORD',
  'NOT_ROOM_OWNER',
  'ORIGIN_NOT_ALLOWED',
  'TOO_MANY_CONNECTIONS',
  'NEARBY_OFF',
  'PAIR_CODE_WRONG',
  'PAIR_CODE_EXPIRED',
  'PAIR_CODE_USED',
  'INVALID_REPLY',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const protocolErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  /** With `RATE_LIMITED`: how long to wait before the same request can succeed. */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ProtocolError = z.infer<typeof protocolErrorSchema>;

/** A typed error carrying a stable code; thrown inside the server and turned into `{ ok: false, error }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.retryAfterMs = options?.retryAfterMs;
  }

  toJSON(): ProtocolError {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string): Ack<never> => ({
  ok: false,
  error: { code, message },
});

import { z } from 'zod';

/** Every error the server can answer with. Listed with their meaning in docs/protocol.md. */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'NOT_IN_ROOM',
  'ALREADY_IN_ROOM',
  'ROOM_FULL',
  'PEER_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const protocolErrorSchema = z.object({ code: errorCodeSchema, message: z.string() });
export type ProtocolError = z.infer<typeof protocolErrorSchema>;

/** A typed error carrying a stable code; thrown inside the server and turned into `{ ok: false, error }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }

  toJSON(): ProtocolError {
    return { code: this.code, message: this.message };
  }
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string): Ack<never> => ({
  ok: false,
  error: { code, message },
});

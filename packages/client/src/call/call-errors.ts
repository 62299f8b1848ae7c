export const CALL_ERROR_CODES = [
  /** Already in a call (or one is ringing here): hang up or answer first. */
  'BUSY',
  /** Nobody to call: the list was empty or named only ourselves. */
  'NO_PEERS',
  /** The call would exceed the participant cap (`maxParticipants`, 6 by default). */
  'CALL_FULL',
  /** A command that needs a running call (inviting more people) without one. */
  'NOT_IN_CALL',
] as const;
export type CallErrorCode = (typeof CALL_ERROR_CODES)[number];

/** A refused call command; nothing was sent and nothing changed. */
export class CallError extends Error {
  readonly code: CallErrorCode;
  constructor(code: CallErrorCode, message: string) {
    super(message);
    this.name = 'CallError';
    this.code = code;
  }
}

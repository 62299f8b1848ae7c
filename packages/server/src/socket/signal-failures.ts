import { type ProtocolError, peerIdSchema } from '@kopru/protocol';
import type { KopruSocket } from './types.js';

/**
 * Tells the sender of a `signal` that came without an acknowledgement that it was refused (`signal:failed`),
 * naming the addressee when the payload named a valid one, so the client can tell which peer it concerns.
 */
export function reportSignalFailure(socket: KopruSocket, error: ProtocolError, payload: unknown): void {
  const named =
    typeof payload === 'object' && payload !== null ? (payload as { to?: unknown }).to : undefined;
  const to = peerIdSchema.safeParse(named);
  socket.emit('signal:failed', to.success ? { to: to.data, error } : { error });
}

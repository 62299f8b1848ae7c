import type { JoinRequest, RoomAccess } from '@kopru/protocol';
import type { AppDeps } from '../deps.js';
import { reportSignalFailure } from '../socket/signal-failures.js';
import type { KopruServer, KopruSocket } from '../socket/types.js';
import { registerAccessHandlers } from './access-handlers.js';
import { type ConnectionGuard, installConnectionGuard } from './connection-guard.js';
import { guardEvents } from './event-guard.js';
import { PairingCodes } from './pairing-codes.js';
import { registerPairingHandlers } from './pairing-handlers.js';
import { scryptHasher } from './password-hash.js';
import { MemoryRateLimitStore } from './rate-limit-store.js';
import { mergeRateLimits } from './rate-limits.js';
import { MemoryRoomAccessStore } from './room-access-store.js';
import { RoomGate } from './room-gate.js';
import { sdpTamperHook } from './test-only-sdp-tamper.js';

export interface Security {
  connections: ConnectionGuard;
  gate: RoomGate;
  /** Per-connection guards; call first on each connection, before any handler is registered. */
  guard(socket: KopruSocket): void;
  /** Handlers for `room:set-password`, `ice:refresh`, `pair:create` and `pair:claim`. */
  registerHandlers(socket: KopruSocket): void;
  /** The join handler's admission check (see `RoomHandlerHooks.admit`). */
  admit(
    socket: KopruSocket,
    request: Pick<JoinRequest, 'roomId' | 'password'> & { peerId: string; tokenValid: boolean },
  ): Promise<RoomAccess>;
  /** The Nearby join's admission check: the same per-address join limit as rooms. */
  admitNearby(socket: KopruSocket): Promise<void>;
}

/** Builds the server's defences from its deps: connection checks, event limits and the room gate. */
export function createSecurity(io: KopruServer, deps: AppDeps, onError?: (code: string) => void): Security {
  const limits = mergeRateLimits(deps.rateLimits);
  const logger = deps.logger.child({ subsystem: 'security' });
  const connections = installConnectionGuard(io, {
    allowedOrigins: deps.allowedOrigins ?? [],
    trustProxy: deps.trustProxy,
    maxConnectionsPerAddress: limits.connectionsPerAddress,
    logger,
  });
  const gate = new RoomGate({
    access: deps.roomAccess ?? new MemoryRoomAccessStore(),
    presence: deps.presence,
    rateLimitStore: deps.rateLimitStore ?? new MemoryRateLimitStore(),
    limits,
    hasher: deps.passwordHasher ?? scryptHasher(),
    clock: deps.clock,
    retentionMs: deps.sessionTtlMs,
    logger,
  });
  const tamper = sdpTamperHook(deps, logger);
  const pairingCodes = deps.pairingCodes ?? new PairingCodes();
  return {
    connections,
    gate,
    guard(socket) {
      guardEvents(socket, {
        limits,
        clock: deps.clock,
        logger,
        ...(onError ? { onError } : {}),
        unacknowledged: (event, error, payload) => {
          if (event === 'signal') reportSignalFailure(socket, error, payload);
        },
      });
      tamper?.(socket);
    },
    registerHandlers(socket) {
      registerAccessHandlers(socket, deps, gate, onError);
      registerPairingHandlers(socket, deps, pairingCodes, gate, connections.addressOf, onError);
    },
    admitNearby(socket) {
      return gate.admitNearby(connections.addressOf(socket));
    },
    admit(socket, request) {
      return gate.admit({
        roomId: request.roomId,
        peerId: request.peerId,
        tokenValid: request.tokenValid,
        password: request.password,
        connectionId: socket.id,
        address: connections.addressOf(socket),
      });
    },
  };
}

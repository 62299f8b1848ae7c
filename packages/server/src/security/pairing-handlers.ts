import type { AppDeps } from '../deps.js';
import type { KopruSocket } from '../socket/types.js';
import { onValidated } from '../socket/validated-handler.js';
import type { PairingCodes } from './pairing-codes.js';
import type { RoomGate } from './room-gate.js';

/**
 * `pair:create` and `pair:claim` (docs/protocol.md#pairing): a code and the meeting id it leads to. Neither
 * needs a joined room (the home screen pairs before any). The pair secret is never part of either.
 */
export function registerPairingHandlers(
  socket: KopruSocket,
  deps: AppDeps,
  codes: PairingCodes,
  gate: RoomGate,
  addressOf: (socket: KopruSocket) => string,
  onError?: (code: string) => void,
): void {
  const log = deps.logger.child({ subsystem: 'pairing' });
  onValidated(
    socket,
    'pair:create',
    log,
    async () => {
      await gate.admitPairing('create', addressOf(socket));
      const reply = codes.create(deps.clock.now());
      log.info({ live: codes.liveCount }, 'pairing code made');
      return reply;
    },
    onError,
  );

  onValidated(
    socket,
    'pair:claim',
    log,
    async ({ code }) => {
      // Before the code is looked at: a refused try must not count against the live codes.
      await gate.admitPairing('claim', addressOf(socket));
      const rendezvous = codes.claim(code, deps.clock.now());
      log.info('pairing code claimed');
      return { rendezvous };
    },
    onError,
  );
}

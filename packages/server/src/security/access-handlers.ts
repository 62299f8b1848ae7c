import { AppError } from '@kopru/protocol';
import type { AppDeps } from '../deps.js';
import { type KopruSocket, roomChannel } from '../socket/types.js';
import { onValidated } from '../socket/validated-handler.js';
import type { RoomGate } from './room-gate.js';

const requireJoined = (socket: KopruSocket): { roomId: string; peerId: string } => {
  const { roomId, peerId } = socket.data;
  if (!roomId || !peerId) throw new AppError('NOT_IN_ROOM', 'join a room first');
  return { roomId, peerId };
};

/** `room:set-password` and `ice:refresh`: requests only a joined peer may make. */
export function registerAccessHandlers(
  socket: KopruSocket,
  deps: AppDeps,
  gate: RoomGate,
  onError?: (code: string) => void,
): void {
  onValidated(
    socket,
    'room:set-password',
    deps.logger,
    async ({ password }) => {
      const { roomId, peerId } = requireJoined(socket);
      const access = await gate.setPassword(roomId, peerId, password);
      socket.to(roomChannel(roomId)).emit('room:access', { passwordProtected: access.passwordProtected });
      return access;
    },
    onError,
  );

  onValidated(
    socket,
    'ice:refresh',
    deps.logger,
    async () => {
      const { peerId } = requireJoined(socket);
      const iceServers = deps.iceServers(peerId);
      return deps.iceServersTtl === undefined
        ? { iceServers }
        : { iceServers, iceServersTtl: deps.iceServersTtl };
    },
    onError,
  );
}

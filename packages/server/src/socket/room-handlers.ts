import { AppError, type JoinReply, type JoinRequest, type PeerInfo, type RoomAccess } from '@kopru/protocol';
import type { AppDeps } from '../deps.js';
import { SessionTokens } from '../session-token.js';
import { reportSignalFailure } from './signal-failures.js';
import { type KopruServer, type KopruSocket, peerChannel, roomChannel } from './types.js';
import { onValidated, refuseUnknownEvents } from './validated-handler.js';

export interface RoomHandlerHooks {
  onError?: (code: string) => void;
  /** A join succeeded (for metrics). */
  onJoined?: (outcome: 'joined' | 'resumed') => void;
  /** A signal was relayed (for metrics). */
  onRelayed?: () => void;
  /**
   * Admission to a room (rate limits, the room's password, ownership): throws an AppError to refuse.
   * `tokenValid`: the join's session token was issued by this room for this peer.
   */
  admit?: (
    socket: KopruSocket,
    request: Pick<JoinRequest, 'roomId' | 'password'> & { peerId: string; tokenValid: boolean },
  ) => Promise<RoomAccess>;
}

/** Builds the per-connection handlers for rooms, presence and the signaling relay. */
export function createRoomHandlers(io: KopruServer, deps: AppDeps, hooks: RoomHandlerHooks = {}) {
  const tokens = new SessionTokens(deps.sessionSecret, deps.sessionTtlMs);
  const log = deps.logger;

  const requireJoined = (socket: KopruSocket): { roomId: string; peerId: string } => {
    const { roomId, peerId } = socket.data;
    if (!roomId || !peerId) throw new AppError('NOT_IN_ROOM', 'join a room first');
    return { roomId, peerId };
  };

  /**
   * Ends other connections of the same peer (a resumed session wins over the one it replaces), on whichever
   * node they are. Two broadcasts rather than fetchSockets(): no round trip that waits for every node's
   * answer, so a dead node cannot stall a resume. The old connection's own disconnect then removes nothing:
   * presence belongs to the newest connection.
   */
  const endOtherConnections = (peerId: string, keep: string): void => {
    const others = io.in(peerChannel(peerId)).except(keep);
    others.emit('session:ended', { reason: 'replaced', message: 'this session was opened in another tab' });
    others.disconnectSockets(true);
  };

  const leaveRoom = async (socket: KopruSocket, reason: 'left' | 'disconnected'): Promise<void> => {
    const { roomId, peerId } = socket.data;
    if (!roomId || !peerId) return;
    socket.data.roomId = undefined;
    await socket.leave(roomChannel(roomId));
    const removed = await deps.presence.leave(roomId, peerId, socket.id);
    if (removed) {
      io.to(roomChannel(roomId)).emit('presence:left', { peerId, reason });
      log.info({ roomId, peerId, reason }, 'peer left');
    }
  };

  return function register(socket: KopruSocket): void {
    const { onError } = hooks;
    refuseUnknownEvents(socket, onError);

    onValidated(
      socket,
      'room:join',
      log,
      async (request): Promise<JoinReply> => {
        const now = deps.clock.now();
        if (socket.data.roomId && socket.data.roomId !== request.roomId) {
          throw new AppError('ALREADY_IN_ROOM', 'leave the current room before joining another');
        }
        const tokenPeerId = request.sessionToken
          ? tokens.verify(request.sessionToken, request.roomId, now)
          : undefined;
        const resumedPeerId = socket.data.peerId ?? tokenPeerId;
        const peerId = resumedPeerId ?? deps.ids.peerId();
        const access = await hooks.admit?.(socket, {
          roomId: request.roomId,
          password: request.password,
          peerId,
          tokenValid: tokenPeerId === peerId,
        });
        const previous = resumedPeerId ? await deps.presence.get(request.roomId, peerId) : undefined;
        const info: PeerInfo = {
          peerId,
          name: request.name,
          status: request.status ?? 'available',
          joinedAt: previous?.info.joinedAt ?? now,
        };
        const outcome = await deps.presence.join(
          request.roomId,
          { info, connectionId: socket.id },
          deps.roomCapacity,
        );
        if (outcome.kind === 'full') {
          throw new AppError('ROOM_FULL', `this room is full (${deps.roomCapacity} people at most)`);
        }
        socket.data.roomId = request.roomId;
        socket.data.peerId = peerId;
        await socket.join([roomChannel(request.roomId), peerChannel(peerId)]);
        if (outcome.kind === 'resumed') {
          endOtherConnections(peerId, socket.id);
          socket.to(roomChannel(request.roomId)).emit('presence:updated', { peer: info });
        } else {
          socket.to(roomChannel(request.roomId)).emit('presence:joined', { peer: info });
        }
        log.info({ roomId: request.roomId, peerId, outcome: outcome.kind }, 'peer joined');
        hooks.onJoined?.(outcome.kind);
        return {
          roomId: request.roomId,
          self: info,
          sessionToken: tokens.issue(request.roomId, peerId, now),
          peers: outcome.others,
          iceServers: deps.iceServers(peerId),
          ...(deps.iceServersTtl === undefined ? {} : { iceServersTtl: deps.iceServersTtl }),
          relayOnlyDefault: deps.relayOnlyDefault ?? false,
          ...(access ? { access } : {}),
          resumed: resumedPeerId !== undefined,
        };
      },
      onError,
    );

    onValidated(
      socket,
      'room:leave',
      log,
      async () => {
        requireJoined(socket);
        await leaveRoom(socket, 'left');
        return null;
      },
      onError,
    );

    onValidated(
      socket,
      'peer:update',
      log,
      async (patch) => {
        const { roomId, peerId } = requireJoined(socket);
        const updated = await deps.presence.update(roomId, peerId, patch);
        if (!updated) throw new AppError('NOT_IN_ROOM', 'you are no longer in this room');
        socket.to(roomChannel(roomId)).emit('presence:updated', { peer: updated });
        return updated;
      },
      onError,
    );

    onValidated(
      socket,
      'signal',
      log,
      async ({ to, data }) => {
        const { roomId, peerId } = requireJoined(socket);
        if (to === peerId) throw new AppError('PEER_NOT_FOUND', 'cannot signal yourself');
        const target = await deps.presence.get(roomId, to);
        if (!target) throw new AppError('PEER_NOT_FOUND', 'no such peer in this room');
        // `from` comes from the connection, never from the payload.
        const message = { from: peerId, data };
        // The addressee's current connection is on this node: hand it over directly. Through the adapter
        // every relay would cost a Redis round trip and be read by every other node (benchmarks.md).
        const local = io.sockets.sockets.get(target.connectionId);
        if (local) local.emit('signal', message);
        else io.to(peerChannel(to)).emit('signal', message);
        log.debug({ roomId, from: peerId, to, kind: data.kind }, 'signal relayed');
        hooks.onRelayed?.();
        return null;
      },
      onError,
      // The app's signals come without an acknowledgement: refusals are reported as `signal:failed`.
      (error, payload) => reportSignalFailure(socket, error, payload),
    );

    socket.on('disconnect', () => {
      leaveRoom(socket, 'disconnected').catch((error: unknown) =>
        log.error({ err: error, socketId: socket.id }, 'cleanup after disconnect failed'),
      );
    });
  };
}

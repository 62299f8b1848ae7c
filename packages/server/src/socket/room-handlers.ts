import {
  AppError,
  type ClientKind,
  type DeviceKind,
  type JoinReply,
  type JoinRequest,
  type NearbyJoinReply,
  type PeerInfo,
  type PeerStatus,
  type RoomAccess,
} from '@kopru/protocol';
import type { AppDeps } from '../deps.js';
import { SessionTokens } from '../session-token.js';
import { DEFAULT_NEARBY_MAX, deviceKindOf, nearbyKeyOf } from './nearby.js';
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
  /** Admission to the connection's Nearby group (per-address join limits): throws an AppError to refuse. */
  admitNearby?: (socket: KopruSocket) => Promise<void>;
  /** The connection's client address as `TRUST_PROXY` lets it through (Nearby groups by it). */
  addressOf?: (socket: KopruSocket) => string;
}

/** Presence keys of paired-device rendezvous; room ids cannot contain `:`, so no room join reaches one. */
const DEVICES_KEY_PREFIX = 'devices:';
/** A rendezvous is one pair's: its two devices. */
const PAIRED_DEVICES_PER_RENDEZVOUS = 2;

/** Evictions one Nearby join may make before giving up (others joining at the same moment refill it). */
const MAX_CROWDED_PASSES = 3;

/** Builds the per-connection handlers for rooms, presence and the signaling relay. */
export function createRoomHandlers(io: KopruServer, deps: AppDeps, hooks: RoomHandlerHooks = {}) {
  const tokens = new SessionTokens(deps.sessionSecret, deps.sessionTtlMs);
  const log = deps.logger;
  const nearby = deps.nearby ?? { enabled: true, max: DEFAULT_NEARBY_MAX };

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

  /**
   * Puts a connection into the presence group `key` (a room, or a Nearby group): resumes the peer of a
   * valid token, announces it to the group, and answers with the snapshot. With `crowded`, a full group
   * lets its longest-present peer go instead of refusing the newcomer (Nearby keeps the most recent).
   */
  const enter = async (
    socket: KopruSocket,
    key: string,
    request: {
      name: string;
      status?: PeerStatus | undefined;
      client?: ClientKind | undefined;
      sessionToken?: string | undefined;
    },
    place: {
      capacity: number;
      crowded?: boolean;
      device?: DeviceKind;
      admit: (peerId: string, tokenValid: boolean) => Promise<RoomAccess | undefined>;
    },
  ) => {
    const now = deps.clock.now();
    if (socket.data.roomId && socket.data.roomId !== key) {
      throw new AppError('ALREADY_IN_ROOM', 'leave the current room before joining another');
    }
    const tokenPeerId = request.sessionToken ? tokens.verify(request.sessionToken, key, now) : undefined;
    const resumedPeerId = socket.data.peerId ?? tokenPeerId;
    const peerId = resumedPeerId ?? deps.ids.peerId();
    const access = await place.admit(peerId, tokenPeerId === peerId);
    const previous = resumedPeerId ? await deps.presence.get(key, peerId) : undefined;
    const info: PeerInfo = {
      peerId,
      name: request.name,
      status: request.status ?? 'available',
      ...(request.client ? { client: request.client } : {}),
      joinedAt: previous?.info.joinedAt ?? now,
      ...(place.device ? { device: place.device } : {}),
    };
    const record = { info, connectionId: socket.id };
    let outcome = await deps.presence.join(key, record, place.capacity);
    // Each pass removes one peer, so a group that others keep filling cannot hold this join for long.
    for (let pass = 0; outcome.kind === 'full' && place.crowded && pass < MAX_CROWDED_PASSES; pass++) {
      await letOldestGo(key);
      outcome = await deps.presence.join(key, record, place.capacity);
    }
    if (outcome.kind === 'full') {
      throw new AppError('ROOM_FULL', `this room is full (${place.capacity} people at most)`);
    }
    socket.data.roomId = key;
    socket.data.peerId = peerId;
    await socket.join([roomChannel(key), peerChannel(peerId)]);
    if (outcome.kind === 'resumed') {
      endOtherConnections(peerId, socket.id);
      socket.to(roomChannel(key)).emit('presence:updated', { peer: info, resumed: true });
    } else {
      socket.to(roomChannel(key)).emit('presence:joined', { peer: info });
    }
    log.info({ roomId: key, peerId, outcome: outcome.kind }, 'peer joined');
    hooks.onJoined?.(outcome.kind);
    const reply = {
      self: info,
      sessionToken: tokens.issue(key, peerId, now),
      peers: outcome.others,
      iceServers: deps.iceServers(peerId),
      ...(deps.iceServersTtl === undefined ? {} : { iceServersTtl: deps.iceServersTtl }),
      relayOnlyDefault: deps.relayOnlyDefault ?? false,
      resumed: resumedPeerId !== undefined,
    };
    return { reply, access };
  };

  /** Removes the longest-present peer of a full Nearby group; it is told why and let go. */
  const letOldestGo = async (key: string): Promise<void> => {
    const [oldest] = (await deps.presence.list(key)).sort((a, b) => a.joinedAt - b.joinedAt);
    const record = oldest && (await deps.presence.get(key, oldest.peerId));
    if (!oldest || !record) return;
    if (!(await deps.presence.leave(key, oldest.peerId, record.connectionId))) return;
    io.to(roomChannel(key)).emit('presence:left', { peerId: oldest.peerId, reason: 'left' });
    const evicted = io.in(peerChannel(oldest.peerId));
    evicted.emit('session:ended', {
      reason: 'crowded',
      message: 'too many devices behind this address are open; newer ones are shown instead',
    });
    evicted.disconnectSockets(true);
    log.info({ roomId: key, peerId: oldest.peerId }, 'nearby peer let go: group full');
  };

  return function register(socket: KopruSocket): void {
    const { onError } = hooks;
    refuseUnknownEvents(socket, onError);

    onValidated(
      socket,
      'room:join',
      log,
      async (request): Promise<JoinReply> => {
        const { reply, access } = await enter(socket, request.roomId, request, {
          capacity: deps.roomCapacity,
          admit: async (peerId, tokenValid) =>
            hooks.admit?.(socket, { roomId: request.roomId, password: request.password, peerId, tokenValid }),
        });
        return { roomId: request.roomId, ...reply, ...(access ? { access } : {}) };
      },
      onError,
    );

    onValidated(
      socket,
      'nearby:join',
      log,
      async (request): Promise<NearbyJoinReply> => {
        if (!nearby.enabled) throw new AppError('NEARBY_OFF', 'Nearby is turned off on this server');
        const address = hooks.addressOf?.(socket) ?? socket.handshake.address;
        const key = nearbyKeyOf(deps.sessionSecret, address);
        const { reply } = await enter(socket, key, request, {
          capacity: nearby.max,
          crowded: true,
          device: deviceKindOf(socket.request.headers['user-agent']),
          admit: async () => {
            await hooks.admitNearby?.(socket);
            return undefined;
          },
        });
        return reply;
      },
      onError,
    );

    onValidated(
      socket,
      'devices:join',
      log,
      async (request): Promise<NearbyJoinReply> => {
        // Named by the client, but only the two holders of the pair secret (or of a pairing code's
        // meeting id) know the name; a third connection that learned it gets no further than this group,
        // and the pair proof (docs/security.md#pairing) tells the devices it is not theirs.
        const { rendezvous, ...profile } = request;
        const { reply } = await enter(socket, `${DEVICES_KEY_PREFIX}${rendezvous}`, profile, {
          capacity: PAIRED_DEVICES_PER_RENDEZVOUS,
          admit: async () => {
            await hooks.admitNearby?.(socket);
            return undefined;
          },
        });
        return reply;
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

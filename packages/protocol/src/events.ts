import { z } from 'zod';
import { type Ack, protocolErrorSchema } from './errors.js';
import {
  type IceRefreshReply,
  type IceServer,
  iceRefreshReplySchema,
  iceServerSchema,
  iceServersTtlSchema,
} from './ice.js';
import { LIMITS } from './limits.js';
import {
  type PairClaimReply,
  type PairCreateReply,
  pairClaimReplySchema,
  pairClaimRequestSchema,
  pairCreateReplySchema,
  pairCreateRequestSchema,
  rendezvousIdSchema,
} from './pairing.js';
import {
  clientKindSchema,
  displayNameSchema,
  type LeaveReason,
  leaveReasonSchema,
  type PeerInfo,
  peerIdSchema,
  peerInfoSchema,
  peerStatusSchema,
  roomIdSchema,
} from './presence.js';
import {
  type RoomAccess,
  type RoomAccessChanged,
  roomAccessChangedSchema,
  roomAccessSchema,
  roomPasswordSchema,
  type SetPasswordRequest,
  setPasswordRequestSchema,
} from './room-access.js';
import {
  type SignalFailed,
  type SignalMessage,
  type SignalRequest,
  signalFailedSchema,
  signalMessageSchema,
  signalRequestSchema,
} from './signal.js';

export const joinRequestSchema = z.object({
  roomId: roomIdSchema,
  name: displayNameSchema,
  status: peerStatusSchema.optional(),
  /** The kind of program joining (shown beside the name); a browser when absent. */
  client: clientKindSchema.optional(),
  /** Token from an earlier join: returns the same peer id (a reload or reconnect is the same person). */
  sessionToken: z.string().max(LIMITS.sessionTokenMax).optional(),
  /** The room's password, when it has one (`PASSWORD_REQUIRED`); not needed when the token resumes. */
  password: roomPasswordSchema.optional(),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const joinReplySchema = z.object({
  roomId: roomIdSchema,
  self: peerInfoSchema,
  sessionToken: z.string(),
  /** Everyone else in the room: the full presence snapshot. */
  peers: z.array(peerInfoSchema),
  iceServers: z.array(iceServerSchema),
  /** Seconds the credentials in `iceServers` stay valid; absent when they do not expire. */
  iceServersTtl: iceServersTtlSchema.optional(),
  /** The server's default for relay-only mode (`iceTransportPolicy: 'relay'`); the user may override it. */
  relayOnlyDefault: z.boolean().optional(),
  /** Whether you own the room and whether it has a password. */
  access: roomAccessSchema.optional(),
  /** True when the token was accepted and this is the same peer as before. */
  resumed: z.boolean(),
});
export type JoinReply = z.infer<typeof joinReplySchema>;

/**
 * Nearby: the browsers behind the same public address (IPv4 /32, IPv6 /64, as the server sees them) form
 * a group the server names itself; a client never names it, so it can only ever join its own.
 */
export const nearbyJoinRequestSchema = joinRequestSchema.omit({ roomId: true, password: true });
export type NearbyJoinRequest = z.infer<typeof nearbyJoinRequestSchema>;

/** A room join's reply without the room: the group is never named to its members. */
export const nearbyJoinReplySchema = joinReplySchema.omit({ roomId: true, access: true });
export type NearbyJoinReply = z.infer<typeof nearbyJoinReplySchema>;

/**
 * Paired devices: the connection joins the rendezvous named by `rendezvous` (a hash of the pair secret, or
 * the server's meeting id from a pairing code). Two at most; like Nearby, a connection is in one group.
 */
export const devicesJoinRequestSchema = nearbyJoinRequestSchema.extend({ rendezvous: rendezvousIdSchema });
export type DevicesJoinRequest = z.infer<typeof devicesJoinRequestSchema>;

export const updateRequestSchema = z
  .object({ name: displayNameSchema.optional(), status: peerStatusSchema.optional() })
  .refine((u) => u.name !== undefined || u.status !== undefined, 'nothing to update');
export type UpdateRequest = z.infer<typeof updateRequestSchema>;

export const peerJoinedSchema = z.object({ peer: peerInfoSchema });
/**
 * `resumed`: the peer came back on a new signaling connection (its session token): signals relayed to its
 * previous connection may have been lost with it, so an offer still waiting for its answer never will.
 */
export const peerUpdatedSchema = z.object({ peer: peerInfoSchema, resumed: z.boolean().optional() });
export const peerLeftSchema = z.object({ peerId: peerIdSchema, reason: leaveReasonSchema });
export const sessionEndedSchema = z.object({
  /** `crowded`: more than `NEARBY_MAX` newer devices joined this Nearby group, so this one was let go. */
  reason: z.enum(['replaced', 'shutdown', 'crowded']),
  message: z.string(),
});
export type SessionEnded = z.infer<typeof sessionEndedSchema>;

export type AckCallback<T> = (reply: Ack<T>) => void;

/**
 * Client → server events. Every payload is `unknown` on the wire; the server validates it with the schema
 * of the same name in `clientEventSchemas` before acting. Each one is answered through its ack, except a
 * `signal` sent without one: it is relayed silently, or refused with a `signal:failed` event.
 */
export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: AckCallback<JoinReply>) => void;
  /**
   * Joins the Nearby group of this connection's public address (instead of a room: a connection is in
   * one or the other). `room:leave`, `peer:update` and `signal` then work within the group.
   */
  'nearby:join': (request: NearbyJoinRequest, ack: AckCallback<NearbyJoinReply>) => void;
  /** Joins a paired-device rendezvous (see `devicesJoinRequestSchema`); the reply has no room either. */
  'devices:join': (request: DevicesJoinRequest, ack: AckCallback<NearbyJoinReply>) => void;
  /** A new 6-digit pairing code (2 minutes, one use) and the rendezvous where its claimer will be sent. */
  'pair:create': (request: Record<string, never>, ack: AckCallback<PairCreateReply>) => void;
  /** Claims a pairing code: answered with its rendezvous, or `PAIR_CODE_WRONG`/`_EXPIRED`/`_USED`. */
  'pair:claim': (request: { code: string }, ack: AckCallback<PairClaimReply>) => void;
  'room:leave': (request: Record<string, never>, ack: AckCallback<null>) => void;
  'peer:update': (request: UpdateRequest, ack: AckCallback<PeerInfo>) => void;
  /**
   * The app sends signals without an acknowledgement (one socket write per relay instead of two, like
   * PeerServer; docs/benchmarks.md); with one, it is answered like any request.
   */
  signal: (request: SignalRequest, ack?: AckCallback<null>) => void;
  /** The room's owner sets (or, with `null`, removes) its password. */
  'room:set-password': (request: SetPasswordRequest, ack: AckCallback<RoomAccess>) => void;
  /** Fresh ICE servers (new TURN credentials) before the current ones expire. */
  'ice:refresh': (request: Record<string, never>, ack: AckCallback<IceRefreshReply>) => void;
}

/** Server → client events. The client validates each with `serverEventSchemas` too. */
export interface ServerToClientEvents {
  'presence:joined': (event: { peer: PeerInfo }) => void;
  'presence:updated': (event: { peer: PeerInfo; resumed?: boolean }) => void;
  'presence:left': (event: { peerId: string; reason: LeaveReason }) => void;
  signal: (event: SignalMessage) => void;
  /** A `signal` sent without an acknowledgement was refused. */
  'signal:failed': (event: SignalFailed) => void;
  'session:ended': (event: SessionEnded) => void;
  'room:access': (event: RoomAccessChanged) => void;
}

export const clientEventSchemas = {
  'room:join': joinRequestSchema,
  'nearby:join': nearbyJoinRequestSchema,
  'devices:join': devicesJoinRequestSchema,
  'pair:create': pairCreateRequestSchema,
  'pair:claim': pairClaimRequestSchema,
  'room:leave': z.object({}).strict(),
  'peer:update': updateRequestSchema,
  signal: signalRequestSchema,
  'room:set-password': setPasswordRequestSchema,
  'ice:refresh': z.object({}).strict(),
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;

/**
 * What each request's acknowledgement carries when it succeeds (`{ ok: true, data }`). The client parses
 * every reply with `ackSchema(clientReplySchemas[event])`: the server is a trust boundary too, and a reply of
 * the wrong shape (a server of another version) becomes a typed `INVALID_REPLY` error, not a cast.
 */
export const clientReplySchemas = {
  'room:join': joinReplySchema,
  'room:leave': z.null(),
  'peer:update': peerInfoSchema,
  signal: z.null(),
  'room:set-password': roomAccessSchema,
  'ice:refresh': iceRefreshReplySchema,
  'nearby:join': nearbyJoinReplySchema,
  'devices:join': nearbyJoinReplySchema,
  'pair:create': pairCreateReplySchema,
  'pair:claim': pairClaimReplySchema,
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;

/** The acknowledgement around a reply: its data on success, the server's `{ code, message }` otherwise. */
export const ackSchema = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: protocolErrorSchema }),
  ]);

export const serverEventSchemas = {
  'presence:joined': peerJoinedSchema,
  'presence:updated': peerUpdatedSchema,
  'presence:left': peerLeftSchema,
  signal: signalMessageSchema,
  'signal:failed': signalFailedSchema,
  'session:ended': sessionEndedSchema,
  'room:access': roomAccessChangedSchema,
} as const satisfies Record<keyof ServerToClientEvents, z.ZodType>;

export type { IceServer };

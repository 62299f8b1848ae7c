import {
  AppError,
  ackSchema,
  type ClientKind,
  type ClientToServerEvents,
  clientReplySchemas,
  type JoinReply,
  type LeaveReason,
  type PeerInfo,
  type PeerStatus,
  type ProtocolError,
  protocolErrorSchema,
  type RoomAccessChanged,
  type ServerToClientEvents,
  type SessionEnded,
  type SignalData,
  type SignalFailed,
  type SignalMessage,
  serverEventSchemas,
} from '@kopru/protocol';
import type { Socket } from 'socket.io-client';
import { z } from 'zod';
import { TypedEmitter } from '../util/typed-emitter.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionStatus =
  /** First connection, or joining. */
  | 'connecting'
  | 'connected'
  /** Lost the server; socket.io is retrying with backoff. */
  | 'reconnecting'
  /** The server refused to let us in (see the `error` event), e.g. the room is full. */
  | 'refused'
  /** This session was taken over by another tab, or closed. */
  | 'ended';

export interface SignalingEvents {
  status: ConnectionStatus;
  joined: JoinReply;
  'peer-joined': PeerInfo;
  /** `resumed`: the peer is back on a new signaling connection (see `peerUpdatedSchema`). */
  'peer-updated': { peer: PeerInfo; resumed: boolean };
  'peer-left': { peerId: string; reason: LeaveReason };
  signal: SignalMessage;
  /** The server refused one of our signals (sent without an acknowledgement): to whom, and why. */
  'signal-failed': SignalFailed;
  'session-ended': SessionEnded;
  error: ProtocolError;
  /** The room's owner set or removed its password. */
  'room-access': RoomAccessChanged;
}

/** Where the session token is kept between reloads (sessionStorage in the browser: one peer per tab). */
export interface TokenStore {
  get(): string | undefined;
  set(token: string): void;
  clear(): void;
}

/**
 * The local name of the Nearby group (the server never names it), under which its history and session token
 * are kept; `~` is not allowed in room ids, so no room can share it.
 */
export const NEARBY_ROOM_ID = '~nearby';

export interface SignalingOptions {
  socket: ClientSocket;
  /** The room to join, or `NEARBY_ROOM_ID` with `nearby`. */
  roomId: string;
  /** Join the Nearby group of this connection's address (`nearby:join`) instead of a room. */
  nearby?: boolean;
  /** Join this paired-device rendezvous (`devices:join`) instead of a room. */
  rendezvous?: string;
  /** Read at each (re)join, so a rename while offline is not lost. */
  profile: () => { name: string; status: PeerStatus };
  tokens: TokenStore;
  /** What others see beside our name: the web app (default) or the command line. */
  client?: ClientKind;
  /** How long a request waits for its answer. */
  requestTimeoutMs?: number;
  /** Randomness for spreading reconnects (Math.random by default; tests pass a fixed one). */
  random?: () => number;
}

/** 10 s: socket.io's own ping interval is 25 s; a request unanswered for 10 s on a live socket is lost. */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Signals queued while offline; beyond this they are stale and the recovery ladder renegotiates anyway. */
const MAX_QUEUED_SIGNALS = 256;
/**
 * When a server node shuts down, its clients reconnect after a random delay of up to this long, so the
 * remaining nodes are not hit by all of them in the same instant. The node keeps their presence for 3 s
 * (SHUTDOWN_REJOIN_GRACE_MS on the server), so they resume as the same peer well within it.
 */
export const SHUTDOWN_RECONNECT_SPREAD_MS = 1_000;

/** The data of a successful reply to request `E`, as its schema in `clientReplySchemas` parses it. */
type ReplyOf<E extends keyof ClientToServerEvents> = z.output<(typeof clientReplySchemas)[E]>;

/**
 * The browser's side of the signaling server: joins the room on every (re)connect with its session token,
 * validates every server event, and relays signals. It knows nothing of WebRTC.
 */
export class SignalingClient extends TypedEmitter<SignalingEvents> {
  private status: ConnectionStatus = 'connecting';
  private joined = false;
  private closed = false;
  private readonly outbox: { to: string; data: SignalData }[] = [];
  private readonly timeoutMs: number;
  private moveTimer: ReturnType<typeof setTimeout> | undefined;
  /** The room password for the next join only; forgotten once that join is answered. */
  private password: string | undefined;

  constructor(private readonly opts: SignalingOptions) {
    super();
    this.timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const socket = opts.socket;
    socket.on('connect', () => void this.join());
    socket.on('disconnect', (reason) => {
      this.joined = false;
      if (this.closed || this.status === 'ended' || this.status === 'refused') return;
      // 'io server disconnect' without a session:ended is a server that closed us; socket.io will not retry.
      if (reason === 'io server disconnect') socket.connect();
      this.setStatus('reconnecting');
    });
    // A refusal by the server's connection guard (origin, too many connections) is final for socket.io: it
    // does not retry, so say why instead of staying "connecting".
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const refusal = protocolErrorSchema.safeParse(error.data);
      if (!refusal.success || this.closed) return;
      this.setStatus('refused');
      this.emit('error', refusal.data);
    });
    socket.io.on('reconnect_attempt', () => {
      if (this.status !== 'ended') this.setStatus('reconnecting');
    });
    this.listen('presence:joined', (e) => this.emit('peer-joined', e.peer));
    this.listen('presence:updated', (e) =>
      this.emit('peer-updated', { peer: e.peer, resumed: e.resumed ?? false }),
    );
    this.listen('presence:left', (e) => this.emit('peer-left', e));
    this.listen('signal', (e) => this.emit('signal', e));
    this.listen('signal:failed', (e) => this.emit('signal-failed', e));
    this.listen('room:access', (e) => this.emit('room-access', e));
    this.listen('session:ended', (e) => {
      if (e.reason === 'shutdown') {
        this.moveToAnotherServer();
        return;
      }
      if (e.reason === 'replaced') this.opts.tokens.clear();
      this.setStatus('ended');
      this.emit('session-ended', e);
    });
  }

  get connectionStatus(): ConnectionStatus {
    return this.status;
  }

  /** Opens the connection; joining happens on every connect. */
  start(): void {
    this.closed = false;
    if (this.status === 'ended' || this.status === 'refused') this.setStatus('connecting');
    this.opts.socket.connect();
  }

  /**
   * Sends a request and resolves with its data, or rejects with an AppError: the server's code, `INTERNAL`
   * when no answer came in time, `INVALID_REPLY` when the answer does not match its schema.
   */
  async request<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<ReplyOf<E>> {
    return requestOver(this.opts.socket, event, payload, this.timeoutMs);
  }

  /**
   * Relays a signal; while offline it waits in order and goes out after the next join. Sent without an
   * acknowledgement (half the server's socket writes per relay; docs/benchmarks.md): a refusal comes back
   * as `signal-failed`.
   */
  signal(to: string, data: SignalData): void {
    if (!this.joined) {
      if (this.outbox.length >= MAX_QUEUED_SIGNALS) this.outbox.shift();
      this.outbox.push({ to, data });
      return;
    }
    this.opts.socket.emit('signal', { to, data });
  }

  async updateSelf(patch: { name?: string; status?: PeerStatus }): Promise<PeerInfo | undefined> {
    if (!this.joined) return undefined; // the next join carries the new profile
    return this.request('peer:update', patch);
  }

  /**
   * Joins again with the room's password (after `PASSWORD_REQUIRED` or `WRONG_PASSWORD`). It is sent with
   * that one join and then forgotten: a reconnect resumes with the session token instead.
   */
  joinWithPassword(password: string): void {
    this.password = password;
    if (this.opts.socket.connected) void this.join();
    else this.start();
  }

  /** Leaves the room and closes the connection. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.moveTimer);
    this.setStatus('ended');
    if (this.joined) this.opts.socket.emit('room:leave', {}, () => {});
    this.joined = false;
    this.opts.socket.disconnect();
  }

  private async join(): Promise<void> {
    this.setStatus('connecting');
    const { name, status } = this.opts.profile();
    const sessionToken = this.opts.tokens.get();
    const password = this.password;
    this.password = undefined;
    try {
      const profile = {
        name,
        status,
        ...(this.opts.client ? { client: this.opts.client } : {}),
        ...(sessionToken ? { sessionToken } : {}),
      };
      const { rendezvous } = this.opts;
      const reply: JoinReply = rendezvous
        ? { roomId: this.opts.roomId, ...(await this.request('devices:join', { ...profile, rendezvous })) }
        : this.opts.nearby
          ? { roomId: this.opts.roomId, ...(await this.request('nearby:join', profile)) }
          : await this.request('room:join', {
              roomId: this.opts.roomId,
              ...profile,
              ...(password ? { password } : {}),
            });
      this.opts.tokens.set(reply.sessionToken);
      this.joined = true;
      // Queued signals go out before anything a `joined` listener sends (e.g. an ICE restart):
      // perfect negotiation relies on the signaling channel keeping order.
      this.flushOutbox();
      this.setStatus('connected');
      this.emit('joined', reply);
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('INTERNAL', String(error));
      if (appError.code === 'INTERNAL') {
        // Lost on the way (timeout): try again on a fresh connection.
        this.opts.socket.disconnect().connect();
        return;
      }
      this.setStatus('refused');
      this.emit('error', appError.toJSON());
      this.opts.socket.disconnect();
    }
  }

  /**
   * The server node is shutting down: not the end of the session. Let go of it now (so it can drain) and
   * connect again shortly; behind a load balancer that lands on another node, and the session token
   * brings us back as the same peer.
   */
  private moveToAnotherServer(): void {
    if (this.closed) return;
    this.opts.socket.disconnect();
    this.setStatus('reconnecting');
    const delay = (this.opts.random ?? Math.random)() * SHUTDOWN_RECONNECT_SPREAD_MS;
    clearTimeout(this.moveTimer);
    this.moveTimer = setTimeout(() => {
      if (!this.closed) this.opts.socket.connect();
    }, delay);
  }

  private flushOutbox(): void {
    for (const { to, data } of this.outbox.splice(0)) this.signal(to, data);
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }

  /** Subscribes to a server event, dropping (and reporting) any payload that fails its schema. */
  private listen<E extends keyof ServerToClientEvents>(
    event: E,
    handler: (payload: z.output<(typeof serverEventSchemas)[E]>) => void,
  ): void {
    const schema: z.ZodType = serverEventSchemas[event];
    (this.opts.socket.on as (event: string, listener: (payload: unknown) => void) => void)(
      event,
      (payload) => {
        const parsed = schema.safeParse(payload);
        if (parsed.success) handler(parsed.data as z.output<(typeof serverEventSchemas)[E]>);
        else console.warn(`dropped malformed ${event} from server`, parsed.error.issues);
      },
    );
  }
}

/**
 * One request over a socket, its reply parsed with the event's schema: the data, or the server's AppError
 * (`INTERNAL` when no answer came within `timeoutMs`, `INVALID_REPLY` for a reply of the wrong shape).
 */
export async function requestOver<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
): Promise<ReplyOf<E>> {
  const timed = socket.timeout(timeoutMs);
  // The typed emitWithAck cannot express "the ack's argument for event E"; the reply is parsed below.
  const emit = timed.emitWithAck.bind(timed) as unknown as (event: E, payload: unknown) => Promise<unknown>;
  let answer: unknown;
  try {
    answer = await emit(event, payload);
  } catch (cause) {
    throw new AppError('INTERNAL', `${event}: no answer from the server`, { cause });
  }
  const parsed = ackSchema(clientReplySchemas[event]).safeParse(answer);
  if (!parsed.success) {
    throw new AppError('INVALID_REPLY', `${event}: unexpected reply (${z.prettifyError(parsed.error)})`, {
      cause: parsed.error,
    });
  }
  const reply = parsed.data;
  if (!reply.ok) {
    const { code, message, retryAfterMs } = reply.error;
    throw new AppError(code, message, retryAfterMs === undefined ? undefined : { retryAfterMs });
  }
  // Parsed by the schema of event E; TypeScript cannot narrow the lookup by a generic key.
  return reply.data as ReplyOf<E>;
}

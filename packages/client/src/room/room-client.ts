import {
  displayNameSchema,
  type IceServer,
  type PeerInfo,
  type PeerStatus,
  type ProtocolError,
  type RoomAccess,
  type SessionEnded,
  type SignalMessage,
} from '@kopru/protocol';
import type { ConnectionStatus, SignalingClient } from '../signaling/signaling-client.js';
import { systemTimers, type Timers } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { IceRefreshSchedule } from './ice-refresh.js';
import { emptyRoomState, type PresenceAction, type RoomState, reducePresence } from './room-state.js';

export interface RoomClientEvents {
  state: RoomState;
  status: ConnectionStatus;
  error: ProtocolError;
  'session-ended': SessionEnded;
  /** ICE servers from a join, or fresh ones (new TURN credentials) before the old ones expire. */
  'ice-servers': IceServer[];
  /** Whether we own the room and whether it has a password (after a join, and when the owner changes it). */
  access: RoomAccess;
  /** A peer joined or came back (resumed): sessions with it may need recovery. */
  'peer-joined': PeerInfo;
  /**
   * A peer we knew is back on a new signaling connection (its old one died, e.g. with its network): what
   * was relayed to the old one may be lost.
   */
  'peer-resumed': PeerInfo;
  'peer-left': { peerId: string };
  signal: SignalMessage;
}

export interface ProfileStore {
  load(): { name: string } | undefined;
  save(profile: { name: string }): void;
}

/**
 * The room façade for the UI: presence state built from signaling events, and the user's own profile.
 * Peer sessions (WebRTC) subscribe to `signal`, `peer-joined` and `peer-left`.
 */
export class RoomClient extends TypedEmitter<RoomClientEvents> {
  private state: RoomState;
  private profile: { name: string; status: PeerStatus };
  private readonly offs: (() => void)[] = [];
  private iceServers: IceServer[] = [];
  private relayOnly = false;
  private roomAccess: RoomAccess = { owner: false, passwordProtected: false };
  private readonly iceRefresh: IceRefreshSchedule;

  constructor(
    readonly roomId: string,
    private readonly signaling: SignalingClient,
    private readonly profiles: ProfileStore,
    defaultName: () => string,
    timers: Timers = systemTimers,
  ) {
    super();
    this.iceRefresh = new IceRefreshSchedule(timers, async () => {
      const fresh = await signaling.request('ice:refresh', {});
      this.iceServers = fresh.iceServers;
      this.emit('ice-servers', fresh.iceServers);
      return fresh.iceServersTtl;
    });
    this.state = emptyRoomState(roomId);
    const saved = profiles.load();
    const name = saved && displayNameSchema.safeParse(saved.name).success ? saved.name : defaultName();
    if (!saved) profiles.save({ name });
    this.profile = { name, status: 'available' };

    this.offs.push(
      signaling.on('joined', (reply) => {
        this.iceServers = reply.iceServers;
        this.relayOnly = reply.relayOnlyDefault ?? false;
        this.iceRefresh.schedule(reply.iceServersTtl);
        this.emit('ice-servers', reply.iceServers);
        if (reply.access) this.setAccess(reply.access);
        this.apply({ type: 'snapshot', self: reply.self, peers: reply.peers });
        for (const peer of reply.peers) this.emit('peer-joined', peer);
      }),
      signaling.on('peer-joined', (peer) => {
        this.apply({ type: 'joined', peer });
        this.emit('peer-joined', peer);
      }),
      signaling.on('peer-updated', ({ peer, resumed }) => {
        const known = this.state.peers.has(peer.peerId);
        this.apply({ type: 'updated', peer });
        if (!known) this.emit('peer-joined', peer);
        else if (resumed) this.emit('peer-resumed', peer);
      }),
      signaling.on('peer-left', ({ peerId }) => {
        this.apply({ type: 'left', peerId });
        this.emit('peer-left', { peerId });
      }),
      signaling.on('signal', (message) => this.emit('signal', message)),
      signaling.on('room-access', ({ passwordProtected }) =>
        this.setAccess({ ...this.roomAccess, passwordProtected }),
      ),
      signaling.on('status', (status) => {
        if (status !== 'connected') this.iceRefresh.cancel();
      }),
      signaling.on('status', (status) => this.emit('status', status)),
      signaling.on('error', (error) => this.emit('error', error)),
      signaling.on('session-ended', (event) => this.emit('session-ended', event)),
    );
  }

  get current(): RoomState {
    return this.state;
  }

  get status(): ConnectionStatus {
    return this.signaling.connectionStatus;
  }

  get name(): string {
    return this.profile.name;
  }

  get currentIceServers(): IceServer[] {
    return this.iceServers;
  }

  /** The server's default for relay-only mode (from the last join). */
  get relayOnlyDefault(): boolean {
    return this.relayOnly;
  }

  get access(): RoomAccess {
    return this.roomAccess;
  }

  /** Joins again with the room's password, after the server asked for it. */
  joinWithPassword(password: string): void {
    this.signaling.joinWithPassword(password);
  }

  /** The owner sets (or with `null` removes) the room's password. Rejects with the server's AppError. */
  async setRoomPassword(password: string | null): Promise<void> {
    this.setAccess(await this.signaling.request('room:set-password', { password }));
  }

  /** The signaling transport, for peer sessions that relay offers, answers and candidates. */
  get signalingClient(): SignalingClient {
    return this.signaling;
  }

  start(): void {
    this.signaling.start();
  }

  /** Renames the user; remembered across visits. Throws on an invalid name (nothing changes). */
  async rename(name: string): Promise<void> {
    const parsed = displayNameSchema.parse(name);
    this.profile = { ...this.profile, name: parsed };
    this.profiles.save({ name: parsed });
    this.applySelf({ name: parsed });
    await this.signaling.updateSelf({ name: parsed });
  }

  async setStatus(status: PeerStatus): Promise<void> {
    if (this.profile.status === status) return;
    this.profile = { ...this.profile, status };
    this.applySelf({ status });
    await this.signaling.updateSelf({ status });
  }

  /** What the signaling client sends on each (re)join. */
  currentProfile(): { name: string; status: PeerStatus } {
    return this.profile;
  }

  /**
   * Leaves and disconnects, but can `start()` again (Nearby's "Visible to nearby devices" switch): everyone
   * is forgotten at once, so the peer sessions with them close, and the next join brings a fresh snapshot.
   */
  stop(): void {
    this.iceRefresh.cancel();
    this.signaling.close();
    for (const peerId of [...this.state.peers.keys()]) {
      this.apply({ type: 'left', peerId });
      this.emit('peer-left', { peerId });
    }
  }

  close(): void {
    this.iceRefresh.cancel();
    for (const off of this.offs.splice(0)) off();
    this.signaling.close();
  }

  private setAccess(access: RoomAccess): void {
    this.roomAccess = access;
    this.emit('access', access);
  }

  private applySelf(patch: Partial<PeerInfo>): void {
    if (this.state.self) this.apply({ type: 'self-updated', self: { ...this.state.self, ...patch } });
  }

  private apply(action: PresenceAction): void {
    const next = reducePresence(this.state, action);
    if (next === this.state) return;
    this.state = next;
    this.emit('state', next);
  }
}

import type { PairHelloMessage } from '@kopru/protocol';
import { MemoryChatStore } from '../chat/chat-store.js';
import type { PeerMesh } from '../peer/peer-mesh.js';
import type { RoomClient } from '../room/room-client.js';
import { roleOf } from '../security/link-proof.js';
import { KopruSession, type SessionOptions } from '../session.js';
import { type Clock, systemClock, systemTimers, type TimerId, type Timers } from '../util/seams.js';
import { TypedEmitter, type Unsubscribe } from '../util/typed-emitter.js';
import { derivePairSecret, generatePairNonce, rendezvousOf } from './pair-secret.js';
import type { PairedDevice } from './paired-devices.js';

/**
 * After pairing, the meeting stays open this long (or until the other device leaves it), so that our
 * `pair-hello`, sent before theirs arrived, is surely read before our connection closes.
 */
export const PAIRING_LINGER_MS = 5_000;

export type PairingMeetingEvents = {
  /** The pair secret is agreed; `device` is the other device, ready to keep. */
  paired: { device: PairedDevice };
};

export interface PairingMeetingOptions {
  /** A room client for the pairing code's rendezvous (`devices:join`), started by the meeting. */
  room: RoomClient;
  /** WebRTC seams for the mesh (tests pass fakes). */
  mesh?: SessionOptions['mesh'];
  clock?: Clock;
  timers?: Timers;
  random?: (bytes: Uint8Array) => void;
}

/**
 * The one meeting a pairing code arranges (docs/protocol.md#pairing): connects to the other device, sends
 * our half of the pair secret in a `pair-hello` on the DTLS-protected control channel, derives the secret
 * from both halves and the connection's fingerprints (`derivePairSecret`), and says `paired`. The server
 * relays only the WebRTC signals. Closes itself shortly after (idempotent `close()`).
 */
export class PairingMeeting extends TypedEmitter<PairingMeetingEvents> {
  private readonly session: KopruSession;
  private readonly offs: Unsubscribe[] = [];
  private meshOffs: Unsubscribe[] = [];
  /** Our nonce on the current connection with each peer (a new connection sends a new one). */
  private readonly sent = new Map<string, string>();
  private selfPeerId: string | undefined;
  private done = false;
  private closed = false;
  private linger: TimerId | undefined;
  private readonly timers: Timers;

  constructor(private readonly opts: PairingMeetingOptions) {
    super();
    this.timers = opts.timers ?? systemTimers;
    const room = opts.room;
    this.session = new KopruSession({
      room,
      chatStore: new MemoryChatStore(),
      ...(opts.mesh ? { mesh: opts.mesh } : {}),
    });
    this.offs.push(
      this.session.on('ready', ({ mesh, selfPeerId }) => this.follow(mesh, selfPeerId)),
      this.session.on('pairing-message', ({ peerId, message }) => {
        if (message.type === 'pair-hello') void this.handleHello(peerId, message);
      }),
      room.on('peer-joined', ({ peerId }) => this.session.peerMesh?.ensureSession(peerId)),
      room.on('peer-left', () => {
        if (this.done) this.close();
      }),
    );
    const current = this.session.current;
    if (current) this.follow(current.mesh, current.selfPeerId);
    room.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.linger !== undefined) this.timers.clearTimeout(this.linger);
    for (const off of [...this.offs.splice(0), ...this.meshOffs.splice(0)]) off();
    this.session.close();
    this.opts.room.close();
    this.removeAllListeners();
  }

  private follow(mesh: PeerMesh, selfPeerId: string): void {
    for (const off of this.meshOffs.splice(0)) off();
    this.sent.clear();
    this.meshOffs = [
      mesh.on('session', ({ peerId }) => this.sent.delete(peerId)),
      mesh.on('control-open', ({ peerId }) => this.sendHello(mesh, peerId)),
    ];
    for (const peerId of this.opts.room.current.peers.keys()) mesh.ensureSession(peerId);
    this.selfPeerId = selfPeerId;
  }

  private sendHello(mesh: PeerMesh, peerId: string): string | undefined {
    const existing = this.sent.get(peerId);
    if (existing) return existing;
    const nonce = generatePairNonce(this.opts.random);
    if (!mesh.send(peerId, { type: 'pair-hello', v: 1, nonce, name: this.opts.room.name })) return undefined;
    this.sent.set(peerId, nonce);
    return nonce;
  }

  private async handleHello(peerId: string, message: PairHelloMessage): Promise<void> {
    const mesh = this.session.peerMesh;
    const self = this.selfPeerId;
    if (this.done || this.closed || !mesh || !self) return;
    const own = this.sendHello(mesh, peerId);
    const local = mesh.localFingerprint(peerId);
    const remote = mesh.remoteFingerprint(peerId);
    if (!own || !local || !remote) return;
    const view = {
      role: roleOf(self, peerId),
      ownFingerprint: local,
      peerFingerprint: remote,
      ownPeerId: self,
      peerPeerId: peerId,
    };
    const secret = await derivePairSecret(view, own, message.nonce);
    const rendezvous = await rendezvousOf(secret);
    if (this.done || this.closed) return;
    this.done = true;
    const pairedAt = (this.opts.clock ?? systemClock).now();
    this.emit('paired', { device: { rendezvous, secret, label: message.name, pairedAt } });
    this.linger = this.timers.setTimeout(() => this.close(), PAIRING_LINGER_MS);
  }
}

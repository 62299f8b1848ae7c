import type { LinkProofMessage, PeerMessage } from '@kopru/protocol';
import type { DtlsFingerprint } from '../peer/sdp.js';
import { consoleLogger, type Logger, systemTimers, type TimerId, type Timers } from '../util/seams.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import {
  computeLinkProof,
  deriveProofKey,
  type LinkProofView,
  roleOf,
  verifyLinkProof,
} from './link-proof.js';

/**
 * Where a peer stands with the invite-link proof (only tracked while we hold the room's key):
 * - `pending`: connected, their proof has not arrived yet;
 * - `verified`: their proof matches the DTLS keys of this very connection ("Verified by invite link");
 * - `missing`: no proof LINK_PROOF_WAIT_MS after the control channel opened: they came without the key (or
 *   someone in between drops it, which achieves nothing more than that) — neutral, not an alarm;
 * - `failed`: they sent a well-formed proof that does not match our connection: what a man in the middle
 *   looks like. It stands across new connections until a proof verifies.
 */
export type LinkProofState = 'pending' | 'verified' | 'missing' | 'failed';

export interface LinkProofStatus {
  peerId: string;
  state: LinkProofState;
  /** The peer's DTLS fingerprint on the connection the state is about. */
  remoteFingerprint: DtlsFingerprint | undefined;
}

export type LinkVerifierEvents = { changed: LinkProofStatus };

/**
 * How long a proof may take after the control channel opened. The proof goes out the moment the channel
 * opens on the other side (one HMAC); `e2e/link-proof.spec.ts` requires both sides verified within 5 s of
 * connecting, on a 2-core machine shared with other work. Twice that before a neutral hint appears.
 */
export const LINK_PROOF_WAIT_MS = 10_000;

export interface LinkVerifierTransport {
  send(peerId: string, message: PeerMessage): boolean;
  /** Taken from the negotiated local and remote descriptions of the pair's live connection. */
  fingerprints(peerId: string): { local: DtlsFingerprint | undefined; remote: DtlsFingerprint | undefined };
}

export interface LinkVerifierOptions {
  roomId: string;
  selfPeerId: string;
  /** The room's link key (base64url), undefined when we came without one: then nothing is proved. */
  linkKey: string | undefined;
  transport: LinkVerifierTransport;
  timers?: Timers;
  logger?: Logger;
}

interface PeerProof {
  state: LinkProofState;
  remoteFingerprint: DtlsFingerprint | undefined;
  /** Bumped on every new connection: a verdict computed for an older one is thrown away. */
  connection: number;
  /** The proof accepted or refused on this connection (a repeat of it is dropped). */
  judged: string | undefined;
  /** Whether we sent ours again in answer to theirs on this connection (see `handleProof`). */
  answered: boolean;
  timer: TimerId | undefined;
}

/**
 * Runs the invite-link proof with every peer, once per connection (docs/security.md#invite-link-proof).
 * Input: `handle*()` from the session (new connection, control channel open/closed, a `link-proof`
 * message); output: `changed` events and `state()`.
 */
export class LinkVerifier extends TypedEmitter<LinkVerifierEvents> {
  private readonly peers = new Map<string, PeerProof>();
  private readonly proofKey: Promise<CryptoKey> | undefined;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private closed = false;

  constructor(private readonly opts: LinkVerifierOptions) {
    const logger = opts.logger ?? consoleLogger('link-proof');
    super((error) => logger.error('listener threw', { error: String(error) }));
    this.logger = logger;
    this.timers = opts.timers ?? systemTimers;
    this.proofKey = opts.linkKey ? deriveProofKey(opts.linkKey, opts.roomId) : undefined;
    // A key that cannot be used (never a valid one: the caller checks) must not become an unhandled rejection.
    this.proofKey?.catch((error) => logger.error('no proof key', { error: String(error) }));
  }

  /** False when we came without the room's key: nobody can be verified by link then. */
  get hasKey(): boolean {
    return this.proofKey !== undefined;
  }

  state(peerId: string): LinkProofState | undefined {
    return this.peers.get(peerId)?.state;
  }

  statuses(): LinkProofStatus[] {
    return [...this.peers.entries()].map(([peerId, p]) => ({
      peerId,
      state: p.state,
      remoteFingerprint: p.remoteFingerprint,
    }));
  }

  /**
   * True while a proof from this peer failed and none has verified since: "Always accept from this
   * person" is not honoured then (the files may come from whoever is in between).
   */
  holdsAutoAccept(peerId: string): boolean {
    return this.peers.get(peerId)?.state === 'failed';
  }

  /** A new RTCPeerConnection for the pair: the proof runs again on it (a failure stands until then). */
  handleSession(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer || !this.proofKey) return;
    this.stopTimer(peer);
    peer.connection += 1;
    peer.judged = undefined;
    peer.answered = false;
    if (peer.state !== 'failed') this.set(peerId, peer, 'pending', undefined);
    // Also from here, not only when the channel opens: a connection whose channel never reports open
    // (replaced again meanwhile, or opened without fingerprints) must not leave the peer pending for ever.
    this.armMissingTimer(peerId, peer);
  }

  /** The control channel opened: send our proof for this connection, and wait for theirs. */
  handleControlOpen(peerId: string): void {
    const proofKey = this.proofKey;
    if (this.closed || !proofKey) return;
    const peer = this.peerFor(peerId);
    // The wait for their proof starts (again) now that the channel can carry it.
    this.armMissingTimer(peerId, peer);
    const view = this.view(peerId);
    if (!view) {
      this.logger.warn('control open without both fingerprints: no link proof', { peerId });
      return;
    }
    this.sendProof(peerId, peer, proofKey, view);
  }

  /** A `link-proof` message from the peer (already validated by the schema). */
  handleProof(peerId: string, message: LinkProofMessage): void {
    const proofKey = this.proofKey;
    if (this.closed) return;
    if (!proofKey) {
      this.logger.debug('link proof ignored: we hold no key for this room', { peerId });
      return;
    }
    const peer = this.peerFor(peerId);
    if (peer.judged === message.proof) {
      // Expected once per connection: the peer's answer to our proof repeats the one it sent on opening.
      this.logger.debug('link proof dropped', {
        peerId,
        code: 'LINK_PROOF_REPEATED',
        message: 'the same proof again on this connection',
      });
      return;
    }
    const view = this.view(peerId);
    if (!view) {
      this.logger.warn('link proof dropped', {
        peerId,
        code: 'LINK_PROOF_NO_CONNECTION',
        message: 'no negotiated fingerprints to check it against',
      });
      return;
    }
    const connection = peer.connection;
    peer.judged = message.proof;
    // Answer with ours, once per connection. Each side sends its proof when its control channel opens, but
    // that one can be lost: a connection replaced while the proof was on its way, or an intercepter that
    // rebuilt one leg. Theirs reaching us is the moment we know the channel carries ours to them.
    if (!peer.answered) {
      peer.answered = true;
      this.sendProof(peerId, peer, proofKey, view);
    }
    void proofKey
      .then((key) => verifyLinkProof(key, view, message.proof))
      .then(
        (ok) => {
          if (this.closed || peer.connection !== connection) return;
          this.stopTimer(peer);
          if (ok) {
            this.logger.info('verified by invite link', { peerId });
          } else {
            this.logger.warn('link proof failed', {
              peerId,
              code: 'LINK_PROOF_MISMATCH',
              message: 'the proof does not match the DTLS keys of this connection',
            });
          }
          this.set(peerId, peer, ok ? 'verified' : 'failed', view.peerFingerprint);
        },
        (error) => this.logger.error('link proof not checked', { peerId, error: String(error) }),
      );
  }

  handlePeerLeft(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (peer) this.stopTimer(peer);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) this.stopTimer(peer);
    this.removeAllListeners();
  }

  /** `missing` after LINK_PROOF_WAIT_MS unless a proof is judged on this connection first. */
  private armMissingTimer(peerId: string, peer: PeerProof): void {
    if (peer.judged !== undefined) return;
    this.stopTimer(peer);
    const connection = peer.connection;
    peer.timer = this.timers.setTimeout(() => {
      peer.timer = undefined;
      if (this.closed || peer.connection !== connection || peer.judged !== undefined) return;
      this.logger.info('no link proof: the peer has not shown the room key', { peerId });
      if (peer.state === 'pending') this.set(peerId, peer, 'missing', this.view(peerId)?.peerFingerprint);
    }, LINK_PROOF_WAIT_MS);
  }

  /** Computes our proof for the peer's current connection and sends it, unless that connection is gone. */
  private sendProof(
    peerId: string,
    peer: PeerProof,
    proofKey: Promise<CryptoKey>,
    view: LinkProofView,
  ): void {
    const connection = peer.connection;
    void proofKey
      .then((key) => computeLinkProof(key, view))
      .then(
        (proof) => {
          if (this.closed || peer.connection !== connection) return;
          this.opts.transport.send(peerId, { type: 'link-proof', v: 1, proof });
        },
        (error) => this.logger.error('link proof not computed', { peerId, error: String(error) }),
      );
  }

  private peerFor(peerId: string): PeerProof {
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = {
        state: 'pending',
        remoteFingerprint: undefined,
        connection: 0,
        judged: undefined,
        answered: false,
        timer: undefined,
      };
      this.peers.set(peerId, peer);
      this.emit('changed', { peerId, state: 'pending', remoteFingerprint: undefined });
    }
    return peer;
  }

  private view(peerId: string): LinkProofView | undefined {
    const { local, remote } = this.opts.transport.fingerprints(peerId);
    if (!local || !remote) return undefined;
    const self = this.opts.selfPeerId;
    return {
      role: roleOf(self, peerId),
      ownFingerprint: local,
      peerFingerprint: remote,
      ownPeerId: self,
      peerPeerId: peerId,
    };
  }

  private set(
    peerId: string,
    peer: PeerProof,
    state: LinkProofState,
    remote: DtlsFingerprint | undefined,
  ): void {
    if (peer.state === state && peer.remoteFingerprint === remote) return;
    peer.state = state;
    peer.remoteFingerprint = remote;
    this.emit('changed', { peerId, state, remoteFingerprint: remote });
  }

  private stopTimer(peer: PeerProof): void {
    if (peer.timer === undefined) return;
    this.timers.clearTimeout(peer.timer);
    peer.timer = undefined;
  }
}

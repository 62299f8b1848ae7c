import type { PeerMesh } from '../peer/peer-mesh.js';
import type { PeerPairState } from '../peer/recovery-ladder.js';
import type { DtlsFingerprint } from '../peer/sdp.js';
import { systemTimers, type TimerId, type Timers } from '../util/seams.js';
import { TypedEmitter, type Unsubscribe } from '../util/typed-emitter.js';
import { fingerprintKey, safetyNumber } from './safety-number.js';

/** How the bytes go: straight between the browsers, or through a TURN relay. */
export type PeerRoute = 'direct' | 'relayed';

export interface PeerSecurityInfo {
  peerId: string;
  /** Known once connected. */
  route: PeerRoute | undefined;
  /** From the negotiated SDP (ours and theirs); known once an offer and an answer were exchanged. */
  localFingerprint: DtlsFingerprint | undefined;
  remoteFingerprint: DtlsFingerprint | undefined;
  /** Derived from the two fingerprints; compare it with the other person over another channel. */
  safetyNumber: string | undefined;
}

export type PeerSecurityEvents = { info: PeerSecurityInfo };

export type PeerSecuritySourceEvents = {
  ready: { mesh: PeerMesh };
  'pair-state': { peerId: string; state: PeerPairState };
};

/** Where the monitor gets its inputs: the session's events (`KopruSession` is one). */
export interface PeerSecuritySource {
  on<K extends keyof PeerSecuritySourceEvents>(
    event: K,
    listener: (payload: PeerSecuritySourceEvents[K]) => void,
  ): Unsubscribe;
}

/**
 * The selected candidate pair can change without a state change (ICE may switch pairs, e.g. after an ICE
 * restart), and getStats is cheap (~1 ms): look every 2 s while something is open.
 */
export const SECURITY_POLL_MS = 2_000;

/**
 * Watches each peer connection for what the user should know about its security: whether it is direct or
 * relayed, and the safety number of the DTLS certificates actually negotiated. Input: the session's events;
 * output: `info` events, one per change.
 */
export class PeerSecurityMonitor extends TypedEmitter<PeerSecurityEvents> {
  private mesh: PeerMesh | undefined;
  private readonly infos = new Map<string, PeerSecurityInfo>();
  private readonly states = new Map<string, PeerPairState>();
  private readonly numbers = new Map<string, Promise<string>>();
  private readonly offs: Unsubscribe[];
  private timer: TimerId | undefined;
  private closed = false;

  constructor(
    source: PeerSecuritySource,
    private readonly timers: Timers = systemTimers,
  ) {
    super();
    this.offs = [
      source.on('ready', ({ mesh }) => {
        this.mesh = mesh;
        this.states.clear();
        for (const peerId of [...this.infos.keys()]) this.publish(peerId, undefined, undefined, undefined);
        this.infos.clear();
      }),
      source.on('pair-state', ({ peerId, state }) => {
        this.states.set(peerId, state);
        if (state === 'closed') this.states.delete(peerId);
        void this.check(peerId);
        this.arm();
      }),
    ];
  }

  get(peerId: string): PeerSecurityInfo | undefined {
    return this.infos.get(peerId);
  }

  /** Peers whose connection goes through a relay right now. */
  relayedPeers(): string[] {
    return [...this.infos.values()].filter((i) => i.route === 'relayed').map((i) => i.peerId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.closed || this.timer !== undefined || this.states.size === 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void Promise.all([...this.states.keys()].map((peerId) => this.check(peerId))).finally(() => this.arm());
    }, SECURITY_POLL_MS);
  }

  private async check(peerId: string): Promise<void> {
    const mesh = this.mesh;
    if (!mesh || this.closed) return;
    const state = this.states.get(peerId);
    const local = mesh.localFingerprint(peerId);
    const remote = mesh.remoteFingerprint(peerId);
    const type = state === 'connected' ? await mesh.selectedCandidatePairType(peerId) : undefined;
    const route: PeerRoute | undefined =
      type === undefined ? undefined : type === 'relay' ? 'relayed' : 'direct';
    if (mesh !== this.mesh) return;
    await this.publish(peerId, route, local, remote);
  }

  private async publish(
    peerId: string,
    route: PeerRoute | undefined,
    local: DtlsFingerprint | undefined,
    remote: DtlsFingerprint | undefined,
  ): Promise<void> {
    const number = local && remote ? await this.numberFor(local, remote) : undefined;
    const before = this.infos.get(peerId);
    const info: PeerSecurityInfo = {
      peerId,
      route,
      localFingerprint: local,
      remoteFingerprint: remote,
      safetyNumber: number,
    };
    if (
      before &&
      before.route === route &&
      before.safetyNumber === number &&
      sameFingerprint(before.remoteFingerprint, remote)
    ) {
      return;
    }
    if (route === undefined && local === undefined && remote === undefined) this.infos.delete(peerId);
    else this.infos.set(peerId, info);
    this.emit('info', info);
  }

  /** Computed once per pair of certificates (1,024 hash rounds per half). */
  private numberFor(local: DtlsFingerprint, remote: DtlsFingerprint): Promise<string> {
    const key = `${fingerprintKey(local)}|${fingerprintKey(remote)}`;
    let number = this.numbers.get(key);
    if (!number) {
      number = safetyNumber(local, remote);
      this.numbers.set(key, number);
    }
    return number;
  }
}

const sameFingerprint = (a: DtlsFingerprint | undefined, b: DtlsFingerprint | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && fingerprintKey(a) === fingerprintKey(b));

import type { CreatePeerConnection } from '../../../src/peer/rtc-types.js';
import type { FakeIceEndpoint } from './fake-ice-endpoint.js';
import { FakePeerConnection } from './fake-peer-connection.js';

/**
 * The "internet" between fake connections: finds a connection's counterpart from its remote description,
 * decides whether their ICE link is up, and lets a test cut it. All asynchrony goes through `setTimeout`,
 * so tests run it with vitest's fake timers.
 */
export class FakeRtcWorld {
  readonly all: FakePeerConnection[] = [];
  private readonly blocked = new Set<string>();
  /** ICE credentials whose candidates lead nowhere since a `rebind`. */
  private readonly deadUfrags = new Set<string>();
  /** How many of the next `createPeerConnection` calls throw (like a refused configuration). */
  failCreates = 0;
  /**
   * Chromium's behaviour in crossed first offers (e2e logs, Chromium 156): the side that rolls back the
   * offer that created its ICE transport, as the polite side does, then never gathers a candidate.
   */
  firstOfferRollbackStopsGathering = false;
  /** How many of the next connections never gather a candidate (stuck from the start). */
  stuckGatherers = 0;
  private evaluationScheduled = false;
  private ufrags = 0;

  /** The `createPeerConnection` seam for the mesh of `owner`. */
  factory(owner: string): CreatePeerConnection {
    return (configuration) => {
      if (this.failCreates > 0) {
        this.failCreates -= 1;
        throw new DOMException('configuration refused', 'InvalidAccessError');
      }
      const pc = new FakePeerConnection(this, owner, this.all.length + 1, configuration);
      if (this.stuckGatherers > 0) {
        this.stuckGatherers -= 1;
        pc.gatheringStuck = true;
      }
      this.all.push(pc);
      return pc;
    };
  }

  pcsOf(owner: string): FakePeerConnection[] {
    return this.all.filter((pc) => pc.owner === owner);
  }

  /** The newest open connection of `owner` towards `remote` (or, before any answer, the newest open one). */
  live(owner: string, remote: string): FakePeerConnection {
    const open = this.pcsOf(owner).filter((pc) => !pc.closed);
    const pc =
      open.filter((p) => this.peerOf(p)?.owner === remote).at(-1) ??
      open.filter((p) => !this.peerOf(p)).at(-1);
    if (!pc) throw new Error(`no open connection from ${owner} to ${remote}`);
    return pc;
  }

  peerOf(pc: FakeIceEndpoint): FakePeerConnection | undefined {
    const id = pc instanceof FakePeerConnection ? readPcId(pc.remoteDescription?.sdp) : undefined;
    return id === undefined ? undefined : this.all.find((p) => p.id === id);
  }

  block(a: string, b: string): void {
    this.blocked.add(key(a, b));
    this.scheduleEvaluate();
  }

  unblock(a: string, b: string): void {
    this.blocked.delete(key(a, b));
    this.scheduleEvaluate();
  }

  /**
   * `owner`'s outside address changes behind a port-restricted NAT (docs/network-lab.md): every path
   * found with the candidates exchanged so far is dead, and only an ICE restart (new credentials and
   * candidates, through signaling) finds a new one.
   */
  rebind(owner: string): void {
    for (const pc of this.all) {
      if (pc.closed || (pc.owner !== owner && this.peerOf(pc)?.owner !== owner)) continue;
      const ufrag = pc.currentLocal?.sdp.ufrag;
      if (ufrag !== undefined) this.deadUfrags.add(ufrag);
    }
    this.scheduleEvaluate();
  }

  newUfrag(): string {
    this.ufrags += 1;
    return `ufrag${this.ufrags}`;
  }

  /** Runs `task` in a later task (a timer), like the browser queues its events. */
  later(task: () => void): void {
    setTimeout(task, 0);
  }

  scheduleEvaluate(): void {
    if (this.evaluationScheduled) return;
    this.evaluationScheduled = true;
    this.later(() => {
      this.evaluationScheduled = false;
      for (const pc of this.all) if (!pc.closed) pc.evaluateLink(this.isUp(pc));
    });
  }

  private isUp(pc: FakePeerConnection): boolean {
    const peer = this.peerOf(pc);
    if (!peer || peer.closed || this.blocked.has(key(pc.owner, peer.owner))) return false;
    const mine = pc.currentLocal?.sdp;
    const theirs = peer.currentLocal?.sdp;
    return (
      mine !== undefined &&
      theirs !== undefined &&
      !this.deadUfrags.has(mine.ufrag) &&
      !this.deadUfrags.has(theirs.ufrag) &&
      pc.currentRemote?.sdp.pcId === peer.id &&
      peer.currentRemote?.sdp.pcId === pc.id &&
      pc.currentRemote.sdp.ufrag === theirs.ufrag &&
      peer.currentRemote.sdp.ufrag === mine.ufrag &&
      pc.hasCandidatesFor(theirs.ufrag) &&
      peer.hasCandidatesFor(mine.ufrag)
    );
  }
}

const key = (a: string, b: string): string => [a, b].sort().join('|');

function readPcId(sdp: string | undefined): string | undefined {
  return sdp ? /^a=x-fake-pc:(\S+)/m.exec(sdp)?.[1] : undefined;
}

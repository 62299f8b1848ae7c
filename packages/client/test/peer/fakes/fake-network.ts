import type { SignalData } from '@kopru/protocol';
import { PeerMesh, type PeerMeshEvents } from '../../../src/peer/peer-mesh.js';
import { FakeRtcWorld } from './fake-rtc-world.js';
import { type LogEntry, recordingLogger } from './recording-logger.js';

export interface Relayed {
  from: string;
  to: string;
  data: SignalData;
}

/** Decides a relayed signal's fate: delivered after the default latency, after `delay` ms, or dropped. */
export type Route = (signal: Relayed) => 'deliver' | 'drop' | { delay: number };

/** Milliseconds from one mesh's `signal` event to the other's `handleSignal` (a loopback server). */
export const SIGNALING_LATENCY_MS = 5;

type Recorded = {
  [K in keyof PeerMeshEvents]: { event: K; payload: PeerMeshEvents[K] };
}[keyof PeerMeshEvents];

/** Several meshes and a signaling server between them: each `signal` goes to the target's `handleSignal`. */
export class FakeNetwork {
  readonly world = new FakeRtcWorld();
  readonly relayed: Relayed[] = [];
  readonly meshes = new Map<string, PeerMesh>();
  readonly events = new Map<string, Recorded[]>();
  readonly logs = new Map<string, LogEntry[]>();
  route: Route = () => 'deliver';
  random: () => number = () => 0.5;

  /** A mesh for `id` (a new one replaces the old in routing: a reload). */
  add(id: string): PeerMesh {
    const logger = recordingLogger();
    const mesh = new PeerMesh({
      selfId: id,
      createPeerConnection: this.world.factory(id),
      random: () => this.random(),
      logger,
      iceServers: [{ urls: 'stun:stun.example.org' }],
    });
    const recorded: Recorded[] = [];
    this.events.set(id, recorded);
    this.logs.set(id, logger.entries);
    this.meshes.set(id, mesh);
    const names: (keyof PeerMeshEvents)[] = [
      'signal',
      'state',
      'session',
      'control-open',
      'control-closed',
      'message',
      'invalid-message',
      'track',
    ];
    for (const event of names) mesh.on(event, (payload) => recorded.push({ event, payload } as Recorded));
    mesh.on('signal', ({ to, data }) => this.relay({ from: id, to, data }));
    return mesh;
  }

  mesh(id: string): PeerMesh {
    const mesh = this.meshes.get(id);
    if (!mesh) throw new Error(`no mesh ${id}`);
    return mesh;
  }

  /** Payloads of one event type recorded on a mesh, in order. */
  eventsOf<K extends keyof PeerMeshEvents>(id: string, event: K): PeerMeshEvents[K][] {
    return (this.events.get(id) ?? [])
      .filter((e) => e.event === event)
      .map((e) => e.payload as PeerMeshEvents[K]);
  }

  warnings(id: string): LogEntry[] {
    return (this.logs.get(id) ?? []).filter((e) => e.level === 'warn' || e.level === 'error');
  }

  /** Sends a signal as if the server relayed it from `from` (for stale or forged messages). */
  inject(from: string, to: string, data: SignalData): void {
    this.mesh(to).handleSignal(from, data);
  }

  private relay(signal: Relayed): void {
    this.relayed.push(signal);
    const fate = this.route(signal);
    if (fate === 'drop') return;
    const delay = fate === 'deliver' ? SIGNALING_LATENCY_MS : fate.delay;
    // Delivered to the peer's current mesh: after a reload, the new page gets what was in flight.
    setTimeout(() => this.meshes.get(signal.to)?.handleSignal(signal.from, signal.data), delay);
  }
}

import type { CallMessage } from '@kopru/protocol';
import { CallManager, type CallState, silentLogger } from '../../src/index.js';
import { FakeCallTransport, FakeMediaDevices, settle } from './fakes.js';

export interface Side {
  id: string;
  manager: CallManager;
  transport: FakeCallTransport;
  devices: FakeMediaDevices;
  states: CallState[];
}

let counter = 0;

/** One client: a manager on fake devices and a fake mesh whose sessions and channels are already open. */
export function side(
  id: string,
  peers: string[],
  opts: { open?: boolean; maxParticipants?: number } = {},
): Side {
  const transport = new FakeCallTransport();
  const devices = new FakeMediaDevices();
  for (const p of peers) {
    transport.sessions.add(p);
    if (opts.open ?? true) transport.open.add(p);
  }
  let streams = 0;
  const manager = new CallManager({
    selfPeerId: id,
    transport,
    mediaDevices: devices,
    logger: silentLogger,
    newId: () => `call-${id}-${String(++counter).padStart(4, '0')}`,
    // Streams only group tracks (msid); a plain object with an id stands in for one here.
    createStream: () => ({ id: `stream-${id}-${String(++streams)}` }) as MediaStream,
    ...(opts.maxParticipants ? { maxParticipants: opts.maxParticipants } : {}),
  });
  transport.manager = manager;
  const states: CallState[] = [];
  manager.on('state', (s) => states.push(s));
  return { id, manager, transport, devices, states };
}

/** Connects several sides so that each one's sends arrive at the addressee (as `from` the sender). */
export function connect(...sides: Side[]): void {
  const byId = new Map(sides.map((s) => [s.id, s]));
  for (const from of sides) {
    from.transport.deliverTo = (to: string, message: CallMessage) => {
      const target = byId.get(to);
      // Asynchronous, like a DataChannel: a reply never runs inside the sender's own step.
      if (target) queueMicrotask(() => target.manager.handleMessage(from.id, message));
    };
  }
}

/** `caller` calls `callee` and the callee accepts; both have settled into the active call. */
export async function answeredCall(caller: Side, callee: Side, media: 'audio' | 'video'): Promise<void> {
  caller.manager.start([callee.id], media);
  await settle();
  callee.manager.accept();
  await settle();
}

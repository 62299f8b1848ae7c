import { isCallMessage } from '@kopru/protocol';
import type { PeerMesh } from '../peer/peer-mesh.js';
import type { RoomClient } from '../room/room-client.js';
import type { PeerTransport } from '../session.js';
import type { Logger } from '../util/seams.js';
import type { Unsubscribe } from '../util/typed-emitter.js';
import type { MediaDevicesLike } from './call-api.js';
import { CallManager } from './call-manager.js';
import { isInCall } from './call-state.js';

/** What the session needs to offer calls; without it (tests, a browser without media) there are none. */
export interface CallOptions {
  mediaDevices: MediaDevicesLike;
  /** Full-mesh cap; `DEFAULT_MAX_CALL_PARTICIPANTS` (6) when omitted. */
  maxParticipants?: number;
  logger?: Logger;
}

/**
 * Builds the call manager for one mesh and connects it: mesh and room events in through `handle*()`,
 * call messages out through the session's peer transport, and our presence status (`in-call`) following
 * the call. The returned unsubscribers belong to the mesh's lifetime.
 */
export function wireCalls(
  mesh: PeerMesh,
  transport: PeerTransport,
  room: RoomClient,
  selfPeerId: string,
  options: CallOptions,
): { call: CallManager; offs: Unsubscribe[] } {
  const call = new CallManager({
    selfPeerId,
    mediaDevices: options.mediaDevices,
    ...(options.maxParticipants === undefined ? {} : { maxParticipants: options.maxParticipants }),
    ...(options.logger ? { logger: options.logger } : {}),
    createStream: typeof MediaStream === 'undefined' ? undefined : () => new MediaStream(),
    transport: {
      send: transport.send,
      connect: transport.connect,
      // The command line (`client: 'terminal'`) has no media: no transceivers, so no renegotiation it
      // cannot answer (libdatachannel carries data only); it declines calls on the control channel.
      addTransceiver: (peerId, kind, init) =>
        room.current.peers.get(peerId)?.client === 'terminal'
          ? undefined
          : mesh.addTransceiver(peerId, kind, init),
    },
  });
  const offs: Unsubscribe[] = [
    mesh.on('message', ({ peerId, message }) => {
      if (isCallMessage(message)) call.handleMessage(peerId, message);
    }),
    mesh.on('control-open', ({ peerId }) => call.handleControlOpen(peerId)),
    mesh.on('session', ({ peerId }) => call.handleSession(peerId)),
    mesh.on('track', ({ peerId, track, streams, transceiver }) =>
      call.handleTrack(peerId, track, transceiver.receiver, streams),
    ),
    room.on('peer-joined', (peer) => call.handlePeerJoined(peer.peerId)),
    room.on('peer-left', ({ peerId }) => call.handlePeerLeft(peerId)),
    call.on('state', (state) => {
      // The people list shows who is in a call; "away" (hidden tab) does not override it meanwhile.
      const current = room.currentProfile().status;
      if (isInCall(state) && current !== 'in-call') void room.setStatus('in-call').catch(() => {});
      if (!isInCall(state) && current === 'in-call') void room.setStatus('available').catch(() => {});
    }),
  ];
  return { call, offs };
}

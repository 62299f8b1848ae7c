import { createRoomClient, type PairedDevice, type RelayOnlySetting } from '@kopru/client';
import { type ReactNode, useEffect, useState } from 'react';
import { type PeerSpace, usePeerSpace } from '../../components/PeerSpace.js';
import { type RoomView, useAwayStatus, useCloseOnPageHide, useRoomView } from '../../hooks/useRoom.js';
import { type LinkProofView, useLinkProofState } from '../../security/LinkProofContext.js';
import { pairedDevices } from './usePairedDevices.js';

/** One paired device's rendezvous: its presence, its peer-to-peer space and the pair proof's state. */
export interface DeviceSpace extends RoomView {
  device: PairedDevice;
  space: PeerSpace;
  proofs: LinkProofView;
  /** The other device's peer id while it is online in the rendezvous. */
  peerId: string | undefined;
}

/**
 * Each paired device gets a space of its own (a rendezvous is one connection, like a room), with the hooks
 * of a space; React hooks cannot run in a loop over a changing list, so each device's hooks live one
 * component deeper than the previous one's, and the last level renders `children` with all of them.
 */
export function WithDeviceSpaces(props: {
  devices: readonly PairedDevice[];
  relayOnly: RelayOnlySetting;
  children: (spaces: readonly DeviceSpace[]) => ReactNode;
}) {
  return <DeviceLevel {...props} index={0} spaces={[]} />;
}

function DeviceLevel({
  devices,
  relayOnly,
  children,
  index,
  spaces,
}: {
  devices: readonly PairedDevice[];
  relayOnly: RelayOnlySetting;
  children: (spaces: readonly DeviceSpace[]) => ReactNode;
  index: number;
  spaces: readonly DeviceSpace[];
}) {
  const device = devices[index];
  if (!device) return <>{children(spaces)}</>;
  return (
    <DeviceSpaceLevel
      // A forgotten device takes its space (and those after it, rebuilt) away; the others stay connected.
      key={device.rendezvous}
      device={device}
      devices={devices}
      relayOnly={relayOnly}
      index={index}
      spaces={spaces}
    >
      {children}
    </DeviceSpaceLevel>
  );
}

function DeviceSpaceLevel({
  device,
  ...rest
}: {
  device: PairedDevice;
  devices: readonly PairedDevice[];
  relayOnly: RelayOnlySetting;
  children: (spaces: readonly DeviceSpace[]) => ReactNode;
  index: number;
  spaces: readonly DeviceSpace[];
}) {
  const space = useDeviceSpace(device, rest.relayOnly);
  return <DeviceLevel {...rest} index={rest.index + 1} spaces={[...rest.spaces, space]} />;
}

function useDeviceSpace(device: PairedDevice, relayOnly: RelayOnlySetting): DeviceSpace {
  const [client] = useState(() =>
    createRoomClient({
      rendezvous: device.rendezvous,
      sessionStorage: window.sessionStorage,
      localStorage: window.localStorage,
    }),
  );
  useEffect(() => {
    client.start();
    // `stop`, not `close`: it can start again (StrictMode runs effects twice).
    return () => client.stop();
  }, [client]);
  useCloseOnPageHide(client);
  useAwayStatus(client);
  const view = useRoomView(client);
  const space = usePeerSpace(client, view.state, {
    sharedRelayOnly: relayOnly,
    linkKey: () => device.secret,
  });
  const linkProofs = useLinkProofState(space.session, space.security.verified, space.names, true, false);
  const proofs = { ...linkProofs, kind: 'pair' as const };
  const [peerId] = view.state.peers.keys();
  // Connect as soon as the other device is there: "Verified" is the pair proof on a live connection.
  useEffect(() => {
    if (peerId) space.session.connectConversation(peerId);
  }, [space.session, peerId]);
  useForgetFromPeer(space, proofs, device);
  return { ...view, device, space, proofs, peerId };
}

/**
 * "Unpair" on the other side: honoured only from a peer that proved the pair secret on this very
 * connection (anyone else in the rendezvous, the server included, cannot unpair us). Forgetting here ends
 * our presence in the rendezvous, which is what tells the other side we got it.
 */
function useForgetFromPeer(space: PeerSpace, proofs: LinkProofView, device: PairedDevice): void {
  const { session } = space;
  const { states } = proofs;
  useEffect(
    () =>
      session.on('pairing-message', ({ peerId, message }) => {
        if (message.type !== 'pair-forget') return;
        if (states.get(peerId) !== 'verified') {
          console.warn('pair-forget ignored: the peer has not proved the pair key on this connection');
          return;
        }
        void pairedDevices.remove(device.rendezvous);
      }),
    [session, states, device],
  );
}

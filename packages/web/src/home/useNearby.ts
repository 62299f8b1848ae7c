import { createRoomClient, NearbyVisibility, type RelayOnlySetting, type RoomClient } from '@kopru/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { type PeerSpace, usePeerSpace } from '../components/PeerSpace.js';
import { type RoomView, useAwayStatus, useCloseOnPageHide, useRoomView } from '../hooks/useRoom.js';

/** The Nearby group of this page: its presence, its peer-to-peer space and the visibility switch. */
export interface NearbySpace extends RoomView {
  space: PeerSpace;
  visible: boolean;
  setVisible: (visible: boolean) => void;
}

/**
 * Nearby for a page (the home screen, or a room's page while "Visible to nearby devices" is on): a
 * client on a socket.io connection of its own (a connection is in one room or in Nearby), in the group
 * only while visible, with the same session, chat, transfers and calls as a room.
 */
export function useNearbySpace(sharedRelayOnly?: RelayOnlySetting): NearbySpace {
  const [client] = useState(() =>
    createRoomClient({ sessionStorage: window.sessionStorage, localStorage: window.localStorage }),
  );
  useCloseOnPageHide(client);
  const view = useRoomView(client);
  const space = usePeerSpace(client, view.state, { sharedRelayOnly });
  const { visible, setVisible } = useNearbyVisibility(space.relayOnly);
  useNearbyPresence(client, visible);
  useAwayStatus(client);
  return { ...view, space, visible, setVisible };
}

/** In the group only while `visible`: switching it off leaves at once, switching it on joins again. */
function useNearbyPresence(client: RoomClient, visible: boolean): void {
  useEffect(() => {
    if (!visible) return;
    client.start();
    return () => client.stop();
  }, [client, visible]);
}

/** "Visible to nearby devices": the remembered switch, following relay-only mode until the user chooses. */
function useNearbyVisibility(relayOnly: RelayOnlySetting): {
  visible: boolean;
  setVisible: (visible: boolean) => void;
} {
  const [setting] = useState(() => new NearbyVisibility(window.localStorage, () => relayOnly.enabled));
  const visible = useSyncExternalStore(
    (notify) => {
      const offs = [setting.on('changed', notify), relayOnly.on('changed', notify)];
      return () => {
        for (const off of offs) off();
      };
    },
    () => setting.enabled,
  );
  return { visible, setVisible: (on) => setting.set(on) };
}

import { IdbPairedDeviceStore, type PairedDevice, PairedDevices } from '@kopru/client';
import { useEffect, useSyncExternalStore } from 'react';
import { PairingFlow, type PairingState } from './pairing-flow.js';

/** The page's one view of this browser's paired devices (IndexedDB `kopru-devices`). */
export const pairedDevices = new PairedDevices(new IdbPairedDeviceStore());

export function usePairedDevices(): readonly PairedDevice[] {
  useEffect(() => {
    pairedDevices.load().catch((error: unknown) => console.error('paired devices not loaded', error));
  }, []);
  return useSyncExternalStore(
    (notify) => pairedDevices.on('changed', notify),
    () => pairedDevices.list,
  );
}

/** The page's pairing flow (a dialog's code, a claim in progress), outside the components that show it. */
export const pairingFlow = new PairingFlow();

export function usePairingState(flow: PairingFlow): PairingState {
  return useSyncExternalStore(
    (notify) => flow.on('changed', notify),
    () => flow.state,
  );
}

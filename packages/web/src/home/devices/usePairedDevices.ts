import { IdbPairedDeviceStore, type PairedDevice, PairedDevices } from '@kopru/client';
import { useEffect, useSyncExternalStore } from 'react';

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

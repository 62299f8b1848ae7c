import { IdbPairedDeviceStore, type PairedDevice, PairedDevices } from '@kopru/client';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { PairingFlow, type PairingState } from './pairing-flow.js';

/** The page's one view of this browser's paired devices (IndexedDB `kopru-devices`). */
export const pairedDevices = new PairedDevices(new IdbPairedDeviceStore());

/** Tells the browser's other tabs when this one pairs, renames or forgets, so they read the store again. */
const devicesChannel =
  'BroadcastChannel' in window ? new BroadcastChannel('kopru-paired-devices') : undefined;
pairedDevices.on('changed', ({ source }) => {
  if (source === 'local') devicesChannel?.postMessage('changed');
});
if (devicesChannel) devicesChannel.onmessage = () => void pairedDevices.refresh();

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

/** The Web Lock one tab holds while it connects to the paired devices. */
const DEVICES_LOCK = 'kopru-paired-devices';

/**
 * Whether this tab is the one that connects to the paired devices. Every tab of a browser holds the same
 * pair secrets, so two tabs in one rendezvous would meet each other and pass the pair proof as "your
 * device"; and a rendezvous holds two. So one tab at a time holds a Web Lock and connects; another waits
 * and takes over when that tab closes. Browsers without Web Locks connect from every tab.
 */
export function useDevicesHere(): boolean {
  const [here, setHere] = useState(() => !('locks' in navigator));
  useEffect(() => {
    if (!('locks' in navigator)) return;
    const controller = new AbortController();
    let release: (() => void) | undefined;
    navigator.locks
      .request(DEVICES_LOCK, { signal: controller.signal }, () => {
        setHere(true);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      })
      .catch(() => {}); // aborted: this tab went before its turn came
    return () => {
      controller.abort();
      release?.();
      setHere(false);
    };
  }, []);
  return here;
}

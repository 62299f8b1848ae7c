import { MAX_PAIRED_DEVICES, requestPairing, TypedEmitter } from '@kopru/client';
import type { PairCreateReply } from '@kopru/protocol';
import { pairedDevices } from './usePairedDevices.js';
import { claimAndPair, meetToPair, type PairingErrorKey, pairingErrorText } from './usePairing.js';

export type PairingFailure = { key: PairingErrorKey; values?: Record<string, unknown> };

/** "Pair a device": asking for a code, showing it while waiting in its meeting, then the outcome. */
export type OfferPhase =
  | { kind: 'asking' }
  | { kind: 'waiting'; offer: PairCreateReply; expiresAt: number }
  | { kind: 'expired' }
  | { kind: 'paired'; name: string }
  | { kind: 'failed'; error: PairingFailure };

/** "Pairing code" + "Pair": idle, pairing, or the outcome of the last try. */
export type ClaimPhase =
  | { kind: 'idle' }
  | { kind: 'pairing' }
  | { kind: 'paired'; name: string }
  | { kind: 'failed'; error: PairingFailure };

export interface PairingState {
  /** The "Pair a device" dialog, while open. */
  offer: OfferPhase | undefined;
  claim: ClaimPhase;
}

class TooManyDevices extends Error {}

/**
 * The page's pairing in progress, outside React's tree: a paired device adds a space to the home screen,
 * which remounts its columns, and neither the open dialog nor a claim's outcome may be lost with them.
 */
export class PairingFlow extends TypedEmitter<{ changed: PairingState }> {
  private current: PairingState = { offer: undefined, claim: { kind: 'idle' } };
  private offerAbort: AbortController | undefined;
  private claimAbort: AbortController | undefined;

  get state(): PairingState {
    return this.current;
  }

  /** Opens the dialog with a fresh code (again: "New code"), waiting for the other device until it expires. */
  offer(): void {
    this.offerAbort?.abort(new Error('replaced'));
    const controller = new AbortController();
    this.offerAbort = controller;
    const { signal } = controller;
    const set = (offer: OfferPhase) => {
      if (this.offerAbort === controller) this.set({ ...this.current, offer });
    };
    set({ kind: 'asking' });
    (async () => {
      const offer = await requestPairing('pair:create', {});
      if (signal.aborted) return;
      set({ kind: 'waiting', offer, expiresAt: Date.now() + offer.expiresInMs });
      const expiry = window.setTimeout(() => controller.abort(new Error('expired')), offer.expiresInMs);
      signal.addEventListener('abort', () => window.clearTimeout(expiry), { once: true });
      const device = await meetToPair(offer.rendezvous, undefined, signal);
      if (!(await pairedDevices.add(device))) throw new TooManyDevices();
      set({ kind: 'paired', name: device.label });
    })().catch((error: unknown) => {
      if (signal.reason instanceof Error && signal.reason.message === 'expired') set({ kind: 'expired' });
      else if (!signal.aborted) set({ kind: 'failed', error: failure(error) });
    });
  }

  /** Closes the dialog; a code still waiting is given up (it expires on the server by itself). */
  closeOffer(): void {
    const phase = this.current.offer;
    // A pair just made keeps its meeting a moment longer (PAIRING_LINGER_MS); anything else ends now.
    if (phase?.kind !== 'paired') this.offerAbort?.abort(new Error('closed'));
    this.offerAbort = undefined;
    this.set({ ...this.current, offer: undefined });
  }

  /** Claims the code typed (or scanned) here and pairs with the device that made it. */
  claim(code: string): void {
    if (this.current.claim.kind === 'pairing') return;
    if (!/^\d{6}$/.test(code)) {
      this.set({ ...this.current, claim: { kind: 'failed', error: { key: 'devices.errors.format' } } });
      return;
    }
    const controller = new AbortController();
    this.claimAbort = controller;
    this.set({ ...this.current, claim: { kind: 'pairing' } });
    (async () => {
      const device = await claimAndPair(code, controller.signal);
      if (!(await pairedDevices.add(device))) throw new TooManyDevices();
      this.set({ ...this.current, claim: { kind: 'paired', name: device.label } });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted)
        this.set({ ...this.current, claim: { kind: 'failed', error: failure(error) } });
    });
  }

  /** The page goes: everything in progress stops. */
  close(): void {
    this.offerAbort?.abort(new Error('closed'));
    this.claimAbort?.abort(new Error('closed'));
  }

  private set(state: PairingState): void {
    this.current = state;
    this.emit('changed', state);
  }
}

function failure(error: unknown): PairingFailure {
  if (error instanceof TooManyDevices) return { key: 'devices.tooMany', values: { max: MAX_PAIRED_DEVICES } };
  return pairingErrorText(error);
}

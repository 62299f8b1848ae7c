import { createPairingMeeting, type PairedDevice, requestPairing } from '@kopru/client';
import { AppError } from '@kopru/protocol';

/**
 * How long a claimed code's meeting may take to pair: a WebRTC connection between two devices on
 * different networks, through TURN if need be, on a slow phone — seconds, not half a minute.
 */
export const PAIRING_ANSWER_MS = 30_000;

export class PairingTimeout extends Error {
  constructor() {
    super('the other device did not answer');
    this.name = 'PairingTimeout';
  }
}

/**
 * Meets the other device at `rendezvous` and resolves with the pair, or rejects after `timeoutMs`
 * (or at once when `signal` aborts). The meeting closes itself shortly after pairing.
 */
export function meetToPair(
  rendezvous: string,
  timeoutMs: number | undefined,
  signal: AbortSignal,
): Promise<PairedDevice> {
  const meeting = createPairingMeeting({ rendezvous, localStorage: window.localStorage });
  return new Promise<PairedDevice>((resolve, reject) => {
    const timer =
      timeoutMs === undefined ? undefined : window.setTimeout(() => fail(new PairingTimeout()), timeoutMs);
    const fail = (error: unknown) => {
      window.clearTimeout(timer);
      meeting.close();
      reject(error);
    };
    signal.addEventListener('abort', () => fail(signal.reason), { once: true });
    meeting.on('paired', ({ device }) => {
      window.clearTimeout(timer);
      resolve(device);
    });
  });
}

/** Claims a code and pairs with the device that made it. Rejects with the server's AppError, or a timeout. */
export async function claimAndPair(code: string, signal: AbortSignal): Promise<PairedDevice> {
  const { rendezvous } = await requestPairing('pair:claim', { code });
  return meetToPair(rendezvous, PAIRING_ANSWER_MS, signal);
}

/** The translation key and values for a pairing failure. */
export type PairingErrorKey =
  | 'devices.noAnswer'
  | 'devices.tooMany'
  | 'devices.errors.PAIR_CODE_WRONG'
  | 'devices.errors.PAIR_CODE_EXPIRED'
  | 'devices.errors.PAIR_CODE_USED'
  | 'devices.errors.RATE_LIMITED'
  | 'devices.errors.format'
  | 'devices.errors.generic';

export function pairingErrorText(error: unknown): { key: PairingErrorKey; values?: Record<string, unknown> } {
  if (error instanceof PairingTimeout) return { key: 'devices.noAnswer' };
  if (error instanceof AppError) {
    if (
      error.code === 'PAIR_CODE_WRONG' ||
      error.code === 'PAIR_CODE_EXPIRED' ||
      error.code === 'PAIR_CODE_USED'
    ) {
      return { key: `devices.errors.${error.code}` };
    }
    if (error.code === 'RATE_LIMITED') {
      return {
        key: 'devices.errors.RATE_LIMITED',
        values: { seconds: Math.ceil((error.retryAfterMs ?? 0) / 1000) },
      };
    }
    if (error.code === 'INVALID_PAYLOAD') return { key: 'devices.errors.format' };
  }
  return {
    key: 'devices.errors.generic',
    values: { message: error instanceof Error ? error.message : String(error) },
  };
}

import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import type { KopruSocket } from '../socket/types.js';

/**
 * TEST ONLY, all of it in this one module: the setting, its refusal in production, and the lie itself.
 *
 * A server that lies: it rewrites the DTLS fingerprints in every SDP it relays, as a man-in-the-middle
 * would have to. The browser tests (e2e/security.spec.ts) use it to prove that such a server cannot go
 * unnoticed (the DTLS handshake fails, and the two sides' safety numbers differ).
 *
 * Reachable only through the setting `TEST_ONLY_TAMPER_SDP_FINGERPRINTS`, which must be set to exactly this
 * phrase, is refused when `NODE_ENV=production`, and is logged loudly at start.
 */
export const TAMPER_ACKNOWLEDGEMENT = 'yes-i-am-testing-a-lying-server';

/** The test-only setting, spread into the server's settings (config.ts) so it is parsed with the rest. */
export const testOnlySettings = {
  TEST_ONLY_TAMPER_SDP_FINGERPRINTS: z
    .literal(TAMPER_ACKNOWLEDGEMENT, { error: 'a test-only setting; leave it unset' })
    .optional(),
} as const;

/** Why the parsed test-only setting may not be used here (production), or undefined when it may. */
export function testOnlySettingRefusal(
  tamper: string | undefined,
  env: NodeJS.ProcessEnv,
): { setting: keyof typeof testOnlySettings; message: string } | undefined {
  if (tamper === undefined || env.NODE_ENV !== 'production') return undefined;
  return { setting: 'TEST_ONLY_TAMPER_SDP_FINGERPRINTS', message: 'never allowed with NODE_ENV=production' };
}

/**
 * With `deps.testOnlyTamperSdp`: logs the lie loudly once and returns the per-connection hook that tells it;
 * otherwise undefined, and nothing of this module runs.
 */
export function sdpTamperHook(
  deps: Pick<AppDeps, 'testOnlyTamperSdp'>,
  logger: Pick<AppDeps['logger'], 'error'>,
): ((socket: KopruSocket) => void) | undefined {
  if (!deps.testOnlyTamperSdp) return undefined;
  logger.error('TEST ONLY: this server rewrites DTLS fingerprints in relayed SDP; never use it for real');
  return installSdpTamper;
}

const FINGERPRINT = /^(a=fingerprint:\S+ )([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)(\s*)$/gm;

/** Every fingerprint with each byte inverted: well-formed, and never the real certificate's. */
export function tamperFingerprints(sdp: string): string {
  return sdp.replace(FINGERPRINT, (_line, prefix: string, hex: string, rest: string) => {
    const flipped = hex
      .split(':')
      .map((byte) => (0xff - Number.parseInt(byte, 16)).toString(16).toUpperCase().padStart(2, '0'))
      .join(':');
    return `${prefix}${flipped}${rest}`;
  });
}

type Described = { data: { kind: 'description'; description: { sdp: string } } };

const isDescriptionSignal = (payload: unknown): payload is Described => {
  const data = (payload as { data?: { kind?: unknown; description?: { sdp?: unknown } } } | null)?.data;
  return data?.kind === 'description' && typeof data.description?.sdp === 'string';
};

/** Socket middleware that tampers with relayed descriptions before the signal handler sees them. */
function installSdpTamper(socket: KopruSocket): void {
  socket.use((packet, next) => {
    const payload = packet[1];
    if (packet[0] === 'signal' && isDescriptionSignal(payload)) {
      payload.data.description.sdp = tamperFingerprints(payload.data.description.sdp);
    }
    next();
  });
}

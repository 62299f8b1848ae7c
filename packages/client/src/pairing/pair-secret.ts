import { PAIR_NONCE_BYTES } from '@kopru/protocol';
import { fromBase64Url, type LinkProofView, toBase64Url } from '../security/link-proof.js';
import { fingerprintKey } from '../security/safety-number.js';

/**
 * The pair secret (docs/security.md#pairing): both browsers contribute PAIR_NONCE_BYTES random bytes over
 * the DTLS-protected control channel of their pairing meeting, and each derives
 * `HKDF-SHA-256(ikm = nonce_low ‖ nonce_high, salt = SHA-256(version ‖ fp_low ‖ fp_high), info = version)`,
 * `low` being the side with the smaller peer id. The DTLS fingerprints in the salt bind the secret to that
 * connection: if someone in between terminated DTLS twice, the two sides derive different secrets, and
 * their rendezvous names differ — they never find each other, instead of trusting the one in between.
 */
export const PAIR_SECRET_VERSION = 'KOPRU-PAIR-1';
const RENDEZVOUS_LABEL = 'KOPRU-PAIR-RENDEZVOUS-1';
export const PAIR_SECRET_BYTES = 32;

const encoder = new TextEncoder();

/** Fresh random bytes for our part of the secret, base64url. */
export function generatePairNonce(
  random: (bytes: Uint8Array) => void = (b) => crypto.getRandomValues(b),
): string {
  const bytes = new Uint8Array(PAIR_NONCE_BYTES);
  random(bytes);
  return toBase64Url(bytes);
}

/** The pair secret both sides derive from one connection's nonces and fingerprints, base64url. */
export async function derivePairSecret(
  view: LinkProofView,
  ownNonce: string,
  peerNonce: string,
): Promise<string> {
  const own = fromBase64Url(ownNonce);
  const peer = fromBase64Url(peerNonce);
  if (own?.length !== PAIR_NONCE_BYTES || peer?.length !== PAIR_NONCE_BYTES)
    throw new Error('not a pair nonce');
  const low = view.role === 'low';
  const ikm = concat(low ? own : peer, low ? peer : own);
  const [fpLow, fpHigh] = low
    ? [view.ownFingerprint, view.peerFingerprint]
    : [view.peerFingerprint, view.ownFingerprint];
  const salt = await crypto.subtle.digest(
    'SHA-256',
    encoder.encode(`${PAIR_SECRET_VERSION}\n${fingerprintKey(fpLow)}\n${fingerprintKey(fpHigh)}`),
  );
  const material = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode(PAIR_SECRET_VERSION) },
    material,
    PAIR_SECRET_BYTES * 8,
  );
  return toBase64Url(new Uint8Array(bits));
}

/**
 * Where two paired devices meet: SHA-256 of a label and the secret, base64url (43 characters). The server
 * sees this name, never the secret; the name does not let anyone prove the secret (the pair proof does).
 */
export async function rendezvousOf(secret: string): Promise<string> {
  const bytes = fromBase64Url(secret);
  if (bytes?.length !== PAIR_SECRET_BYTES) throw new Error('not a pair secret');
  const digest = await crypto.subtle.digest(
    'SHA-256',
    concat(encoder.encode(`${RENDEZVOUS_LABEL}\n`), bytes),
  );
  return toBase64Url(new Uint8Array(digest));
}

/**
 * The local name of a rendezvous's group (history, session token, and the proof key's HKDF info): `~` and
 * `:` cannot appear in room ids, so it never equals one, and a pair secret proves nothing in a room.
 */
export const rendezvousRoomId = (rendezvous: string): string => `~pair:${rendezvous}`;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

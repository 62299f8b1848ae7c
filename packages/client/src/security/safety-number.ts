import type { DtlsFingerprint } from '../peer/sdp.js';

/**
 * Safety numbers: 30 digits that both people see the same when nobody is in the middle.
 *
 * Each side's half comes from its own DTLS certificate fingerprint (taken from the negotiated SDP), so a
 * man-in-the-middle — who must terminate DTLS with certificates of its own — would have to find a
 * certificate whose half equals the real one's: a second preimage of 15 digits (~50 bits) under an
 * iterated hash, not a birthday collision, and per victim. The two halves are sorted, so both sides get
 * the same number; your own half is the same with everyone you talk to (your certificate is long-lived).
 */
export const SAFETY_NUMBER_VERSION = 'KOPRU-SAFETY-NUMBER-1';
/** Digits per half: 15 ≈ 50 bits, read out in three groups of five. */
export const HALF_DIGITS = 15;
/**
 * SHA-256 rounds per half. Like Signal's 5,200 iterations this multiplies the cost of each guess for an
 * attacker grinding certificates (×1024, ~10 more bits) while costing us a few milliseconds once per peer.
 */
export const HASH_ITERATIONS = 1024;

type Digest = (data: Uint8Array) => Promise<ArrayBuffer>;
const sha256: Digest = (data) => globalThis.crypto.subtle.digest('SHA-256', data as BufferSource);

const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The 15-digit half that belongs to one fingerprint. */
export async function safetyHalf(fingerprint: DtlsFingerprint, digest: Digest = sha256): Promise<string> {
  const input = encoder.encode(
    `${SAFETY_NUMBER_VERSION}|${fingerprint.algorithm.toLowerCase()}|${fingerprint.value.toUpperCase()}`,
  );
  let hash = new Uint8Array(await digest(input));
  for (let i = 1; i < HASH_ITERATIONS; i += 1) hash = new Uint8Array(await digest(concat(hash, input)));
  let value = 0n;
  for (const byte of hash.subarray(0, 8)) value = (value << 8n) | BigInt(byte);
  return (value % 10n ** BigInt(HALF_DIGITS)).toString().padStart(HALF_DIGITS, '0');
}

/** Groups of five digits, as people read them out: `12345 67890 …`. */
export const formatSafetyNumber = (digits: string): string => digits.replace(/(\d{5})(?=\d)/g, '$1 ');

/** The pair's safety number (30 digits in groups of five), the same whichever side computes it. */
export async function safetyNumber(
  local: DtlsFingerprint,
  remote: DtlsFingerprint,
  digest: Digest = sha256,
): Promise<string> {
  const halves = await Promise.all([safetyHalf(local, digest), safetyHalf(remote, digest)]);
  return formatSafetyNumber(halves.sort().join(''));
}

/** A fingerprint as one string, for storage and comparison: `sha-256 AB:CD:…`. */
export const fingerprintKey = (fingerprint: DtlsFingerprint): string =>
  `${fingerprint.algorithm.toLowerCase()} ${fingerprint.value.toUpperCase()}`;

import { LIMITS } from './limits.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Fills a buffer with secure random bytes; `globalThis.crypto` exists in browsers and Node ≥ 19. */
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

/** A URL-safe random id: 22 characters of a 64-letter alphabet carry 132 bits, enough to be unguessable. */
export function randomId(length: number = LIMITS.peerIdLength): string {
  let out = '';
  for (const byte of randomBytes(length)) out += ALPHABET[byte & 63];
  return out;
}

const NAME_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A short random display name such as `k7Qx2` (the seed's style), without look-alike letters. */
export function randomShortName(length = 5): string {
  let out = '';
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of the alphabet's size).
  const limit = 256 - (256 % NAME_ALPHABET.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += NAME_ALPHABET[byte % NAME_ALPHABET.length];
    }
  }
  return out;
}

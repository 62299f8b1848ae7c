import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HALF_DIGITS,
  HASH_ITERATIONS,
  SAFETY_NUMBER_VERSION,
  safetyNumber,
} from '../../src/security/safety-number.js';

const alice = {
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':'),
};
const bob = {
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).padStart(2, '0').toUpperCase()).join(
    ':',
  ),
};

/** The half, recomputed here with node:crypto from the documented construction (not the code under test). */
function expectedHalf(fingerprint: { algorithm: string; value: string }): string {
  const input = Buffer.from(`${SAFETY_NUMBER_VERSION}|${fingerprint.algorithm}|${fingerprint.value}`);
  let hash = createHash('sha256').update(input).digest();
  for (let i = 1; i < HASH_ITERATIONS; i += 1)
    hash = createHash('sha256').update(hash).update(input).digest();
  return (hash.readBigUInt64BE(0) % 10n ** BigInt(HALF_DIGITS)).toString().padStart(HALF_DIGITS, '0');
}

describe('safety numbers', () => {
  it('are the same on both sides', async () => {
    expect(await safetyNumber(alice, bob)).toBe(await safetyNumber(bob, alice));
  });

  it('are 30 digits in six groups of five, the two halves sorted', async () => {
    const number = await safetyNumber(alice, bob);
    expect(number).toMatch(/^\d{5}( \d{5}){5}$/);
    const halves = [expectedHalf(alice), expectedHalf(bob)].sort();
    expect(number.replaceAll(' ', '')).toBe(halves.join(''));
  });

  it('differ when either fingerprint changes, even by one byte', async () => {
    const reference = await safetyNumber(alice, bob);
    const mallory = { ...bob, value: `${bob.value.slice(0, -2)}00` };
    expect(await safetyNumber(alice, mallory)).not.toBe(reference);
    expect(await safetyNumber(mallory, bob)).not.toBe(reference);
    expect(await safetyNumber({ ...alice, algorithm: 'sha-384' }, bob)).not.toBe(reference);
  });

  it('do not depend on how the SDP spelled the fingerprint (case)', async () => {
    const lower = { algorithm: 'SHA-256', value: alice.value.toLowerCase() };
    expect(await safetyNumber(lower, bob)).toBe(await safetyNumber(alice, bob));
  });

  it('expose a man in the middle: the two sides of a relayed pair see different numbers', async () => {
    const mallory1 = { ...alice, value: alice.value.replace(/^../, 'AA') };
    const mallory2 = { ...bob, value: bob.value.replace(/^../, 'BB') };
    // Alice talks to Mallory's first certificate, Bob to its second.
    expect(await safetyNumber(alice, mallory1)).not.toBe(await safetyNumber(mallory2, bob));
  });
});

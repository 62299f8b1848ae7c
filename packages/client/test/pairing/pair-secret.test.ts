import { createHash, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivePairSecret, generatePairNonce, rendezvousOf } from '../../src/pairing/pair-secret.js';
import {
  MAX_PAIRED_DEVICES,
  MemoryPairedDeviceStore,
  type PairedDevice,
  PairedDevices,
} from '../../src/pairing/paired-devices.js';
import { type LinkProofView, peerView } from '../../src/security/link-proof.js';

const fingerprint = (first: number) => ({
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, (_, i) =>
    ((first + i) % 256).toString(16).padStart(2, '0').toUpperCase(),
  ).join(':'),
});
const laptop: LinkProofView = {
  role: 'low',
  ownFingerprint: fingerprint(0),
  peerFingerprint: fingerprint(128),
  ownPeerId: 'peerAAAA',
  peerPeerId: 'peerBBBB',
};
const phone = peerView(laptop);
const fixed = (byte: number) => Buffer.alloc(32, byte).toString('base64url');
const LAPTOP_NONCE = fixed(1);
const PHONE_NONCE = fixed(2);

describe('the pair secret', () => {
  it('matches a test vector computed here with node:crypto', async () => {
    // Written out from the construction in docs/security.md#pairing, not by the code under test.
    const fp = (f: { value: string }) => `sha-256 ${f.value}`;
    const salt = createHash('sha256')
      .update(`KOPRU-PAIR-1\n${fp(fingerprint(0))}\n${fp(fingerprint(128))}`)
      .digest();
    const ikm = Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    const expected = Buffer.from(hkdfSync('sha256', ikm, salt, 'KOPRU-PAIR-1', 32)).toString('base64url');
    expect(await derivePairSecret(laptop, LAPTOP_NONCE, PHONE_NONCE)).toBe(expected);
    const rendezvous = createHash('sha256')
      .update(Buffer.concat([Buffer.from('KOPRU-PAIR-RENDEZVOUS-1\n'), Buffer.from(expected, 'base64url')]))
      .digest('base64url');
    expect(await rendezvousOf(expected)).toBe(rendezvous);
  });

  it('is the same on both sides of one connection, and differs when anyone else’s keys are in between', async () => {
    const a = await derivePairSecret(laptop, LAPTOP_NONCE, PHONE_NONCE);
    expect(await derivePairSecret(phone, PHONE_NONCE, LAPTOP_NONCE)).toBe(a);
    // A man in the middle: each side sees its own fingerprint and the intercepter's.
    const intercepted = { ...phone, peerFingerprint: fingerprint(64) };
    expect(await derivePairSecret(intercepted, PHONE_NONCE, LAPTOP_NONCE)).not.toBe(a);
    expect(await derivePairSecret(laptop, LAPTOP_NONCE, fixed(3))).not.toBe(a);
    expect(await rendezvousOf(a)).not.toBe(a);
  });

  it('refuses nonces that are not 32 bytes', async () => {
    await expect(derivePairSecret(laptop, 'short', PHONE_NONCE)).rejects.toThrow(/nonce/);
    await expect(rendezvousOf('AAAA')).rejects.toThrow(/secret/);
    expect(generatePairNonce()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generatePairNonce()).not.toBe(generatePairNonce());
  });
});

describe('PairedDevices', () => {
  const device = (n: number): PairedDevice => ({
    rendezvous: `r${n}`.padEnd(43, 'x'),
    secret: fixed(n),
    label: `Device ${n}`,
    pairedAt: n,
  });

  it('keeps, renames and forgets devices in the store, and says so', async () => {
    const store = new MemoryPairedDeviceStore();
    const devices = new PairedDevices(store);
    const seen: string[][] = [];
    devices.on('changed', ({ devices: list }) => seen.push(list.map((d) => d.label)));
    expect(await devices.add(device(2))).toBe(true);
    expect(await devices.add(device(1))).toBe(true);
    await devices.rename(device(2).rendezvous, 'Phone');
    expect((await store.list()).map((d) => d.label).sort()).toEqual(['Device 1', 'Phone']);
    await devices.remove(device(1).rendezvous);
    await devices.remove(device(1).rendezvous);
    expect(devices.list.map((d) => d.label)).toEqual(['Phone']);
    expect(seen.at(-1)).toEqual(['Phone']);
    // A second instance on the same store finds what the first kept.
    const reloaded = new PairedDevices(store);
    await reloaded.load();
    expect(reloaded.list.map((d) => d.label)).toEqual(['Phone']);
  });

  it(`refuses a pair beyond ${MAX_PAIRED_DEVICES}`, async () => {
    const devices = new PairedDevices(new MemoryPairedDeviceStore());
    for (let i = 0; i < MAX_PAIRED_DEVICES; i++) expect(await devices.add(device(i))).toBe(true);
    expect(await devices.add(device(99))).toBe(false);
    // Re-pairing one already kept replaces it.
    expect(await devices.add({ ...device(3), label: 'Again' })).toBe(true);
    expect(devices.list).toHaveLength(MAX_PAIRED_DEVICES);
  });
});

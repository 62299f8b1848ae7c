import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeLinkProof,
  constantTimeEqual,
  deriveProofKey,
  generateLinkKey,
  isLinkKey,
  type LinkProofView,
  parseLinkFragment,
  peerView,
  proofInput,
  verifyLinkProof,
} from '../../src/security/link-proof.js';

const fingerprint = (first: number) => ({
  algorithm: 'sha-256',
  value: Array.from({ length: 32 }, (_, i) =>
    ((first + i) % 256).toString(16).padStart(2, '0').toUpperCase(),
  ).join(':'),
});
const ROOM = 'abcdefgh12345678';
/** 00 01 … 0f. */
const KEY = 'AAECAwQFBgcICQoLDA0ODw';
const OTHER_KEY = generateLinkKey();

/** Aylin's view of her connection with Burak; Burak's is `peerView` of it. */
const aylin: LinkProofView = {
  role: 'low',
  ownFingerprint: fingerprint(0),
  peerFingerprint: fingerprint(128),
  ownPeerId: 'peerAAAA',
  peerPeerId: 'peerBBBB',
};
const burak = peerView(aylin);

describe('the invite-link proof', () => {
  it('matches a test vector computed here with node:crypto (HKDF-SHA-256, then HMAC-SHA-256)', async () => {
    // Written out by hand from the construction in docs/security.md, not by the code under test.
    const ikm = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const proofKey = Buffer.from(
      hkdfSync('sha256', ikm, Buffer.alloc(0), `KOPRU-LINK-PROOF-1|room|${ROOM}`, 32),
    );
    expect(proofKey.toString('hex')).toBe('ae114fc7000939f024cd1dcb26e94fb318c3e896b88a68a65aa9335b6aee530b');
    const field = (text: string) => {
      const bytes = Buffer.from(text);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([length, bytes]);
    };
    const fingerprintText = (first: number) =>
      `sha-256 ${Array.from({ length: 32 }, (_, i) => ((first + i) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
    const input = Buffer.concat(
      ['KOPRU-LINK-PROOF-1', 'low', fingerprintText(0), fingerprintText(128), 'peerAAAA', 'peerBBBB'].map(
        field,
      ),
    );
    expect(Buffer.from(proofInput(aylin))).toEqual(input);
    const expected = createHmac('sha256', proofKey).update(input).digest('base64url');
    expect(expected).toBe('LVpzF0BDIuB66Awp942E0Fh-cYZ47VlBFHGAHTyyB88');

    expect(await computeLinkProof(await deriveProofKey(KEY, ROOM), aylin)).toBe(expected);
  });

  it('verifies an honest proof on both sides', async () => {
    const key = await deriveProofKey(KEY, ROOM);
    const fromAylin = await computeLinkProof(key, aylin);
    const fromBurak = await computeLinkProof(key, burak);
    expect(fromAylin).not.toBe(fromBurak);
    expect(await verifyLinkProof(key, burak, fromAylin)).toBe(true);
    expect(await verifyLinkProof(key, aylin, fromBurak)).toBe(true);
  });

  it.each<[string, () => Promise<{ proof: string; checkedWith: CryptoKey }>]>([
    [
      "Aylin's own fingerprint replaced (a man in the middle facing Burak)",
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(KEY, ROOM), {
          ...aylin,
          ownFingerprint: fingerprint(7),
        }),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
    [
      "Burak's fingerprint replaced (a man in the middle facing Aylin)",
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(KEY, ROOM), {
          ...aylin,
          peerFingerprint: fingerprint(9),
        }),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
    [
      'another room id',
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(KEY, 'zyxwvuts87654321'), aylin),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
    [
      'the other role',
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(KEY, ROOM), { ...aylin, role: 'high' }),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
    [
      'another key',
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(OTHER_KEY, ROOM), aylin),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
    [
      'peer ids swapped',
      async () => ({
        proof: await computeLinkProof(await deriveProofKey(KEY, ROOM), {
          ...aylin,
          ownPeerId: aylin.peerPeerId,
          peerPeerId: aylin.ownPeerId,
        }),
        checkedWith: await deriveProofKey(KEY, ROOM),
      }),
    ],
  ])('fails with %s', async (_label, make) => {
    const { proof, checkedWith } = await make();
    expect(await verifyLinkProof(checkedWith, burak, proof)).toBe(false);
  });

  it('fails for a proof sent back to its maker, and for one that is not 32 bytes', async () => {
    const key = await deriveProofKey(KEY, ROOM);
    const fromAylin = await computeLinkProof(key, aylin);
    expect(await verifyLinkProof(key, aylin, fromAylin)).toBe(false);
    expect(await verifyLinkProof(key, burak, fromAylin.slice(0, 22))).toBe(false);
    expect(await verifyLinkProof(key, burak, 'not base64url!')).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  /** Counts how many bytes of `bytes` the comparison reads. */
  const counting = (bytes: number[]) => {
    const reads = { count: 0 };
    const proxy = new Proxy(bytes, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads.count += 1;
        return Reflect.get(target, property, receiver);
      },
    });
    return { proxy, reads };
  };

  it('reads every byte whether the first or the last one differs', () => {
    const reference = Array.from({ length: 32 }, (_, i) => i);
    for (const differing of [0, 15, 31]) {
      const other = [...reference];
      other[differing] = 255;
      const { proxy, reads } = counting(other);
      expect(constantTimeEqual(reference, proxy)).toBe(false);
      expect(reads.count).toBe(32);
    }
    const { proxy, reads } = counting([...reference]);
    expect(constantTimeEqual(reference, proxy)).toBe(true);
    expect(reads.count).toBe(32);
  });

  it('is false for different lengths', () => {
    expect(constantTimeEqual([1, 2, 3], [1, 2])).toBe(false);
  });
});

describe('link keys and fragments', () => {
  it('makes 128-bit base64url keys, different each time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateLinkKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(isLinkKey(key)).toBe(true);
    }
  });

  it.each<[string, ReturnType<typeof parseLinkFragment>]>([
    ['', { kind: 'none' }],
    ['#', { kind: 'none' }],
    ['#new', { kind: 'new-room' }],
    [`#k=${KEY}`, { kind: 'key', key: KEY }],
    [`k=${KEY}`, { kind: 'key', key: KEY }],
    [`#k=${KEY}AAAA`, { kind: 'key', key: `${KEY}AAAA` }],
    ['#k=', { kind: 'malformed' }],
    [`#k=${KEY.slice(0, 21)}`, { kind: 'malformed' }],
    [`#k=${KEY.slice(0, 20)}!!`, { kind: 'malformed' }],
    [`#k=${'A'.repeat(87)}`, { kind: 'malformed' }],
    ['#something-else', { kind: 'none' }],
  ])('reads %j', (hash, expected) => {
    expect(parseLinkFragment(hash)).toEqual(expected);
  });
});

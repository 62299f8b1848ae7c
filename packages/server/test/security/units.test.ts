import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrust } from '../../src/security/client-address.js';
import { originAllowed } from '../../src/security/connection-guard.js';
import { scryptHasher } from '../../src/security/password-hash.js';
import { MemoryRateLimitStore } from '../../src/security/rate-limit-store.js';
import { tamperFingerprints } from '../../src/security/test-only-sdp-tamper.js';
import { takeTokens } from '../../src/security/token-bucket.js';

describe('token bucket', () => {
  const rule = { capacity: 3, refillPerSecond: 2 };

  it('allows a burst of `capacity`, then refuses with the time until one token is back', () => {
    let state: Parameters<typeof takeTokens>[0];
    const decisions = [];
    for (let i = 0; i < 4; i += 1) {
      const taken = takeTokens(state, rule, 1000);
      state = taken.state;
      decisions.push(taken.decision);
    }
    expect(decisions.slice(0, 3).every((d) => d.allowed)).toBe(true);
    expect(decisions[3]).toEqual({ allowed: false, retryAfterMs: 500 });
    // After the promised wait, exactly one more.
    expect(takeTokens(state, rule, 1500).decision).toEqual({ allowed: true });
  });

  it('refills at the rule rate and never above capacity', () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(takeTokens(empty, rule, 1000, 2).decision.allowed).toBe(true);
    expect(takeTokens(empty, rule, 999, 2).decision.allowed).toBe(false);
    expect(takeTokens(empty, rule, 3_600_000, 4).decision.allowed).toBe(false);
  });

  it('the memory store keeps one bucket per key and forgets full ones', async () => {
    const store = new MemoryRateLimitStore();
    for (let i = 0; i < 3; i += 1) expect((await store.take('a', rule, 0)).allowed).toBe(true);
    expect((await store.take('a', rule, 0)).allowed).toBe(false);
    expect((await store.take('b', rule, 0)).allowed).toBe(true);
    expect(store.size).toBe(2);
    await store.take('c', rule, 120_000);
    expect(store.size).toBe(1);
  });
});

describe('client address', () => {
  it('is the socket peer unless a proxy is trusted', () => {
    expect(clientAddress('::ffff:198.51.100.7', '203.0.113.9', compileTrust(undefined))).toBe('198.51.100.7');
  });

  it('walks X-Forwarded-For from the nearest hop, stopping at the first untrusted address', () => {
    const header = '203.0.113.9, 10.0.0.2';
    expect(clientAddress('127.0.0.1', header, compileTrust('loopback'))).toBe('10.0.0.2');
    expect(clientAddress('127.0.0.1', header, compileTrust('loopback, uniquelocal'))).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', header, compileTrust(1))).toBe('10.0.0.2');
    expect(clientAddress('127.0.0.1', header, compileTrust(true))).toBe('203.0.113.9');
    expect(clientAddress('192.0.2.1', header, compileTrust('loopback'))).toBe('192.0.2.1');
  });
});

describe('origin check', () => {
  const headers = { host: 'kopru.example:8443' };
  it('accepts our own origin, no origin (not a browser) and configured ones', () => {
    expect(originAllowed('https://kopru.example:8443', headers, [], false)).toBe(true);
    expect(originAllowed(undefined, headers, [], false)).toBe(true);
    expect(originAllowed('https://app.example', headers, ['https://app.example'], false)).toBe(true);
    expect(originAllowed('https://evil.example', headers, ['*'], false)).toBe(true);
  });

  it('refuses other sites, look-alikes and opaque origins', () => {
    for (const origin of [
      'https://evil.example',
      'https://kopru.example:8444',
      'https://kopru.example.evil.example:8443',
      'null',
      'not a url',
    ]) {
      expect(originAllowed(origin, headers, ['https://app.example'], false)).toBe(false);
    }
  });

  it('trusts X-Forwarded-Host only behind a trusted proxy', () => {
    const proxied = { host: '127.0.0.1:8080', 'x-forwarded-host': 'kopru.example' };
    expect(originAllowed('https://kopru.example', proxied, [], true)).toBe(true);
    expect(originAllowed('https://kopru.example', proxied, [], false)).toBe(false);
  });
});

describe('room password hashing', () => {
  const hasher = scryptHasher({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });

  it('keeps a salted scrypt hash, never the password, and checks guesses against it', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain('correct');
    expect(first).not.toBe(second); // salted
    expect(await hasher.verify('correct horse', first)).toBe(true);
    expect(await hasher.verify('correct horse ', first)).toBe(false);
    expect(await hasher.verify('', first)).toBe(false);
    expect(await hasher.verify('correct horse', 'plain:correct horse')).toBe(false);
  });

  it('matches the same passphrase typed composed or decomposed (NFC)', async () => {
    const stored = await hasher.hash('şifre çok gizli');
    expect(await hasher.verify('şifre çok gizli'.normalize('NFD'), stored)).toBe(true);
  });
});

describe('test-only SDP tamper', () => {
  it('changes every fingerprint and nothing else', () => {
    const sdp = [
      'v=0',
      'a=fingerprint:sha-256 00:11:AA:FF',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=fingerprint:sha-256 00:11:AA:FF',
      'a=setup:actpass',
      '',
    ].join('\r\n');
    const tampered = tamperFingerprints(sdp);
    expect(tampered).toBe(sdp.replaceAll('00:11:AA:FF', 'FF:EE:55:00'));
  });
});

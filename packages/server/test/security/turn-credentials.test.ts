import { describe, expect, it } from 'vitest';
import { createIceServerProvider, turnCredential } from '../../src/security/turn-credentials.js';
import { FakeClock } from '../support/harness.js';

describe('turnCredential (TURN REST scheme, as coturn checks it)', () => {
  // Expected values computed with an independent implementation:
  //   echo -n "$username" | openssl dgst -sha1 -hmac "$secret" -binary | base64
  it.each([
    ['north-wind-turn-secret', 'A1ice0000000000000000a', 1735693200, '5PpwzgqLOqKOmOWHnpRZY7KGHz4='],
    ['my_secret', 'my_username', 1433895918506, 'gKwSWE2uKuZnhCArog06lwc23/A='],
  ])('secret %s, peer %s, expiry %d', (secret, peerId, expiry, password) => {
    expect(turnCredential(secret, peerId, expiry)).toEqual({
      username: `${expiry}:${peerId}`,
      credential: password,
    });
  });
});

describe('createIceServerProvider', () => {
  const settings = {
    stunUrls: ['stun:stun.example.test:3478'],
    turnUrls: ['turn:turn.example.test:3478?transport=udp', 'turn:turn.example.test:3478?transport=tcp'],
    turnSecret: 'a-secret-of-at-least-16',
    turnTtl: 3600,
  };

  it('gives nothing when nothing is configured: no public STUN or TURN server by default', () => {
    const provider = createIceServerProvider(
      { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtl: 3600 },
      new FakeClock(),
    );
    expect(provider('A1ice0000000000000000a')).toEqual([]);
  });

  it('gives STUN as configured and a per-peer TURN credential that expires TURN_TTL from now', () => {
    const clock = new FakeClock(Date.UTC(2025, 0, 1, 12));
    const provider = createIceServerProvider(settings, clock);
    const [stun, turn] = provider('A1ice0000000000000000a');
    expect(stun).toEqual({ urls: ['stun:stun.example.test:3478'] });
    const expiry = Date.UTC(2025, 0, 1, 13) / 1000;
    expect(turn).toEqual({
      urls: settings.turnUrls,
      username: `${expiry}:A1ice0000000000000000a`,
      credential: expect.any(String),
    });
    expect(turn?.credential).toBe(
      turnCredential(settings.turnSecret, 'A1ice0000000000000000a', expiry).credential,
    );
  });

  it('never issues an expired credential: each one expires TURN_TTL after the moment it is asked for', () => {
    const clock = new FakeClock();
    const provider = createIceServerProvider(settings, clock);
    for (let hour = 0; hour < 48; hour += 7) {
      clock.advance(7 * 3600_000);
      const turn = provider('B0b0000000000000000000').at(-1);
      const expiry = Number(turn?.username?.split(':')[0]);
      expect(expiry).toBe(Math.floor(clock.now() / 1000) + settings.turnTtl);
      expect(expiry * 1000).toBeGreaterThan(clock.now());
    }
  });

  it('gives different peers different credentials', () => {
    const provider = createIceServerProvider(settings, new FakeClock());
    const a = provider('A1ice0000000000000000a').at(-1);
    const b = provider('B0b0000000000000000000').at(-1);
    expect(a?.credential).not.toBe(b?.credential);
  });
});

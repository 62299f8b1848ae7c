import { createHmac } from 'node:crypto';
import { randomId } from '@kopru/protocol';
import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../src/session-token.js';

const SECRET = 'unit-test-secret-that-is-at-least-32-characters';
const TTL = 60_000;
const NOW = Date.UTC(2025, 5, 1);
const ROOM = 'room-abcdefgh';
const PEER = randomId();

const tokens = new SessionTokens(SECRET, TTL);
const sign = (body: string, secret = SECRET) =>
  `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;

describe('SessionTokens', () => {
  it('verifies its own token and returns the peer id it was issued for', () => {
    const token = tokens.issue(ROOM, PEER, NOW);

    expect(token).toBe(sign(`v1.${ROOM}.${PEER}.${NOW}`));
    expect(tokens.verify(token, ROOM, NOW)).toBe(PEER);
  });

  it('is valid up to the TTL and not one millisecond after', () => {
    const token = tokens.issue(ROOM, PEER, NOW);

    expect(tokens.verify(token, ROOM, NOW + TTL)).toBe(PEER);
    expect(tokens.verify(token, ROOM, NOW + TTL + 1)).toBeUndefined();
  });

  it('tolerates a minute of clock skew between nodes, not more', () => {
    const fromTheFuture = tokens.issue(ROOM, PEER, NOW + 60_000);
    const tooFarAhead = tokens.issue(ROOM, PEER, NOW + 60_001);

    expect(tokens.verify(fromTheFuture, ROOM, NOW)).toBe(PEER);
    expect(tokens.verify(tooFarAhead, ROOM, NOW)).toBeUndefined();
  });

  it('refuses a token for another room', () => {
    const token = tokens.issue(ROOM, PEER, NOW);

    expect(tokens.verify(token, 'another-room', NOW)).toBeUndefined();
  });

  it('refuses a token signed with another secret', () => {
    const other = new SessionTokens('another-secret-that-is-at-least-32-chars', TTL);

    expect(tokens.verify(other.issue(ROOM, PEER, NOW), ROOM, NOW)).toBeUndefined();
  });

  it.each([
    ['the room', (t: string) => t.replace(ROOM, 'room-hijacked')],
    ['the peer id', (t: string) => t.replace(PEER, randomId())],
    ['the issue time', (t: string) => t.replace(`.${NOW}.`, `.${NOW + 1}.`)],
    ['the version', (t: string) => t.replace(/^v1/, 'v2')],
    ['the last signature character', (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')],
    ['the signature length', (t: string) => `${t}A`],
    ['nothing but the signature (dropped)', (t: string) => t.slice(0, t.lastIndexOf('.') + 1)],
  ])('refuses a token with %s changed', (_label, tamper) => {
    const token = tokens.issue(ROOM, PEER, NOW);
    const tampered = tamper(token);
    expect(tampered).not.toBe(token);

    expect(tokens.verify(tampered, ROOM, NOW)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['a single part', 'v1'],
    ['too few parts', `v1.${ROOM}.${PEER}.${NOW}`],
    ['too many parts', `${tokens.issue(ROOM, PEER, NOW)}.extra`],
    ['dots only', '....'],
    ['a non-numeric issue time with a genuine signature', sign(`v1.${ROOM}.${PEER}.soon`)],
    ['an unsafe-integer issue time with a genuine signature', sign(`v1.${ROOM}.${PEER}.1e400`)],
    ['a wrong version with a genuine signature', sign(`v2.${ROOM}.${PEER}.${NOW}`)],
  ])('refuses %s without throwing', (_label, token) => {
    expect(tokens.verify(token, ROOM, NOW)).toBeUndefined();
  });

  it('issues different tokens for different peers, rooms and times', () => {
    const all = new Set([
      tokens.issue(ROOM, PEER, NOW),
      tokens.issue(ROOM, randomId(), NOW),
      tokens.issue('room-other1', PEER, NOW),
      tokens.issue(ROOM, PEER, NOW + 1),
    ]);

    expect(all.size).toBe(4);
  });

  it('verifies a token on another instance that shares the secret (another node, or after a restart)', () => {
    const restarted = new SessionTokens(SECRET, TTL);

    expect(restarted.verify(tokens.issue(ROOM, PEER, NOW), ROOM, NOW + 1000)).toBe(PEER);
  });
});

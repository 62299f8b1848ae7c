import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Session tokens bring a reconnecting or reloaded tab back as the same peer. They are stateless
 * (`v1.<roomId>.<peerId>.<issuedAt>.<hmac>`), so they survive a server restart and work on any node that
 * shares the secret; no table of live sessions has to be kept or expired.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  issue(roomId: string, peerId: string, now: number): string {
    const body = `v1.${roomId}.${peerId}.${now}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The peer id the token was issued for, if it is genuine, unexpired and for this room. */
  verify(token: string, roomId: string, now: number): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') return undefined;
    const [, tokenRoom, peerId, issuedAtText, mac] = parts as [string, string, string, string, string];
    const expected = Buffer.from(this.mac(parts.slice(0, 4).join('.')));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const issuedAt = Number(issuedAtText);
    if (!Number.isSafeInteger(issuedAt) || now - issuedAt > this.ttlMs || issuedAt > now + 60_000)
      return undefined;
    return tokenRoom === roomId ? peerId : undefined;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

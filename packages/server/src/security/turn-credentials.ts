import { createHmac } from 'node:crypto';
import type { IceServer } from '@kopru/protocol';
import type { Clock } from '../deps.js';

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest-00), what coturn checks with `use-auth-secret` and
 * `static-auth-secret`: username `<unix expiry>:<peer id>`, password base64(HMAC-SHA1(secret, username)).
 * The TURN server needs no user list and no call to us: it recomputes the HMAC and refuses after expiry.
 */
export function turnCredential(
  secret: string,
  peerId: string,
  expiresAtSeconds: number,
): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

export interface IceSettings {
  /** `stun:` URLs, given to everyone as they are. */
  stunUrls: readonly string[];
  /** `turn:`/`turns:` URLs (UDP and TCP), one credential for all of them. */
  turnUrls: readonly string[];
  turnSecret: string | undefined;
  /** Credential lifetime (seconds). */
  turnTtl: number;
}

/**
 * Builds a peer's ICE servers at join (and `ice:refresh`) time: STUN as configured, and TURN with a fresh
 * credential for this peer that expires `turnTtl` seconds from now. Nothing is configured by default, so
 * no public STUN or TURN server learns who meets whom unless the operator chose one.
 */
export function createIceServerProvider(
  settings: IceSettings,
  clock: Clock,
): (peerId: string) => IceServer[] {
  return (peerId) => {
    const servers: IceServer[] = [];
    if (settings.stunUrls.length > 0) servers.push({ urls: [...settings.stunUrls] });
    if (settings.turnUrls.length > 0 && settings.turnSecret) {
      const expiresAt = Math.floor(clock.now() / 1000) + settings.turnTtl;
      servers.push({
        urls: [...settings.turnUrls],
        ...turnCredential(settings.turnSecret, peerId, expiresAt),
      });
    }
    return servers;
  };
}

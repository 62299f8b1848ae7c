import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import type { DeviceKind } from '@kopru/protocol';

/** Devices shown per Nearby group when `NEARBY_MAX` is not set: a busy office, not a carrier's NAT. */
export const DEFAULT_NEARBY_MAX = 50;

/** Whether Nearby is on, and how many of the most recent devices a group keeps (`NEARBY`, `NEARBY_MAX`). */
export interface NearbySettings {
  enabled: boolean;
  max: number;
}

/** Every presence key of a Nearby group starts so; room ids cannot contain `:`, so no room join reaches one. */
const NEARBY_KEY_PREFIX = 'nearby:';

export const isNearbyKey = (key: string): boolean => key.startsWith(NEARBY_KEY_PREFIX);

/** Expands an IPv6 address to its eight 16-bit groups (`::` filled in, an embedded IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] ?? address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The network a client address belongs to for Nearby: an IPv4 address itself (a home or office NAT shows
 * one), an IPv6 address's /64 (one LAN gets one /64; its devices each pick addresses inside it).
 */
export function nearbyNetworkOf(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address)
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * The presence key of a client address's Nearby group: an HMAC of its network under the session secret,
 * so neither logs nor Redis hold the address, and every node sharing the secret finds the same group.
 */
export function nearbyKeyOf(secret: string, address: string): string {
  const digest = createHmac('sha256', secret)
    .update(`nearby\0${nearbyNetworkOf(address)}`)
    .digest();
  return `${NEARBY_KEY_PREFIX}${digest.subarray(0, 16).toString('base64url')}`;
}

/**
 * A coarse device kind from a User-Agent header: tablets first (Android tablets say "Android" without
 * "Mobile"), then phones; everything else, and an iPad that asks for the desktop site, is a computer.
 */
export function deviceKindOf(userAgent: string | undefined): DeviceKind {
  const ua = userAgent ?? '';
  if (/iPad|Tablet|PlayBook|Silk|Kindle/i.test(ua) || (/Android/i.test(ua) && !/Mobile/i.test(ua))) {
    return 'tablet';
  }
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(ua)) return 'phone';
  return 'computer';
}

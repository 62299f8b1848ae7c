import { BlockList, isIP } from 'node:net';

/** Express's `trust proxy` setting, as `TRUST_PROXY` gives it. */
export type TrustProxy = boolean | number | string | undefined;

/** The names Express accepts in a `trust proxy` list, as subnets. */
const NAMED_SUBNETS: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is `1.2.3.4`. */
export const normalizeAddress = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

function listTrust(spec: string): (address: string) => boolean {
  const list = new BlockList();
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (const entry of NAMED_SUBNETS[raw] ?? [raw]) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(prefix), family);
    }
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    const family = isIP(normalized) === 6 ? 'ipv6' : 'ipv4';
    return isIP(normalized) !== 0 && list.check(normalized, family);
  };
}

/** A `(address, hop) => trusted` function for the setting, the way Express's `proxy-addr` reads it. */
export function compileTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === undefined || trust === false) return () => false;
  if (trust === true) return () => true;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const inList = listTrust(trust);
  return (address) => inList(address);
}

/**
 * The client's address: the socket's peer, or — through trusted proxies only — the nearest untrusted entry
 * of `X-Forwarded-For`. Per-address limits key on it, so a client must not be able to pick it.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: (address: string, hop: number) => boolean,
): string {
  const chain = [remoteAddress ?? 'unknown'];
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const forwarded = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  chain.push(...forwarded);
  for (let hop = 0; hop < chain.length - 1; hop += 1) {
    const address = chain[hop] ?? '';
    if (!trusted(address, hop)) return normalizeAddress(address);
  }
  return normalizeAddress(chain[chain.length - 1] ?? 'unknown');
}

/**
 * The fake's SDP: real-looking lines where this layer reads them (`a=fingerprint`), and `a=x-fake-*` lines
 * carrying what the fake needs to know about the other end.
 */
export interface FakeSdp {
  pcId: string;
  ufrag: string;
  fingerprint: string;
  application: boolean;
  media: number;
  version: number;
}

export function writeFakeSdp(d: FakeSdp): string {
  return [
    'v=0',
    `o=- 4611731400430051336 ${d.version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=x-fake-pc:${d.pcId}`,
    `a=ice-ufrag:${d.ufrag}`,
    `a=fingerprint:sha-256 ${d.fingerprint}`,
    `a=x-fake-application:${d.application ? 1 : 0}`,
    `a=x-fake-media:${d.media}`,
    '',
  ].join('\r\n');
}

function field(sdp: string, name: string): string {
  const match = new RegExp(`^a=${name}:(.*)$`, 'm').exec(sdp);
  if (!match?.[1]) throw new DOMException(`fake SDP without ${name}`, 'OperationError');
  return match[1].trim();
}

/** Parses a fake SDP; throws like `setRemoteDescription` does for SDP it cannot parse. */
export function readFakeSdp(sdp: string): FakeSdp {
  const version = /^o=- \d+ (\d+) /m.exec(sdp)?.[1];
  return {
    pcId: field(sdp, 'x-fake-pc'),
    ufrag: field(sdp, 'ice-ufrag'),
    fingerprint: field(sdp, 'fingerprint').replace(/^sha-256 /, ''),
    application: field(sdp, 'x-fake-application') === '1',
    media: Number(field(sdp, 'x-fake-media')),
    version: Number(version ?? 0),
  };
}

/** A deterministic 32-byte fingerprint per connection number. */
export function fakeFingerprint(n: number): string {
  return Array.from({ length: 32 }, (_, i) => ((n * 37 + i * 11) & 255).toString(16).padStart(2, '0'))
    .join(':')
    .toUpperCase();
}

/** A DTLS certificate fingerprint from an SDP `a=fingerprint` line (RFC 8122 §5). */
export interface DtlsFingerprint {
  /** Hash function, lower case, e.g. `sha-256`. */
  algorithm: string;
  /** Upper-case hex bytes separated by colons, e.g. `AB:CD:…`. */
  value: string;
}

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)\s*$/;

/** Every fingerprint in an SDP, session-level and media-level, in order and without repeats. */
export function parseFingerprints(sdp: string): DtlsFingerprint[] {
  const found: DtlsFingerprint[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const match = FINGERPRINT_LINE.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const fingerprint = { algorithm: match[1].toLowerCase(), value: match[2].toUpperCase() };
    if (!found.some((f) => f.algorithm === fingerprint.algorithm && f.value === fingerprint.value)) {
      found.push(fingerprint);
    }
  }
  return found;
}

/**
 * The fingerprint that identifies an endpoint for safety numbers: the first SHA-256 one (what every current
 * browser offers), else the first of any algorithm; undefined when the SDP has none.
 */
export function primaryFingerprint(sdp: string | undefined): DtlsFingerprint | undefined {
  if (!sdp) return undefined;
  const all = parseFingerprints(sdp);
  return all.find((f) => f.algorithm === 'sha-256') ?? all[0];
}

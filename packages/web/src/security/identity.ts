import { loadDtlsCertificate } from '@kopru/client';

let certificate: RTCCertificate | undefined;

/**
 * Loads (or makes, the first time) this browser's long-lived DTLS certificate before the app starts, so
 * every connection of the session uses it and the safety numbers people verified stay valid.
 */
export async function loadIdentity(): Promise<void> {
  certificate = await loadDtlsCertificate();
}

/** For `PeerMesh` (`certificates`); undefined where the browser could not keep one. */
export const dtlsCertificates = (): RTCCertificate[] | undefined => (certificate ? [certificate] : undefined);

import { openDB } from 'idb';

/** Where this browser keeps its DTLS certificate (the private key is not extractable, even from here). */
export const IDENTITY_DB_NAME = 'kopru-identity';
const STORE = 'certificates';
const KEY = 'dtls';

/**
 * A year: Chromium caps a generated certificate's lifetime at 365 days. When it is renewed the fingerprint
 * changes, and people who verified it see the change; a month before the end it is renewed.
 */
const LIFETIME_MS = 365 * 24 * 3600 * 1000;
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/**
 * The browser's long-lived DTLS certificate (ECDSA P-256), made once and kept in IndexedDB. Without it the
 * browser makes a new certificate for every connection, so a fingerprint — and a verified safety number —
 * would not outlive a reload. Undefined where IndexedDB or `generateCertificate` is missing (connections
 * then use throwaway certificates, and safety numbers only hold for one connection).
 */
export async function loadDtlsCertificate(now = Date.now()): Promise<RTCCertificate | undefined> {
  try {
    const db = await openDB(IDENTITY_DB_NAME, 1, {
      upgrade(database) {
        database.createObjectStore(STORE);
      },
    });
    try {
      const stored: unknown = await db.get(STORE, KEY);
      if (stored instanceof RTCCertificate && stored.expires - now > RENEW_BEFORE_MS) return stored;
      const algorithm = { name: 'ECDSA', namedCurve: 'P-256', expires: LIFETIME_MS };
      const certificate = await RTCPeerConnection.generateCertificate(algorithm);
      await db.put(STORE, certificate, KEY);
      return certificate;
    } finally {
      // Closed at once: nothing else needs it, and an open connection would block deleting the database.
      db.close();
    }
  } catch (error) {
    console.warn('no long-lived DTLS certificate; safety numbers will change on every connection', error);
    return undefined;
  }
}

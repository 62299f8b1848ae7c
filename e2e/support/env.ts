/** The shared test server (started once by global-setup) listens here, on loopback only. */
export const E2E_PORT = Number(process.env.KOPRU_E2E_PORT ?? 18443);
export const E2E_BASE_URL = `https://127.0.0.1:${E2E_PORT}`;

/** See ../shared/MEASURED.md: what headless Chromium needs on this machine. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Real host candidates instead of mDNS `.local` names (which would need multicast).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // No background DNS lookups: this machine has no network beyond loopback.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

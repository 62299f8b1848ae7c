// @ts-check
/**
 * The flags headless Debian Chromium needs on these machines, shared by the e2e tests and the benchmarks
 * so both run the same browser.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Camera, microphone and their permission prompts are fakes (no devices, nobody to click).
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Real host candidates instead of mDNS `.local` names (which would need multicast).
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // No background DNS lookups: this machine has no network beyond loopback.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

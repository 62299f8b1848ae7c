export { IDENTITY_DB_NAME, loadDtlsCertificate } from './dtls-identity.js';
export {
  type PeerRoute,
  type PeerSecurityEvents,
  type PeerSecurityInfo,
  PeerSecurityMonitor,
  type PeerSecuritySource,
  type PeerSecuritySourceEvents,
  SECURITY_POLL_MS,
} from './peer-security.js';
export { hasRelayServer, RELAY_ONLY_KEY, RelayOnlySetting } from './relay-only.js';
export { fingerprintKey, formatSafetyNumber, safetyHalf, safetyNumber } from './safety-number.js';
export {
  VERIFIED_PEERS_KEY,
  type VerificationStatus,
  type VerifiedEntry,
  VerifiedPeers,
} from './verified-peers.js';

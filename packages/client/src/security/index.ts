export { IDENTITY_DB_NAME, loadDtlsCertificate } from './dtls-identity.js';
export {
  computeLinkProof,
  constantTimeEqual,
  deriveProofKey,
  generateLinkKey,
  isLinkKey,
  LINK_KEY_BYTES,
  LINK_PROOF_VERSION,
  type LinkFragment,
  type LinkProofRole,
  type LinkProofView,
  parseLinkFragment,
  peerView,
  proofInput,
  proofKeyInfo,
  roleOf,
  verifyLinkProof,
} from './link-proof.js';
export {
  LINK_PROOF_WAIT_MS,
  type LinkProofState,
  type LinkProofStatus,
  LinkVerifier,
  type LinkVerifierEvents,
  type LinkVerifierOptions,
} from './link-verifier.js';
export {
  type PeerRoute,
  type PeerSecurityEvents,
  type PeerSecurityInfo,
  PeerSecurityMonitor,
  type PeerSecuritySource,
  type PeerSecuritySourceEvents,
  SECURITY_POLL_MS,
} from './peer-security.js';
export {
  hasRelayServer,
  NEARBY_VISIBLE_KEY,
  NearbyVisibility,
  RELAY_ONLY_KEY,
  RelayOnlySetting,
} from './relay-only.js';
export { fingerprintKey, formatSafetyNumber, safetyHalf, safetyNumber } from './safety-number.js';
export {
  VERIFIED_PEERS_KEY,
  type VerificationStatus,
  type VerifiedEntry,
  VerifiedPeers,
} from './verified-peers.js';

import type { Config } from '../config.js';
import type { AppDeps, Clock } from '../deps.js';
import { createIceServerProvider } from './turn-credentials.js';

/**
 * Log fields pino replaces with `[Redacted]`, wherever a log line carries them: passwords, session
 * tokens, TURN credentials and secrets never reach a log, even at `trace`.
 */
export const LOG_REDACT_PATHS = [
  'password',
  '*.password',
  'sessionToken',
  '*.sessionToken',
  'credential',
  '*.credential',
  '*.iceServers',
  'secret',
  '*.secret',
  'req.headers.cookie',
  'req.headers.authorization',
];

/** The security-related parts of `AppDeps`, from the settings. */
export function securityDeps(
  config: Config,
  clock: Clock,
): Pick<
  AppDeps,
  'iceServers' | 'iceServersTtl' | 'relayOnlyDefault' | 'allowedOrigins' | 'rateLimits' | 'testOnlyTamperSdp'
> {
  const turnConfigured = Boolean(config.TURN_URLS && config.TURN_SECRET);
  return {
    iceServers: createIceServerProvider(
      {
        stunUrls: config.STUN_URLS ?? [],
        turnUrls: config.TURN_URLS ?? [],
        turnSecret: config.TURN_SECRET,
        turnTtl: config.TURN_TTL,
      },
      clock,
    ),
    ...(turnConfigured ? { iceServersTtl: config.TURN_TTL } : {}),
    relayOnlyDefault: config.RELAY_ONLY,
    allowedOrigins: config.ALLOWED_ORIGINS ?? [],
    rateLimits: { connectionsPerAddress: config.MAX_CONNECTIONS_PER_IP },
    testOnlyTamperSdp: config.TEST_ONLY_TAMPER_SDP_FINGERPRINTS !== undefined,
  };
}

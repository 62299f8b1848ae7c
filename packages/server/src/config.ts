import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { testOnlySettingRefusal, testOnlySettings } from './security/test-only-sdp-tamper.js';
import { DEFAULT_NEARBY_MAX } from './socket/nearby.js';

/** A setting that cannot be used; the message names it so the operator knows what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

const boolFlag = z
  .enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['on', 'true', '1', 'yes'].includes(v));

const intInRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const hostSchema = z
  .string()
  .min(1)
  .refine((h) => isIP(h) !== 0 || /^[A-Za-z0-9.-]+$/.test(h), 'must be an IP address or a host name');

/** `TRUST_PROXY`: Express's setting — a hop count, `true`/`false`, or a list of addresses/subnets. */
const trustProxySchema = z.string().transform((v): boolean | number | string => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A comma-separated list whose every entry matches `pattern`. */
const urlList = (pattern: RegExp, what: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(z.string().regex(pattern, `each entry must be ${what}`)).min(1, `list at least one ${what}`),
    );

/** `turn:host[:port][?transport=udp|tcp]` and `turns:` (TURN over TLS). */
const TURN_URL = /^turns?:[^\s?,]+(\?transport=(udp|tcp))?$/;
const STUN_URL = /^stuns?:[^\s?,]+$/;
const ORIGIN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d+)?|https?:\/\/\[[0-9A-Fa-f:.]+\](:\d+)?)$/;

/** Settings whose values never appear in an error message (it may end up in a log). */
const SECRET_SETTINGS = new Set(['SESSION_SECRET', 'TURN_SECRET']);

const settings = {
  HOST: hostSchema.default('0.0.0.0'),
  PORT: intInRange(0, 65535).default(8443),
  TLS: boolFlag.default(true),
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  TRUST_PROXY: trustProxySchema.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  WEB_DIR: z.string().min(1).optional(),
  ROOM_CAPACITY: intInRange(2, 1000).default(32),
  /** How long a session token brings a peer back as the same person (seconds). */
  SESSION_TTL: intInRange(60, 30 * 24 * 3600).default(24 * 3600),
  /** HMAC key for session tokens; generated and kept in DATA_DIR when unset. Several nodes must share it. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Several nodes: rooms, presence and the relay are shared through this Redis. Unset: one node, in memory. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** This node's name in Redis, logs and metrics; unique per running process (a random suffix by default). */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 characters of A–Z a–z 0–9 _ . -')
    .optional(),
  /** Seconds after which the peers of a node that stopped heart-beating are removed (`presence:left` expired). */
  PRESENCE_TTL: intInRange(1, 3600).default(15),
  /** Seconds a SIGTERM/SIGINT waits for clients to move to another node before closing what is left. */
  SHUTDOWN_TIMEOUT: intInRange(0, 600).default(10),
  /** STUN servers for clients; none by default (a public one would learn every client's address). */
  STUN_URLS: urlList(STUN_URL, 'a stun: or stuns: URL').optional(),
  /** Your own TURN server (coturn): `turn:`/`turns:` URLs, UDP and TCP. Needs TURN_SECRET. */
  TURN_URLS: urlList(TURN_URL, 'a turn: or turns: URL (optionally ?transport=udp or tcp)').optional(),
  /** coturn's `static-auth-secret`: each peer gets a credential derived from it (TURN REST scheme). */
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Seconds a TURN credential stays valid; clients fetch fresh ones before it runs out. */
  TURN_TTL: intInRange(60, 7 * 24 * 3600).default(3600),
  /** Relay-only mode (no peer learns your IP address) for users who have not chosen themselves. */
  RELAY_ONLY: boolFlag.default(false),
  /** Other origins whose pages may use this server's socket.io (besides its own); `*` allows any. */
  ALLOWED_ORIGINS: urlList(ORIGIN, 'an origin such as https://example.org, or *').optional(),
  /** Nearby: browsers behind the same public address see each other on the home screen. */
  NEARBY: boolFlag.default(true),
  /** At most this many of the most recent devices per Nearby group (a carrier's NAT must not flood anyone). */
  NEARBY_MAX: intInRange(1, 1000).default(DEFAULT_NEARBY_MAX),
  /** Open socket.io connections per client address (per node). */
  MAX_CONNECTIONS_PER_IP: intInRange(1, 100_000).default(100),
  /** TEST ONLY (TEST_ONLY_TAMPER_SDP_FINGERPRINTS): security/test-only-sdp-tamper.ts, refused in production. */
  ...testOnlySettings,
} as const;

type Settings = { [K in keyof typeof settings]: z.output<(typeof settings)[K]> };

export interface Config extends Settings {
  /** Absolute data directory. */
  dataDir: string;
}

/** Parses and checks every setting in one place; throws a ConfigError naming the first bad one. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(settings)) {
    const raw = env[name];
    const result = (schema as z.ZodType).safeParse(raw === '' ? undefined : raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const got = SECRET_SETTINGS.has(name) ? `${raw?.length ?? 0} characters` : JSON.stringify(raw);
      throw new ConfigError(name, `${issue?.message ?? 'invalid value'} (got ${got})`);
    }
    out[name] = result.data;
  }
  const config = out as unknown as Settings;
  if (config.TLS && Boolean(config.TLS_CERT) !== Boolean(config.TLS_KEY)) {
    throw new ConfigError(
      config.TLS_CERT ? 'TLS_KEY' : 'TLS_CERT',
      'TLS_CERT and TLS_KEY must be given together',
    );
  }
  if (config.TRUST_PROXY !== undefined && config.TLS) {
    throw new ConfigError('TRUST_PROXY', 'only applies with TLS=off (behind a reverse proxy)');
  }
  checkIceSettings(config, env);
  return { ...config, dataDir: path.resolve(cwd, config.DATA_DIR) };
}

function checkIceSettings(config: Settings, env: NodeJS.ProcessEnv): void {
  if (config.TURN_URLS && !config.TURN_SECRET) {
    throw new ConfigError('TURN_SECRET', 'TURN_URLS needs TURN_SECRET (coturn static-auth-secret)');
  }
  if (config.TURN_SECRET && !config.TURN_URLS) {
    throw new ConfigError('TURN_URLS', 'TURN_SECRET is set but no TURN_URLS to use it with');
  }
  if (config.RELAY_ONLY && !config.TURN_URLS) {
    throw new ConfigError('RELAY_ONLY', 'needs a TURN server (TURN_URLS): without one nobody could connect');
  }
  const refusal = testOnlySettingRefusal(config.TEST_ONLY_TAMPER_SDP_FINGERPRINTS, env);
  if (refusal) throw new ConfigError(refusal.setting, refusal.message);
}

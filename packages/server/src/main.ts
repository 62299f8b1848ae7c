import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname, networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomId } from '@kopru/protocol';
import { pino } from 'pino';
import { createApp } from './app.js';
import { createRedisCluster } from './cluster/redis-cluster.js';
import { ConfigError, loadConfig } from './config.js';
import { createMetrics } from './ops/metrics.js';
import { Readiness } from './ops/readiness.js';
import { drainAndClose } from './ops/shutdown.js';
import { DrainingPresenceStore } from './presence/draining-store.js';
import { MemoryPresenceStore } from './presence/memory-store.js';
import { loadSessionSecret } from './secret.js';
import { LOG_REDACT_PATHS, securityDeps } from './security/from-config.js';
import { loadTls } from './tls.js';

/** Room ids are 16 random URL-safe characters: 96 bits, unguessable yet short enough to read out. */
const ROOM_ID_LENGTH = 16;
/**
 * While shutting down, a departing client's presence is kept this long so that it can resume on another
 * node first and its peers never see it leave. Clients spread their reconnects over a second
 * (SHUTDOWN_RECONNECT_SPREAD_MS in the client); a WebSocket handshake plus a join takes ~10 ms on loopback.
 */
const SHUTDOWN_REJOIN_GRACE_MS = 3_000;

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'kopru' }, redact: LOG_REDACT_PATHS });
  const tls = config.TLS
    ? await loadTls({ certFile: config.TLS_CERT, keyFile: config.TLS_KEY, dataDir: config.dataDir })
    : undefined;
  const sessionSecret = await loadSessionSecret(config.dataDir, config.SESSION_SECRET);
  const httpServer = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : createHttpServer();

  const nodeId = config.NODE_ID ?? `${hostname()}-${randomId(6)}`;
  const readiness = new Readiness();
  const cluster = config.REDIS_URL
    ? createRedisCluster({
        url: config.REDIS_URL,
        nodeId,
        ttlMs: config.PRESENCE_TTL * 1000,
        readiness,
        logger: logger.child({ node: nodeId }),
      })
    : undefined;
  const clock = { now: () => Date.now() };
  const presence = new DrainingPresenceStore(
    cluster?.presence ?? new MemoryPresenceStore(),
    SHUTDOWN_REJOIN_GRACE_MS,
  );
  const app = createApp(
    httpServer,
    {
      presence,
      clock,
      ids: { peerId: () => randomId(), roomId: () => randomId(ROOM_ID_LENGTH) },
      logger,
      sessionSecret,
      sessionTtlMs: config.SESSION_TTL * 1000,
      roomCapacity: config.ROOM_CAPACITY,
      nearby: { enabled: config.NEARBY, max: config.NEARBY_MAX },
      ...securityDeps(config, clock),
      // Several nodes: passwords and per-address limits must hold whichever node a client reaches.
      ...(cluster ? { roomAccess: cluster.roomAccess, rateLimitStore: cluster.rateLimitStore } : {}),
      webDir: config.WEB_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
      // Browsers refuse a service worker behind a certificate they do not trust (and say so in the
      // console): with its own self-signed one the server tells the page not to try.
      serviceWorker: tls === undefined || tls.source === 'files',
      trustProxy: config.TRUST_PROXY,
    },
    {
      ...(cluster ? { adapter: cluster.adapter, websocketOnly: true } : {}),
      readiness,
      metrics: createMetrics({ node: nodeId }),
    },
  );
  cluster?.attach(app.io);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const scheme = tls ? 'https' : 'http';
  const hosts = ['localhost', ...(config.HOST === '0.0.0.0' || config.HOST === '::' ? lanAddresses() : [])];
  logger.info(
    { port, tls: tls?.source ?? 'off', node: nodeId, presence: cluster ? 'redis' : 'memory' },
    'Köprü is listening',
  );
  // Plain lines too, so a person starting it sees where to go.
  process.stdout.write(
    `\nKöprü is running:\n${hosts.map((h) => `  ${scheme}://${h}:${port}/`).join('\n')}\n\n`,
  );
  if (tls?.source !== 'files' && tls) {
    process.stdout.write('  (self-signed certificate: your browser will ask you to accept it once)\n\n');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    drainAndClose({
      httpServer,
      app,
      presence,
      ...(cluster ? { cluster } : {}),
      timeoutMs: config.SHUTDOWN_TIMEOUT * 1000,
      logger,
    }).then(
      () => {
        logger.info('shut down');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Köprü cannot start: setting ${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`Köprü cannot start: PORT is already in use (${(error as Error).message})\n`);
  } else {
    process.stderr.write(`Köprü cannot start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
});

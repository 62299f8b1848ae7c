import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomId } from '@kopru/protocol';
import { pino } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { MemoryPresenceStore } from './presence/memory-store.js';
import { loadSessionSecret } from './secret.js';
import { loadTls } from './tls.js';

/** Room ids are 16 random URL-safe characters: 96 bits, unguessable yet short enough to read out. */
const ROOM_ID_LENGTH = 16;

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'kopru' } });
  const tls = config.TLS
    ? await loadTls({ certFile: config.TLS_CERT, keyFile: config.TLS_KEY, dataDir: config.dataDir })
    : undefined;
  const sessionSecret = await loadSessionSecret(config.dataDir, config.SESSION_SECRET);
  const httpServer = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }) : createHttpServer();

  const app = createApp(httpServer, {
    presence: new MemoryPresenceStore(),
    clock: { now: () => Date.now() },
    ids: { peerId: () => randomId(), roomId: () => randomId(ROOM_ID_LENGTH) },
    logger,
    sessionSecret,
    sessionTtlMs: config.SESSION_TTL * 1000,
    roomCapacity: config.ROOM_CAPACITY,
    iceServers: () => [],
    webDir: config.WEB_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url)),
    trustProxy: config.TRUST_PROXY,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const scheme = tls ? 'https' : 'http';
  const hosts = ['localhost', ...(config.HOST === '0.0.0.0' || config.HOST === '::' ? lanAddresses() : [])];
  logger.info({ port, tls: tls?.source ?? 'off' }, 'Köprü is listening');
  // Plain lines too, so a person starting it sees where to go.
  process.stdout.write(
    `\nKöprü is running:\n${hosts.map((h) => `  ${scheme}://${h}:${port}/`).join('\n')}\n\n`,
  );
  if (tls?.source !== 'files' && tls) {
    process.stdout.write('  (self-signed certificate: your browser will ask you to accept it once)\n\n');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
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

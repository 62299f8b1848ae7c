import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import type { KopruApp } from '../app.js';
import type { DrainingPresenceStore } from '../presence/draining-store.js';

export interface ShutdownOptions {
  httpServer: HttpServer | HttpsServer;
  app: KopruApp;
  presence: DrainingPresenceStore;
  /** Several nodes: removes what this node still owns from Redis, then closes the connections. */
  cluster?: { retire(): Promise<void>; close(): Promise<void> };
  /** Upper bound for the drain; what is left then is closed. */
  timeoutMs: number;
  logger: Logger;
}

/** How often the drain checks whether every client has left (cheap: one integer read). */
const DRAIN_POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `done()` holds or at `deadline`, whichever is first; true when `done()` held. */
async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(DRAIN_POLL_MS, deadline - Date.now()));
  }
  return true;
}

/**
 * Graceful shutdown (SIGTERM/SIGINT): stop accepting connections and report not ready, tell every client
 * to reconnect (`session:ended` with reason `shutdown`: behind a load balancer they land on another node
 * and resume as the same peer), wait for them to go, within `timeoutMs`, then close what is left.
 */
export async function drainAndClose(opts: ShutdownOptions): Promise<void> {
  const { app, logger } = opts;
  const deadline = Date.now() + opts.timeoutMs;
  app.readiness.block('shutting-down');
  opts.presence.startDraining();
  opts.httpServer.close();
  opts.httpServer.closeIdleConnections();
  const clients = app.io.engine.clientsCount;
  logger.info({ clients, timeoutMs: opts.timeoutMs }, 'shutting down: telling clients to reconnect');
  app.io.local.emit('session:ended', {
    reason: 'shutdown',
    message: 'this server is shutting down; reconnecting to another one',
  });

  const drained = await waitUntil(() => app.io.engine.clientsCount === 0, deadline);
  let leavesDone = false;
  void opts.presence.settled().then(() => {
    leavesDone = true;
  });
  await waitUntil(() => leavesDone, deadline);
  // Time is up for whoever is still waiting: remove now rather than leave ghosts behind.
  await opts.presence.flush();
  await opts.cluster?.retire();
  logger.info({ drained, left: app.io.engine.clientsCount }, 'drain finished; closing');
  await app.close();
  opts.httpServer.closeAllConnections();
  await opts.cluster?.close();
}

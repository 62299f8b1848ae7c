import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { LIMITS } from '@kopru/protocol';
import type { Express } from 'express';
import { Server, type ServerOptions } from 'socket.io';
import type { AppDeps } from './deps.js';
import { createOpsRouter, requestIds } from './http/ops-routes.js';
import { createHttpApp } from './http/routes.js';
import { createMetrics, type ServerMetrics } from './ops/metrics.js';
import { Readiness } from './ops/readiness.js';
import { createSecurity } from './security/install.js';
import { createRoomHandlers } from './socket/room-handlers.js';
import type { KopruServer } from './socket/types.js';

export interface KopruApp {
  http: Express;
  io: KopruServer;
  metrics: ServerMetrics;
  readiness: Readiness;
  /** Closes socket.io (and with it every connection). Idempotent. */
  close(): Promise<void>;
}

/** How this node runs among others (all optional: one node on its own needs none of it). */
export interface AppOptions {
  /** socket.io adapter factory: the Redis streams adapter when several nodes share rooms. */
  adapter?: ServerOptions['adapter'];
  /** Accept WebSocket only: with several nodes, HTTP long-polling would need sticky sessions. */
  websocketOnly?: boolean;
  readiness?: Readiness;
  metrics?: ServerMetrics;
}

/**
 * The composition root: builds the HTTP app and the socket.io server from injected parts and attaches
 * both to `httpServer` (HTTPS in production, plain HTTP behind a proxy or in tests).
 */
export function createApp(
  httpServer: HttpServer | HttpsServer,
  deps: AppDeps,
  options: AppOptions = {},
): KopruApp {
  const startedAt = deps.clock.now();
  const readiness = options.readiness ?? new Readiness();
  const metrics = options.metrics ?? createMetrics({ node: 'single' });
  const http = createHttpApp(deps, startedAt, [requestIds(deps.logger), createOpsRouter(metrics, readiness)]);
  httpServer.on('request', http);

  const io: KopruServer = new Server(httpServer, {
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    // WebSocket first; polling stays as a fallback for networks that block WebSockets.
    transports: options.websocketOnly ? ['websocket'] : ['websocket', 'polling'],
    serveClient: false,
    ...(options.adapter ? { adapter: options.adapter } : {}),
    // A node that is not ready (Redis unreachable, shutting down) refuses new connections at the
    // handshake, which socket.io clients retry with backoff (a namespace middleware refusal they would not).
    allowRequest: (_req, callback) => callback(readiness.ready ? null : 'not ready', readiness.ready),
  });
  // engine.io refuses a WebSocket upgrade with 400 whatever the reason; answer 503 first, which a load
  // balancer understands as "try another node" (nginx: proxy_next_upstream http_503).
  httpServer.prependListener('upgrade', (req, socket) => {
    if (readiness.ready || !req.url?.startsWith('/socket.io/')) return;
    socket.end(
      'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n',
    );
  });
  const counted: AppDeps = {
    ...deps,
    iceServers: (peerId) => {
      const servers = deps.iceServers(peerId);
      metrics.countIceServers(servers);
      return servers;
    },
  };
  // Origin and per-address checks, event rate limits and payload caps, room passwords (security/).
  const security = createSecurity(io, counted, (code) => {
    metrics.errors.inc({ code });
    if (code === 'RATE_LIMITED') metrics.rateLimited.inc();
  });
  const register = createRoomHandlers(io, counted, {
    admit: security.admit,
    admitNearby: security.admitNearby,
    addressOf: security.connections.addressOf,
    onError: (code) => {
      metrics.errors.inc({ code });
      if (code === 'RATE_LIMITED') metrics.rateLimited.inc();
    },
    onJoined: (outcome) => metrics.joins.inc({ outcome }),
    onRelayed: () => metrics.relays.inc(),
  });
  io.on('connection', (socket) => {
    // Guards first: socket middlewares run in the order they are added, before any handler.
    security.guard(socket);
    register(socket);
    security.registerHandlers(socket);
  });
  metrics.observe({
    connectedClients: () => io.engine.clientsCount,
    rooms: () => deps.presence.roomCount(),
    ready: () => readiness.ready,
  });

  let closing: Promise<void> | undefined;
  return {
    http,
    io,
    metrics,
    readiness,
    close() {
      closing ??= new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      return closing;
    },
  };
}

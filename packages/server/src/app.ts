import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { LIMITS } from '@kopru/protocol';
import type { Express } from 'express';
import { Server } from 'socket.io';
import type { AppDeps } from './deps.js';
import { createHttpApp } from './http/routes.js';
import { createRoomHandlers } from './socket/room-handlers.js';
import type { KopruServer } from './socket/types.js';

export interface KopruApp {
  http: Express;
  io: KopruServer;
  /** Closes socket.io (and with it every connection). Idempotent. */
  close(): Promise<void>;
}

/**
 * The composition root: builds the HTTP app and the socket.io server from injected parts and attaches
 * both to `httpServer` (HTTPS in production, plain HTTP behind a proxy or in tests).
 */
export function createApp(httpServer: HttpServer | HttpsServer, deps: AppDeps): KopruApp {
  const startedAt = deps.clock.now();
  const http = createHttpApp(deps, startedAt);
  httpServer.on('request', http);

  const io: KopruServer = new Server(httpServer, {
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    // WebSocket first; polling stays as a fallback for networks that block WebSockets.
    transports: ['websocket', 'polling'],
    serveClient: false,
  });
  const register = createRoomHandlers(io, deps);
  io.on('connection', register);

  let closing: Promise<void> | undefined;
  return {
    http,
    io,
    close() {
      closing ??= new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
      return closing;
    },
  };
}

import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '@kopru/protocol';
import type { Logger } from 'pino';
import type { KopruServer, KopruSocket } from '../socket/types.js';
import { clientAddress, compileTrust, type TrustProxy } from './client-address.js';

export interface ConnectionGuardOptions {
  /** Origins allowed besides the server's own (`ALLOWED_ORIGINS`); `*` allows any. */
  allowedOrigins: readonly string[];
  trustProxy: TrustProxy;
  maxConnectionsPerAddress: number;
  logger: Logger;
}

export interface ConnectionGuard {
  /** The client address of a connection (behind trusted proxies: the forwarded one). */
  addressOf(socket: KopruSocket): string;
  /** Open connections from an address on this node. */
  openFrom(address: string): number;
}

/** An error socket.io hands to the client's `connect_error` with `data: { code, message }`. */
function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code, message } });
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * A browser always sends `Origin` on a WebSocket or a cross-site request. The page we serve connects from
 * our own host; another site's page must not use a visitor's browser to join rooms (cross-site WebSocket
 * hijacking). Clients that are not browsers send no `Origin` and are not affected (they could forge it).
 */
export function originAllowed(
  origin: string | undefined,
  headers: IncomingHttpHeaders,
  allowed: readonly string[],
  trustForwardedHost: boolean,
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  const host = hostOf(origin);
  if (!host) return false;
  const forwarded = headers['x-forwarded-host'];
  const forwardedHost = Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0]?.trim();
  return host === headers.host || (trustForwardedHost && host === forwardedHost);
}

/**
 * Checks every new socket.io connection before it is accepted: its `Origin`, and how many connections its
 * address already holds on this node (each costs memory and a heartbeat).
 */
export function installConnectionGuard(io: KopruServer, opts: ConnectionGuardOptions): ConnectionGuard {
  const trusted = compileTrust(opts.trustProxy);
  const open = new Map<string, number>();
  const addresses = new WeakMap<KopruSocket, string>();
  const addressOf = (socket: KopruSocket): string => {
    let address = addresses.get(socket);
    if (address === undefined) {
      const req = socket.request;
      address = clientAddress(req.socket?.remoteAddress, req.headers['x-forwarded-for'], trusted);
      addresses.set(socket, address);
    }
    return address;
  };

  io.use((socket, next) => {
    const headers = socket.request.headers;
    if (!originAllowed(headers.origin, headers, opts.allowedOrigins, opts.trustProxy !== undefined)) {
      opts.logger.warn({ origin: headers.origin }, 'connection refused: origin not allowed');
      next(refusal('ORIGIN_NOT_ALLOWED', 'this page may not connect to this server'));
      return;
    }
    const address = addressOf(socket);
    const count = open.get(address) ?? 0;
    if (count >= opts.maxConnectionsPerAddress) {
      opts.logger.warn({ address, count }, 'connection refused: too many from one address');
      next(refusal('TOO_MANY_CONNECTIONS', 'too many connections from your address; close some tabs'));
      return;
    }
    next();
  });
  // Counted once connected, not in the middleware: a later middleware may still refuse the socket, and a
  // refused socket never emits `disconnect`.
  io.on('connection', (socket) => {
    const address = addressOf(socket);
    open.set(address, (open.get(address) ?? 0) + 1);
    socket.once('disconnect', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });

  return { addressOf, openFrom: (address) => open.get(address) ?? 0 };
}

import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { Readiness } from '../ops/readiness.js';
import { RedisPresenceStore } from '../presence/redis-store.js';
import { type KopruServer, roomChannel } from '../socket/types.js';
import { NodeLiveness } from './node-liveness.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
import { RedisRoomAccessStore } from './redis-room-access-store.js';

export interface RedisClusterOptions {
  url: string;
  nodeId: string;
  /** Presence TTL: how long a silent node's peers stay before they are expired. */
  ttlMs: number;
  readiness: Readiness;
  logger: Logger;
  /** Prefix of every key, stream and channel, so deployments (or tests) can share one Redis. */
  prefix?: string;
}

/** What `main.ts` plugs into `createApp` and drives at shutdown. */
export interface RedisCluster {
  presence: RedisPresenceStore;
  roomAccess: RedisRoomAccessStore;
  rateLimitStore: RedisRateLimitStore;
  /** The socket.io adapter factory (`new Server(…, { adapter })`). */
  adapter: ReturnType<typeof createAdapter>;
  /** Starts heart-beating, sweeping and outage handling for this socket.io server. */
  attach(io: KopruServer): void;
  /** Stops heart-beating and removes the peers this node still owns, telling their rooms. Idempotent. */
  retire(): Promise<void>;
  /** Closes the Redis connections (after socket.io has closed). Idempotent. */
  close(): Promise<void>;
}

/** Reconnect quickly after a blip, then every 2 s: Redis restarts take about a second here. */
const reconnectStrategy = (retries: number): number => Math.min(100 * 2 ** retries, 2_000);
/**
 * Stream length kept for the adapter. The stream is only a buffer between nodes (each reads from where it
 * stopped); 10,000 entries is minutes of signaling even at benchmark rates, and a few MB of Redis memory.
 */
const ADAPTER_STREAM_MAX_LEN = 10_000;

/**
 * Several nodes on one Redis: presence, room protection and per-address rate limits in Redis, and the
 * socket.io Redis *streams* adapter (a node that loses Redis for a while
 * resumes reading the stream where it stopped, instead of silently missing broadcasts as plain pub/sub
 * would) and the Redis presence store. Two connections: the adapter's keeps an offline queue (its reader
 * blocks there during an outage instead of spinning); the presence one fails fast, so a request during an
 * outage is answered at once instead of hanging.
 */
export function createRedisCluster(opts: RedisClusterOptions): RedisCluster {
  const prefix = opts.prefix ?? 'kopru:';
  const log = opts.logger.child({ component: 'redis' });
  const adapterClient = createClient({ url: opts.url, socket: { reconnectStrategy } });
  const presenceClient = createClient({
    url: opts.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy },
  });
  let liveness: NodeLiveness | undefined;
  const presence = new RedisPresenceStore(presenceClient, {
    nodeId: opts.nodeId,
    prefix,
    onFailedLeave: (error) => {
      log.debug({ err: error }, 'presence leave failed; will reconcile');
      liveness?.handleFailedLeave();
    },
  });

  const bothReady = (): boolean => adapterClient.isReady && presenceClient.isReady;
  for (const client of [adapterClient, presenceClient]) {
    // node-redis reports every failed reconnect attempt; the outage itself is logged once by NodeLiveness.
    client.on('error', (error: Error) => log.debug({ err: error }, 'redis connection error'));
    client.on('ready', () => {
      if (bothReady()) liveness?.handleRedisUp();
    });
    client.on('reconnecting', () => liveness?.handleRedisDown());
    client.on('end', () => liveness?.handleRedisDown());
  }

  const adapter = createAdapter(adapterClient, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    maxLen: ADAPTER_STREAM_MAX_LEN,
    // Every payload is JSON (zod-checked objects): skip the per-message scan for binary data.
    onlyPlaintext: true,
  });

  let retired: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  let io: KopruServer | undefined;
  const announceLeft = (entry: { roomId: string; peerId: string }, reason: 'expired' | 'disconnected') =>
    io?.to(roomChannel(entry.roomId)).emit('presence:left', { peerId: entry.peerId, reason });

  return {
    presence,
    roomAccess: new RedisRoomAccessStore(presenceClient, prefix),
    rateLimitStore: new RedisRateLimitStore(presenceClient, prefix),
    adapter,
    attach(server) {
      io = server;
      liveness = new NodeLiveness({
        store: presence,
        ttlMs: opts.ttlMs,
        readiness: opts.readiness,
        logger: log,
        announceLeft,
        isLocalConnection: (id) => server.sockets.sockets.has(id),
        dropLocalClients: (why) => {
          log.info({ why, clients: server.sockets.sockets.size }, 'closing client connections');
          // Closing the transport (not a server-side disconnect) makes socket.io clients retry with their
          // randomized backoff, so thousands of them do not come back in the same millisecond.
          for (const socket of server.sockets.sockets.values()) socket.conn.close();
        },
      });
      liveness.start();
      for (const client of [adapterClient, presenceClient]) {
        client.connect().catch((error: unknown) => log.warn({ err: error }, 'redis connect failed'));
      }
    },
    retire() {
      retired ??= (async () => {
        liveness?.stop();
        if (!presenceClient.isReady) return;
        try {
          for (const entry of await presence.retire()) announceLeft(entry, 'disconnected');
        } catch (error) {
          log.warn({ err: error }, 'could not retire this node from presence; the others will expire it');
        }
      })();
      return retired;
    },
    close() {
      closed ??= (async () => {
        liveness?.stop();
        await Promise.allSettled(
          // close() lets queued commands finish; a client still trying to reconnect has nothing to finish.
          [adapterClient, presenceClient].map(async (c) => {
            if (c.isReady) await c.close();
            else if (c.isOpen) c.destroy();
          }),
        );
      })();
      return closed;
    },
  };
}

import type { IceServer } from '@kopru/protocol';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** What the server reports at `GET /metrics` (Prometheus text format). One registry per app. */
export interface ServerMetrics {
  registry: Registry;
  joins: Counter<'outcome'>;
  relays: Counter;
  errors: Counter<'code'>;
  rateLimited: Counter;
  turnCredentials: Counter;
  /** Values read at scrape time (connected clients, rooms, readiness). */
  observe(sources: MetricSources): void;
  /** Counts the TURN credentials in an ICE server list handed to a peer. */
  countIceServers(servers: readonly IceServer[]): void;
}

export interface MetricSources {
  connectedClients: () => number;
  rooms: () => Promise<number>;
  ready: () => boolean;
}

/**
 * Builds the metrics. `processMetrics` adds prom-client's defaults: CPU, memory, file descriptors, GC and
 * event-loop lag (`nodejs_eventloop_lag_seconds`, plus its percentiles), prefixed as prom-client does.
 */
export function createMetrics(labels: { node: string }, processMetrics = true): ServerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  if (processMetrics) collectDefaultMetrics({ register: registry });
  let sources: MetricSources | undefined;

  new Gauge({
    name: 'kopru_connected_clients',
    help: 'socket.io connections open on this node',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.connectedClients());
    },
  });
  new Gauge({
    name: 'kopru_rooms',
    help: 'Rooms with at least one peer (all nodes sharing the presence store)',
    registers: [registry],
    async collect() {
      if (sources) this.set(await sources.rooms().catch(() => Number.NaN));
    },
  });
  new Gauge({
    name: 'kopru_ready',
    help: '1 when this node accepts new clients (see /readyz), 0 otherwise',
    registers: [registry],
    collect() {
      if (sources) this.set(sources.ready() ? 1 : 0);
    },
  });
  const turnCredentials = new Counter({
    name: 'kopru_turn_credentials_issued_total',
    help: 'TURN credentials handed to peers',
    registers: [registry],
  });
  return {
    registry,
    joins: new Counter({
      name: 'kopru_joins_total',
      help: 'Successful room joins, new or resumed',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    relays: new Counter({
      name: 'kopru_signals_relayed_total',
      help: 'Signals relayed between peers (rate() gives relays per second)',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'kopru_request_errors_total',
      help: 'Requests answered with an error, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'kopru_rate_limited_total',
      help: 'Requests refused by a rate limit',
      registers: [registry],
    }),
    turnCredentials,
    observe(s) {
      sources = s;
    },
    countIceServers(servers) {
      const withCredentials = servers.filter((s) => 'credential' in s && s.credential !== undefined);
      if (withCredentials.length > 0) turnCredentials.inc(withCredentials.length);
    },
  };
}

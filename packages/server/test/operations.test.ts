import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/ops/metrics.js';
import { closeAll, connectClient, expectError, newRoomId, startServer } from './support/harness.js';

afterEach(closeAll);

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('GET /metrics', () => {
  it('counts joins, relays, errors and TURN credentials, and reports connections and rooms', async () => {
    const server = await startServer({
      iceServers: () => [
        { urls: 'stun:stun.example.test:3478' },
        { urls: 'turn:turn.example.test:3478', username: '1:x', credential: 'secret' },
      ],
    });
    const roomId = newRoomId();
    const alice = await server.connect();
    const bob = await server.connect();
    await alice.join(roomId, 'Alice');
    const bobPeerId = (await bob.join(roomId, 'Bob')).self.peerId;
    await alice.request('signal', { to: bobPeerId, data: { kind: 'reset', epoch: 1 } });
    await alice.request('signal', { to: bobPeerId, data: { kind: 'reset', epoch: 2 } });
    expectError(
      await alice.request('signal', { to: 'B'.repeat(22), data: { kind: 'reset', epoch: 3 } }),
      'PEER_NOT_FOUND',
    );

    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();

    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(sample(text, 'kopru_joins_total', 'outcome="joined"')).toBe(2);
    expect(sample(text, 'kopru_signals_relayed_total')).toBe(2);
    expect(sample(text, 'kopru_request_errors_total', 'code="PEER_NOT_FOUND"')).toBe(1);
    expect(sample(text, 'kopru_turn_credentials_issued_total')).toBe(2);
    expect(sample(text, 'kopru_connected_clients')).toBe(2);
    expect(sample(text, 'kopru_rooms')).toBe(1);
    expect(sample(text, 'kopru_ready')).toBe(1);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

/** Status of a bare WebSocket upgrade request to socket.io (101 when it would be accepted). */
function upgradeStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/socket.io/?EIO=4&transport=websocket',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /readyz', () => {
  it('is 200 when ready; 503 with the reasons, and new connections refused, when not', async () => {
    const server = await startServer();
    const ready = await fetch(`${server.url}/readyz`);
    const connected = await server.connect();
    const { app } = server;
    // The harness builds the app itself; block its own readiness object.
    app.readiness.block('shutting-down');
    const notReady = await fetch(`${server.url}/readyz`);
    const health = await fetch(`${server.url}/healthz`);

    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not-ready', reasons: ['shutting-down'] });
    expect(health.status).toBe(200); // alive, just not taking new clients
    await expect(connectClient(server.url)).rejects.toThrow();
    expect(await upgradeStatus(server.port)).toBe(503); // a load balancer's cue to try another node
    expect(connected.socket.connected).toBe(true); // those already here stay
    app.readiness.unblock('shutting-down');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await connectClient(server.url)).socket.connected).toBe(true);
    expect(await upgradeStatus(server.port)).toBe(101);
  });
});

describe('request ids', () => {
  it('echoes a well-formed X-Request-Id from a proxy and makes one otherwise', async () => {
    const server = await startServer();
    const given = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'abc123def456' } });
    const made = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'bad id <script>' } });

    expect(given.headers.get('x-request-id')).toBe('abc123def456');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('createMetrics', () => {
  it('keeps each registry separate (two apps in one process do not share counters)', async () => {
    const a = createMetrics({ node: 'a' }, false);
    const b = createMetrics({ node: 'b' }, false);
    a.relays.inc(3);

    expect(sample(await a.registry.metrics(), 'kopru_signals_relayed_total')).toBe(3);
    expect(sample(await b.registry.metrics(), 'kopru_signals_relayed_total')).toBe(0);
  });
});

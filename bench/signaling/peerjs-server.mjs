// @ts-check
/**
 * PeerJS's own signaling server (npm `peer`), the baseline: started in a process of its own, like ours,
 * on a loopback port. Its default limit of 5,000 concurrent clients is raised to the benchmark's count.
 */
import { PeerServer } from 'peer';

const port = Number(process.env.PORT);
const limit = Number(process.env.CONCURRENT_LIMIT ?? 100_000);
const server = PeerServer(
  {
    host: '127.0.0.1',
    port,
    path: '/',
    key: 'peerjs',
    concurrent_limit: limit,
    // The benchmark's clients send no heartbeats; keep them for the whole run.
    alive_timeout: 10 * 60_000,
    proxied: true,
  },
  () => process.send?.({ type: 'listening', port }),
);
server.on('error', (error) => process.send?.({ type: 'error', message: String(error) }));

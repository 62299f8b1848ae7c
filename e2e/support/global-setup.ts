import { E2E_PORT } from './env.js';
import { startServer } from './server-process.js';

/** One server for the whole run; tests that restart a server start their own on another port. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startServer({ port: E2E_PORT });
  return () => server.stop();
}

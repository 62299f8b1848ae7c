/** The shared test server (started once by global-setup) listens here, on loopback only. */
export const E2E_PORT = Number(process.env.KOPRU_E2E_PORT ?? 18443);
export const E2E_BASE_URL = `https://127.0.0.1:${E2E_PORT}`;

/**
 * coturn for the relay tests, on this run's own ports so that parallel runs do not collide:
 * `KOPRU_E2E_TURN_PORT`, and `KOPRU_E2E_RELAY_PORTS=min-max` for its relay ports (default: 100 ports at
 * E2E port + 30,000).
 */
export const E2E_TURN_PORT = Number(process.env.KOPRU_E2E_TURN_PORT ?? E2E_PORT + 35);
export const E2E_RELAY_PORTS = portRange(
  process.env.KOPRU_E2E_RELAY_PORTS ?? `${E2E_PORT + 30_000}-${E2E_PORT + 30_099}`,
);

function portRange(range: string): { min: number; max: number } {
  const [min, max] = range.split('-').map(Number);
  if (!min || !max || min > max) throw new Error(`KOPRU_E2E_RELAY_PORTS must be min-max, not ${range}`);
  return { min, max };
}

/** What headless Debian Chromium needs on these machines (the flags, each with why, are in that file). */
export { CHROMIUM_ARGS } from './chromium-args.mjs';

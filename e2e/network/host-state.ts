import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_PORT } from '../support/env.js';

/** Where preflight keeps the host's network state for host-check to compare (per e2e port). */
const SNAPSHOT = path.resolve(import.meta.dirname, `../../test-results/${E2E_PORT}-network-host.txt`);

export function saveHostSnapshot(state: string): void {
  mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
  writeFileSync(SNAPSHOT, state);
}

export const savedHostSnapshot = (): string => readFileSync(SNAPSHOT, 'utf8');

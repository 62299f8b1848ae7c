import { defineConfig } from '@playwright/test';
import { E2E_PORT } from './e2e/support/env.js';

/**
 * The network lab (e2e/network, docs/network-lab.md): browsers in Linux network namespaces behind NATs,
 * firewalls and lossy routers. Needs root, `ip` and `iptables`; `preflight` refuses to run without them
 * and removes leftovers of an earlier run; `host-check` proves the host's own routes and rules are as
 * they were.
 */
export default defineConfig({
  testDir: 'e2e/network',
  // Scenarios in different files build separate labs (no shared namespace) and run side by side: two at a
  // time is what two cores hold with two or three browsers each.
  workers: Number(process.env.KOPRU_LAB_WORKERS ?? 2),
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: `test-results/${E2E_PORT}-network`,
  use: {
    ignoreHTTPSErrors: true,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'preflight', testMatch: 'preflight.setup.ts', teardown: 'host-check' },
    { name: 'host-check', testMatch: 'host-check.teardown.ts' },
    { name: 'lab', testMatch: '**/*.spec.ts', dependencies: ['preflight'] },
  ],
});

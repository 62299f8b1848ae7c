import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, E2E_BASE_URL, E2E_PORT } from './e2e/support/env.js';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // The network lab has its own configuration (playwright.network.config.ts, `npm run test:network`).
  testIgnore: 'network/**',
  // Two cores: one test at a time, each with two or three browser contexts, is what this machine holds.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  // Per port, so that two runs on one machine (each with its own KOPRU_E2E_PORT) never delete each
  // other's traces.
  outputDir: `test-results/${E2E_PORT}`,
  globalSetup: './e2e/support/global-setup.ts',
  use: {
    baseURL: E2E_BASE_URL,
    ignoreHTTPSErrors: true,
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
});

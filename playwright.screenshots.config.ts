import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

/** `npm run screenshots`: drives the real app and writes docs/images/*.png (not part of `npm test`). */
export default defineConfig({
  ...base,
  testDir: 'e2e/screenshots',
  testMatch: '**/*.shots.ts',
  timeout: 120_000,
});

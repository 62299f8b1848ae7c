#!/usr/bin/env node
// `npm run size`: the gzipped JavaScript of the built web app (packages/web/dist), split into what the
// first screen loads (the entry script and every chunk it imports statically, as index.html and the
// module preloads name them) and what loads later (the call stage, stats charts, QR code, security
// details, the transfer worker). Fails when the first screen is over budget.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget: what a phone on a slow link downloads before anything shows. */
const FIRST_SCREEN_BUDGET = 150 * 1000;

const dist = path.resolve(import.meta.dirname, '../packages/web/dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

// The entry and its static imports, transitively: what the browser fetches for the first screen.
const first = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || first.has(chunk.file)) return;
  first.add(chunk.file);
  for (const next of chunk.imports ?? []) visit(next);
};
for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
const later = new Set(
  Object.values(manifest)
    .map((chunk) => chunk.file)
    .filter((file) => file.endsWith('.js') && !first.has(file)),
);

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const table = (title, files) => {
  let total = 0;
  console.log(title);
  for (const file of [...files].sort()) {
    const size = gz(file);
    total += size;
    console.log(`  ${kB(size).padStart(9)}  ${file}`);
  }
  console.log(`  ${kB(total).padStart(9)}  total`);
  return total;
};
const firstTotal = table('First screen (gzipped JavaScript):', first);
table('Loaded when first used:', later);
if (firstTotal > FIRST_SCREEN_BUDGET) {
  console.error(
    `Over budget: the first screen needs ${kB(firstTotal)}, the budget is ${kB(FIRST_SCREEN_BUDGET)}.`,
  );
  process.exit(1);
}
console.log(`Within budget (${kB(FIRST_SCREEN_BUDGET)}).`);
